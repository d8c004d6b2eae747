"""Agenda packs: page ranges that match the printed pages, odd-page starts, exempt papers, versions, supplements, access.

PDFs are read back with pypdf, one text per page, and checked against what a member holding the paper would see.
"""

import datetime
import io
import re

import pypdf
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from weasyprint import HTML

from committee.access import SYSTEM
from committee.models import Membership, Person
from committee.roles import sync_roles
from meetings import packs, services
from meetings.models import AgendaItem, AgendaPack, Attendance, Document, Meeting
from tests.factories import CommitteeFactory, MeetingFactory, PersonFactory, UserFactory
from tests.pdfs import get_pdf

pytestmark = pytest.mark.django_db

BLANK = "This page is intentionally left blank"


@pytest.fixture(autouse=True)
def _packs_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.AGENDA_PACK_BUILD_IN_BACKGROUND = False  # build in the test's transaction


def upload_pdf(label: str, pages: int = 3, landscape_page: int | None = None) -> bytes:
    """A PDF as an officer would upload it: its own page numbers ("Strategy page 2"), one landscape page if asked."""
    sections = "".join(
        f'<section class="{"wide" if n == landscape_page else ""}"><h1>{label}</h1><p>{label} page {n}</p></section>'
        for n in range(1, pages + 1)
    )
    css = "@page { size: A4; } @page wide { size: A4 landscape; } .wide { page: wide; } section + section { break-before: page; }"
    return HTML(string=f"<style>{css}</style>{sections}").write_pdf()


def page_texts(data) -> list[str]:
    if hasattr(data, "open"):
        with data.open("rb") as handle:
            data = handle.read()
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages]


def flat(text: str) -> str:
    """Text with line wrapping undone, for phrases that may wrap."""
    return " ".join(text.split())


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


LONG_REPORT = "\n\n".join(
    ["1.0 BACKGROUND"]
    + [f"1.{n} The service has continued to improve the timeliness of assessments and the quality of plans. " * 6 for n in range(1, 9)]
    + ["2.0 CONCLUSION", "Members are asked to note the report."]
)


