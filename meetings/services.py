"""The actions of the council's process for meetings: every write to the committee record goes through one of these.

Each action is one keyword-only function per step (`<entity>_<verb>`). It checks that the actor (`by`) may take that
step *for that committee* (committee.access.require), validates (`full_clean` and the rules below), refuses a move the
process does not allow (the transitions declared as data below), records who and why in the audit trail
(django-simple-history, committee.actions.audit) and queues e-mail, search indexing and pack builds to run only once the
change has committed (committee.actions.after_commit). The admin, the public views, the demo loader (by=SYSTEM) and the
management commands all call these; nothing else writes workflow state. See README, "How a change flows".
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Max, ProtectedError
from django.utils import timezone

from committee import services as committee_services
from committee.access import SYSTEM, require
from committee.actions import Move, Refused, Transitions, after_commit, audit
from committee.models import Committee
from committee.provenance import Provenance
from committee.scoping import committee_id_of
from meetings import followthrough, speakers
from meetings.models import (
    Action,
    ActionUpdate,
    AgendaItem,
    AgendaPack,
    Attendance,
    DeclarationOfInterest,
    Document,
    Meeting,
    MinuteItem,
    MinuteSpeaker,
    PublicationNotice,
    Question,
    Recommendation,
    Resolution,
    SpeakerLink,
    Subscription,
    WorkProgrammeItem,
    minute_sequence_key,
)

__all__ = ["SYSTEM", "EditConflict", "Refused"]

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

# ---------------------------------------------------------------------------
# The process, as data: which moves each status may make
# ---------------------------------------------------------------------------
_S, _A = Meeting.Status, Meeting.AgendaStatus
MEETING_STATUS = Transitions(
    "status",
    "meeting",
    {
        "mark_held": Move(frozenset({_S.SCHEDULED}), _S.HELD, "marked as held"),
        "postpone": Move(frozenset({_S.SCHEDULED}), _S.POSTPONED, "postponed"),
        "cancel": Move(frozenset({_S.SCHEDULED, _S.POSTPONED}), _S.CANCELLED, "cancelled"),
        "reinstate": Move(frozenset({_S.POSTPONED, _S.CANCELLED}), _S.SCHEDULED, "reinstated"),
    },
)
AGENDA = Transitions(
    "agenda_status",
    "agenda",
    {
        # Republishing (published -> published) issues a new version, as the council does with a revised agenda.
        "publish": Move(frozenset({_A.DRAFT, _A.PUBLISHED, _A.WITHDRAWN}), _A.PUBLISHED, "published"),
        "withdraw": Move(frozenset({_A.PUBLISHED}), _A.WITHDRAWN, "withdrawn"),
    },
)
# Minutes: not yet written -> draft (unpublished, or published marked DRAFT) -> approved by a later meeting.
MINUTES = Transitions(
    "minutes_state",
    "minutes",
    {
        "start": Move(frozenset({"none"}), "draft", "started"),
        "publish_draft": Move(frozenset({"draft"}), "draft_published", "published as a draft"),
        "unpublish_draft": Move(frozenset({"draft_published"}), "draft", "taken out of public view"),
        "approve": Move(frozenset({"draft", "draft_published"}), "approved", "approved"),
    },
)
_T = Action.Status
ACTION_STATUS = Transitions(
    "status",
    "action",
    {
        "start": Move(frozenset({_T.OPEN}), _T.IN_PROGRESS, "marked in progress"),
        "complete": Move(frozenset({_T.OPEN, _T.IN_PROGRESS}), _T.DONE, "marked done"),
        "cancel": Move(frozenset({_T.OPEN, _T.IN_PROGRESS}), _T.CANCELLED, "cancelled"),
        "reopen": Move(frozenset({_T.DONE, _T.CANCELLED}), _T.OPEN, "reopened"),
    },
)
# Fields only the moves above change: an ordinary save that alters one is refused.
WORKFLOW_FIELDS = {
    Meeting: (
        "status",
        "agenda_status",
        "agenda_published_at",
        "agenda_published_provenance",
        "minutes_status",
        "minutes_published",
        "minutes_approved_by_id",
        "minutes_approval_provenance",
    ),
    # The due meeting and date follow the due rule (worked out by action_save), so they are not guarded here.
    Action: ("status", "completed_date", "flagged_at"),
}


class EditConflict(Refused):
    """Someone else saved the record after this editor opened it."""


def _set_minutes_state(meeting: Meeting, state: str) -> None:
    meeting.minutes_status, meeting.minutes_published = {
        "none": (Meeting.MinutesStatus.NONE, False),
        "draft": (Meeting.MinutesStatus.DRAFT, False),
        "draft_published": (Meeting.MinutesStatus.DRAFT, True),
        "approved": (Meeting.MinutesStatus.APPROVED, True),
    }[state]


def _may(by, record, verb: str, doing: str, committee_id=None) -> None:
    """Refuse unless `by` holds the model's `verb` permission for the record's committee."""
    opts = record._meta
    require(by, f"{opts.app_label}.{verb}_{opts.model_name}", committee_id if committee_id is not None else committee_id_of(record), doing)


def _verb(record) -> str:
    return "change" if record.pk else "add"


def _unchanged_workflow(record) -> None:
    """Refuse an ordinary save that alters a status only a named action may change."""
    fields = WORKFLOW_FIELDS.get(type(record))
    if not fields or record.pk is None:
        return
    stored = type(record).objects.filter(pk=record.pk).values(*fields).first()
    changed = [name for name in fields if stored and stored[name] != getattr(record, name)]
    if changed:
        label = record._meta.get_field(changed[0].removesuffix("_id")).verbose_name
        raise Refused({changed[0].removesuffix("_id"): f"The {label} changes only through its own button (publish, approve, mark done …)."})


def _same_committee(record, field: str, other, what: str) -> None:
    """Refuse a link from `record` to `other` (in `field`) when `other` belongs to another committee."""
    if other is not None and committee_id_of(other) != committee_id_of(record):
        raise ValidationError({field: f"Choose {what} of this committee."})


def _save(record, *, by, reason: str, update_fields=None) -> None:
    audit(record, by=by, reason=reason)
    record.save(update_fields=update_fields)


def _day(day: datetime.date) -> str:
    return f"{day:%-d %B %Y}"


# ---------------------------------------------------------------------------
# Numbering: one number per minute in the committee's sequence, whoever saves at the same moment
# ---------------------------------------------------------------------------
def _lock_numbering(committee_id: int) -> None:
    """Hold the committee's row until the transaction ends, so two people minuting at once take numbers in turn."""
    list(Committee.objects.select_for_update().filter(pk=committee_id).values_list("pk", flat=True))


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
        raise ValidationError({"number": f"Minute {clash.reference} is already used at the meeting of {_day(clash.meeting.date)}."})


