"""Issue 18, meetings: a faithful record. On the demo data every fact the seeds print is there, and every value they do
not give is "Not recorded" or carries its mark (illustrative, rebuilt, inferred) on the page, in the CSV, the API, the
calendar feed and the printed PDFs."""

import csv
import datetime
import io
import re

import pypdf
import pytest
from django.urls import reverse

from committee.access import SYSTEM
from committee.models import Membership
from committee.provenance import NOT_RECORDED, Provenance
from meetings import services
from meetings.models import AgendaItem, AgendaPack, Attendance, Meeting, Question
from meetings.packs import publish_demo_packs
from meetings.pdf import minutes_record
from tests.factories import MeetingFactory

pytestmark = pytest.mark.django_db

MAR_2024 = datetime.date(2024, 3, 7)
JUL_2024 = datetime.date(2024, 7, 11)
MAR_2025 = datetime.date(2025, 3, 13)
JUL_2025 = datetime.date(2025, 7, 10)
SEP_2025 = datetime.date(2025, 9, 16)
NOV_2025 = datetime.date(2025, 11, 13)
JAN_2026 = datetime.date(2026, 1, 7)


def meeting_on(day):
    return Meeting.objects.get(date=day)


def page(client, day) -> str:
    return client.get(meeting_on(day).get_absolute_url()).content.decode()


def summary_row(html: str, key: str) -> str:
    """The value cell of the meeting page's summary row `key` ("Time", "Place", "Agenda published", "Contact")."""
    match = re.search(rf'<dt class="govuk-summary-list__key">{key}</dt><dd class="govuk-summary-list__value">(.*?)</dd>', html, re.S)
    assert match, f"no {key} row"
    return match.group(1)


def minutes_header(html: str, key: str) -> str:
    match = re.search(rf'<dt class="govuk-summary-list__key">{key}</dt><dd class="govuk-summary-list__value">(.*?)</dd>', html, re.S)
    assert match, f"no {key} row"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", match.group(1))).strip()


def test_values_the_seeds_do_not_give_carry_their_mark_on_the_page(client, demo):
    # 10 July 2025: no summons in the seeds (time from "The meeting started at 7.00 pm", place the usual venue),
    # no agenda (rebuilt from the minute titles), no publication date, apologies left blank, approval inferred
    july = page(client, JUL_2025)
    assert "Inferred" in summary_row(july, "Time")
    assert "Illustrative" in summary_row(july, "Place")
    assert "Illustrative" in summary_row(july, "Agenda published")
    assert "Rebuilt from the minutes" in july
    assert "The council's agenda for this meeting is not held" in july
    assert minutes_header(july, "Apologies for absence") == f"{NOT_RECORDED} (the minutes leave this blank)"
    assert "No minutes held here record their approval" in july
    # 7 January 2026: the summons is in seed 003, so time and place are the council's and carry no mark
    january = page(client, JAN_2026)
    assert "Council Chamber, Town Hall, Bury, BL9 0SW" in summary_row(january, "Place")
    assert "app-provenance" not in summary_row(january, "Place")
    assert "app-provenance" not in summary_row(january, "Time")
    assert "Rebuilt from the minutes" not in january
    # 13 November 2025: apologies as minuted; the minutes approving 13 March 2025 (min. 61) are the council's record
    november = page(client, NOV_2025)
    assert minutes_header(november, "Apologies for absence") == "Councillor U Farooq, Councillor E FitzGerald, Councillor J Grimshaw"
    assert meeting_on(MAR_2025).minutes_approval_provenance == Provenance.RECORDED
    assert meeting_on(JUL_2025).minutes_approval_provenance == Provenance.INFERRED
    assert meeting_on(MAR_2024).minutes_approval_provenance == Provenance.INFERRED
    # no date the seeds do not print is shown unmarked
    assert not Meeting.objects.filter(agenda_status="published", agenda_published_provenance=Provenance.RECORDED).exists()
    # substitutes the seeds never call substitutes are marked where their seat is shown
    hayes = Membership.objects.get(person__slug="m-hayes", role=Membership.Role.SUBSTITUTE)
    assert hayes.role_provenance == Provenance.INFERRED
    person_page = client.get(reverse("meetings:person", args=["m-hayes"])).content.decode()
    assert re.search(r"Substitute.*?Inferred", person_page, re.S)
    # and the printed minutes say "Not recorded" where the minutes leave apologies blank, "None" only where they say so
    record = minutes_record(Meeting.objects.with_full_record(SYSTEM).get(date=JUL_2025))
    assert record["apologies"] == NOT_RECORDED


