"""One door for every change (issue 14): each action of meetings.services refuses the wrong role and the wrong
committee, refuses a move the process does not allow, records who and why, and e-mails or indexes only after commit."""

import datetime
import threading

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction

from committee.access import SYSTEM
from committee.actions import Refused
from meetings import services
from meetings.models import (
    Action,
    AgendaItem,
    AgendaPack,
    Attendance,
    DeclarationOfInterest,
    Document,
    Meeting,
    MinuteItem,
    Question,
    Resolution,
    Subscription,
    WorkProgrammeItem,
)
from search.models import SearchEntry
from tests.factories import (
    ActionFactory,
    AgendaItemFactory,
    CommitteeFactory,
    MeetingFactory,
    MinuteItemFactory,
    PersonFactory,
    QuestionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

PAST = datetime.date(2025, 11, 13)
LATER = datetime.date(2026, 1, 7)


@pytest.fixture
def world():
    """Committee A with a clerk and an officer who support it; committee B with its own clerk; a councillor."""
    a = CommitteeFactory(slug="committee-a", minute_prefix="A.")
    b = CommitteeFactory(slug="committee-b")
    clerk = UserFactory(username="clerk-a", role="Clerk")
    officer = UserFactory(username="officer-a", role="Officer")
    other_clerk = UserFactory(username="clerk-b", role="Clerk")
    councillor = UserFactory(username="councillor-a", role="Councillor")
    a.supporting_officers.add(clerk, officer)
    b.supporting_officers.add(other_clerk)
    meeting = MeetingFactory(
        committee=a,
        date=PAST,
        status=Meeting.Status.SCHEDULED,
        agenda_status=Meeting.AgendaStatus.DRAFT,
        minutes_status=Meeting.MinutesStatus.NONE,
    )
    return {"a": a, "b": b, "clerk": clerk, "officer": officer, "other_clerk": other_clerk, "councillor": councillor, "meeting": meeting}


def last_history(record):
    return record.history.order_by("-history_id").first()


# ---------------------------------------------------------------------------
# Each action: the wrong committee and the wrong role are refused; the right one is recorded with who and why
# ---------------------------------------------------------------------------
def _minute(w, **fields):
    return MinuteItemFactory(meeting=w["meeting"], number=1, **fields)


ACTIONS = {
    # name: (permission the officer lacks?, callable(world, by))
    "meeting_create": (False, lambda w, by: services.meeting_create(committee=w["a"], date=LATER, by=by)),
    "meeting_update": (False, lambda w, by: services.meeting_update(meeting=w["meeting"], venue="Room 4", by=by)),
    "meeting_change_status": (False, lambda w, by: services.meeting_change_status(meeting=w["meeting"], move="mark_held", by=by)),
    "meeting_publish_agenda": (True, lambda w, by: services.meeting_publish_agenda(meeting=w["meeting"], by=by)),
    "meeting_withdraw_agenda": (
        True,
        lambda w, by: services.meeting_withdraw_agenda(
            meeting=services.meeting_publish_agenda(meeting=w["meeting"], by=SYSTEM), by=by, reason="wrong paper"
        ),
    ),
    "minutes_mark_written": (False, lambda w, by: services.minutes_mark_written(meeting=w["meeting"], by=by, reason="On paper")),
    "minutes_publish_draft": (
        True,
        lambda w, by: services.minutes_publish_draft(
            meeting=services.minutes_mark_written(meeting=w["meeting"], by=SYSTEM, reason="On paper"), by=by
        ),
    ),
    "minutes_mark_approved": (
        True,
        lambda w, by: services.minutes_mark_approved(
            meeting=services.minutes_mark_written(meeting=w["meeting"], by=SYSTEM, reason="On paper"), by=by, reason="Approved 7 Jan"
        ),
    ),
    "agenda_item_save": (False, lambda w, by: services.agenda_item_save(item=AgendaItem(meeting=w["meeting"], title="REPORT"), by=by)),
    "agenda_item_set_exemption": (
        False,
        lambda w, by: services.agenda_item_set_exemption(item=AgendaItemFactory(meeting=w["meeting"]), paragraph=3, by=by),
    ),
    "document_save": (
        False,
        lambda w, by: services.document_save(document=Document(agenda_item=AgendaItemFactory(meeting=w["meeting"]), title="R"), by=by),
    ),
    "attendance_save": (
        False,
        lambda w, by: services.attendance_save(attendance=Attendance(meeting=w["meeting"], person=PersonFactory()), by=by),
    ),
    "declaration_save": (
        False,
        lambda w, by: services.declaration_save(
            declaration=DeclarationOfInterest(meeting=w["meeting"], person=PersonFactory(), nature="Governor"), by=by
        ),
    ),
    "minute_item_create": (False, lambda w, by: services.minute_item_create(meeting=w["meeting"], title="MINUTE", by=by)),
    "resolution_create": (False, lambda w, by: services.resolution_create(minute_item=_minute(w), text="Noted.", by=by)),
    "action_create": (
        False,
        lambda w, by: services.action_create(minute_item=_minute(w), description="Circulate", due_date=LATER, by=by),
    ),
    "action_change_status": (
        False,
        lambda w, by: services.action_change_status(action=ActionFactory(minute_item=_minute(w)), move="complete", on=PAST, by=by),
    ),
    "question_save": (False, lambda w, by: services.question_save(question=Question(meeting=w["meeting"], question="Why?"), by=by)),
    "work_programme_item_save": (
        False,
        lambda w, by: services.work_programme_item_save(item=WorkProgrammeItem(committee=w["a"], topic="SEND"), by=by),
    ),
    "record_delete": (False, lambda w, by: services.record_delete(record=AgendaItemFactory(meeting=w["meeting"]), by=by)),
}


@pytest.mark.parametrize("name", ACTIONS)
def test_an_action_is_refused_to_a_clerk_of_another_committee_and_to_a_councillor(world, name):
    _, run = ACTIONS[name]
    for outsider in (world["other_clerk"], world["councillor"], None):
        with pytest.raises(PermissionDenied), transaction.atomic():
            run(world, outsider)


@pytest.mark.parametrize("name", [n for n, (publishing, _) in ACTIONS.items() if publishing])
def test_publishing_is_refused_to_an_officer_without_the_publish_permission(world, name):
    with pytest.raises(PermissionDenied, match="role does not allow"):
        ACTIONS[name][1](world, world["officer"])


@pytest.mark.parametrize("name", ACTIONS)
def test_an_action_taken_by_the_committees_clerk_records_who_did_it(world, name):
    result = ACTIONS[name][1](world, world["clerk"])
    if result is None:  # a deletion: its last history row is the deletion, by the clerk
        return
    history = last_history(result) if hasattr(result, "history") else None
    if history is not None:
        assert history.history_user == world["clerk"]
        assert history.history_change_reason


# ---------------------------------------------------------------------------
# Transitions the process does not allow
# ---------------------------------------------------------------------------
def test_a_draft_agenda_cannot_be_withdrawn(world):
    with pytest.raises(Refused, match="cannot be withdrawn now: it is draft"):
        services.meeting_withdraw_agenda(meeting=world["meeting"], by=world["clerk"], reason="x")


def test_minutes_not_yet_written_cannot_be_published_or_approved(world):
    with pytest.raises(Refused):
        services.minutes_publish_draft(meeting=world["meeting"], by=world["clerk"])
    with pytest.raises(Refused):
        services.minutes_mark_approved(meeting=world["meeting"], by=world["clerk"], reason="Approved")


def test_a_meeting_in_the_future_cannot_be_marked_held_or_minuted(world):
    future = MeetingFactory(committee=world["a"], date=datetime.date.today() + datetime.timedelta(days=30), status="scheduled")
    with pytest.raises(Refused, match="has not taken place yet"):
        services.meeting_change_status(meeting=future, move="mark_held", by=world["clerk"])
    with pytest.raises(Refused, match="has not taken place yet"):
        services.minute_item_create(meeting=future, title="TOO SOON", by=world["clerk"])


def test_a_held_meeting_cannot_be_cancelled_and_a_cancelled_one_can_be_reinstated(world):
    held = services.meeting_change_status(meeting=world["meeting"], move="mark_held", by=world["clerk"])
    with pytest.raises(Refused):
        services.meeting_change_status(meeting=held, move="cancel", by=world["clerk"], reason="x")
    later = MeetingFactory(committee=world["a"], date=LATER, status="scheduled")
    cancelled = services.meeting_change_status(meeting=later, move="cancel", by=world["clerk"], reason="Not quorate")
    assert services.meeting_change_status(meeting=cancelled, move="reinstate", by=world["clerk"]).status == Meeting.Status.SCHEDULED
    assert last_history(later).history_change_reason == "Meeting reinstated"


def test_a_status_cannot_be_changed_by_an_ordinary_save(world):
    meeting = world["meeting"]
    meeting.minutes_status = Meeting.MinutesStatus.APPROVED
    with pytest.raises(Refused, match="changes only through its own button"):
        services.meeting_save(meeting=meeting, by=world["clerk"])
    action = ActionFactory(minute_item=_minute(world))
    action.status = Action.Status.DONE
    action.completed_date = PAST
    with pytest.raises(Refused):
        services.action_save(action=action, by=world["clerk"])


def test_an_action_moves_only_along_its_transitions(world):
    action = ActionFactory(minute_item=_minute(world))
    with pytest.raises(Refused):
        services.action_change_status(action=action, move="reopen", by=world["clerk"], reason="x")
    done = services.action_change_status(action=action, move="complete", on=PAST, note="Circulated", by=world["clerk"])
    assert (done.status, done.completed_date, done.updates.get().text) == (Action.Status.DONE, PAST, "Circulated")
    with pytest.raises(ValidationError, match="in the future"):
        services.action_change_status(
            action=services.action_change_status(action=done, move="reopen", by=world["clerk"], reason="Not all of it"),
            move="complete",
            on=datetime.date.today() + datetime.timedelta(days=2),
            by=world["clerk"],
        )


# ---------------------------------------------------------------------------
# Approving minutes
# ---------------------------------------------------------------------------
def test_minutes_never_written_cannot_be_approved(world):
    later = MeetingFactory(committee=world["a"], date=datetime.date(2025, 12, 1))
    with pytest.raises(ValidationError, match="have not been written"):
        services.resolution_create(
            minute_item=MinuteItemFactory(meeting=later),
            text="The minutes were approved.",
            kind=Resolution.Kind.APPROVE_MINUTES,
            approves_minutes_of=world["meeting"],
            by=world["officer"],
        )
    world["meeting"].refresh_from_db()
    assert world["meeting"].minutes_status == Meeting.MinutesStatus.NONE


def test_approving_minutes_publishes_them_records_why_and_emails_after_commit(world, django_capture_on_commit_callbacks):
    Subscription.objects.create(user=UserFactory(username="resident", email="r@example.org"), committee=world["a"])
    services.minute_item_create(meeting=world["meeting"], title="MINUTE", by=world["officer"])
    later = MeetingFactory(committee=world["a"], date=datetime.date(2025, 12, 1))
    with django_capture_on_commit_callbacks(execute=True):
        resolution = services.resolution_create(
            minute_item=MinuteItemFactory(meeting=later, number=2),
            text="The minutes were approved.",
            kind=Resolution.Kind.APPROVE_MINUTES,
            approves_minutes_of=world["meeting"],
            by=world["officer"],
        )
        assert mail.outbox == []
    world["meeting"].refresh_from_db()
    assert (world["meeting"].minutes_state, world["meeting"].minutes_approved_by) == ("approved", resolution)
    entry = last_history(world["meeting"])
    assert entry.history_user == world["officer"]
    assert entry.history_change_reason.startswith("Minutes approved at the meeting of 1 December 2025")
    assert len(mail.outbox) == 1


# ---------------------------------------------------------------------------
# Confidentiality derived, not copied
# ---------------------------------------------------------------------------
def test_a_minute_of_an_exempt_item_is_exempt_and_follows_the_item(world):
    item = AgendaItemFactory(meeting=world["meeting"], exempt_paragraph=3)
    minute = services.minute_item_create(meeting=world["meeting"], title="CONTRACT", agenda_item=item, is_exempt=False, by=world["officer"])
    assert minute.is_exempt
    services.agenda_item_set_exemption(item=item, paragraph=None, by=world["clerk"], reason="Contract signed")
    minute.refresh_from_db()
    assert not minute.is_exempt
    assert last_history(minute).history_change_reason == f"Agenda item {item.number} is now open to the public"


def test_opening_an_exempt_item_of_a_published_agenda_needs_the_publish_permission(world):
    meeting = services.meeting_publish_agenda(meeting=world["meeting"], by=world["clerk"])
    item = AgendaItemFactory(meeting=meeting, exempt_paragraph=3)
    with pytest.raises(PermissionDenied):
        services.agenda_item_set_exemption(item=item, paragraph=None, by=world["officer"])
    item.refresh_from_db()
    assert item.exempt_paragraph == 3


def test_an_exempt_minute_with_questions_cannot_be_deleted_so_they_never_become_public(world, client):
    item = AgendaItemFactory(meeting=world["meeting"], exempt_paragraph=1)
    minute = services.minute_item_create(meeting=world["meeting"], title="CASE", agenda_item=item, by=world["officer"])
    QuestionFactory(meeting=world["meeting"], minute_item=minute, asker_name="MARKER-ASKER", question="MARKER-QUESTION")
    with pytest.raises(Refused, match="Questions are minuted under this item"):
        services.record_delete(record=minute, by=world["clerk"])
    assert MinuteItem.objects.filter(pk=minute.pk).exists()


def test_an_agenda_item_with_minutes_cannot_be_deleted(world):
    item = AgendaItemFactory(meeting=world["meeting"], exempt_paragraph=1)
    services.minute_item_create(meeting=world["meeting"], title="CASE", agenda_item=item, by=world["officer"])
    with pytest.raises(Refused, match="has been minuted"):
        services.record_delete(record=item, by=world["clerk"])


def test_making_an_item_exempt_after_its_pack_was_published_withdraws_the_public_pack_and_publishes_a_new_one(world):
    meeting = world["meeting"]
    item = AgendaItemFactory(meeting=meeting, title="CHILDREN'S HOME CONTRACT", report_status="attached")
    Document.objects.create(agenda_item=item, title="Contract", body="PRICES-IN-THE-PAPER")
    from meetings import packs

    public = packs.pack_build(meeting=meeting, by=world["clerk"], publish=True)[0]
    public.refresh_from_db()
    assert public.is_current
    services.agenda_item_set_exemption(item=item, paragraph=3, by=world["clerk"], reason="Commercially sensitive")
    public.refresh_from_db()
    assert not public.is_current
    assert "Withdrawn: Item" in public.error
    newer = AgendaPack.objects.filter(meeting=meeting, audience=AgendaPack.Audience.PUBLIC, is_current=True).get()
    assert newer.version > public.version
    from tests.test_access_matrix import pdf_text

    assert "PRICES-IN-THE-PAPER" not in pdf_text(newer.file.read())


# ---------------------------------------------------------------------------
# Side effects wait for the commit
# ---------------------------------------------------------------------------
def test_search_indexes_a_minute_only_when_the_change_commits(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        minute = services.minute_item_create(meeting=world["meeting"], title="INDEXED AFTER COMMIT", by=world["officer"])
        assert not SearchEntry.objects.filter(object_id=minute.pk, kind="minute").exists()
    for callback in callbacks:
        callback()
    assert SearchEntry.objects.filter(object_id=minute.pk).exists()


# ---------------------------------------------------------------------------
# Numbers without races (real commits, two connections)
# ---------------------------------------------------------------------------
def _in_threads(target, n=2):
    barrier, results, errors = threading.Barrier(n), [], []

    def run():
        try:
            barrier.wait(timeout=10)
            results.append(target())
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results, errors


@pytest.mark.django_db(transaction=True)
def test_two_people_minuting_at_once_get_distinct_numbers():
    committee = CommitteeFactory(slug="race")
    meeting = MeetingFactory(committee=committee, date=PAST)
    MinuteItemFactory(meeting=MeetingFactory(committee=committee, date=datetime.date(2025, 7, 10)), number=67)
    numbers, errors = _in_threads(lambda: services.minute_item_create(meeting=meeting, title="AT ONCE", by=SYSTEM).number, n=4)
    assert errors == []
    assert sorted(numbers) == [68, 69, 70, 71]


@pytest.mark.django_db(transaction=True)
def test_two_complaints_logged_at_once_get_distinct_references():
    from complaints import services as complaints_services

    day = datetime.date(2025, 6, 2)
    references, errors = _in_threads(lambda: complaints_services.complaint_create(received_date=day, procedure="statutory").reference, n=4)
    assert errors == []
    assert sorted(references) == [f"CSC-2526-000{n}" for n in range(1, 5)]


def test_the_database_refuses_a_number_taken_twice_in_a_sequence(world):
    first = MinuteItemFactory(meeting=world["meeting"], number=5)
    other = MeetingFactory(committee=world["a"], date=datetime.date(2025, 12, 1))
    with pytest.raises(Exception, match="unique_minute_number_in_sequence"), transaction.atomic():
        MinuteItem.objects.create(meeting=other, number=5, title="SAME NUMBER", sequence=first.sequence)