# ---------------------------------------------------------------------------
# Meetings: the calendar
# ---------------------------------------------------------------------------
@transaction.atomic
def meeting_create(
    *,
    committee: Committee,
    date: datetime.date,
    by,
    start_time: datetime.time | None = None,
    venue: str = "",
    with_standard_items: bool = True,
    reason: str = "Meeting scheduled",
    **fields,
) -> Meeting:
    """Schedule a meeting (with the committee's usual venue) and, by default, the standing agenda items."""
    meeting = Meeting(committee=committee, date=date, venue=venue, start_time=start_time, **fields)
    return meeting_save(meeting=meeting, by=by, reason=reason, with_standard_items=with_standard_items)


@transaction.atomic
def meetings_schedule(
    *, committee: Committee, dates: list[datetime.date], by, start_time: datetime.time | None = None, venue: str = ""
) -> list[Meeting]:
    """Schedule a run of meetings (a municipal year's) in one go, each with the standing agenda items, the committee's
    usual venue and time unless given; a date already taken is refused before anything is saved."""
    taken = set(Meeting.objects.filter(committee=committee, date__in=dates).values_list("date", flat=True))
    if taken:
        raise ValidationError({"dates": f"Already scheduled: {', '.join(_day(d) for d in sorted(taken))}."})
    return [
        meeting_create(committee=committee, date=day, by=by, start_time=start_time, venue=venue, reason="Meeting scheduled")
        for day in sorted(set(dates))
    ]


@transaction.atomic
def meeting_save(*, meeting: Meeting, by, reason: str = "", with_standard_items: bool = True) -> Meeting:
    """Add or change a meeting's particulars (date, time, venue, summons, record); statuses move only by their actions."""
    creating = meeting.pk is None
    _may(by, meeting, _verb(meeting), "schedule or change this committee's meetings", committee_id=meeting.committee_id)
    if creating and meeting.status != Meeting.Status.SCHEDULED:
        raise Refused({"status": "A new meeting starts as scheduled; mark it held once it has taken place."})
    if creating and (meeting.agenda_status != Meeting.AgendaStatus.DRAFT or meeting.minutes_state != "none"):
        raise Refused("A new meeting has a draft agenda and no minutes yet.")
    _unchanged_workflow(meeting)
    # The committee's usual venue and time, unless the clerk says otherwise.
    meeting.venue = meeting.venue or meeting.committee.default_venue
    meeting.start_time = meeting.start_time or meeting.committee.default_start_time
    moved = not creating and Meeting.objects.filter(pk=meeting.pk).exclude(date=meeting.date).exists()
    meeting.full_clean()
    _save(meeting, by=by, reason=reason or ("Meeting scheduled" if creating else "Meeting details changed"))
    if creating and with_standard_items:
        agenda_add_standard_items(meeting=meeting, by=by)
    if moved:
        _renumber_sequence(meeting)
    # A meeting added or moved changes what "by the next meeting" means.
    followthrough.commitments_reresolve(committee_id=meeting.committee_id)
    return meeting


def meeting_update(*, meeting: Meeting, by, reason: str = "", **fields) -> Meeting:
    """Change a meeting's particulars (e.g. move it); "next meeting" commitments follow the calendar."""
    for name, value in fields.items():
        setattr(meeting, name, value)
    return meeting_save(meeting=meeting, by=by, reason=reason)


def _renumber_sequence(meeting: Meeting) -> None:
    """A meeting moved into another municipal year takes its minutes into that year's sequence (or is refused)."""
    key = minute_sequence_key(meeting)
    try:
        with transaction.atomic():
            MinuteItem.objects.filter(meeting=meeting).exclude(sequence=key).update(sequence=key)
    except IntegrityError as error:
        raise Refused({"date": "Its minutes' numbers are already used in the sequence of the new date's year."}) from error


@transaction.atomic
def meeting_change_status(*, meeting: Meeting, move: str, by, reason: str = "") -> Meeting:
    """Mark a meeting held, postpone, cancel or reinstate it; "next meeting" commitments follow."""
    _may(by, meeting, "change", "change this committee's meetings")
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    target = MEETING_STATUS.check(meeting, move)
    if move == "mark_held" and meeting.date > datetime.date.today():
        raise Refused(f"The meeting of {_day(meeting.date)} has not taken place yet: mark it held on or after that day.")
    meeting.status = target
    _save(meeting, by=by, reason=reason or f"Meeting {MEETING_STATUS.moves[move].done}", update_fields=["status"])
    followthrough.commitments_reresolve(committee_id=meeting.committee_id)
    return meeting


# ---------------------------------------------------------------------------
# Publication of agendas and minutes
# ---------------------------------------------------------------------------
@transaction.atomic
def meeting_publish_agenda(
    *, meeting: Meeting, by, reason: str = "", at: datetime.datetime | None = None, provenance: str | None = None
) -> Meeting:
    """Publish (or republish) the agenda: the public can then see the agenda and its non-exempt papers.

    `at` backdates publication, for the demo record only (the seeds' agendas were published before their meetings);
    a backdated date keeps the meeting's publication-date provenance (the demo's dates are illustrative) unless
    `provenance` says otherwise, and publishing now is the council's own record.
    """
    _may(by, meeting, "publish", "publish this committee's agendas", committee_id=meeting.committee_id)
    meeting = Meeting.objects.select_for_update().select_related("committee").get(pk=meeting.pk)
    if meeting.status == Meeting.Status.CANCELLED:
        raise Refused("A cancelled meeting's agenda cannot be published.")
    meeting.agenda_status = AGENDA.check(meeting, "publish")
    meeting.agenda_published_at = at or timezone.now()
    if provenance is not None:
        meeting.agenda_published_provenance = provenance
    elif at is None:
        meeting.agenda_published_provenance = Provenance.RECORDED
    _save(
        meeting,
        by=by,
        reason=reason or "Agenda published",
        update_fields=["agenda_status", "agenda_published_at", "agenda_published_provenance"],
    )
    meeting.unprovided_commitments = followthrough.commitments_flag_unprovided(meeting=meeting)
    _notify(meeting, PublicationNotice.Kind.AGENDA)
    return meeting


