"""Record checks (issue 18): every seed error is found by its check on the demo, each rule on small cases either way,
the Checks pages are for those who keep the committee's record only, a committee's checks cost a fixed number of
queries, and saving in the admin warns of what the checks find without stopping the save."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from committee import checks
from committee.models import Committee
from meetings import checks as meeting_checks
from meetings.models import AgendaItem, Attendance, Document, MinuteItem, MinuteSpeaker, Resolution
from tests.factories import (
    AgendaItemFactory,
    AttendanceFactory,
    CommitteeFactory,
    DocumentFactory,
    MeetingFactory,
    MinuteItemFactory,
    PersonFactory,
    ResolutionFactory,
    UserFactory,
)

PAST = datetime.date(2025, 11, 13)


# ---------------------------------------------------------------------------
# The seeds' own errors, found on the demo
# ---------------------------------------------------------------------------
class DemoFindings(list):
    """The findings, and how many queries finding them took."""

    def __init__(self, findings, queries):
        super().__init__(findings)
        self.queries = queries


@pytest.fixture(scope="module")
def demo_findings(django_db_setup, django_db_blocker):
    """Every finding of the demo committee's checks: the demo is loaded once for this module and rolled back after."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", "--no-accounts", "--meetings-only", verbosity=0)
        committee = Committee.objects.get(slug="children-and-young-people-scrutiny-committee")
        found = checks.run_committee(committee)
        with CaptureQueriesContext(connection) as queries:
            meeting_rules_of(committee)
        transaction.set_rollback(True)
    return DemoFindings(found, queries=len(queries.captured_queries))


def found(findings, rule_id, *words):
    return [f for f in findings if f.rule == rule_id and all(word in f.message for word in words)]


def test_seed_minute_number_skipped_cyp81(demo_findings):
    (finding,) = found(demo_findings, "minutes.number-skipped")
    assert "CYP.81 is missing" in finding.message
    assert "from CYP.80 to CYP.82" in finding.message
    assert finding.url.startswith("/admin/meetings/minuteitem/")


def test_seed_minutes_approved_for_15th_november_2024_on_7_march_2024(demo_findings):
    (finding,) = found(demo_findings, "minutes.approves-unknown-meeting")
    assert "15 November 2024" in finding.message
    assert "7 March 2024" in finding.message
    assert "15 November 2023" in finding.message  # the meeting the record links, not "fixed"


def test_seed_report_dated_11_june_for_the_11_july_2024_meeting(demo_findings):
    (finding,) = found(demo_findings, "documents.dated-long-before-meeting")
    assert "“11 June 2024”" in finding.message
    assert "11 July 2024" in finding.message
    # The Cabinet report dated 13 June 2024 was dated for Cabinet, and the letters and appendices keep their own dates.
    assert not found(demo_findings, "documents.dated-long-before-meeting", "13 June")


def test_seed_apologies_noted_above_with_none_recorded(demo_findings):
    findings = found(demo_findings, "attendance.apologies-noted-none-recorded")
    meetings = {f.record.split(", ", 1)[1] for f in findings}
    # 7 March 2024 (the §6 case) and 10 July 2025, whose header is blank too; 13 November 2025 lists its apologies.
    assert meetings == {"CYP Scrutiny, 7 Mar 2024", "CYP Scrutiny, 10 Jul 2025"}


def test_seed_placement_costs_whose_totals_and_averages_do_not_add_up(demo_findings):
    # T2: the independent schools' Total Cost is not the sum of its rows.
    assert found(demo_findings, "documents.table-total-mismatch", "Total Cost", "11,328,836")
    # T1: "Independent Special | 264 | 11,328,836 | 2,912" (42,912); T4: The Enterprise Centre and Outside Education.
    assert found(demo_findings, "documents.table-average-mismatch", "Independent Special", "2,912", "42,912")
    assert found(demo_findings, "documents.table-average-mismatch", "The Enterprise Centre", "6,825", "6,800")
    assert found(demo_findings, "documents.table-average-mismatch", "Outside Education", "25,115")
    # T3 (non-maintained, printed without headings) adds up: its average column is not taken for a sum.
    assert not found(demo_findings, "documents.table-total-mismatch", "65,551")