@pytest.fixture
def world(db):
    # The roles migration runs before "publish_meeting" exists; sync as load_demo and `manage.py sync_roles` do.
    sync_roles()
    committee = CommitteeFactory(
        name="Children and Young People Scrutiny Committee",
        slug="cyp-packs",
        minute_prefix="CYP.",
        contact_name="Josh Ashworth",
        contact_phone="0161 253 5667",
        contact_email="J.R.Ashworth@bury.gov.uk",
    )
    seat = datetime.date(2025, 5, 14)
    people = {}
    for slug, name, role in [
        ("c-boles", "C Boles", Membership.Role.CHAIR),
        ("a-arif", "A Arif", Membership.Role.MEMBER),
        ("l-ryder", "L Ryder", Membership.Role.MEMBER),
        ("d-berry", "D Berry", Membership.Role.MEMBER),
    ]:
        people[slug] = PersonFactory(slug=slug, name=name)
        Membership.objects.create(committee=committee, person=people[slug], role=role, start_date=seat)
    chadwick = PersonFactory(slug="h-chadwick", name="H Chadwick", honorific="", kind=Person.Kind.CO_OPTED)
    Membership.objects.create(
        committee=committee, person=chadwick, role=Membership.Role.CO_OPTED, capacity="Union Representative", start_date=seat
    )
    gone = PersonFactory(slug="r-bernstein", name="R Bernstein")
    Membership.objects.create(committee=committee, person=gone, start_date=datetime.date(2024, 5, 15), end_date=datetime.date(2025, 5, 14))
    officer_person = PersonFactory(slug="s-holden", name="S Holden", full_name="Stephen Holden", honorific="", kind=Person.Kind.OFFICER)

    july = MeetingFactory(
        committee=committee,
        date=datetime.date(2025, 7, 10),
        started_at=datetime.time(19, 0),
        ended_at=datetime.time(21, 40),
        public_attendance_note="No members of the public were present at the meeting.",
        minutes_status=Meeting.MinutesStatus.DRAFT,
        minutes_published=False,
    )
    Attendance.objects.create(meeting=july, person=people["c-boles"], role=Attendance.Role.CHAIR, order=0)
    Attendance.objects.create(meeting=july, person=people["a-arif"], role=Attendance.Role.PRESENT, order=1)
    Attendance.objects.create(meeting=july, person=people["d-berry"], role=Attendance.Role.PRESENT, order=2)
    Attendance.objects.create(
        meeting=july, person=officer_person, role=Attendance.Role.ALSO_IN_ATTENDANCE, capacity="Director of Education", order=3
    )
    Attendance.objects.create(meeting=july, person=people["l-ryder"], role=Attendance.Role.APOLOGIES, order=4)
    services.minute_item_create(by=SYSTEM, meeting=july, title="APOLOGIES FOR ABSENCE", number=59, body="Apologies are noted above.")
    attendance = services.minute_item_create(
        by=SYSTEM, meeting=july, title="BURY ATTENDANCE PARTNERSHIP APPROACH", number=60, body="Janet Lloyd provided further detail."
    )
    services.resolution_create(by=SYSTEM, minute_item=attendance, text="To note the report.")
    services.resolution_create(by=SYSTEM, minute_item=attendance, text="To circulate survey questions and results.")
    private = services.minute_item_create(
        by=SYSTEM, meeting=july, title="CHILDREN'S HOME CONTRACT", number=61, body="EXEMPT-MINUTE-TEXT about prices.", is_exempt=True
    )
    services.resolution_create(by=SYSTEM, minute_item=private, text="EXEMPT-RESOLUTION-TEXT")

    meeting = services.meeting_create(
        by=SYSTEM,
        committee=committee,
        date=datetime.date(2025, 9, 16),
        venue="Council Chamber, Town Hall, Bury, BL9 0SW",
        status="scheduled",
    )
    urgent = meeting.agenda_items.get(kind=AgendaItem.Kind.URGENT_BUSINESS)
    urgent.number = 10
    urgent.save()
    report = AgendaItem.objects.create(
        meeting=meeting, number=6, title="CHILDRENS SERVICES COMPLAINTS REPORT", report_status=AgendaItem.ReportStatus.ATTACHED
    )
    Document.objects.create(
        agenda_item=report,
        title="Children's Social Care Complaints",
        subject="Children's Social Care Complaints for years 22/23 & 23/24",
        report_from="Rachel Everitt, Elections Manager",
        contact_officer="Claire Holt, Information Governance Manager",
        body=LONG_REPORT,
    )
    strategy = AgendaItem.objects.create(
        meeting=meeting,
        number=7,
        title="EDUCATION AND INCLUSION STRATEGY",
        sponsor="Report of the Deputy Leader and Cabinet Member for Children and Young People is attached.",
        report_status=AgendaItem.ReportStatus.ATTACHED,
    )
    Document.objects.create(
        agenda_item=strategy,
        title="Bury Education and Inclusion Strategy",
        kind=Document.Kind.PLAN,
        file=SimpleUploadedFile("strategy.pdf", upload_pdf("STRATEGY-UPLOAD", pages=3, landscape_page=3)),
    )
    exempt = AgendaItem.objects.create(
        meeting=meeting, number=8, title="CHILDREN'S HOME CONTRACT", exempt_paragraph=3, report_status=AgendaItem.ReportStatus.ATTACHED
    )
    Document.objects.create(agenda_item=exempt, title="Contract terms", subject="Contract terms", body="EXEMPT-REPORT-TEXT prices.")
    late = AgendaItem.objects.create(
        meeting=meeting,
        number=9,
        title="EHCP MONITORING AND PROVISIONS",
        sponsor="Report of the Deputy Leader and Cabinet Member for Children and Young People to follow.",
        report_status=AgendaItem.ReportStatus.TO_FOLLOW,
    )

    member = UserFactory(username="pack-member", role="Councillor")
    Person.objects.filter(pk=people["c-boles"].pk).update(user=member)
    clerk = UserFactory(username="pack-clerk", role="Clerk")
    committee.supporting_officers.add(clerk)
    return {"committee": committee, "july": july, "meeting": meeting, "late": late, "member": member, "clerk": clerk}


def built(meeting, **kwargs):
    result = packs.pack_build(meeting=meeting, **{"by": SYSTEM, **kwargs})
    for pack in result:
        assert pack.status == AgendaPack.Status.READY, pack.error
    return result


def printed_ranges(texts: list[str]) -> dict[int, tuple[int, int]]:
    """The "(Pages X - Y)" printed against each agenda number on the agenda pages (before the first paper)."""
    first_paper = next(i for i, text in enumerate(texts) if "Agenda Item" in text)
    agenda = "\n".join(texts[:first_paper])
    return {int(n): (int(a), int(b)) for n, a, b in re.findall(r"^(\d+)\s[^\n]*?\(Pages (\d+) - (\d+)\)", agenda, re.M)}