@transaction.atomic
def meeting_withdraw_agenda(*, meeting: Meeting, by, reason: str = "") -> Meeting:
    """Withdraw a published agenda from public view (kept for members and officers)."""
    _may(by, meeting, "publish", "withdraw this committee's agendas", committee_id=meeting.committee_id)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    meeting.agenda_status = AGENDA.check(meeting, "withdraw")
    _save(meeting, by=by, reason=f"Agenda withdrawn{': ' + reason if reason else ''}", update_fields=["agenda_status"])
    return meeting


def _minutes_move(meeting: Meeting, move: str, *, by, reason: str, approval_provenance: str = Provenance.RECORDED) -> Meeting:
    meeting = Meeting.objects.select_for_update().select_related("committee").get(pk=meeting.pk)
    _set_minutes_state(meeting, MINUTES.check(meeting, move))
    fields = ["minutes_status", "minutes_published"]
    if move == "approve":
        meeting.minutes_approval_provenance = approval_provenance
        fields += ["minutes_approved_by", "minutes_approval_provenance"]
    _save(meeting, by=by, reason=reason or f"Minutes {MINUTES.moves[move].done}", update_fields=fields)
    return meeting


@transaction.atomic
def minutes_publish_draft(*, meeting: Meeting, by, reason: str = "") -> Meeting:
    """Publish draft minutes, marked DRAFT, before the committee approves them."""
    _may(by, meeting, "publish", "publish this committee's minutes", committee_id=meeting.committee_id)
    if meeting.minutes_state == "none":
        raise Refused("There are no minutes to publish yet.")
    meeting = _minutes_move(meeting, "publish_draft", by=by, reason=reason or "Draft minutes published")
    _notify(meeting, PublicationNotice.Kind.DRAFT_MINUTES)
    return meeting


@transaction.atomic
def minutes_unpublish(*, meeting: Meeting, by, reason: str = "") -> Meeting:
    """Take draft minutes back out of public view (approved minutes stay public)."""
    _may(by, meeting, "publish", "withdraw this committee's minutes", committee_id=meeting.committee_id)
    return _minutes_move(meeting, "unpublish_draft", by=by, reason=f"Draft minutes withdrawn{': ' + reason if reason else ''}")


@transaction.atomic
def minutes_mark_written(*, meeting: Meeting, by, reason: str) -> Meeting:
    """Record that a meeting's minutes exist though they are not entered here (kept on paper, or in an older system),
    so that a later meeting can approve them."""
    _may(by, meeting, "change", "record this committee's minutes", committee_id=meeting.committee_id)
    if not reason:
        raise Refused("Say where the minutes are kept.")
    return _minutes_move(meeting, "start", by=by, reason=reason)


@transaction.atomic
def minutes_mark_approved(*, meeting: Meeting, by, reason: str, provenance: str = Provenance.RECORDED) -> Meeting:
    """Record an approval made at a meeting whose minutes are not entered here (so no resolution can carry it).

    Only those who publish, with a reason: approval makes draft minutes public. `provenance` "inferred" where no
    record states the approval (minutes attached for approval at a meeting whose own minutes are not held).
    """
    _may(by, meeting, "publish", "record the approval of this committee's minutes", committee_id=meeting.committee_id)
    if not reason:
        raise Refused("Say which meeting approved the minutes, and where that is recorded.")
    meeting = _minutes_move(meeting, "approve", by=by, reason=reason, approval_provenance=Provenance(provenance))
    _notify(meeting, PublicationNotice.Kind.APPROVED_MINUTES)
    return meeting


def _notify(meeting: Meeting, kind: str) -> None:
    """Record the publication (the feeds list it) and e-mail the committee's subscribers once the change has committed
    (never if it rolls back)."""
    notice = followthrough.publication_record(meeting=meeting, kind=kind)
    if notice is not None:
        after_commit(lambda: followthrough.publication_email(notice_id=notice.pk))


# ---------------------------------------------------------------------------
# The agenda and its papers
# ---------------------------------------------------------------------------
@transaction.atomic
def agenda_add_standard_items(*, meeting: Meeting, by) -> list[AgendaItem]:
    """Add the standing items (1–5 first, urgent business last) that the meeting does not have yet."""
    _may(by, AgendaItem(meeting=meeting), "add", "build this committee's agendas", committee_id=meeting.committee_id)
    existing = set(meeting.agenda_items.values_list("kind", flat=True))
    previous = Meeting.objects.previous_to(meeting)
    created = []
    number = 0
    for kind, title, description in STANDARD_AGENDA["opening"]:
        number += 1
        if kind in existing:
            continue
        extra = {}
        if kind == AgendaItem.Kind.MINUTES and previous:
            extra["minutes_of"] = previous
            description = f"Minutes from the meeting held on {_day(previous.date)} are attached for approval."
        item = AgendaItem(meeting=meeting, number=number, kind=kind, title=title, description=description, **extra)
        created.append(agenda_item_save(item=item, by=by, reason="Standing item"))
    for kind, title, description in STANDARD_AGENDA["closing"]:
        if kind in existing:
            continue
        last = meeting.agenda_items.aggregate(n=Max("number"))["n"] or 0
        item = AgendaItem(meeting=meeting, number=max(last + 1, 6), kind=kind, title=title, description=description)
        created.append(agenda_item_save(item=item, by=by, reason="Standing item"))
    return created