def test_seed_family_hubs_funding_row_total(demo_findings):
    findings = found(demo_findings, "documents.table-total-mismatch", "2028-29 Allocation", "£714,000", "£713,900")
    assert len(findings) == 2  # the report and its appendix print the same table
    assert not found(demo_findings, "documents.table-total-mismatch", "2026-27")


def test_seed_family_hubs_attendance_total(demo_findings):
    findings = found(demo_findings, "documents.listed-total-mismatch", "15,301", "15,601")
    assert len(findings) == 2


def test_seed_speaker_southworth_not_in_the_attendance_lists(demo_findings):
    assert found(demo_findings, "attendance.speaker-not-listed", "CYP.84", "Councillor Southworth")


def test_seed_no_public_present_yet_five_in_attendance(demo_findings):
    (finding,) = found(demo_findings, "attendance.public-count-contradicts-minutes")
    assert "7 Mar 2024 records no members of the public" in finding.message
    assert "minute 4 says 5 were in attendance" in finding.message


def test_seed_family_safeguarding_launched_in_october_2024_in_a_july_2024_report(demo_findings):
    (finding,) = found(demo_findings, "documents.past-event-after-meeting")
    assert "The Family Safeguarding model formally launched in October 2024" in finding.message
    assert "11 July 2024" in finding.message


def test_seed_section_and_paragraph_numbers_used_twice_or_skipped(demo_findings):
    assert found(demo_findings, "documents.paragraph-numbering", "Children's Social Care Complaints", "two sections are numbered 3.0")
    (annual,) = found(demo_findings, "documents.paragraph-numbering", "Annual Complaints Report 2022/2023")
    assert "two paragraphs are numbered 4.8" in annual.message
    assert "paragraph 9.7 follows 9.5 (no 9.6 in the text)" in annual.message


def test_the_demo_committees_checks_cost_a_fixed_number_of_queries(demo_findings):
    assert demo_findings.queries <= 8


def test_every_finding_names_a_registered_rule_and_links_to_the_record(demo_findings):
    assert demo_findings
    for finding in demo_findings:
        assert finding.rule in checks.REGISTRY
        assert finding.url.startswith("/admin/")
        assert finding.record
        assert finding.meeting_id


# ---------------------------------------------------------------------------
# Each rule on small cases, either way
# ---------------------------------------------------------------------------
def meeting_findings(meeting, rule_id):
    return [f for f in meeting_checks.run_meeting(meeting) if f.rule == rule_id]


@pytest.mark.django_db
def test_number_skipped_within_a_meeting_only():
    meeting = MeetingFactory(date=PAST)
    for number in (10, 11, 14):
        MinuteItemFactory(meeting=meeting, number=number, prefix="X.")
    (finding,) = meeting_findings(meeting, "minutes.number-skipped")
    assert "X.12 to X.13 are missing" in finding.message
    unbroken = MeetingFactory(committee=meeting.committee, date=PAST + datetime.timedelta(days=30))
    for number in (20, 21):  # a gap between meetings (15-19) is another meeting's minutes, not a skip
        MinuteItemFactory(meeting=unbroken, number=number)
    assert not meeting_findings(unbroken, "minutes.number-skipped")