def actual_ranges(texts: list[str]) -> dict[int, tuple[int, int]]:
    """Where each item's papers really are: from its first "Agenda Item N" stamp to the page before the next item's."""
    starts = {}
    for page_number, text in enumerate(texts, start=1):
        for number in re.findall(r"Agenda Item (\d+)", text):
            starts.setdefault(int(number), page_number)
    ordered = sorted(starts.items(), key=lambda kv: kv[1])
    return {number: (start, ordered[i + 1][1] - 1 if i + 1 < len(ordered) else len(texts)) for i, (number, start) in enumerate(ordered)}


# ---------------------------------------------------------------------------
# Layout: ranges, numbering, odd pages, uploads
# ---------------------------------------------------------------------------
def test_page_ranges_on_the_agenda_are_where_each_item_really_starts_and_ends(world):
    # given a meeting with minutes, an HTML report, an uploaded PDF and an exempt report
    # when the public pack is built
    public, restricted = built(world["meeting"])
    texts = page_texts(public.file)
    # then the agenda prints the range each item's papers really occupy, and the pack records the same ranges
    printed = printed_ranges(texts)
    assert printed == actual_ranges(texts)
    assert set(printed) == {3, 6, 7}  # minutes, report, upload; the exempt item has no papers in the public pack
    items = {item.pk: item.number for item in world["meeting"].agenda_items.all()}
    assert {items[int(pk)]: tuple(pages) for pk, pages in public.page_ranges.items()} == printed
    assert public.page_count == len(texts)
    # and the restricted pack's agenda matches its own pages, including the exempt item's
    restricted_texts = page_texts(restricted.file)
    assert printed_ranges(restricted_texts) == actual_ranges(restricted_texts)
    assert 8 in printed_ranges(restricted_texts)


def test_pages_are_numbered_through_the_whole_pack_including_uploaded_pages(world):
    public, _ = built(world["meeting"])
    texts = page_texts(public.file)
    for number, text in enumerate(texts, start=1):
        assert re.search(rf"\bPage {number}\b", text), f"page {number} has no footer: {text[-80:]!r}"
    # the uploaded strategy keeps its own numbering beside the pack's
    upload_pages = [i for i, text in enumerate(texts, start=1) if "STRATEGY-UPLOAD page" in text]
    assert len(upload_pages) == 3
    assert "STRATEGY-UPLOAD page 2" in texts[upload_pages[1] - 1]
    assert f"Page {upload_pages[1]}" in texts[upload_pages[1] - 1]


def test_every_paper_starts_on_an_odd_page_and_padding_pages_say_so(world):
    public, _ = built(world["meeting"])
    texts = page_texts(public.file)
    for number, (start, end) in actual_ranges(texts).items():
        assert start % 2 == 1, f"item {number} starts on page {start}"
        assert end % 2 == 0, f"item {number} ends on page {end}"
    blanks = [text for text in texts if BLANK in text]
    assert blanks, "the fixture's papers need padding somewhere"
    for text in blanks:
        assert re.fullmatch(rf"\s*{BLANK}\s*Page \d+\s*", text), text


def test_uploaded_pdf_is_merged_with_its_page_sizes_and_stamped(world):
    public, _ = built(world["meeting"])
    reader = pypdf.PdfReader(public.file.path)
    texts = [page.extract_text() for page in reader.pages]
    first = next(i for i, text in enumerate(texts) if "STRATEGY-UPLOAD page 1" in text)
    assert "Agenda Item 7" in texts[first]  # no cover-sheet fields: the stamp goes on the uploaded first page
    landscape = reader.pages[first + 2]
    assert float(landscape.mediabox.width) > float(landscape.mediabox.height)
    assert round(float(reader.pages[first].mediabox.width)) == 595


def test_front_sheet_lists_contact_current_members_and_the_summons(world):
    public, _ = built(world["meeting"])
    front = flat(page_texts(public.file)[0])
    for expected in [
        "AGENDA FOR",
        "CHILDREN AND YOUNG PEOPLE SCRUTINY COMMITTEE",
        "Contact: Josh Ashworth",
        "Direct Line: 0161 253 5667",
        "E-mail: J.R.Ashworth@bury.gov.uk",
        "To: All Members of Children and Young People Scrutiny Committee",
        "Councillors : A Arif, D Berry, C Boles (Chair) and L Ryder",
        "1. H Chadwick, Union Representative",
        "Dear Member/Colleague",
        "You are invited to attend a meeting of the Children and Young People Scrutiny Committee",
        "Date: Tuesday, 16 September 2025",
        "Place: Council Chamber, Town Hall, Bury, BL9 0SW",
        "Time: 7.00 pm",
        "Briefing Facilities:",
    ]:
        assert expected in front, expected
    assert "Bernstein" not in front  # a seat that ended before the meeting