def agenda_problems(meeting: Meeting) -> list[str]:
    """What the agenda promises and the record cannot supply, for the clerk to see before building or publishing:
    minutes "attached for approval" that were never written, reports "attached" with no paper."""
    problems = []
    items = meeting.agenda_items.select_related("minutes_of").prefetch_related("documents")
    for item in items:
        if item.kind == AgendaItem.Kind.MINUTES and item.minutes_of_id and item.minutes_of.minutes_state == "none":
            problems.append(
                f"Item {item.number} ({item.title}) offers the minutes of {_day(item.minutes_of.date)} for approval, "
                "but no minutes of that meeting have been written: the pack will have none to attach."
            )
        if item.report_status == AgendaItem.ReportStatus.ATTACHED and not item.documents.all():
            problems.append(f"Item {item.number} ({item.title}) says its report is attached, but no paper has been added.")
    return problems


def _stored(record, *fields):
    """The values of `fields` as last saved (None for a new record)."""
    if record.pk is None:
        return None
    return type(record).objects.filter(pk=record.pk).values(*fields).first()


@transaction.atomic
def agenda_item_save(*, item: AgendaItem, by, reason: str = "") -> AgendaItem:
    """Add or change an agenda item. Its exemption decides its minutes' (derived, never copied by hand), and a change of
    exemption after publication withdraws the public pack and builds a new one."""
    _may(by, item, _verb(item), "build this committee's agendas")
    meeting = item.meeting
    if item.minutes_of_id:
        earlier = item.minutes_of
        if earlier.committee_id != meeting.committee_id or earlier.date >= meeting.date:
            raise ValidationError({"minutes_of": "Choose an earlier meeting of this committee."})
    if not item.number:
        item.number = (meeting.agenda_items.aggregate(n=Max("number"))["n"] or 0) + 1
    before = _stored(item, "exempt_paragraph")
    exemption_changed = before is not None and before["exempt_paragraph"] != item.exempt_paragraph
    if exemption_changed and not item.is_exempt and meeting.agenda_status == Meeting.AgendaStatus.PUBLISHED:
        # Opening an exempt item publishes its papers: a decision for those who publish.
        _may(by, meeting, "publish", "make an exempt item of a published agenda public", committee_id=meeting.committee_id)
    item.full_clean()
    _save(item, by=by, reason=reason or ("Agenda item added" if before is None else "Agenda item changed"))
    if exemption_changed:
        note = f"Paragraph {item.exempt_paragraph}" if item.is_exempt else "open to the public"
        for minute in item.minute_items.exclude(is_exempt=item.is_exempt):
            minute.is_exempt = item.is_exempt
            _save(minute, by=by, reason=f"Agenda item {item.number} is now {note}", update_fields=["is_exempt"])
        _reissue_public_pack(meeting, by=by, reason=f"Item {item.number} is now {note}")
    return item


@transaction.atomic
def agenda_reorder(*, meeting: Meeting, items: list[AgendaItem], by, reason: str = "Agenda reordered") -> list[AgendaItem]:
    """Number the meeting's agenda 1, 2, 3 … in the order given (new items included; a new item without a place goes
    before a closing "urgent business" item). Numbers move in one transaction, so no two items ever share one."""
    _may(by, AgendaItem(meeting=meeting), "change", "build this committee's agendas", committee_id=meeting.committee_id)
    placed = [item for item in items if item.number]
    unplaced = [item for item in items if not item.number]
    ordered = sorted(placed, key=lambda item: item.number)
    urgent = [i for i, item in enumerate(ordered) if item.kind == AgendaItem.Kind.URGENT_BUSINESS and item.pk]
    if urgent and all(item.pk is None for item in ordered[urgent[-1] + 1 :]):
        # Items just added land after "urgent business"; the standing item stays last, as on every summons.
        ordered.append(ordered.pop(urgent[-1]))
    if unplaced:
        closing = len(ordered) - 1 if ordered and ordered[-1].kind == AgendaItem.Kind.URGENT_BUSINESS else len(ordered)
        ordered[closing:closing] = unplaced
    listed = {item.pk for item in ordered if item.pk}
    # The rest of the agenda (not on the form) keeps its order after these.
    ordered += list(meeting.agenda_items.exclude(pk__in=listed).order_by("number"))
    before = dict(meeting.agenda_items.values_list("pk", "number"))
    # Out of the way first (numbers past any in use), then into place: the database never sees a number twice.
    AgendaItem.objects.filter(meeting=meeting).update(number=models.F("number") + 10000)
    for position, item in enumerate(ordered, start=1):
        moved = item.pk is not None and before.get(item.pk) != position
        item.number = position
        agenda_item_save(item=item, by=by, reason=reason if moved else "")
    return ordered


EXCLUSION_TITLE = "EXCLUSION OF THE PRESS AND PUBLIC"


def exclusion_wanted(meeting: Meeting) -> bool:
    """Whether the agenda has exempt items with no "exclusion of the press and public" before the first of them."""
    items = list(meeting.agenda_items.order_by("number").values_list("kind", "exempt_paragraph"))
    for kind, paragraph in items:
        if kind == AgendaItem.Kind.EXCLUSION:
            return False
        if paragraph is not None:
            return True
    return False


@transaction.atomic
def agenda_add_exclusion(*, meeting: Meeting, by) -> AgendaItem:
    """Put the motion to exclude the press and public (Local Government Act 1972, s.100A(4)) just before the first
    exempt item, naming the paragraphs of Schedule 12A the exempt items fall under."""
    if not exclusion_wanted(meeting):
        raise Refused("The agenda has no exempt item without an exclusion of the press and public before it.")
    items = list(meeting.agenda_items.order_by("number"))
    first = next(i for i, item in enumerate(items) if item.is_exempt)
    paragraphs = sorted({item.exempt_paragraph for item in items[first:] if item.is_exempt})
    named = " and ".join(str(p) for p in paragraphs)
    motion = AgendaItem(
        meeting=meeting,
        kind=AgendaItem.Kind.EXCLUSION,
        title=EXCLUSION_TITLE,
        description=(
            "The Committee is asked to resolve that the press and public be excluded from the meeting during consideration "
            "of the following item(s) of business, since they involve the likely disclosure of exempt information as "
            f"defined in paragraph{'s' if len(paragraphs) > 1 else ''} {named} of Part 1 of Schedule 12A to the Local "
            "Government Act 1972."
        ),
        number=items[first].number,
    )
    for item in items[first:]:
        item.number += 1
    agenda_reorder(meeting=meeting, items=[*items[:first], motion, *items[first:]], by=by, reason="Exclusion of the press and public added")
    return motion


