"""What councillors and the public read (issue 15): attendance counted fairly, honest due labels, speakers never taken
from apologies, no page for members of the public, surname order, calendars to subscribe to, phones served first."""

import csv
import datetime
import io

import pytest
from django.urls import reverse

from committee.access import SYSTEM
from committee.models import Membership, Person
from meetings import services
from meetings.models import Action, Attendance, MinuteSpeaker
from tests.factories import ActionFactory, CommitteeFactory, MeetingFactory, MinuteItemFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def year():
    """Three meetings in 2025-26; B joins after the first; C leaves after the second; one cancelled meeting."""
    committee = CommitteeFactory(slug="attendance-committee")
    a, b, c = (PersonFactory(name=n, slug=n.lower().replace(" ", "-")) for n in ("A Able", "B Baker", "C Cole"))
    sub = PersonFactory(name="S Sub", slug="s-sub")
    day = [datetime.date(2025, 6, 10), datetime.date(2025, 9, 10), datetime.date(2025, 12, 10)]
    Membership.objects.create(committee=committee, person=a, role="chair", start_date=datetime.date(2025, 5, 20))
    Membership.objects.create(committee=committee, person=b, start_date=datetime.date(2025, 7, 1))
    Membership.objects.create(committee=committee, person=c, start_date=datetime.date(2025, 5, 20), end_date=datetime.date(2025, 10, 1))
    meetings = [MeetingFactory(committee=committee, date=d) for d in day]
    MeetingFactory(committee=committee, date=datetime.date(2025, 11, 1), status="cancelled")
    services.meeting_roll_call(meeting=meetings[0], by=SYSTEM, marks={a: "chair", c: "apologies"}, substitutes={c: sub})
    services.meeting_roll_call(meeting=meetings[1], by=SYSTEM, marks={a: "chair", b: "present", c: "absent"})
    services.meeting_roll_call(meeting=meetings[2], by=SYSTEM, marks={a: "apologies", b: "present"})
    return committee


def test_attendance_is_counted_only_while_a_member(client, year):
    response = client.get(reverse("meetings:committee_attendance", args=["attendance-committee"]), {"year": "2025-26"})
    rows = {r["member"].removeprefix("Councillor "): r for r in response.context["rows"]}
    assert (rows["A Able"]["meetings_while_a_member"], rows["A Able"]["present"], rows["A Able"]["apologies"]) == (3, 2, 1)
    assert (rows["B Baker"]["meetings_while_a_member"], rows["B Baker"]["present"]) == (2, 2)  # joined after the first
    c = rows["C Cole"]
    assert (c["meetings_while_a_member"], c["apologies"], c["apologies_with_a_substitute"], c["absent"]) == (2, 1, 1, 1)
    assert "S Sub" not in rows  # a substitute holds no seat
    assert rows["B Baker"]["attendance_percent"] == 100


def test_attendance_downloads_as_a_spreadsheet(client, year):
    url = reverse("meetings:committee_attendance", args=["attendance-committee"])
    response = client.get(url, {"year": "2025-26", "format": "csv", "table": "rows"})
    table = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert table[0][:3] == ["member", "seat", "meetings while a member"]
    assert len(table) == 4


def test_the_attendance_page_runs_the_same_queries_for_few_and_many_meetings(client, year, django_assert_max_num_queries):
    url = reverse("meetings:committee_attendance", args=["attendance-committee"])
    with django_assert_max_num_queries(12) as few:
        client.get(url, {"year": "2025-26"})
    committee = year
    for n in range(10):
        MeetingFactory(committee=committee, date=datetime.date(2026, 1, 5) + datetime.timedelta(days=7 * n))
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url, {"year": "2025-26"})


def test_the_roll_call_lists_the_members_on_the_day_and_records_them_in_one_save(client, year):
    from tests.factories import UserFactory

    clerk = UserFactory(username="roll-call-clerk", role="Clerk")
    year.supporting_officers.add(clerk)
    meeting = MeetingFactory(committee=year, date=datetime.date(2026, 2, 10))
    client.force_login(clerk)
    url = reverse("admin:meetings_meeting_roll_call", args=[meeting.pk])
    page = client.get(url).content.decode()
    assert "A Able" in page and "B Baker" in page  # noqa: PT018
    assert "C Cole" not in page  # left in October
    a, b = Person.objects.get(slug="a-able"), Person.objects.get(slug="b-baker")
    response = client.post(url, {f"mark_{a.pk}": "chair", f"mark_{b.pk}": "apologies", f"sub_{b.pk}": Person.objects.get(slug="s-sub").pk})
    assert response.status_code == 302
    assert dict(meeting.attendances.values_list("person__slug", "role")) == {
        "a-able": "chair",
        "b-baker": "apologies",
        "s-sub": "substitute",
    }


def test_due_labels_say_when_there_is_no_date():
    minute = MinuteItemFactory()
    future = ActionFactory(minute_item=minute, due_date=None, due_rule=Action.DueRule.FUTURE_MEETING)
    nothing_scheduled = ActionFactory(minute_item=minute, due_date=None, due_rule=Action.DueRule.NEXT_MEETING)
    dated = ActionFactory(minute_item=minute, due_date=datetime.date(2026, 3, 5))
    assert future.due_label == "A future meeting (no date set)"
    assert nothing_scheduled.due_label == "Next meeting (not yet scheduled)"
    assert dated.due_label == "5 March 2026"


def test_people_sending_apologies_are_not_taken_for_speakers():
    meeting = MeetingFactory()
    farooq = PersonFactory(name="U Farooq")
    Attendance.objects.create(meeting=meeting, person=farooq, role=Attendance.Role.APOLOGIES)
    body = "Apologies for absence were received from Councillor Farooq.\n\nCouncillor Boles asked about waiting lists?"
    minute = services.minute_item_create(meeting=meeting, title="APOLOGIES", body=body, by=SYSTEM)
    assert [s.as_minuted for s in MinuteSpeaker.objects.filter(minute_item=minute)] == ["Councillor Boles"]


def test_members_of_the_public_have_no_page_and_are_not_linked(client):
    resident = PersonFactory(name="A Resident", slug="a-resident", kind=Person.Kind.PUBLIC, honorific="")
    assert client.get(resident.get_absolute_url()).status_code == 404
    assert "a-resident" not in client.get(reverse("meetings:people")).content.decode()


def test_people_are_listed_by_surname(client):
    for name in ("Z Adams", "A Zucker", "M Brown"):
        PersonFactory(name=name, kind=Person.Kind.COUNCILLOR)
    html = client.get(reverse("meetings:people")).content.decode()
    assert html.index("Adams") < html.index("Brown") < html.index("Zucker")


def test_calendars_are_offered_to_subscribe_to_with_webcal(client):
    meeting = MeetingFactory()
    html = client.get(meeting.get_absolute_url()).content.decode()
    assert f'href="webcal://testserver/committees/{meeting.committee.slug}/calendar.ics"' in html


def test_search_results_come_before_the_filters_in_the_page(client):
    html = client.get(reverse("search:index"), {"q": "report"}).content.decode()
    assert html.index('id="results-heading"') < html.index('class="app-filter"')