def test_agenda_shows_descriptions_sponsors_and_what_is_to_follow(world):
    public, _ = built(world["meeting"])
    agenda = flat(page_texts(public.file)[1])
    assert "Minutes from the meeting held on 10 July 2025 are attached for approval." in agenda
    assert "Report of the Deputy Leader and Cabinet Member for Children and Young People is attached." in agenda
    assert "9 EHCP MONITORING AND PROVISIONS" in agenda
    assert "to follow." in agenda
    assert "paragraph 3 of Part 1 of Schedule 12A" in agenda


def test_previous_minutes_are_printed_from_the_record_under_agenda_item_3(world):
    public, _ = built(world["meeting"])
    texts = page_texts(public.file)
    start, end = actual_ranges(texts)[3]
    minutes = flat("\n".join(texts[start - 1 : end]))
    assert texts[start - 1].startswith("Agenda Item 3")
    for expected in [
        "Minutes of: CHILDREN AND YOUNG PEOPLE SCRUTINY COMMITTEE",
        "Date of Meeting: 10 July 2025",
        "Councillor C Boles (in the Chair)",
        "Councillors A Arif and D Berry",
        "Stephen Holden, Director of Education",
        "No members of the public were present at the meeting.",
        "Apologies for Absence: Councillor L Ryder",
        "CYP.59 APOLOGIES FOR ABSENCE",
        "CYP.60 BURY ATTENDANCE PARTNERSHIP APPROACH",
        "It was agreed:",
        "To circulate survey questions and results.",
        "COUNCILLOR C BOLES",
        "(Note: The meeting started at 7.00 pm and ended at 9.40 pm)",
    ]:
        assert expected in minutes, expected


def test_report_has_a_cover_sheet_from_the_documents_fields(world):
    public, _ = built(world["meeting"])
    texts = page_texts(public.file)
    start, _ = actual_ranges(texts)[6]
    cover = flat(texts[start - 1])
    assert "MEETING: Children and Young People Scrutiny Committee" in cover  # blank field: filled from the meeting
    assert "DATE: 16 September 2025" in cover
    assert "SUBJECT: Children's Social Care Complaints for years 22/23 & 23/24" in cover
    assert "REPORT FROM: Rachel Everitt, Elections Manager" in cover
    assert "CONTACT OFFICER: Claire Holt, Information Governance Manager" in cover
    assert "1.0 BACKGROUND" in cover


# ---------------------------------------------------------------------------
# Exempt items
# ---------------------------------------------------------------------------
def test_public_pack_lists_the_exempt_item_but_never_its_papers_and_the_restricted_pack_has_them(world):
    public, restricted = built(world["meeting"])
    assert (public.audience, restricted.audience) == (AgendaPack.Audience.PUBLIC, AgendaPack.Audience.RESTRICTED)
    public_text = flat("\n".join(page_texts(public.file)))
    restricted_text = flat("\n".join(page_texts(restricted.file)))
    assert "8 CHILDREN'S HOME CONTRACT" in public_text
    assert "paragraph 3 of Part 1 of Schedule 12A" in public_text
    for secret in ["EXEMPT-REPORT-TEXT", "EXEMPT-MINUTE-TEXT", "EXEMPT-RESOLUTION-TEXT", "Agenda Item 8"]:
        assert secret not in public_text
        assert secret in restricted_text
    assert "CYP.61 CHILDREN'S HOME CONTRACT" in public_text  # the exempt minute's title, not its text
    assert "NOT FOR PUBLICATION" in restricted_text


def test_no_restricted_pack_when_nothing_is_exempt(world):
    AgendaItem.objects.filter(meeting=world["meeting"], number=8).delete()
    world["july"].minute_items.filter(is_exempt=True).delete()
    assert [pack.audience for pack in built(world["meeting"])] == [AgendaPack.Audience.PUBLIC]


