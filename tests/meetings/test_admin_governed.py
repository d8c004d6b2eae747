"""The admin writes only through the actions (issue 14): the process's rules hold on every form, inline and button,
and a refusal comes back on the form with everything typed kept, never as a server error."""

import datetime

import pytest
from django.urls import reverse

from meetings.models import Action, AgendaItem, Meeting, MinuteItem, Question, Resolution
from tests.factories import ActionFactory, AgendaItemFactory, CommitteeFactory, MeetingFactory, MinuteItemFactory, UserFactory

pytestmark = pytest.mark.django_db

PAST = datetime.date(2025, 11, 13)


def management(prefix, total=0, initial=0):
    return {f"{prefix}-TOTAL_FORMS": str(total), f"{prefix}-INITIAL_FORMS": str(initial), f"{prefix}-MIN_NUM_FORMS": "0"} | {
        f"{prefix}-MAX_NUM_FORMS": "1000"
    }


@pytest.fixture
def committee():
    return CommitteeFactory(slug="governed", minute_prefix="G.")


@pytest.fixture
def officer(committee):
    user = UserFactory(username="governed-officer", role="Officer")
    committee.supporting_officers.add(user)
    return user


@pytest.fixture
def clerk(committee):
    user = UserFactory(username="governed-clerk", role="Clerk")
    committee.supporting_officers.add(user)
    return user


def meeting_change_data(meeting, **overrides):
    data = {
        "committee": meeting.committee_id,
        "date": meeting.date.strftime("%d/%m/%Y"),
        "start_time": meeting.start_time.strftime("%H:%M"),
        "venue": meeting.venue,
        "briefing_facilities": "",
        "notes": "",
        "started_at": "",
        "ended_at": "",
        "public_attendance_count": "",
        "public_attendance_note": "",
        **management("agenda_items"),
        **management("attendances"),
        **management("declarations"),
        **management("minute_items"),
        **management("speaker_links"),
    }
    return data | overrides


def test_an_officer_cannot_approve_or_publish_minutes_from_the_meeting_form(client, committee, officer):
    meeting = MeetingFactory(committee=committee, date=PAST, minutes_status=Meeting.MinutesStatus.DRAFT, minutes_published=False)
    client.force_login(officer)
    url = reverse("admin:meetings_meeting_change", args=[meeting.pk])
    response = client.post(url, meeting_change_data(meeting, minutes_status="approved", minutes_published="on", status="cancelled"))
    assert response.status_code == 302
    meeting.refresh_from_db()
    # the statuses are read-only on the form: what was posted for them is ignored
    assert (meeting.minutes_status, meeting.minutes_published, meeting.status) == ("draft", False, "held")
    # and the publishing buttons are not offered to them, nor open if typed in
    assert "Publish the draft minutes" not in client.get(url).content.decode()
    step = reverse("admin:meetings_meeting_step", args=[meeting.pk, "publish_draft_minutes"])
    assert client.post(step, {"reason": "x"}).status_code == 403
    meeting.refresh_from_db()
    assert not meeting.minutes_published


def test_the_clerk_publishes_draft_minutes_with_a_button_that_says_what_becomes_public(client, committee, clerk):
    meeting = MeetingFactory(committee=committee, date=PAST, minutes_status=Meeting.MinutesStatus.DRAFT, minutes_published=False)
    client.force_login(clerk)
    change = client.get(reverse("admin:meetings_meeting_change", args=[meeting.pk])).content.decode()
    step = reverse("admin:meetings_meeting_step", args=[meeting.pk, "publish_draft_minutes"])
    assert step in change
    confirm = client.get(step).content.decode()
    assert "become public marked DRAFT" in confirm
    assert client.post(step, {"reason": "For the next agenda"}).status_code == 302
    meeting.refresh_from_db()
    assert meeting.minutes_published
    history = meeting.history.order_by("-history_id").first()
    assert (history.history_user, history.history_change_reason) == (clerk, "For the next agenda")
    # the same step again is no longer offered, and refused if forced
    assert client.post(step, {"reason": "again"}).status_code == 403