@pytest.mark.django_db
def test_approval_of_a_meeting_that_did_not_take_place():
    earlier = MeetingFactory(date=datetime.date(2025, 9, 16))
    meeting = MeetingFactory(committee=earlier.committee, date=PAST)
    minute = MinuteItemFactory(meeting=meeting, title="MINUTES")
    good = ResolutionFactory(
        minute_item=minute,
        kind=Resolution.Kind.APPROVE_MINUTES,
        approves_minutes_of=earlier,
        text="That the minutes of the meeting held on 16th September 2025 be approved.",
    )
    assert not meeting_findings(meeting, "minutes.approves-unknown-meeting")
    good.text = "That the minutes of the meeting held on 17th September 2025 be approved."
    good.save()
    (finding,) = meeting_findings(meeting, "minutes.approves-unknown-meeting")
    assert "17 September 2025: a date on which the committee held no meeting" in finding.message
    AgendaItemFactory(
        meeting=meeting,
        kind=AgendaItem.Kind.MINUTES,
        minutes_of=earlier,
        description="Minutes from the meeting held on 07th March 2026 are attached for approval.",
    )
    messages = [f.message for f in meeting_findings(meeting, "minutes.approves-unknown-meeting")]
    assert any("Agenda item" in m and "7 March 2026: a date after the meeting" in m for m in messages)


@pytest.mark.django_db
def test_report_dates_against_the_meeting():
    meeting = MeetingFactory(
        date=datetime.date(2024, 7, 11), committee=CommitteeFactory(slug="dated", aliases="Children's Scrutiny Committee")
    )
    item = AgendaItemFactory(meeting=meeting)
    DocumentFactory(agenda_item=item, title="On time", cover_date="11/7/24", cover_meeting="Children’s Scrutiny Committee")
    DocumentFactory(agenda_item=item, title="Month", cover_date="June 2024")
    DocumentFactory(agenda_item=item, title="For Cabinet", cover_date="13 May 2024", cover_meeting="Cabinet")
    DocumentFactory(agenda_item=item, title="A letter", cover_date="1 January 2024", kind=Document.Kind.LETTER)
    DocumentFactory(agenda_item=item, title="Undated", cover_date="")
    assert not meeting_findings(meeting, "documents.dated-long-before-meeting")
    assert not meeting_findings(meeting, "documents.dated-after-meeting")
    DocumentFactory(agenda_item=item, title="Early", cover_date="11 June 2024", cover_meeting="Children's Scrutiny Committee")
    DocumentFactory(agenda_item=item, title="Late", cover_date="12th July 2024")
    (early,) = meeting_findings(meeting, "documents.dated-long-before-meeting")
    assert "“Early”" in early.message
    assert "30 days before" in early.message
    (late,) = meeting_findings(meeting, "documents.dated-after-meeting")
    assert "“Late”" in late.message


@pytest.mark.django_db
def test_apologies_noted_above():
    meeting = MeetingFactory(date=PAST)
    item = AgendaItemFactory(meeting=meeting, kind=AgendaItem.Kind.APOLOGIES, title="APOLOGIES FOR ABSENCE")
    MinuteItemFactory(meeting=meeting, agenda_item=item, title="APOLOGIES FOR ABSENCE", body="Apologies are noted above.")
    AttendanceFactory(meeting=meeting, role=Attendance.Role.PRESENT)
    assert meeting_findings(meeting, "attendance.apologies-noted-none-recorded")
    AttendanceFactory(meeting=meeting, role=Attendance.Role.APOLOGIES)
    assert not meeting_findings(meeting, "attendance.apologies-noted-none-recorded")


@pytest.mark.django_db
def test_speaker_not_listed_and_exempt_minutes_not_quoted():
    meeting = MeetingFactory(date=PAST)
    minute = MinuteItemFactory(meeting=meeting)
    MinuteSpeaker.objects.create(
        minute_item=minute, as_minuted="Councillor Present", match=MinuteSpeaker.Match.LINKED, person=PersonFactory()
    )
    assert not meeting_findings(meeting, "attendance.speaker-not-listed")
    MinuteSpeaker.objects.create(minute_item=minute, order=1, as_minuted="Councillor Nobody", match=MinuteSpeaker.Match.NOT_LISTED)
    (finding,) = meeting_findings(meeting, "attendance.speaker-not-listed")
    assert "Councillor Nobody" in finding.message
    MinuteItem.objects.filter(pk=minute.pk).update(is_exempt=True)
    (finding,) = meeting_findings(meeting, "attendance.speaker-not-listed")
    assert "Nobody" not in finding.message