# ---------------------------------------------------------------------------
# Publication, versions, supplementary packs
# ---------------------------------------------------------------------------
def test_publishing_makes_the_agenda_public_and_prints_the_ranges_on_the_web_agenda(world):
    meeting, clerk = world["meeting"], world["clerk"]
    public, restricted = built(meeting)
    published = packs.pack_publish(pack=public, by=clerk)
    meeting.refresh_from_db()
    restricted.refresh_from_db()
    assert meeting.agenda_status == Meeting.AgendaStatus.PUBLISHED
    assert meeting.agenda_published_at
    assert published.is_current
    assert published.published_by == clerk
    assert published.published_at
    assert restricted.is_current
    assert restricted.published_at == published.published_at
    report = meeting.agenda_items.get(number=6)
    assert [report.page_start, report.page_end] == published.page_ranges[str(report.pk)]
    assert meeting.agenda_items.get(number=1).page_start is None
    assert meeting.history.first().history_change_reason == "Agenda published"


def test_republishing_after_a_change_makes_a_new_version_and_keeps_the_old_one(client, world):
    meeting, clerk = world["meeting"], world["clerk"]
    first = packs.pack_publish(pack=built(meeting)[0], by=clerk)
    Document.objects.filter(agenda_item__number=6, agenda_item__meeting=meeting).update(body="1.0 BACKGROUND\n\nA corrected report.")
    second = packs.pack_publish(pack=built(meeting)[0], by=clerk)
    first.refresh_from_db()
    assert (first.version, second.version) == (1, 2)
    assert second.is_current
    assert not first.is_current
    assert "A corrected report." in "\n".join(page_texts(second.file))
    assert "A corrected report." not in "\n".join(page_texts(first.file))
    # the old version stays downloadable for officers (and from the admin), no longer for the public
    assert client.get(first.get_absolute_url()).status_code == 404
    assert client.get(second.get_absolute_url()).status_code == 200
    client.force_login(clerk)
    assert client.get(first.get_absolute_url()).status_code == 200


def test_building_without_publishing_does_not_publish_anything(client, world):
    public, _ = built(world["meeting"])
    world["meeting"].refresh_from_db()
    assert world["meeting"].agenda_status == Meeting.AgendaStatus.DRAFT
    assert not public.is_published
    assert not public.is_current
    assert client.get(public.get_absolute_url()).status_code == 404


def test_supplementary_pack_carries_only_the_late_items(world):
    meeting, clerk = world["meeting"], world["clerk"]
    packs.pack_publish(pack=built(meeting)[0], by=clerk)
    Document.objects.create(agenda_item=world["late"], title="EHCP monitoring", subject="EHCP monitoring", body="LATE-REPORT-TEXT")
    (supplement,) = built(meeting, kind=AgendaPack.Kind.SUPPLEMENTARY, by=clerk, publish=True)
    supplement.refresh_from_db()
    texts = page_texts(supplement.file)
    text = flat("\n".join(texts))
    assert "SUPPLEMENTARY AGENDA" in text
    assert "LATE-REPORT-TEXT" in text
    assert "9 EHCP MONITORING AND PROVISIONS" in text
    for other in ["CHILDRENS SERVICES COMPLAINTS REPORT", "STRATEGY-UPLOAD", "Minutes of:", "Agenda Item 6"]:
        assert other not in text
    assert printed_ranges(texts) == actual_ranges(texts) == {9: (3, len(texts))}
    assert supplement.is_current
    assert list(supplement.items.all()) == [world["late"]]
    assert AgendaPack.objects.filter(meeting=meeting, kind=AgendaPack.Kind.MAIN, audience="public", is_current=True).count() == 1


@pytest.mark.parametrize("change", ["exempt", "deleted"])
def test_a_late_paper_made_exempt_or_removed_takes_the_public_supplementary_pack_with_it(client, world, settings, change):
    # Found by review: only the main pack was withdrawn, so while the new main pack was being built (or for good, if
    # its build failed) the public could still download the supplementary pack carrying the paper.
    meeting, clerk, late = world["meeting"], world["clerk"], world["late"]
    packs.pack_publish(pack=built(meeting)[0], by=clerk)
    paper = Document.objects.create(agenda_item=late, title="EHCP monitoring", subject="EHCP monitoring", body="LATE-REPORT-TEXT")
    (supplement,) = built(meeting, kind=AgendaPack.Kind.SUPPLEMENTARY, by=clerk, publish=True)
    assert client.get(supplement.get_absolute_url()).status_code == 200
    settings.AGENDA_PACK_BUILD_IN_BACKGROUND = True  # the new version waits for the worker, as in production
    if change == "exempt":
        services.agenda_item_set_exemption(item=late, paragraph=3, by=clerk, reason="Commercially sensitive")
    else:
        services.record_delete(record=paper, by=clerk, reason="Published in error")
    assert client.get(supplement.get_absolute_url()).status_code == 404
    assert not AgendaPack.objects.filter(meeting=meeting, audience="public", is_current=True).exists()


