"""Writes for meetings: every entry path (admin, demo loader, commands) goes through these."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from committee.models import Committee
from meetings import followthrough, speakers
from meetings.models import Action, AgendaItem, Attendance, Document, Meeting, MinuteItem, MinuteSpeaker, PublicationNotice, Resolution

# The standing items every summons carries, with the council's own wording (seeds 000, 002, 003).
STANDARD_AGENDA = {
    "opening": [
        (AgendaItem.Kind.APOLOGIES, "APOLOGIES FOR ABSENCE", ""),
        (
            AgendaItem.Kind.DECLARATIONS,
            "DECLARATIONS OF INTEREST",
            "Members of Cabinet are asked to consider whether they have an interest in any of the matters of the "
            "Agenda and, if so, to formally declare that interest.",
        ),
        (AgendaItem.Kind.MINUTES, "MINUTES", ""),
        (
            AgendaItem.Kind.PUBLIC_QUESTIONS,
            "PUBLIC QUESTIONS",
            "A period of 30 minutes has been set aside for members of the public to ask questions on the agenda for tonight’s meeting.",
        ),
        (
            AgendaItem.Kind.MEMBER_QUESTIONS,
            "MEMBER QUESTIONS",
            "A period of up to 15 minutes will be allocated for questions and supplementary questions from members of "
            "the Council who are not members of the committee. This period may be varied at the discretion of the chair.",
        ),
    ],
    "closing": [
        (
            AgendaItem.Kind.URGENT_BUSINESS,
            "URGENT BUSINESS",
            "Any other business which by reason of special circumstances the Chair agrees may be considered as a matter of urgency.",
        ),
    ],
}


def next_minute_number(*, meeting: Meeting) -> int:
    """The number the next minute of `meeting` should take, per the committee's numbering rule (`meeting` may be one
    not saved yet, as when it is added in the admin with its minutes)."""
    in_meeting = MinuteItem.objects.filter(meeting=meeting).aggregate(n=Max("number"))["n"] if meeting.pk else None
    if in_meeting:
        return in_meeting + 1
    if meeting.committee.minute_numbering == Committee.MinuteNumbering.MEETING:
        return 1
    earlier = MinuteItem.objects.in_sequence_with(meeting).filter(meeting__date__lt=meeting.date).aggregate(n=Max("number"))["n"]
    return (earlier or 0) + 1


def minute_number_clash(*, meeting: Meeting, number: int, exclude_pk: int | None = None) -> MinuteItem | None:
    """The minute item already using `number` in this meeting's sequence, if any."""
    qs = MinuteItem.objects.in_sequence_with(meeting).filter(number=number).select_related("meeting")
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    return qs.first()


def validate_minute_number(*, minute_item: MinuteItem) -> None:
    """Refuse a number already used in the committee's sequence."""
    clash = minute_number_clash(meeting=minute_item.meeting, number=minute_item.number, exclude_pk=minute_item.pk)
    if clash:
        raise ValidationError({"number": f"Minute {clash.reference} is already used at the meeting of {clash.meeting.date:%-d %B %Y}."})


@transaction.atomic
def meeting_create(
    *,
    committee: Committee,
    date: datetime.date,
    start_time: datetime.time = datetime.time(19, 0),
    venue: str = "",
    with_standard_items: bool = True,
    **fields,
) -> Meeting:
    """Create a meeting and, by default, the standing agenda items with the committee's wording."""
    meeting = Meeting(committee=committee, date=date, start_time=start_time, venue=venue or committee.default_venue, **fields)
    meeting.full_clean()
    meeting.save()
    if with_standard_items:
        agenda_add_standard_items(meeting=meeting)
    followthrough.commitments_reresolve(committee_id=committee.pk)
    return meeting


@transaction.atomic
def meeting_update(*, meeting: Meeting, **fields) -> Meeting:
    """Change a meeting (e.g. move or cancel it); "next meeting" commitments follow the calendar."""
    for name, value in fields.items():
        setattr(meeting, name, value)
    meeting.full_clean()
    meeting.save()
    followthrough.commitments_reresolve(committee_id=meeting.committee_id)
    return meeting


@transaction.atomic
def agenda_add_standard_items(*, meeting: Meeting) -> list[AgendaItem]:
    """Add the standing items (1–5 first, urgent business last) that the meeting does not have yet."""
    existing = set(meeting.agenda_items.values_list("kind", flat=True))
    previous = Meeting.objects.before(meeting).exclude(status=Meeting.Status.CANCELLED).order_by("-date").first()
    created = []
    number = 0
    for kind, title, description in STANDARD_AGENDA["opening"]:
        number += 1
        if kind in existing:
            continue
        extra = {}
        if kind == AgendaItem.Kind.MINUTES and previous:
            extra["minutes_of"] = previous
            description = f"Minutes from the meeting held on {previous.date:%-d %B %Y} are attached for approval."
        created.append(AgendaItem.objects.create(meeting=meeting, number=number, kind=kind, title=title, description=description, **extra))
    for kind, title, description in STANDARD_AGENDA["closing"]:
        if kind in existing:
            continue
        last = meeting.agenda_items.aggregate(n=Max("number"))["n"] or 0
        created.append(AgendaItem.objects.create(meeting=meeting, number=max(last + 1, 6), kind=kind, title=title, description=description))
    return created