def agenda_item_set_exemption(*, item: AgendaItem, paragraph: int | None, by, reason: str = "") -> AgendaItem:
    """Make an item exempt under a paragraph of Schedule 12A, or open it (None)."""
    item.exempt_paragraph = paragraph
    return agenda_item_save(item=item, by=by, reason=reason)


def _reissue_public_pack(meeting: Meeting, *, by, reason: str) -> None:
    """A published pack no longer matches the agenda: take it out of public view and build a new version to publish.

    Called when an item's exemption changes or a paper is removed after publication, so the public never keep a
    paper that has become exempt, or one the council withdrew.
    """
    # Supplementary packs too: one may carry the very paper, and the new main pack carries every paper attached so far
    # (it replaces them once published). Until the worker has built it, no pack of this meeting is public.
    current = AgendaPack.objects.filter(meeting=meeting, is_current=True)
    if not current.exists():
        return
    for pack in current:
        pack.is_current = False
        pack.error = f"Withdrawn: {reason}."
        _save(pack, by=by, reason=f"Pack withdrawn: {reason}", update_fields=["is_current", "error"])
    from meetings import packs  # packs builds on these services

    packs.pack_build(meeting=meeting, by=by, publish=True)


@transaction.atomic
def document_save(*, document: Document, by, word_document=None, pdf_changed: bool = False, reason: str = "") -> list[str]:
    """Add or change a paper of an agenda item: its structured body (from `word_document`, a .docx, or else from the
    text as written, meetings.bodies) and whether its uploaded PDF is tagged. Returns what the officer should be told
    (pictures left out, an untagged PDF ...)."""
    from meetings import bodies, pdf

    creating = document.pk is None
    _may(by, document, _verb(document), "add papers to this committee's agendas")
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
    default_reason = "Imported from a Word document" if word_document is not None else ("Paper added" if creating else "Paper changed")
    _save(document, by=by, reason=reason or default_reason)
    return notes


# ---------------------------------------------------------------------------
# Who was there
# ---------------------------------------------------------------------------
@transaction.atomic
def attendance_save(*, attendance: Attendance, by, reason: str = "", refresh_speakers: bool = True) -> Attendance:
    """Record someone's attendance (present, apologies, substitute …); who spoke is worked out again."""
    _may(by, attendance, _verb(attendance), "record attendance at this committee's meetings")
    attendance.full_clean()
    _save(attendance, by=by, reason=reason or "Attendance recorded")
    if refresh_speakers:
        meeting_speakers_refresh(meeting=attendance.meeting)
    return attendance


def roll_call_members(meeting: Meeting):
    """The seats to call at `meeting`: members and co-opted members holding a seat on its date, chair first."""
    from committee.models import Membership

    seats = Membership.objects.filter(committee_id=meeting.committee_id).current(meeting.date).exclude(role=Membership.Role.SUBSTITUTE)
    return seats.seat_order().select_related("person")


@transaction.atomic
def meeting_roll_call(
    *, meeting: Meeting, by, marks: dict, substitutes: dict | None = None, others=(), remove=(), reason: str = "Roll call"
) -> list[Attendance]:
    """Record the whole meeting's attendance in one go: each member present, in the chair, with apologies or absent
    (`marks`, by person), who substituted for whom (`substitutes`), and anyone else there (`others`, also in
    attendance); `remove` takes people off the list. Who spoke is worked out once, at the end."""
    _may(by, Attendance(meeting=meeting), "add", "record attendance at this committee's meetings", committee_id=meeting.committee_id)
    if sum(1 for role in marks.values() if role == Attendance.Role.CHAIR) > 1:
        raise ValidationError("Only one person can be in the chair.")
    # Those present only in a capacity (no person record) are not called and the roll call leaves them as they are.
    existing = {a.person_id: a for a in meeting.attendances.filter(person__isnull=False).select_related("person")}
    saved, order = [], 0
    for person, role in marks.items():
        order += 1
        substitute = (substitutes or {}).get(person)
        if substitute is not None and role not in (Attendance.Role.APOLOGIES, Attendance.Role.ABSENT):
            raise ValidationError(f"{person} was substituted, so mark them as having sent apologies or as absent.")
        saved.append(_mark(meeting, existing, person, role, order, by=by, reason=reason))
        if substitute is not None:
            order += 1
            capacity = f"Substitute for {person}"
            saved.append(_mark(meeting, existing, substitute, Attendance.Role.SUBSTITUTE, order, by=by, reason=reason, capacity=capacity))
    for person in others:
        if person.pk not in existing and person not in marks:
            order += 1
            saved.append(_mark(meeting, existing, person, Attendance.Role.ALSO_IN_ATTENDANCE, order, by=by, reason=reason))
    for person in remove:
        if person.pk in existing:
            record_delete(record=existing[person.pk], by=by, reason=reason)
    meeting_speakers_refresh(meeting=meeting)
    return saved


def _mark(meeting, existing, person, role, order, *, by, reason, capacity=None) -> Attendance:
    attendance = existing.get(person.pk) or Attendance(meeting=meeting, person=person)
    changed = attendance.pk is None or attendance.role != role or (capacity is not None and attendance.capacity != capacity)
    attendance.role = role
    if capacity is not None:
        attendance.capacity = capacity
    if attendance.pk is None:
        attendance.order = order
    if changed:
        attendance_save(attendance=attendance, by=by, reason=reason, refresh_speakers=False)
    existing[person.pk] = attendance
    return attendance


@transaction.atomic
def declaration_save(*, declaration: DeclarationOfInterest, by, reason: str = "") -> DeclarationOfInterest:
    """Record a declaration of interest, against an item of the same meeting."""
    _may(by, declaration, _verb(declaration), "record declarations at this committee's meetings")
    if declaration.agenda_item_id and declaration.agenda_item.meeting_id != declaration.meeting_id:
        raise ValidationError({"agenda_item": "Choose an item of this meeting's agenda."})
    declaration.full_clean()
    _save(declaration, by=by, reason=reason or "Declaration recorded")
    return declaration


@transaction.atomic
def speaker_link_save(*, link: SpeakerLink, by, reason: str = "") -> SpeakerLink:
    """Say who a name in the minutes means, where it could be more than one person; speakers are worked out again."""
    _may(by, link, _verb(link), "link speakers in this committee's minutes")
    link.full_clean()
    _save(link, by=by, reason=reason or "Speaker linked")
    meeting_speakers_refresh(meeting=link.meeting)
    return link


