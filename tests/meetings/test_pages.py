"""Public pages render the real committee's records, stay within a fixed query budget, and never 500."""

import datetime

import pytest
from django.urls import reverse

from meetings.models import Action, Document, Meeting
from tests.factories import (
    ActionFactory,
    AttendanceFactory,
    CommitteeFactory,
    MeetingFactory,
    MinuteItemFactory,
    PersonFactory,
    QuestionFactory,
    ResolutionFactory,
    WorkProgrammeItemFactory,
)

pytestmark = pytest.mark.django_db


def meeting_on(day):
    return Meeting.objects.get(date=day)


# ---------------------------------------------------------------------------
# The demo committee's own records
# ---------------------------------------------------------------------------
def test_10_july_2025_page_shows_minute_64_and_its_two_resolutions(client, demo):
    response = client.get(meeting_on(datetime.date(2025, 7, 10)).get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert "Thursday, 10 July 2025" in html
    assert "BURY ATTENDANCE PARTNERSHIP APPROACH" in html
    assert 'id="minute-64"' in html
    minute = meeting_on(datetime.date(2025, 7, 10)).minute_items.get(number=64)
    assert minute.resolutions.count() == 2
    for resolution in minute.resolutions.all():
        assert resolution.text in html
    assert "Councillor C Boles</a> (in the Chair)" in html


def test_10_july_2025_minute_61_links_to_the_previous_minutes(client, demo):
    march = meeting_on(datetime.date(2025, 3, 13))
    html = client.get(meeting_on(datetime.date(2025, 7, 10)).get_absolute_url()).content.decode()
    assert f'href="{march.get_absolute_url()}#minutes"' in html
    march.refresh_from_db()
    assert march.minutes_status == Meeting.MinutesStatus.APPROVED


def test_13_november_2025_minutes_use_the_cyp_prefix_and_are_a_draft(client, demo):
    html = client.get(meeting_on(datetime.date(2025, 11, 13)).get_absolute_url()).content.decode()
    assert "CYP.77" in html
    assert "CYP.84" in html
    assert "Draft" in html


def test_16_september_2025_agenda_reads_like_the_printed_agenda(client, demo):
    html = client.get(meeting_on(datetime.date(2025, 9, 16)).get_absolute_url()).content.decode()
    assert "Tuesday, 16 September 2025" in html
    assert "7.00 pm" in html
    assert "CHILDRENS SERVICES COMPLAINTS REPORT" in html
    assert "(Pages 9 - 34)" in html
    assert "Council Chamber, Town Hall, Bury, BL9 0SW" in html


def test_document_page_shows_the_cover_sheet(client, demo):
    document = Document.objects.filter(title__icontains="Ofsted").first()
    html = client.get(reverse("meetings:document", args=[document.pk])).content.decode()
    assert document.report_from in html
    assert "Report from" in html


def test_committee_page_lists_members_and_meetings(client, demo):
    html = client.get(reverse("meetings:committee", args=["children-and-young-people-scrutiny-committee"])).content.decode()
    assert "Children and Young People Scrutiny Committee" in html
    assert "Councillor C Boles" in html
    assert "Work programme" in html


def test_person_page_shows_committees_and_attendance_rate(client, demo):
    html = client.get(reverse("meetings:person", args=["c-boles"])).content.decode()
    assert "Committees served" in html
    assert "2025-26" in html
    assert "%" in html


def test_decisions_register_filters_by_words_and_year(client, demo):
    response = client.get(reverse("meetings:decisions"), {"q": "correct and accurate record", "year": "2025-26"})
    resolutions = list(response.context["resolutions"])
    assert resolutions
    assert all("correct and accurate" in r.text for r in resolutions)
    assert all(r.minute_item.meeting.date >= datetime.date(2025, 5, 1) for r in resolutions)


def test_actions_tracker_shows_the_briefing_note_promised_at_cyp_84_as_overdue(client, demo):
    response = client.get(reverse("meetings:actions"), {"state": "overdue"})
    descriptions = " ".join(a.description for a in response.context["actions"])
    assert "briefing note" in descriptions.lower()
    assert "Overdue" in response.content.decode()


def test_actions_tracker_filters_by_owner(client):
    mine = ActionFactory()
    ActionFactory()
    response = client.get(reverse("meetings:actions"), {"owner": mine.owner_id, "state": "all"})
    assert list(response.context["actions"]) == [mine]


def test_work_programme_page(client, demo):
    html = client.get(reverse("meetings:work_programme", args=["children-and-young-people-scrutiny-committee"])).content.decode()
    assert "Graduated Approach" in html


def test_questions_page_lists_the_question_still_owed_a_written_response(client, demo):
    html = client.get(reverse("meetings:questions")).content.decode()
    assert "Owed" in html
    assert "first raised 13 March 2025" in html


# ---------------------------------------------------------------------------
# Bad addresses and bad filter values
# ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    "url",
    ["/meetings/999999/", "/documents/999999/", "/people/nobody/", "/committees/no-such-committee/", "/committees/nope/work-programme/"],
)
def test_unknown_ids_give_404(client, url):
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    ("url", "params"),
    [
        ("meetings:list", {"committee": "abc", "year": "1066-67", "status": "<script>alert(1)</script>"}),
        ("meetings:decisions", {"year": "x", "kind": "?", "q": "' OR 1=1 --"}),
        ("meetings:actions", {"state": "bogus", "owner": "-1", "committee": "9" * 30}),
        ("meetings:actions", {"page": "999"}),
        ("meetings:questions", {"page": "abc"}),
    ],
)
def test_bad_filter_values_never_500(client, url, params):
    response = client.get(reverse(url), params)
    assert response.status_code in (200, 404)
    assert b"<script>alert(1)" not in response.content