@transaction.atomic
def minute_item_create(*, meeting: Meeting, title: str, number: int | None = None, **fields) -> MinuteItem:
    """Minute an item, taking the next number in the committee's sequence unless one is given."""
    item = MinuteItem(
        meeting=meeting,
        title=title,
        number=number or next_minute_number(meeting=meeting),
        prefix=fields.pop("prefix", meeting.committee.minute_prefix),
        **fields,
    )
    if item.agenda_item_id and item.agenda_item.is_exempt:
        item.is_exempt = True
    item.full_clean()
    validate_minute_number(minute_item=item)
    item.save()
    if meeting.minutes_status == Meeting.MinutesStatus.NONE:
        meeting.minutes_status = Meeting.MinutesStatus.DRAFT
        meeting.save(update_fields=["minutes_status"])
    meeting_speakers_refresh(meeting=meeting)
    return item


@transaction.atomic
def resolution_create(*, minute_item: MinuteItem, text: str, kind: str = Resolution.Kind.NOTE, **fields) -> Resolution:
    """Record one "It was agreed:" line; approving earlier minutes marks them approved."""
    number = fields.pop("number", None) or (minute_item.resolutions.aggregate(n=Max("number"))["n"] or 0) + 1
    resolution = Resolution(minute_item=minute_item, text=text, kind=kind, number=number, **fields)
    resolution.full_clean()
    resolution.save()
    if resolution.kind == Resolution.Kind.APPROVE_MINUTES:
        minutes_approve(resolution=resolution)
    return resolution


@transaction.atomic
def minutes_approve(*, resolution: Resolution) -> Meeting:
    """Mark the minutes named by an approving resolution as approved, and link the two meetings."""
    earlier = resolution.approves_minutes_of
    if earlier is None:
        raise ValidationError({"approves_minutes_of": "Say which meeting's minutes this resolution approves."})
    approving_meeting = resolution.minute_item.meeting
    if earlier.committee_id != approving_meeting.committee_id:
        raise ValidationError({"approves_minutes_of": "A committee can only approve its own minutes."})
    if earlier.date >= approving_meeting.date:
        raise ValidationError({"approves_minutes_of": "Minutes can only be approved at a later meeting."})
    was_approved = earlier.minutes_status == Meeting.MinutesStatus.APPROVED
    earlier.minutes_status = Meeting.MinutesStatus.APPROVED
    earlier.minutes_approved_by = resolution
    earlier.save(update_fields=["minutes_status", "minutes_approved_by"])
    if not was_approved:
        followthrough.notify_subscribers(meeting=earlier, kind=PublicationNotice.Kind.APPROVED_MINUTES)
    return earlier


@transaction.atomic
def action_create(*, minute_item: MinuteItem, description: str, **fields) -> Action:
    """Record an action arising from a minute."""
    action = Action(minute_item=minute_item, description=description, **fields)
    followthrough.commitment_resolve_due(action=action, save=False)
    action.full_clean()
    action.save()
    return action


@transaction.atomic
def action_complete(*, action: Action, completed_date: datetime.date | None = None, note: str = "") -> Action:
    """Mark an action done, with an update recording how."""
    action.status = Action.Status.DONE
    action.completed_date = completed_date or datetime.date.today()
    action.full_clean()
    action.save(update_fields=["status", "completed_date"])
    if note:
        action.updates.create(date=action.completed_date, text=note)
    return action


@transaction.atomic
def meeting_speakers_refresh(*, meeting: Meeting) -> list[MinuteSpeaker]:
    """Rebuild who spoke in each of the meeting's minute items from their text, the attendance and officers' links.

    Derived data, so it is replaced whole: call it after the minutes, the attendance or the speaker links change.
    """
    absent = [Attendance.Role.APOLOGIES, Attendance.Role.ABSENT]
    people = [a.person for a in meeting.attendances.exclude(role__in=absent).select_related("person")]
    links = {link.as_minuted: link.person for link in meeting.speaker_links.select_related("person")}
    rows = []
    for minute in meeting.minute_items.only("pk", "body"):
        for order, found in enumerate(speakers.find(minute.body, people, links)):
            rows.append(MinuteSpeaker(minute_item=minute, order=order, **vars(found)))
    MinuteSpeaker.objects.filter(minute_item__meeting=meeting).delete()
    return MinuteSpeaker.objects.bulk_create(rows)


def meeting_minutes_started(*, meeting: Meeting) -> Meeting:
    """Once a meeting has minute items its minutes are a draft until approved."""
    if meeting.minutes_status == Meeting.MinutesStatus.NONE and meeting.minute_items.exists():
        meeting.minutes_status = Meeting.MinutesStatus.DRAFT
        meeting.save(update_fields=["minutes_status"])
    return meeting