@pytest.mark.django_db
def test_past_event_after_the_meeting():
    item = AgendaItemFactory(meeting=MeetingFactory(date=datetime.date(2024, 7, 11)))
    DocumentFactory(
        agenda_item=item,
        body_source="The model formally launched in June 2024. The new service will be launched in October 2024. "
        "The review is planned to start in September 2024.",
    )
    assert not meeting_findings(item.meeting, "documents.past-event-after-meeting")
    DocumentFactory(agenda_item=item, title="Later", body_source="The Family Safeguarding model formally launched in October 2024.")
    (finding,) = meeting_findings(item.meeting, "documents.past-event-after-meeting")
    assert "“Later”" in finding.message


@pytest.mark.django_db
def test_paragraph_numbering():
    item = AgendaItemFactory(meeting=MeetingFactory(date=PAST))
    DocumentFactory(agenda_item=item, body_source="## 1.0 BACKGROUND\n\n1.1 One.\n\n1.2 Two.\n\n## 2.0 ISSUES\n\n2.1 Three.")
    assert not meeting_findings(item.meeting, "documents.paragraph-numbering")
    DocumentFactory(agenda_item=item, title="Slips", body_source="## 1.0 A\n\n1.1 One.\n\n1.3 Three.\n\n## 1.0 B\n\n1.3 Again.")
    (finding,) = meeting_findings(item.meeting, "documents.paragraph-numbering")
    assert "two sections are numbered 1.0" in finding.message
    assert "no 1.2 in the text" in finding.message
    assert "two paragraphs are numbered 1.3" in finding.message


@pytest.mark.django_db
def test_public_attendance_against_the_minutes():
    meeting = MeetingFactory(date=PAST, public_attendance_count=None, public_attendance_note="7 Members of the public attended the meeting")
    minute = MinuteItemFactory(meeting=meeting, body="Seven members of the public were in attendance and two asked questions.")
    assert not meeting_findings(meeting, "attendance.public-count-contradicts-minutes")
    minute.body = "Five members of the public were present."
    minute.save()
    assert meeting_findings(meeting, "attendance.public-count-contradicts-minutes")
    MinuteItem.objects.filter(pk=minute.pk).update(is_exempt=True)
    assert not meeting_findings(meeting, "attendance.public-count-contradicts-minutes")


TABLE = """
| Strand | % | 2026-27 | Average cost |
|---|---|---|---|
| Programme | 47% | £385,900 | 10 |
| Capital | 11% | £77,200 | 20 |
| Total |   | {total} | 15 |
"""


@pytest.mark.django_db
def test_table_total_row():
    item = AgendaItemFactory(meeting=MeetingFactory(date=PAST))
    DocumentFactory(agenda_item=item, title="Adds up", body_source=TABLE.format(total="£463,100"))
    assert not meeting_findings(item.meeting, "documents.table-total-mismatch")  # and averages and percentages are not summed
    DocumentFactory(agenda_item=item, title="Does not", body_source=TABLE.format(total="£463,000"))
    (finding,) = meeting_findings(item.meeting, "documents.table-total-mismatch")
    assert "“Does not”" in finding.message
    assert "£463,000" in finding.message
    assert "£463,100" in finding.message


@pytest.mark.django_db
def test_table_averages():
    body = "| | Number of Pupils | Total Cost | Average cost per pupil |\n|---|---|---|---|\n| A | 3 | 100 | {average} |\n"
    item = AgendaItemFactory(meeting=MeetingFactory(date=PAST))
    DocumentFactory(agenda_item=item, body_source=body.format(average="33"))
    assert not meeting_findings(item.meeting, "documents.table-average-mismatch")  # 33.3, rounded
    DocumentFactory(agenda_item=item, body_source=body.format(average="3,333"))
    (finding,) = meeting_findings(item.meeting, "documents.table-average-mismatch")
    assert "“A”" in finding.message
    assert "3,333" in finding.message