def test_withdrawing_an_agenda_needs_a_reason(client, committee, clerk):
    meeting = MeetingFactory(committee=committee, date=PAST)
    client.force_login(clerk)
    step = reverse("admin:meetings_meeting_step", args=[meeting.pk, "withdraw_agenda"])
    response = client.post(step, {"reason": ""})
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.agenda_status == Meeting.AgendaStatus.PUBLISHED


def test_minutes_added_on_the_meeting_page_for_an_exempt_item_are_exempt(client, committee, officer):
    meeting = MeetingFactory(committee=committee, date=PAST)
    item = AgendaItemFactory(meeting=meeting, number=7, title="CONTRACT", exempt_paragraph=3)
    client.force_login(officer)
    data = meeting_change_data(
        meeting,
        **management("agenda_items", total=1, initial=1),
        **{
            "agenda_items-0-id": item.pk,
            "agenda_items-0-meeting": meeting.pk,
            "agenda_items-0-number": "7",
            "agenda_items-0-kind": "report",
            "agenda_items-0-report_status": "none",
            "agenda_items-0-title": "CONTRACT",
            "agenda_items-0-exempt_paragraph": "3",
        },
        **management("minute_items", total=1),
        **{"minute_items-0-title": "CONTRACT", "minute_items-0-agenda_item": item.pk, "minute_items-0-body": "MARKER-PRIVATE"},
    )
    response = client.post(reverse("admin:meetings_meeting_change", args=[meeting.pk]), data)
    assert response.status_code == 302, response.context["errors"] if response.context else response
    minute = MinuteItem.objects.get(meeting=meeting)
    assert minute.is_exempt
    client.logout()
    assert "MARKER-PRIVATE" not in client.get(meeting.get_absolute_url()).content.decode()


def test_answering_a_question_in_its_admin_closes_the_commitment_owed_to_it(client, committee, officer):
    minute = MinuteItemFactory(meeting=MeetingFactory(committee=committee, date=PAST))
    question = Question.objects.create(meeting=minute.meeting, minute_item=minute, asker_name="A Resident", question="When?")
    owed = ActionFactory(minute_item=minute, kind=Action.Kind.WRITTEN_RESPONSE, question=question)
    client.force_login(officer)
    data = {
        "meeting": minute.meeting_id,
        "minute_item": minute.pk,
        "kind": "public",
        "submitted": "at_meeting",
        "asker_name": "A Resident",
        "question": "When?",
        "answer": "",
        "answered_by": "",
        "written_response_owed": "on",
        "written_response_date": PAST.strftime("%d/%m/%Y"),
    }
    response = client.post(reverse("admin:meetings_question_change", args=[question.pk]), data)
    assert response.status_code == 302
    owed.refresh_from_db()
    assert (owed.status, owed.completed_date) == (Action.Status.DONE, PAST)


def test_a_written_response_dated_in_the_future_is_refused_next_to_the_field(client, committee, officer):
    question = Question.objects.create(meeting=MeetingFactory(committee=committee, date=PAST), asker_name="A Resident", question="When?")
    client.force_login(officer)
    data = {
        "meeting": question.meeting_id,
        "kind": "public",
        "submitted": "at_meeting",
        "asker_name": "A Resident",
        "question": "MY TYPED QUESTION",
        "written_response_owed": "on",
        "written_response_date": (datetime.date.today() + datetime.timedelta(days=3)).strftime("%d/%m/%Y"),
    }
    response = client.post(reverse("admin:meetings_question_change", args=[question.pk]), data)
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert "cannot be dated in the future" in form.errors["written_response_date"][0]
    assert "MY TYPED QUESTION" in response.content.decode()


def test_a_bad_approval_on_the_resolution_admin_is_a_message_next_to_the_field_not_a_server_error(client, committee, officer):
    never_minuted = MeetingFactory(committee=committee, date=datetime.date(2025, 9, 16), minutes_status=Meeting.MinutesStatus.NONE)
    minute = MinuteItemFactory(meeting=MeetingFactory(committee=committee, date=PAST))
    client.force_login(officer)
    data = {
        "minute_item": minute.pk,
        "number": "",
        "text": "The minutes were approved as a correct record.",
        "kind": Resolution.Kind.APPROVE_MINUTES,
        "approves_minutes_of": never_minuted.pk,
    }
    response = client.post(reverse("admin:meetings_resolution_add"), data)
    assert response.status_code == 200
    assert "have not been written" in response.context["adminform"].form.errors["approves_minutes_of"][0]
    never_minuted.refresh_from_db()
    assert never_minuted.minutes_status == Meeting.MinutesStatus.NONE