def test_supplementary_pack_needs_late_papers_and_a_published_agenda(world):
    meeting = world["meeting"]
    with pytest.raises(Exception, match="no late reports"):
        packs.pack_build(by=SYSTEM, meeting=meeting, kind=AgendaPack.Kind.SUPPLEMENTARY)
    Document.objects.create(agenda_item=world["late"], title="EHCP monitoring", body="Late.")
    with pytest.raises(Exception, match="Publish the agenda pack first"):
        packs.pack_build(by=SYSTEM, meeting=meeting, kind=AgendaPack.Kind.SUPPLEMENTARY, publish=True)


def test_late_publication_warns_on_the_pack(world):
    meeting = world["meeting"]  # Tuesday 16 September 2025
    late = datetime.datetime(2025, 9, 11, 12, tzinfo=datetime.UTC)  # Thursday: Fri 12, Mon 15 are clear = 2 days
    published = packs.pack_publish(by=SYSTEM, pack=built(meeting)[0], at=late)
    assert published.clear_days == 2
    assert "2 clear working days" in published.notice_warning
    assert "section 100B" in published.notice_warning
    in_time = packs.pack_publish(by=SYSTEM, pack=built(meeting)[0], at=datetime.datetime(2025, 9, 8, 12, tzinfo=datetime.UTC))
    assert (in_time.clear_days, in_time.notice_warning) == (5, "")


def test_a_failed_build_says_why_and_cannot_be_published(world):
    document = Document.objects.get(agenda_item__meeting=world["meeting"], agenda_item__number=7)
    with open(document.file.path, "wb") as handle:
        handle.write(b"%PDF-1.7 truncated")
    public, _ = packs.pack_build(by=SYSTEM, meeting=world["meeting"])
    assert public.status == AgendaPack.Status.FAILED
    assert "Bury Education and Inclusion Strategy" in public.error
    assert "incomplete" in public.error
    with pytest.raises(Exception, match="failed to build"):
        packs.pack_publish(by=SYSTEM, pack=public)


def test_cancelled_meeting_has_no_pack(world):
    Meeting.objects.filter(pk=world["meeting"].pk).update(status=Meeting.Status.CANCELLED)
    with pytest.raises(Exception, match="cancelled"):
        packs.pack_build(by=SYSTEM, meeting=world["meeting"])


# ---------------------------------------------------------------------------
# Who gets which pack
# ---------------------------------------------------------------------------
def test_pack_downloads_follow_the_access_rules(client, world):
    meeting = world["meeting"]
    public, restricted = built(meeting)
    # draft (unpublished) packs: members and officers only
    assert client.get(public.get_absolute_url()).status_code == 404
    client.force_login(world["member"])
    assert client.get(public.get_absolute_url()).status_code == 200
    client.logout()
    packs.pack_publish(pack=public, by=world["clerk"])
    # published: the public pack for anyone, the restricted pack never for the public
    response = client.get(public.get_absolute_url())
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert body(response) == public.file.open("rb").read()
    assert client.get(restricted.get_absolute_url()).status_code == 404
    outsider = UserFactory(username="other-councillor", role="Councillor")
    client.force_login(outsider)
    assert client.get(restricted.get_absolute_url()).status_code == 404
    for user in (world["member"], world["clerk"]):
        client.force_login(user)
        response = client.get(restricted.get_absolute_url())
        assert response.status_code == 200
        assert "EXEMPT-REPORT-TEXT" in "\n".join(page_texts(body(response)))
        assert response["Cache-Control"] == "private, no-store"
    # a withdrawn agenda takes the public pack with it
    client.logout()
    services.meeting_withdraw_agenda(meeting=meeting, by=world["clerk"])
    assert client.get(public.get_absolute_url()).status_code == 404


def test_downloads_are_served_from_the_stored_file_not_rebuilt(client, world, monkeypatch):
    public = packs.pack_publish(by=SYSTEM, pack=built(world["meeting"])[0])
    monkeypatch.setattr("meetings.pdf.render_pack", lambda spec: pytest.fail("re-rendered on download"))
    assert client.get(public.get_absolute_url()).status_code == 200