@pytest.mark.django_db
def test_listed_total():
    text = (
        "Q1: April- June 2025 - 8,292 children\n\nQ2 July -September 2025 – 7309 children\n\nTotal for this year so far: {total} children"
    )
    item = AgendaItemFactory(meeting=MeetingFactory(date=PAST))
    DocumentFactory(agenda_item=item, body_source=text.format(total="15,601"))
    assert not meeting_findings(item.meeting, "documents.listed-total-mismatch")
    DocumentFactory(agenda_item=item, body_source=text.format(total="15,301"))
    (finding,) = meeting_findings(item.meeting, "documents.listed-total-mismatch")
    assert "15,601" in finding.message


@pytest.mark.django_db
def test_exempt_papers_figures_are_not_quoted():
    item = AgendaItemFactory(meeting=MeetingFactory(date=PAST), exempt_paragraph=3)
    DocumentFactory(
        agenda_item=item, title="Private", body_source=TABLE.format(total="£463,000").replace("Programme", "Secret Provider Ltd")
    )
    (finding,) = meeting_findings(item.meeting, "documents.table-total-mismatch")
    assert "Secret" not in finding.message
    assert "385,900" not in finding.message
    assert "463" not in finding.message


def test_the_list_of_checks_names_every_rule():
    ids = {r.id for r in checks.rules()}
    assert {
        "minutes.number-skipped",
        "minutes.approves-unknown-meeting",
        "documents.dated-long-before-meeting",
        "documents.dated-after-meeting",
        "attendance.apologies-noted-none-recorded",
        "attendance.speaker-not-listed",
        "documents.table-total-mismatch",
        "documents.table-average-mismatch",
        "documents.listed-total-mismatch",
        "attendance.public-count-contradicts-minutes",
        "documents.past-event-after-meeting",
        "documents.paragraph-numbering",
    } <= ids
    for r in checks.rules():
        assert r.title
        assert r.explanation


# ---------------------------------------------------------------------------
# Bounded queries
# ---------------------------------------------------------------------------
def a_full_meeting(committee, n):
    meeting = MeetingFactory(committee=committee, date=PAST - datetime.timedelta(days=30 * n))
    item = AgendaItemFactory(meeting=meeting, number=1)
    DocumentFactory(agenda_item=item, cover_date="1 January 2020", body_source=TABLE.format(total="£1"))
    AttendanceFactory(meeting=meeting)
    minute = MinuteItemFactory(meeting=meeting, number=10 * n + 1, agenda_item=item, body="Apologies are noted above.", title="APOLOGIES")
    MinuteItemFactory(meeting=meeting, number=minute.number + 2)
    ResolutionFactory(minute_item=minute, kind=Resolution.Kind.APPROVE_MINUTES, text="The minutes of 1 January 2019 be approved.")
    AgendaItemFactory(meeting=meeting, number=2, kind=AgendaItem.Kind.MINUTES, minutes_of=meeting, description="Minutes of 2 January 2019.")
    MinuteSpeaker.objects.create(minute_item=minute, as_minuted="Councillor Nobody", match=MinuteSpeaker.Match.NOT_LISTED)
    return meeting


def meeting_rules_of(committee):
    """The meeting checks of every meeting of `committee`, as the committee-wide run makes them (other apps' committee
    checks left out, so the bound here is the meeting checks' own)."""
    return [finding for meeting in meeting_checks.meetings_of(committee) for finding in checks.run(meeting, checks.MEETING)]