def test_marks_reach_the_csv_the_api_and_the_calendar(client, demo):
    rows = list(csv.DictReader(io.StringIO(client.get(reverse("meetings:list"), {"format": "csv"}).content.decode("utf-8-sig"))))
    by_date = {row["Date"]: row for row in rows}
    assert by_date["2025-03-13"]["Venue"] == "Council Chamber, Town Hall, Bury, BL9 0SW (illustrative)"
    assert by_date["2025-03-13"]["Time"] == "19:00 (illustrative)"
    assert by_date["2025-07-10"]["Time"] == "19:00 (inferred)"
    assert by_date["2025-07-10"]["Agenda is"] == "Rebuilt from the minutes"
    assert by_date["2026-01-07"]["Venue"] == "Council Chamber, Town Hall, Bury, BL9 0SW"
    assert by_date["2026-01-07"]["Time"] == "19:00"
    assert by_date["2026-01-07"]["Agenda is"] == "As recorded"

    july = meeting_on(JUL_2025)
    event = client.get(reverse("api:event", args=[july.pk])).json()
    assert event["location"]["provenance"] == "illustrative"
    assert event["start_date_provenance"] == "inferred"
    assert event["agenda_provenance"] == "rebuilt"
    assert event["minutes_approval_provenance"] == "inferred"
    assert {item["provenance"] for item in event["agenda"]} == {"rebuilt"}
    january = client.get(reverse("api:event", args=[meeting_on(JAN_2026).pk])).json()
    assert (january["location"]["provenance"], january["start_date_provenance"], january["agenda_provenance"]) == (
        "recorded",
        "recorded",
        "recorded",
    )

    ics = client.get(reverse("meetings:meeting_calendar", args=[july.pk])).content.decode()
    unfolded = ics.replace("\r\n ", "")
    assert "LOCATION:Council Chamber\\, Town Hall\\, Bury\\, BL9 0SW (illustrative)" in unfolded
    assert "Place illustrative: not from the council's record." in unfolded

    questions = list(csv.DictReader(io.StringIO(client.get(reverse("meetings:questions"), {"format": "csv"}).content.decode("utf-8-sig"))))
    march = [q for q in questions if q["Meeting date"] == "2024-03-07" and q["Type"] == "Public question"]
    assert [q["Asked by"] for q in march] == [NOT_RECORDED] * 3


def test_attendee_named_only_by_capacity_is_present_and_counted_nowhere_as_a_member(client, demo):
    november = meeting_on(NOV_2025)
    representative = Attendance.objects.get(meeting=november, person__isnull=True)
    assert (representative.capacity, representative.role) == ("CYP Representative", Attendance.Role.ALSO_IN_ATTENDANCE)
    also = minutes_header(page(client, NOV_2025), "Also in attendance")
    assert also.endswith("CYP Representative (named in the minutes only by capacity)")
    record = minutes_record(Meeting.objects.with_full_record(SYSTEM).get(pk=november.pk))
    assert record["also"][-1] == "CYP Representative"
    # the attendance statistics and the roll call cope: no person, no seat, no row
    response = client.get(reverse("meetings:committee_attendance", args=[november.committee.slug]), {"year": "2025-26"})
    assert response.status_code == 200
    boles = Attendance.objects.get(meeting=november, person__slug="c-boles").person
    services.meeting_roll_call(meeting=november, by=SYSTEM, marks={boles: Attendance.Role.CHAIR})
    assert Attendance.objects.filter(meeting=november, capacity="CYP Representative", person__isnull=True).exists()


def test_capacity_only_attendance_needs_its_capacity(db):
    from django.core.exceptions import ValidationError

    meeting = MeetingFactory()
    with pytest.raises(ValidationError):
        services.attendance_save(attendance=Attendance(meeting=meeting, role=Attendance.Role.PRESENT), by=SYSTEM)


def test_contact_officer_and_questions_as_the_seeds_print_them(client, demo):
    # the 11 July 2024 pack's own front sheet names Chloe Ashworth; later packs name the committee's clerk
    assert summary_row(page(client, JUL_2024), "Contact").startswith("Chloe Ashworth, 0161 253 5132")
    assert "C.Ashworth@bury.gov.uk" in summary_row(page(client, JUL_2024), "Contact")
    assert summary_row(page(client, SEP_2025), "Contact").startswith("Josh Ashworth")
    # 7 March 2024, minute 4: "One question was received in advance ... two members asked a question": three public
    # questions (and one member question), whose words are in an appendix the pack does not print
    march = meeting_on(MAR_2024)
    public = Question.objects.filter(meeting=march, kind=Question.Kind.PUBLIC).order_by("pk")
    assert [q.submitted for q in public] == ["in_advance", "at_meeting", "at_meeting"]
    assert Question.objects.filter(meeting=march, kind=Question.Kind.MEMBER).count() == 1
    html = page(client, MAR_2024)
    assert html.count("the minutes record that the question was asked, not its words") == 4
    assert html.count("Public question from an asker not recorded") == 3


def test_printed_page_ranges_are_kept_as_printed_and_the_regenerated_pack_says_so(client, demo, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    complaints = AgendaItem.objects.get(meeting__date=SEP_2025, number=6)
    minutes = AgendaItem.objects.get(meeting__date=JAN_2026, number=3)
    assert (complaints.printed_page_start, complaints.printed_page_end) == (9, 34)
    assert (minutes.printed_page_start, minutes.printed_page_end) == (3, 16)
    september = client.get(reverse("api:event", args=[complaints.meeting_id])).json()
    item = next(i for i in september["agenda"] if i["order"] == 6)
    assert (item["printed_page_start"], item["printed_page_end"], item["provenance"]) == (9, 34, "recorded")
    publish_demo_packs()
    complaints.refresh_from_db()
    minutes.refresh_from_db()
    # the regenerated packs number their own pages; the printed ranges stay as printed, and are what the agenda shows
    assert (complaints.printed_page_start, complaints.printed_page_end) == (9, 34)
    assert (minutes.printed_page_start, minutes.printed_page_end) == (3, 16)
    assert complaints.pages_label == "Pages 9 - 34"
    html = page(client, SEP_2025)
    assert "(Pages 9 - 34)" in html
    assert "its page numbers differ from the council's printed pack" in html
    pack = AgendaPack.objects.get(meeting__date=SEP_2025, kind=AgendaPack.Kind.MAIN, is_current=True, audience="public")
    with pack.file.open("rb") as handle:
        front = pypdf.PdfReader(io.BytesIO(handle.read())).pages[0].extract_text()
    assert "REGENERATED" in front
    # an item whose regenerated pages differ says where it is in the regenerated pack too
    if (complaints.page_start, complaints.page_end) != (9, 34):
        assert f"pages {complaints.page_start} - {complaints.page_end}" in html