def test_meeting_page_lists_the_current_pack_with_pages_size_and_date(client, world):
    meeting = world["meeting"]
    public = packs.pack_publish(by=SYSTEM, pack=built(meeting)[0], at=datetime.datetime(2025, 9, 5, 12, tzinfo=datetime.UTC))
    html = client.get(meeting.get_absolute_url()).content.decode()
    assert f"Agenda pack (PDF, {public.page_count} pages, {public.size_label})" in html
    assert public.get_absolute_url() in html
    assert "published 5 September 2025" in html
    assert "Restricted" not in html
    client.force_login(world["member"])
    html = client.get(meeting.get_absolute_url()).content.decode()
    assert "Restricted agenda pack (with exempt papers)" in html


def test_meeting_page_shows_members_a_draft_pack_but_not_the_public(client, world):
    public, _ = built(world["meeting"])
    Meeting.objects.filter(pk=world["meeting"].pk).update(agenda_status=Meeting.AgendaStatus.PUBLISHED)
    assert public.get_absolute_url() not in client.get(world["meeting"].get_absolute_url()).content.decode()
    client.force_login(world["clerk"])
    html = client.get(world["meeting"].get_absolute_url()).content.decode()
    assert "Draft agenda pack" in html
    assert public.get_absolute_url() in html


def test_meeting_page_pack_list_costs_the_same_queries_with_one_or_many_versions(client, world, django_assert_num_queries):
    """Guards against a query per pack (or per supplementary pack's items) in _packs.html."""
    meeting = world["meeting"]
    packs.pack_publish(by=SYSTEM, pack=built(meeting)[0])
    client.force_login(world["member"])
    client.get(meeting.get_absolute_url())  # warm caches (sessions, content types)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        client.get(meeting.get_absolute_url())
    AgendaPack.objects.filter(meeting=meeting).update(is_current=False)
    for pack in AgendaPack.objects.filter(meeting=meeting):
        for version in range(2, 5):
            AgendaPack.objects.create(
                meeting=meeting,
                kind=AgendaPack.Kind.SUPPLEMENTARY,
                audience=pack.audience,
                version=version,
                status=AgendaPack.Status.READY,
                is_current=True,
                published_at=pack.published_at,
                page_count=2,
                size_bytes=1000,
            ).items.set([world["late"]])
    with django_assert_num_queries(len(one)):
        client.get(meeting.get_absolute_url())