# ---------------------------------------------------------------------------
# Minutes, resolutions, actions, questions
# ---------------------------------------------------------------------------
@transaction.atomic
def minute_item_save(
    *, minute_item: MinuteItem, by, expected_version: int | None = None, reason: str = "", prefix: str | None = None
) -> MinuteItem:
    """Record or edit a minute: numbered in the committee's sequence (in turn with anyone else minuting), exempt exactly
    when its agenda item is, refused if someone else saved it since `expected_version` was read (optimistic locking).

    A new minute takes the committee's prefix ("CYP.") unless it has one, or `prefix` says otherwise ("" as printed).
    """
    creating = minute_item.pk is None
    _may(by, minute_item, _verb(minute_item), "record this committee's minutes")
    meeting = minute_item.meeting
    if creating:
        if meeting.status == Meeting.Status.CANCELLED:
            raise Refused("The meeting was cancelled: there is nothing to minute.")
        if meeting.date > datetime.date.today():
            raise Refused(f"The meeting of {_day(meeting.date)} has not taken place yet: minute it on or after that day.")
    if minute_item.agenda_item_id:
        if minute_item.agenda_item.meeting_id != meeting.pk:
            raise ValidationError({"agenda_item": "Choose an item of this meeting's agenda."})
        # Derived, not copied: a minute of an exempt item is exempt, and an open item's minute is not.
        minute_item.is_exempt = minute_item.agenda_item.is_exempt
    _lock_numbering(meeting.committee_id)
    if not creating:
        current = MinuteItem.objects.select_for_update().only("version").get(pk=minute_item.pk).version
        if expected_version is not None and current != expected_version:
            raise EditConflict(
                "Someone else saved this minute item while you were editing it. Your text is still below: "
                "copy it, open the item again to see their changes, and add yours."
            )
        minute_item.version = current + 1
    if not minute_item.number:
        minute_item.number = next_minute_number(meeting=meeting)
    if prefix is not None:
        minute_item.prefix = prefix
    elif creating and not minute_item.prefix:
        minute_item.prefix = meeting.committee.minute_prefix
    minute_item.sequence = minute_sequence_key(meeting)
    validate_minute_number(minute_item=minute_item)  # before full_clean, whose constraint check says it less plainly
    minute_item.full_clean()
    _save(minute_item, by=by, reason=reason or ("Minute recorded" if creating else "Minute edited"))
    if meeting.minutes_state == "none":
        _minutes_move(meeting, "start", by=by, reason=f"Minutes started with {minute_item.reference}")
        meeting.refresh_from_db(fields=["minutes_status", "minutes_published"])
    meeting_speakers_refresh(meeting=meeting)
    return minute_item


def minute_item_create(*, meeting: Meeting, title: str, by, number: int | None = None, **fields) -> MinuteItem:
    """Minute an item, taking the next number in the committee's sequence unless one is given."""
    prefix = fields.pop("prefix", None)
    return minute_item_save(minute_item=MinuteItem(meeting=meeting, title=title, number=number, **fields), by=by, prefix=prefix)


def approval_problem(resolution: Resolution) -> str | None:
    """Why `resolution` cannot approve the minutes it names, or None if it can (shown next to the field)."""
    earlier = resolution.approves_minutes_of
    if earlier is None:
        return "Say which meeting's minutes this resolution approves."
    approving = resolution.minute_item.meeting
    if earlier.committee_id != approving.committee_id:
        return "A committee can only approve its own minutes."
    if earlier.date >= approving.date:
        return "Minutes can only be approved at a later meeting."
    if approving.date > datetime.date.today():
        return f"The meeting of {_day(approving.date)} has not taken place yet."
    if earlier.minutes_state == "none":
        return f"The minutes of {_day(earlier.date)} have not been written: record them before they can be approved."
    if earlier.minutes_state == "approved" and earlier.minutes_approved_by_id not in (None, resolution.pk):
        return f"The minutes of {_day(earlier.date)} are already approved."
    return None


@transaction.atomic
def resolution_save(*, resolution: Resolution, by, reason: str = "") -> Resolution:
    """Record one "It was agreed:" line (numbered in the order typed); approving earlier minutes marks them approved."""
    creating = resolution.pk is None
    _may(by, resolution, _verb(resolution), "record this committee's decisions")
    before = _stored(resolution, "kind", "approves_minutes_of_id")
    if (
        before
        and before["kind"] == Resolution.Kind.APPROVE_MINUTES
        and (resolution.kind != before["kind"] or resolution.approves_minutes_of_id != before["approves_minutes_of_id"])
    ):
        raise Refused({"kind": "This resolution approved minutes; that cannot be undone by editing it. Ask the clerk."})
    if not resolution.number:
        list(MinuteItem.objects.select_for_update().filter(pk=resolution.minute_item_id).values_list("pk"))
        resolution.number = (Resolution.objects.filter(minute_item_id=resolution.minute_item_id).aggregate(n=Max("number"))["n"] or 0) + 1
    resolution.full_clean()
    approving = resolution.kind == Resolution.Kind.APPROVE_MINUTES
    if approving and (problem := approval_problem(resolution)):
        raise ValidationError({"approves_minutes_of": problem})
    _save(resolution, by=by, reason=reason or ("Decision recorded" if creating else "Decision edited"))
    if approving and resolution.approves_minutes_of.minutes_state != "approved":
        minutes_approve(resolution=resolution, by=by)
    return resolution


def resolution_create(*, minute_item: MinuteItem, text: str, by, kind: str = Resolution.Kind.NOTE, **fields) -> Resolution:
    """Record one "It was agreed:" line."""
    return resolution_save(resolution=Resolution(minute_item=minute_item, text=text, kind=kind, **fields), by=by)