@pytest.mark.django_db
@pytest.mark.parametrize("meetings", [1, 10])
def test_a_committees_meeting_checks_cost_8_queries_at_1_and_10_meetings(meetings, django_assert_max_num_queries):
    committee = CommitteeFactory(slug="bounded")
    for n in range(meetings):
        a_full_meeting(committee, n)
    with django_assert_max_num_queries(8):
        findings = meeting_rules_of(committee)
    assert len({f.meeting_id for f in findings}) == meetings
    assert {f.rule for f in findings} >= {
        "minutes.number-skipped",
        "minutes.approves-unknown-meeting",
        "documents.table-total-mismatch",
        "attendance.speaker-not-listed",
    }
    assert len([f for f in findings if f.rule == "minutes.approves-unknown-meeting"]) == 2 * meetings


@pytest.mark.django_db
def test_the_committee_checks_page_costs_the_same_queries_at_1_and_10_meetings(client):
    committee = CommitteeFactory(slug="bounded-page")
    clerk = UserFactory(username="bounded-clerk", role="Clerk")
    committee.supporting_officers.add(clerk)
    client.force_login(clerk)
    url = reverse("admin:committee_committee_checks", args=[committee.pk])
    counts = []
    for meetings in (1, 10):
        while committee.meetings.count() < meetings:
            a_full_meeting(committee, committee.meetings.count())
        client.get(url)  # a first request settles the session
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        assert response.content.decode().count("Councillor Nobody") == meetings
        counts.append(len(queries.captured_queries))
    assert counts[0] == counts[1], counts


# ---------------------------------------------------------------------------
# The Checks pages: for those who keep the committee's record
# ---------------------------------------------------------------------------
@pytest.fixture
def two_committees():
    ours, theirs = CommitteeFactory(slug="ours"), CommitteeFactory(slug="theirs")
    for committee, name in ((ours, "Councillor Ours"), (theirs, "Councillor Theirs")):
        minute = MinuteItemFactory(meeting=MeetingFactory(committee=committee, date=PAST))
        MinuteSpeaker.objects.create(minute_item=minute, as_minuted=name, match=MinuteSpeaker.Match.NOT_LISTED)
    officer = UserFactory(username="ours-officer", role="Officer")
    ours.supporting_officers.add(officer)
    return ours, theirs, officer


@pytest.mark.django_db
def test_an_officer_sees_their_committees_checks(client, two_committees):
    ours, _theirs, officer = two_committees
    client.force_login(officer)
    for url in (
        reverse("admin:committee_committee_checks", args=[ours.pk]),
        reverse("admin:meetings_meeting_checks", args=[ours.meetings.get().pk]),
    ):
        body = client.get(url).content.decode()
        assert "Councillor Ours" in body
        assert "Councillors minuted as speaking are in the attendance list" in body
        assert "Theirs" not in body
    change = client.get(reverse("admin:meetings_meeting_change", args=[ours.meetings.get().pk])).content.decode()
    assert reverse("admin:meetings_meeting_checks", args=[ours.meetings.get().pk]) in change
    minute = MinuteItem.objects.get(meeting__committee=ours)
    change = client.get(reverse("admin:meetings_minuteitem_change", args=[minute.pk])).content.decode()
    assert reverse("admin:meetings_meeting_checks", args=[minute.meeting_id]) in change
    change = client.get(reverse("admin:committee_committee_change", args=[ours.pk])).content.decode()
    assert reverse("admin:committee_committee_checks", args=[ours.pk]) in change


@pytest.mark.django_db
def test_an_officer_of_another_committee_sees_nothing_of_its_checks(client, two_committees):
    _ours, theirs, officer = two_committees
    client.force_login(officer)
    for url in (
        reverse("admin:committee_committee_checks", args=[theirs.pk]),
        reverse("admin:meetings_meeting_checks", args=[theirs.meetings.get().pk]),
    ):
        response = client.get(url)
        assert response.status_code in (403, 404)
        assert "Theirs" not in response.content.decode()