# ---------------------------------------------------------------------------
# Minutes alone, one paper alone
# ---------------------------------------------------------------------------
def test_minutes_pdf_respects_publication_and_exempt_minutes(client, world):
    url = reverse("meetings:minutes_pdf", args=[world["july"].pk])
    assert client.get(url).status_code == 404  # draft, not published
    client.force_login(world["member"])
    member_text = "\n".join(page_texts(body(get_pdf(client, url))))
    assert "DRAFT" in member_text
    assert "EXEMPT-MINUTE-TEXT" in member_text
    client.logout()
    services.minutes_publish_draft(meeting=world["july"], by=world["clerk"])
    response = get_pdf(client, url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = flat("\n".join(page_texts(body(response))))
    assert "CYP.60 BURY ATTENDANCE PARTNERSHIP APPROACH" in text
    assert "COUNCILLOR C BOLES" in text
    assert "EXEMPT-MINUTE-TEXT" not in text
    assert "EXEMPT-RESOLUTION-TEXT" not in text
    assert reverse("meetings:minutes_pdf", args=[world["meeting"].pk])  # no minutes yet: 404
    assert get_pdf(client, reverse("meetings:minutes_pdf", args=[world["meeting"].pk])).status_code == 404


def test_document_pdf_respects_exempt_items_and_prints_the_cover_sheet(client, world):
    meeting = world["meeting"]
    Meeting.objects.filter(pk=meeting.pk).update(agenda_status=Meeting.AgendaStatus.PUBLISHED)
    report = Document.objects.get(agenda_item__meeting=meeting, agenda_item__number=6)
    exempt = Document.objects.get(agenda_item__meeting=meeting, agenda_item__number=8)
    upload = Document.objects.get(agenda_item__meeting=meeting, agenda_item__number=7)
    text = flat("\n".join(page_texts(body(get_pdf(client, reverse("meetings:document_pdf", args=[report.pk]))))))
    assert "Agenda Item 6" in text
    assert "REPORT FROM: Rachel Everitt, Elections Manager" in text
    assert "Page 1" in text
    assert get_pdf(client, reverse("meetings:document_pdf", args=[exempt.pk])).status_code == 404
    response = get_pdf(client, reverse("meetings:document_pdf", args=[upload.pk]))
    assert body(response) == upload.file.open("rb").read()  # a bare upload is served as uploaded
    client.force_login(world["member"])
    assert "EXEMPT-REPORT-TEXT" in "\n".join(page_texts(body(get_pdf(client, reverse("meetings:document_pdf", args=[exempt.pk])))))


def test_document_pdf_with_cover_and_upload_stamps_the_uploaded_pages(client, world):
    Meeting.objects.filter(pk=world["meeting"].pk).update(agenda_status=Meeting.AgendaStatus.PUBLISHED)
    upload = Document.objects.get(agenda_item__meeting=world["meeting"], agenda_item__number=7)
    Document.objects.filter(pk=upload.pk).update(subject="Education and Inclusion Strategy")
    texts = page_texts(body(get_pdf(client, reverse("meetings:document_pdf", args=[upload.pk]))))
    assert len(texts) == 4
    assert "SUBJECT: Education and Inclusion Strategy" in flat(texts[0])
    assert "STRATEGY-UPLOAD page 3" in texts[3]
    assert "Page 4" in texts[3]


# ---------------------------------------------------------------------------
# Admin, command, background build, demo
# ---------------------------------------------------------------------------
def test_clerk_builds_from_the_meeting_list_action(client, world):
    client.force_login(world["clerk"])
    response = client.post("/admin/meetings/meeting/", {"action": "build_pack", "_selected_action": [world["meeting"].pk]}, follow=True)
    assert response.status_code == 200
    pack = AgendaPack.objects.get(meeting=world["meeting"], audience=AgendaPack.Audience.PUBLIC)
    assert pack.status == AgendaPack.Status.READY
    assert not pack.is_published
    assert "built (not published)" in response.content.decode()


def test_clerk_publishes_from_the_meeting_page_and_is_warned_when_late(client, world, monkeypatch):
    meeting = world["meeting"]
    client.force_login(world["clerk"])
    change = client.get(f"/admin/meetings/meeting/{meeting.pk}/change/").content.decode()
    url = reverse("admin:meetings_meeting_pack", args=[meeting.pk, "publish"])
    assert url in change
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: datetime.date(2025, 9, 12))
    confirm = client.get(url).content.decode()
    assert "1 clear working day before the meeting" in confirm
    assert "Monday 8 September 2025" in confirm
    response = client.post(url, follow=True)
    page = response.content.decode()
    assert "published" in page
    assert "clear working day" in page
    pack = AgendaPack.objects.get(meeting=meeting, audience=AgendaPack.Audience.PUBLIC, is_current=True)
    assert pack.published_by == world["clerk"]
    assert pack.notice_warning
    assert pack.get_absolute_url() in page  # the version is listed, downloadable, on the meeting's page


def test_officer_without_publish_permission_cannot_publish(client, world):
    officer = UserFactory(username="pack-officer", role="Officer")
    world["committee"].supporting_officers.add(officer)
    client.force_login(officer)
    assert client.get(reverse("admin:meetings_meeting_pack", args=[world["meeting"].pk, "publish"])).status_code == 403
    assert client.get(reverse("admin:meetings_meeting_pack", args=[world["meeting"].pk, "build"])).status_code == 200


def test_build_pack_command_builds_and_publishes(world, capsys):
    call_command("build_pack", world["meeting"].pk, "--publish")
    out = capsys.readouterr().out
    assert "Agenda pack, version 1" in out
    assert "published" in out
    assert AgendaPack.objects.filter(meeting=world["meeting"], is_current=True).count() == 2


def test_clerk_publishes_the_checked_draft_version_without_rebuilding(client, world):
    meeting = world["meeting"]
    draft, _ = built(meeting)
    client.force_login(world["clerk"])
    change = client.get(f"/admin/meetings/meeting/{meeting.pk}/change/").content.decode()
    url = reverse("admin:meetings_meeting_pack_version", args=[meeting.pk, draft.pk])
    assert url in change
    assert draft.get_absolute_url() in change
    assert "Publish this version" in client.get(url).content.decode()
    client.post(url)
    draft.refresh_from_db()
    assert draft.is_current
    assert draft.version == 1
    assert AgendaPack.objects.filter(meeting=meeting).count() == 2


def test_meeting_page_links_the_printed_minutes_when_they_may_be_read(client, world):
    url = reverse("meetings:minutes_pdf", args=[world["july"].pk])
    assert url not in client.get(world["july"].get_absolute_url()).content.decode()  # draft, unpublished
    services.minutes_publish_draft(meeting=world["july"], by=world["clerk"])
    assert "Minutes of this meeting (PDF), draft" in client.get(world["july"].get_absolute_url()).content.decode()