def test_a_refusal_from_an_action_comes_back_on_the_form_with_everything_typed(client, committee, officer):
    future = MeetingFactory(committee=committee, date=datetime.date.today() + datetime.timedelta(days=20), status="scheduled")
    client.force_login(officer)
    data = {"meeting": future.pk, "number": "", "prefix": "", "title": "MY TYPED TITLE", "body": "MY TYPED BODY"}
    data |= management("resolutions") | management("actions") | management("questions")
    response = client.post(reverse("admin:meetings_minuteitem_add"), data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "has not taken place yet" in body
    assert "MY TYPED TITLE" in body
    assert "MY TYPED BODY" in body
    assert not MinuteItem.objects.filter(title="MY TYPED TITLE").exists()


def test_earlier_versions_can_be_read_but_not_restored(client, committee, clerk):
    minute = MinuteItemFactory(meeting=MeetingFactory(committee=committee, date=PAST), body="First text")
    minute.body = "Second text"
    minute.save()
    first = minute.history.order_by("history_id").first()
    client.force_login(clerk)
    url = reverse("admin:meetings_minuteitem_simple_history", args=[minute.pk, first.history_id])
    assert client.get(url).status_code == 200
    assert (
        client.post(url, {"meeting": minute.meeting_id, "number": minute.number, "title": minute.title, "body": "First text"}).status_code
        == 403
    )
    minute.refresh_from_db()
    assert minute.body == "Second text"


def test_resolutions_typed_without_numbers_are_numbered_in_the_order_typed(client, committee, officer):
    minute = MinuteItemFactory(meeting=MeetingFactory(committee=committee, date=PAST))
    client.force_login(officer)
    data = {"meeting": minute.meeting_id, "number": minute.number, "prefix": "", "title": minute.title, "body": minute.body}
    data |= management("resolutions", total=3) | management("actions") | management("questions")
    for i, text in enumerate(["First.", "Second.", "Third."]):
        data |= {f"resolutions-{i}-text": text, f"resolutions-{i}-kind": "note", f"resolutions-{i}-number": ""}
    data["seen_version"] = minute.version
    response = client.post(reverse("admin:meetings_minuteitem_change", args=[minute.pk]), data)
    assert response.status_code == 302, response.context["errors"] if response.context else response
    assert list(minute.resolutions.order_by("number").values_list("number", "text")) == [(1, "First."), (2, "Second."), (3, "Third.")]


def test_an_action_is_marked_done_with_a_button_not_by_editing_its_status(client, committee, officer):
    action = ActionFactory(minute_item=MinuteItemFactory(meeting=MeetingFactory(committee=committee, date=PAST)))
    client.force_login(officer)
    change = client.get(reverse("admin:meetings_action_change", args=[action.pk])).content.decode()
    assert 'name="status"' not in change
    step = reverse("admin:meetings_action_step", args=[action.pk, "complete"])
    response = client.post(step, {"on": PAST.strftime("%Y-%m-%d"), "note": "Sent to members", "reason": ""})
    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.status, action.completed_date, action.updates.get().text) == (Action.Status.DONE, PAST, "Sent to members")


def test_deleting_a_minute_others_depend_on_is_refused_with_a_message(client, committee, clerk):
    item = AgendaItemFactory(meeting=MeetingFactory(committee=committee, date=PAST), exempt_paragraph=1)
    minute = MinuteItemFactory(meeting=item.meeting, agenda_item=item, is_exempt=True)
    Question.objects.create(meeting=item.meeting, minute_item=minute, asker_name="MARKER-ASKER", question="MARKER-Q")
    client.force_login(clerk)
    response = client.post(reverse("admin:meetings_minuteitem_delete", args=[minute.pk]), {"post": "yes"}, follow=True)
    body = response.content.decode()
    # the admin names the kinds of record that depend on it, never their text
    assert "Cannot delete minute item" in body
    assert "questions depend on it" in body
    assert "MARKER" not in body
    assert MinuteItem.objects.filter(pk=minute.pk).exists()
    assert AgendaItem.objects.filter(pk=item.pk).exists()
