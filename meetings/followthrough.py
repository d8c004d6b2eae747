"""Follow-through rules: when commitments fall due, flags at publication, reminders and publication e-mails.

Called only by the actions in meetings.services (and the reminders command), never from signals or the admin, so every
entry path behaves the same.
"""

import datetime

from django.conf import settings
from django.core.mail import send_mail, send_mass_mail
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from committee.actions import audit
from committee.dates import add_working_days
from meetings.models import Action, AgendaItem, Meeting, PublicationNotice, Question, ReminderLog, Subscription


def commitment_resolve_due(*, action: Action, save: bool = True) -> Action:
    """Set due meeting and date from the due rule: "next meeting" follows the committee's calendar."""
    if action.due_rule == Action.DueRule.NEXT_MEETING:
        action.due_meeting = Meeting.objects.next_after(action.minute_item.meeting)
        action.due_date = action.due_meeting.date if action.due_meeting else None
    elif action.due_rule == Action.DueRule.FUTURE_MEETING:
        action.due_meeting = None
        action.due_date = None
    if save and action.pk:
        action.save(update_fields=["due_meeting", "due_date"])
    return action


@transaction.atomic
def commitments_reresolve(*, committee_id: int) -> int:
    """Re-resolve every open "next meeting" commitment of a committee after its calendar changed."""
    changed = 0
    open_ones = Action.objects.open().filter(minute_item__meeting__committee_id=committee_id, due_rule=Action.DueRule.NEXT_MEETING)
    for action in open_ones.select_related("minute_item__meeting"):
        before = (action.due_meeting_id, action.due_date)
        commitment_resolve_due(action=action, save=False)
        if (action.due_meeting_id, action.due_date) != before:
            action.save(update_fields=["due_meeting", "due_date"])
            changed += 1
    return changed


# ---------------------------------------------------------------------------
# Matters arising and the publication flag
# ---------------------------------------------------------------------------
@transaction.atomic
def commitments_flag_unprovided(*, meeting: Meeting) -> list[Action]:
    """At publication: commitments due at this meeting with no agenda item are flagged (and shown as not yet provided)."""
    missing = list(Action.objects.due_at(meeting).not_provided().filter(flagged_at__isnull=True))
    now = timezone.now()
    for action in missing:
        action.flagged_at = now
        action._change_reason = f"Not provided on the agenda published for {meeting.date:%-d %B %Y}"
        action.save(update_fields=["flagged_at"])
    return missing


@transaction.atomic
def commitment_provide(*, action: Action, agenda_item: AgendaItem, by, reason: str) -> Action:
    """Record that an agenda item brought what was promised; done as of that meeting."""
    action.provided_by_item = agenda_item
    action.status = Action.Status.DONE
    action.completed_date = agenda_item.meeting.date
    action.flagged_at = None
    action.full_clean()
    audit(action, by=by, reason=reason)
    action.save()
    return action


@transaction.atomic
def question_commitments_close(*, question: Question, on: datetime.date, by) -> list[Action]:
    """A written response was sent: the commitments that owed it are done as of that day."""
    closed = list(question.commitments.open())
    for action in closed:
        action.status = Action.Status.DONE
        action.completed_date = on
        audit(action, by=by, reason="Written response sent")
        action.save(update_fields=["status", "completed_date"])
    return closed


# ---------------------------------------------------------------------------
# E-mail: reminders to owners, publication notices to subscribers
# ---------------------------------------------------------------------------
def site_url(path: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def send_commitment_reminders(*, today: datetime.date | None = None) -> dict[str, int]:
    """E-mail owners N working days before a commitment is due and once it is overdue; each at most once per due date."""
    today = today or datetime.date.today()
    horizon = add_working_days(today, settings.REMINDER_WORKING_DAYS)
    sent = {"upcoming": 0, "overdue": 0}
    candidates = (
        Action.objects.open()
        .filter(due_date__isnull=False, owner__email__gt="")
        .select_related("owner", "minute_item", "minute_item__meeting", "minute_item__meeting__committee")
    )
    for action in candidates.filter(due_date__lte=horizon):
        kind = ReminderLog.Kind.OVERDUE if action.due_date < today else ReminderLog.Kind.UPCOMING
        try:
            with transaction.atomic():
                ReminderLog.objects.create(action=action, kind=kind, due_date=action.due_date, recipient=action.owner.email)
        except IntegrityError:
            continue  # already reminded about this due date
        meeting = action.minute_item.meeting
        subject = f"{'Overdue' if kind == ReminderLog.Kind.OVERDUE else 'Due soon'}: {action.description[:60]}"
        body = (
            f"The {meeting.committee.name} asked for this at its meeting of {meeting.date:%-d %B %Y} "
            f"(minute {action.minute_item.reference}):\n\n{action.description}\n\n"
            f"It is due on {action.due_date:%-d %B %Y}{' and is now overdue' if kind == ReminderLog.Kind.OVERDUE else ''}.\n"
            f"{site_url(action.minute_item.get_absolute_url())}\n"
        )
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [action.owner.email])
        sent[kind] += 1
    return sent


@transaction.atomic
def publication_record(*, meeting: Meeting, kind: str, version: int | None = None) -> PublicationNotice | None:
    """Record one publication (an agenda version, draft or approved minutes): the feeds list these. None if already
    recorded, so nobody is told twice."""
    if version is None:
        if kind == PublicationNotice.Kind.AGENDA:
            version = (PublicationNotice.objects.filter(meeting=meeting, kind=kind).aggregate(v=Max("version"))["v"] or 0) + 1
        else:
            version = 1
    notice, created = PublicationNotice.objects.get_or_create(meeting=meeting, kind=kind, version=version)
    return notice if created else None


def publication_email(*, notice_id: int) -> int:
    """E-mail the committee's subscribers about a recorded publication (run once the publication has committed)."""
    notice = PublicationNotice.objects.select_related("meeting", "meeting__committee").get(pk=notice_id)
    meeting, kind = notice.meeting, notice.kind
    emails = list(
        Subscription.objects.filter(committee_id=meeting.committee_id, user__is_active=True)
        .exclude(user__email="")
        .values_list("user__email", flat=True)
    )
    label = PublicationNotice.Kind(kind).label
    subject = f"{meeting.committee.name}, {meeting.date:%-d %B %Y}: {label.lower()}"
    when = f"{meeting.date:%A} {meeting.date.day} {meeting.date:%B %Y}"
    body = f"{label} for the meeting of the {meeting.committee.name} on {when}.\n\n{site_url(meeting.get_absolute_url())}\n"
    unsubscribe = site_url(reverse("meetings:subscribe", args=[meeting.committee.slug]))
    messages = [(subject, f"{body}\nTo stop these e-mails: {unsubscribe}\n", settings.DEFAULT_FROM_EMAIL, [email]) for email in emails]
    send_mass_mail(messages, fail_silently=False)
    PublicationNotice.objects.filter(pk=notice.pk).update(recipients=len(emails))
    return len(emails)