@transaction.atomic
def minutes_approve(*, resolution: Resolution, by) -> Meeting:
    """Mark the minutes named by an approving resolution as approved (they become public), and link the two meetings."""
    _may(by, resolution, "change", "record the approval of this committee's minutes")
    if problem := approval_problem(resolution):
        raise ValidationError({"approves_minutes_of": problem})
    earlier = resolution.approves_minutes_of
    earlier.minutes_approved_by = resolution
    earlier.minutes_approval_provenance = Provenance.RECORDED  # the resolution states it
    reason = f"Minutes approved at the meeting of {_day(resolution.minute_item.meeting.date)} ({resolution.minute_item.reference})"
    _set_minutes_state(earlier, MINUTES.check(earlier, "approve"))
    _save(
        earlier,
        by=by,
        reason=reason,
        update_fields=["minutes_status", "minutes_published", "minutes_approved_by", "minutes_approval_provenance"],
    )
    _notify(earlier, PublicationNotice.Kind.APPROVED_MINUTES)
    return earlier


def _check_action_links(action: Action) -> None:
    if action.resolution_id and action.resolution.minute_item_id != action.minute_item_id:
        raise ValidationError({"resolution": "Choose a decision of this minute."})
    _same_committee(action, "provided_by_item", action.provided_by_item, "an agenda item")
    _same_committee(action, "question", action.question, "a question")


@transaction.atomic
def action_save(*, action: Action, by, reason: str = "") -> Action:
    """Record or edit an action arising from a minute (its status moves only through action_change_status)."""
    creating = action.pk is None
    _may(by, action, _verb(action), "record this committee's actions")
    if creating and (action.status != Action.Status.OPEN or action.completed_date or action.flagged_at):
        raise Refused({"status": "A new action is open; mark it done once it is."})
    _unchanged_workflow(action)
    _check_action_links(action)
    followthrough.commitment_resolve_due(action=action, save=False)
    action.full_clean()
    _save(action, by=by, reason=reason or ("Action recorded" if creating else "Action edited"))
    return action


def action_create(*, minute_item: MinuteItem, description: str, by, **fields) -> Action:
    """Record an action arising from a minute."""
    return action_save(action=Action(minute_item=minute_item, description=description, **fields), by=by)


@transaction.atomic
def action_change_status(*, action: Action, move: str, by, on: datetime.date | None = None, note: str = "", reason: str = "") -> Action:
    """Mark an action in progress, done (on a date, with a note of how), cancelled or reopened."""
    _may(by, action, "change", "update this committee's actions")
    action = Action.objects.select_for_update().get(pk=action.pk)
    action.status = ACTION_STATUS.check(action, move)
    if move == "complete":
        action.completed_date = on or datetime.date.today()
        if action.completed_date > datetime.date.today():
            raise ValidationError({"completed_date": "An action cannot be completed in the future."})
    elif move == "reopen":
        action.completed_date = None
    action.full_clean()
    _save(action, by=by, reason=reason or f"Action {ACTION_STATUS.moves[move].done}", update_fields=["status", "completed_date"])
    if note:
        action_update_save(update=ActionUpdate(action=action, date=action.completed_date or datetime.date.today(), text=note), by=by)
    return action


def action_complete(*, action: Action, by, completed_date: datetime.date | None = None, note: str = "") -> Action:
    """Mark an action done, with an update recording how."""
    return action_change_status(action=action, move="complete", by=by, on=completed_date, note=note)


@transaction.atomic
def action_update_save(*, update: ActionUpdate, by, reason: str = "") -> ActionUpdate:
    """Add or correct a progress note on an action."""
    _may(by, update, _verb(update), "update this committee's actions")
    update.full_clean()
    _save(update, by=by, reason=reason or "Progress noted")
    return update


@transaction.atomic
def commitment_provide(*, action: Action, agenda_item: AgendaItem, by) -> Action:
    """Record that an agenda item brought what was promised; done as of that meeting."""
    _may(by, action, "change", "update this committee's actions")
    _same_committee(action, "provided_by_item", agenda_item, "an agenda item")
    return followthrough.commitment_provide(action=action, agenda_item=agenda_item, reason="Provided on the agenda", by=by)


@transaction.atomic
def question_save(*, question: Question, by, reason: str = "") -> Question:
    """Record or edit a question; a written response dated here closes the commitment that owed it."""
    creating = question.pk is None
    _may(by, question, _verb(question), "record this committee's questions")
    if question.minute_item_id and question.minute_item.meeting_id != question.meeting_id:
        raise ValidationError({"minute_item": "Choose a minute of the meeting the question was asked at."})
    _same_committee(question, "refers_to_meeting", question.refers_to_meeting, "a meeting")
    if question.written_response_date and question.written_response_date > datetime.date.today():
        raise ValidationError({"written_response_date": "A written response cannot be dated in the future."})
    before = _stored(question, "written_response_date")
    question.full_clean()
    _save(question, by=by, reason=reason or ("Question recorded" if creating else "Question edited"))
    if question.written_response_date and (before is None or before["written_response_date"] is None):
        followthrough.question_commitments_close(question=question, on=question.written_response_date, by=by)
    return question


def question_answer_in_writing(*, question: Question, on: datetime.date, by) -> Question:
    """A written response was sent: close the question and the commitment that owed it."""
    question.written_response_date = on
    return question_save(question=question, by=by, reason="Written response sent")


# ---------------------------------------------------------------------------
# The work programme and recommendations
# ---------------------------------------------------------------------------
@transaction.atomic
def work_programme_item_save(*, item: WorkProgrammeItem, by, reason: str = "") -> WorkProgrammeItem:
    """Add or change a topic on the committee's work programme."""
    _may(by, item, _verb(item), "change this committee's work programme")
    _same_committee(item, "source_minute", item.source_minute, "a minute")
    _same_committee(item, "planned_for", item.planned_for, "a meeting")
    _same_committee(item, "agenda_item", item.agenda_item, "an agenda item")
    item.full_clean()
    _save(item, by=by, reason=reason or "Work programme changed")
    return item


@transaction.atomic
def recommendation_save(*, recommendation: Recommendation, by, reason: str = "") -> Recommendation:
    """Record a recommendation to the executive or another body, and what became of it."""
    _may(by, recommendation, _verb(recommendation), "record this committee's recommendations")
    _same_committee(recommendation, "minute_item", recommendation.minute_item, "a minute")
    _same_committee(recommendation, "resolution", recommendation.resolution, "a decision")
    _same_committee(recommendation, "implementation_confirmed_at", recommendation.implementation_confirmed_at, "a meeting")
    recommendation.full_clean()
    _save(recommendation, by=by, reason=reason or "Recommendation recorded")
    return recommendation