@pytest.mark.django_db
def test_an_administrator_who_does_not_support_the_committee_is_refused(client, two_committees):
    ours, _theirs, _officer = two_committees
    client.force_login(UserFactory(username="checks-admin", role="Administrator"))
    response = client.get(reverse("admin:committee_committee_checks", args=[ours.pk]))
    assert response.status_code == 403
    assert "Ours" not in response.content.decode()


@pytest.mark.django_db
def test_the_list_of_checks_page(client, officer):
    client.force_login(officer)
    body = client.get(reverse("admin:committee_check_rules")).content.decode()
    for r in checks.rules():
        assert r.id in body


# ---------------------------------------------------------------------------
# Warnings on save
# ---------------------------------------------------------------------------
@pytest.mark.django_db
def test_saving_a_minute_warns_of_the_meetings_findings_and_keeps_the_save(client):
    committee = CommitteeFactory(slug="warned", minute_prefix="W.")
    officer = UserFactory(username="warned-officer", role="Officer")
    committee.supporting_officers.add(officer)
    meeting = MeetingFactory(committee=committee, date=PAST)
    MinuteItemFactory(meeting=meeting, number=80, prefix="W.")
    minute = MinuteItemFactory(meeting=meeting, number=82, prefix="W.")
    client.force_login(officer)
    data = {"meeting": meeting.pk, "number": 82, "prefix": "W.", "title": "RENAMED", "body": "Text", "seen_version": minute.version}
    for prefix in ("resolutions", "actions", "questions"):
        data |= {
            f"{prefix}-TOTAL_FORMS": "0",
            f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "1000",
        }
    response = client.post(reverse("admin:meetings_minuteitem_change", args=[minute.pk]), data)
    assert response.status_code == 302
    minute.refresh_from_db()
    assert minute.title == "RENAMED"
    warnings = [str(m) for m in get_messages(response.wsgi_request) if m.level_tag == "warning"]
    assert any("minutes.number-skipped" in w and "W.81 is missing" in w for w in warnings)
    assert any(reverse("admin:meetings_meeting_checks", args=[meeting.pk]) in w for w in warnings)


@pytest.mark.django_db
def test_the_demo_committees_checks_page_shows_the_seed_errors(client, demo):
    committee = Committee.objects.get(slug="children-and-young-people-scrutiny-committee")
    clerk = UserFactory(username="demo-checks-clerk", role="Clerk")
    committee.supporting_officers.add(clerk)
    client.force_login(clerk)
    body = client.get(reverse("admin:committee_committee_checks", args=[committee.pk])).content.decode()
    for shown in ("CYP.81 is missing", "15 November 2024", "“11 June 2024”", "£713,900", "15,601", "42,912", "Councillor Southworth"):
        assert shown in body


@pytest.mark.django_db
def test_saving_a_decision_warns_of_an_approval_of_a_meeting_that_never_was(client):
    committee = CommitteeFactory(slug="warned-decision")
    clerk = UserFactory(username="warned-clerk", role="Clerk")
    committee.supporting_officers.add(clerk)
    earlier = MeetingFactory(committee=committee, date=datetime.date(2025, 9, 16))
    minute = MinuteItemFactory(meeting=MeetingFactory(committee=committee, date=PAST), title="MINUTES")
    client.force_login(clerk)
    data = {
        "minute_item": minute.pk,
        "number": "1",
        "text": "That the minutes of the meeting held on 16th October 2025 be approved.",
        "kind": "approve_minutes",
        "approves_minutes_of": earlier.pk,
    }
    response = client.post(reverse("admin:meetings_resolution_add"), data)
    assert response.status_code == 302
    assert minute.resolutions.exists()
    warnings = [str(m) for m in get_messages(response.wsgi_request) if m.level_tag == "warning"]
    assert any("minutes.approves-unknown-meeting" in w and "16 October 2025" in w for w in warnings)