def _save_with_reason(instance, *, by, reason: str, fields: list[str]) -> None:
    """Save and record who did it and why in the audit trail (django-simple-history)."""
    instance._change_reason = reason
    if by is not None and getattr(by, "is_authenticated", False):
        instance._history_user = by
    instance.save(update_fields=fields)


@transaction.atomic
def meeting_publish_agenda(*, meeting: Meeting, by=None) -> Meeting:
    """Publish (or republish) the agenda: the public can then see the agenda and its non-exempt papers."""
    if meeting.status == Meeting.Status.CANCELLED:
        raise ValidationError("A cancelled meeting's agenda cannot be published.")
    meeting.agenda_status = Meeting.AgendaStatus.PUBLISHED
    meeting.agenda_published_at = timezone.now()
    _save_with_reason(meeting, by=by, reason="Agenda published", fields=["agenda_status", "agenda_published_at"])
    meeting.unprovided_commitments = followthrough.commitments_flag_unprovided(meeting=meeting)
    followthrough.notify_subscribers(meeting=meeting, kind=PublicationNotice.Kind.AGENDA)
    return meeting


@transaction.atomic
def meeting_withdraw_agenda(*, meeting: Meeting, by=None, reason: str = "") -> Meeting:
    """Withdraw a published agenda from public view (kept for members and officers)."""
    meeting.agenda_status = Meeting.AgendaStatus.WITHDRAWN
    _save_with_reason(meeting, by=by, reason=f"Agenda withdrawn{': ' + reason if reason else ''}", fields=["agenda_status"])
    return meeting


@transaction.atomic
def minutes_publish_draft(*, meeting: Meeting, by=None) -> Meeting:
    """Publish draft minutes, marked DRAFT, before the committee approves them."""
    if meeting.minutes_status == Meeting.MinutesStatus.NONE:
        raise ValidationError("There are no minutes to publish yet.")
    meeting.minutes_published = True
    _save_with_reason(meeting, by=by, reason="Draft minutes published", fields=["minutes_published"])
    followthrough.notify_subscribers(meeting=meeting, kind=PublicationNotice.Kind.DRAFT_MINUTES)
    return meeting


@transaction.atomic
def minutes_unpublish(*, meeting: Meeting, by=None) -> Meeting:
    """Take draft minutes back out of public view (approved minutes stay public)."""
    meeting.minutes_published = False
    _save_with_reason(meeting, by=by, reason="Draft minutes withdrawn", fields=["minutes_published"])
    return meeting


class EditConflict(ValidationError):
    """Someone else saved the record after this editor opened it."""


@transaction.atomic
def minute_item_save(*, minute_item: MinuteItem, expected_version: int | None, by=None) -> MinuteItem:
    """Save a minute item unless someone else saved it since `expected_version` was read (optimistic locking)."""
    if minute_item.agenda_item_id and minute_item.agenda_item.is_exempt:
        minute_item.is_exempt = True
    if minute_item.pk is None:
        minute_item.full_clean()
        minute_item.save()
        meeting_speakers_refresh(meeting=minute_item.meeting)
        return minute_item
    current = MinuteItem.objects.select_for_update().only("version").get(pk=minute_item.pk).version
    if expected_version is not None and current != expected_version:
        raise EditConflict(
            "Someone else saved this minute item while you were editing it. Your text is still below: "
            "copy it, open the item again to see their changes, and add yours."
        )
    minute_item.version = current + 1
    minute_item.full_clean()
    if by is not None and getattr(by, "is_authenticated", False):
        minute_item._history_user = by
    minute_item.save()
    meeting_speakers_refresh(meeting=minute_item.meeting)
    return minute_item


@transaction.atomic
def document_save(*, document: Document, by=None, word_document=None, pdf_changed: bool = False, reason: str = "") -> list[str]:
    """Save a paper: its structured body (from `word_document`, a .docx, or else from the text as written) and whether
    its uploaded PDF is tagged. Returns what the officer should be told (pictures left out, untagged PDF, ...)."""
    from meetings import bodies, pdf

    if word_document is not None:
        word_document.seek(0)
        body = bodies.import_docx(word_document)
        document.body_source = body.html
        document.source_file = word_document
    else:
        body = bodies.render_source(document.body_source)
    document.body = body.html
    notes = list(body.notes)
    if pdf_changed or not document.file:
        document.upload_accessibility, document.upload_page_texts = (
            pdf.file_accessibility(document.file) if document.file else (Document.UploadAccessibility.UNCHECKED, [])
        )
        if document.upload_accessibility != Document.UploadAccessibility.TAGGED and document.file:
            notes.append(pdf.UNTAGGED_WARNING)
    document.full_clean(exclude=["file", "source_file"])
    document._change_reason = reason or ("Imported from a Word document" if word_document is not None else "")
    if by is not None and getattr(by, "is_authenticated", False):
        document._history_user = by
    document.save()
    return notes