# ---------------------------------------------------------------------------
# Saving and deleting through one door (the admin's inlines and changelists call these)
# ---------------------------------------------------------------------------
SAVE_ACTIONS = {
    Meeting: lambda record, by, reason: meeting_save(meeting=record, by=by, reason=reason),
    AgendaItem: lambda record, by, reason: agenda_item_save(item=record, by=by, reason=reason),
    Document: lambda record, by, reason: document_save(document=record, by=by, reason=reason),
    Attendance: lambda record, by, reason: attendance_save(attendance=record, by=by, reason=reason),
    DeclarationOfInterest: lambda record, by, reason: declaration_save(declaration=record, by=by, reason=reason),
    SpeakerLink: lambda record, by, reason: speaker_link_save(link=record, by=by, reason=reason),
    MinuteItem: lambda record, by, reason: minute_item_save(minute_item=record, by=by, reason=reason),
    Resolution: lambda record, by, reason: resolution_save(resolution=record, by=by, reason=reason),
    Action: lambda record, by, reason: action_save(action=record, by=by, reason=reason),
    ActionUpdate: lambda record, by, reason: action_update_save(update=record, by=by, reason=reason),
    Question: lambda record, by, reason: question_save(question=record, by=by, reason=reason),
    WorkProgrammeItem: lambda record, by, reason: work_programme_item_save(item=record, by=by, reason=reason),
    Recommendation: lambda record, by, reason: recommendation_save(recommendation=record, by=by, reason=reason),
}


def record_save(*, record, by, reason: str = ""):
    """Save any meetings record through its own action."""
    try:
        action = SAVE_ACTIONS[type(record)]
    except KeyError:
        raise Refused(f"{record._meta.verbose_name} records are not changed by hand.") from None
    return action(record, by, reason)


def deletion_problem(record) -> str | None:
    """Why `record` may not be deleted (others depend on it, or it is part of the published record), or None."""
    if isinstance(record, Meeting) and (record.agenda_status != Meeting.AgendaStatus.DRAFT or record.minutes_state != "none"):
        return "This meeting's agenda or minutes have been published or started: cancel the meeting instead."
    if isinstance(record, Resolution) and record.kind == Resolution.Kind.APPROVE_MINUTES and record.approves_minutes_of_id:
        return "This decision approved minutes; it cannot be deleted."
    if (
        isinstance(record, MinuteItem)
        and record.resolutions.filter(kind=Resolution.Kind.APPROVE_MINUTES, approves_minutes_of__isnull=False).exists()
    ):
        return "A decision under this minute approved minutes; it cannot be deleted, so neither can its minute."
    if isinstance(record, MinuteItem) and record.questions.exists():
        return "Questions are minuted under this item: move or delete them first (they take their privacy from it)."
    if isinstance(record, AgendaItem) and record.minute_items.exists():
        return "This item has been minuted: its minutes take their privacy from it, so it cannot be deleted."
    return None


@transaction.atomic
def record_delete(*, record, by, reason: str = "") -> None:
    """Delete a record, unless others depend on it; what it takes with it is deliberate (no dependant becomes public)."""
    _may(by, record, "delete", f"delete this committee's {record._meta.verbose_name_plural}")
    if problem := deletion_problem(record):
        raise Refused(problem)
    committee_services.refuse_deleting_beyond(record, by=by)
    meeting = _meeting_of(record)
    # Read from the database, not the (possibly stale) meeting in memory: its agenda's state now is what counts.
    published_paper = (
        isinstance(record, Document) and Meeting.objects.filter(pk=meeting.pk, agenda_status=Meeting.AgendaStatus.PUBLISHED).exists()
    )
    audit(record, by=by, reason=reason or "Deleted")
    try:
        record.delete()
    except ProtectedError as error:
        kinds = sorted({str(obj._meta.verbose_name_plural) for obj in error.protected_objects})
        raise Refused(f"Other records depend on this one ({', '.join(kinds)}): change or delete those first.") from error
    if published_paper:
        _reissue_public_pack(meeting, by=by, reason=f"a paper was removed ({record.title})")
    if meeting is not None and isinstance(record, Attendance | SpeakerLink | MinuteItem):
        meeting_speakers_refresh(meeting=meeting)


def _meeting_of(record) -> Meeting | None:
    for path in ("meeting", "agenda_item__meeting", "minute_item__meeting"):
        target = record
        for step in path.split("__"):
            target = getattr(target, step, None)
        if isinstance(target, Meeting):
            return target
    return None


# ---------------------------------------------------------------------------
# Derived records and subscriptions
# ---------------------------------------------------------------------------
@transaction.atomic
def meeting_speakers_refresh(*, meeting: Meeting) -> list[MinuteSpeaker]:
    """Rebuild who spoke in each of the meeting's minute items from their text, the attendance and officers' links.

    Derived data, so it is replaced whole: called by the actions above whenever minutes, attendance or links change.
    """
    absent = [Attendance.Role.APOLOGIES, Attendance.Role.ABSENT]
    # Someone present only in a capacity (no person record) cannot be matched to a name in the minutes.
    people = [a.person for a in meeting.attendances.exclude(role__in=absent).filter(person__isnull=False).select_related("person")]
    links = {link.as_minuted: link.person for link in meeting.speaker_links.select_related("person")}
    rows = []
    for minute in meeting.minute_items.only("pk", "body"):
        for order, found in enumerate(speakers.find(minute.body, people, links)):
            rows.append(MinuteSpeaker(minute_item=minute, order=order, **vars(found)))
    MinuteSpeaker.objects.filter(minute_item__meeting=meeting).delete()
    return MinuteSpeaker.objects.bulk_create(rows)


@transaction.atomic
def subscription_set(*, user, committee: Committee, subscribed: bool) -> bool:
    """Subscribe `user` to a committee's publication e-mails, or stop them; returns whether they are now subscribed."""
    if not getattr(user, "is_authenticated", False):
        raise Refused("Sign in to subscribe.")
    if subscribed:
        Subscription.objects.get_or_create(user=user, committee=committee)
    else:
        Subscription.objects.filter(user=user, committee=committee).delete()
    return subscribed