# ---------------------------------------------------------------------------
# Query budgets: the same whatever the number of rows
# ---------------------------------------------------------------------------
def build_committee_records(committee, meetings=1, per_meeting=1):
    """Meetings with minutes, resolutions, actions, attendance and questions, `per_meeting` of each."""
    for _ in range(meetings):
        meeting = MeetingFactory(committee=committee)
        for _ in range(per_meeting):
            minute = MinuteItemFactory(meeting=meeting)
            ResolutionFactory(minute_item=minute)
            ActionFactory(minute_item=minute, due_date=datetime.date(2024, 6, 1))
            AttendanceFactory(meeting=meeting)
            QuestionFactory(meeting=meeting, minute_item=minute, written_response_owed=True)
        WorkProgrammeItemFactory(committee=committee)
    return committee


LIST_PAGES = [
    ("meetings:home", {}),
    ("meetings:list", {}),
    ("meetings:decisions", {}),
    ("meetings:actions", {}),
    ("meetings:actions", {"state": "overdue"}),
    ("meetings:questions", {}),
    ("meetings:people", {}),
    ("committee:list", {}),
]


@pytest.mark.parametrize(("name", "params"), LIST_PAGES)
def test_list_pages_run_a_bounded_number_of_queries(client, django_assert_max_num_queries, name, params):
    """Guards against N+1 queries in list templates: 10× the rows, the same query budget."""
    committee = build_committee_records(CommitteeFactory(), meetings=2, per_meeting=2)
    with django_assert_max_num_queries(12) as small:
        assert client.get(reverse(name), params).status_code == 200
    build_committee_records(committee, meetings=20, per_meeting=2)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(reverse(name), params).status_code == 200


def test_meeting_page_query_count_does_not_grow_with_its_minutes(client, django_assert_max_num_queries):
    """Guards against N+1 queries over minute items, resolutions, actions and questions."""
    committee = CommitteeFactory()
    build_committee_records(committee, meetings=1, per_meeting=2)
    meeting = committee.meetings.get()
    with django_assert_max_num_queries(20) as small:
        client.get(meeting.get_absolute_url())
    for _ in range(20):
        minute = MinuteItemFactory(meeting=meeting)
        ResolutionFactory(minute_item=minute)
        ActionFactory(minute_item=minute)
        QuestionFactory(meeting=meeting, minute_item=minute)
        AttendanceFactory(meeting=meeting)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(meeting.get_absolute_url())


@pytest.mark.parametrize("page", ["committee", "work_programme"])
def test_committee_pages_query_count_does_not_grow(client, django_assert_max_num_queries, page):
    committee = build_committee_records(CommitteeFactory(), meetings=2, per_meeting=1)
    url = reverse(f"meetings:{page}", args=[committee.slug])
    with django_assert_max_num_queries(15) as small:
        client.get(url)
    build_committee_records(committee, meetings=20, per_meeting=1)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(url)


def test_person_page_query_count_does_not_grow(client, django_assert_max_num_queries):
    person = PersonFactory()
    committee = CommitteeFactory()
    build_committee_records(committee, meetings=2)
    for meeting in committee.meetings.all():
        AttendanceFactory(meeting=meeting, person=person)
    ActionFactory(owner=person)
    with django_assert_max_num_queries(15) as small:
        client.get(person.get_absolute_url())
    build_committee_records(committee, meetings=20)
    for meeting in committee.meetings.exclude(attendances__person=person):
        AttendanceFactory(meeting=meeting, person=person)
        ActionFactory(owner=person, minute_item=MinuteItemFactory(meeting=meeting))
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(person.get_absolute_url())
    assert Action.objects.filter(owner=person).count() > 20
