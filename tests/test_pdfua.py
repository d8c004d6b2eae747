"""Every PDF the app can produce from the demo data is tagged PDF/UA-1, and `pdfua check` finds no error in it.

The demo committee, complaints and improvement demos are loaded once for the module; two uploaded appendices are
added (a tagged PDF to the 16 September 2025 pack, an untagged one to the 7 January 2026 pack), and then every PDF is
built once: both agenda packs, every paper on its own (one with an untagged upload after its cover sheet), the printed
minutes of every meeting that has them, the complaints annual report of every year and every improvement plan. The
tests below only read those bytes.

`pdfua` (pinned in requirements-dev.txt) checks the machine-checkable rules of PDF/UA-1 (ISO 14289-1) and the related
WCAG criteria. Its rule UA-14-001 (empty headings) crashes on WeasyPrint's structure in pdfua 0.1.3 (it asks a
pikepdf Array for an attribute), so that check is made here instead, with the heading order and the rest.
"""

import datetime
import io
import re

import pikepdf
import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from pdfua.model import Severity
from pdfua.validator import validate
from weasyprint import HTML

from committee.access import SYSTEM
from committee.tagged_pdf import struct_elements
from meetings import packs, pdf, services
from meetings.models import AgendaItem, Document, Meeting

# The mark makes pytest-django set up the test database even when this module runs alone (its tests read bytes only).
pytestmark = pytest.mark.django_db
COMMITTEE_SLUG = "children-and-young-people-scrutiny-committee"
# Warnings pdfua may give, each with the reason it is accepted (the README lists them). None is given today.
ALLOWED_WARNINGS: dict[str, str] = {}
# Rules pdfua could not evaluate, with the reason and where this module checks the same thing instead.
KNOWN_SKIPS = {"UA-14-001": "pdfua 0.1.3 raises on WeasyPrint's heading elements; test_structure checks empty headings"}

APPENDIX = """<!DOCTYPE html><html lang="en-GB"><head><title>{title}</title></head><body>
<h1>{title}</h1><p>Figures for the year.</p>
<table><thead><tr><th>Year</th><th>Placements</th></tr></thead><tbody><tr><td>2024/25</td><td>879</td></tr></tbody></table>
<h2>Notes</h2><ul><li>Counted at 31 March.</li><li>Provisional.</li></ul>
<p style="break-before: page">Second page of the appendix.</p></body></html>"""


def _attach(meeting: Meeting, *, title: str, data: bytes, subject: str = "") -> Document:
    """A new appendix on the meeting's last report item, holding an uploaded PDF (saved as the admin saves it)."""
    item = AgendaItem.objects.filter(meeting=meeting, kind=AgendaItem.Kind.REPORT).order_by("-number").first()
    document = Document(agenda_item=item, order=9, title=title, kind=Document.Kind.APPENDIX, subject=subject)
    document.file.save(f"{title.lower().replace(' ', '-')}.pdf", ContentFile(data), save=False)
    services.document_save(document=document, pdf_changed=True, by=SYSTEM)
    return document


@pytest.fixture(scope="module")
def demo_pdfs(django_db_setup, django_db_blocker, tmp_path_factory):
    """{name: PDF bytes} for every PDF the demo data can produce (the database is rolled back afterwards)."""
    media = tmp_path_factory.mktemp("media")
    out: dict[str, bytes] = {}
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=media, AGENDA_PACK_BUILD_IN_BACKGROUND=False, REQUIRE_TWO_FACTOR=False),
        transaction.atomic(),
    ):
        call_command("load_demo", "--no-accounts", "--meetings-only", verbosity=0)
        call_command("load_complaints_demo", verbosity=0)
        call_command("load_improvement_demo", verbosity=0)
        meetings = Meeting.objects.filter(committee__slug=COMMITTEE_SLUG)
        september, january = meetings.get(date=datetime.date(2025, 9, 16)), meetings.get(date=datetime.date(2026, 1, 7))
        tagged = _attach(
            september, title="Appendix A", data=HTML(string=APPENDIX.format(title="Appendix A")).write_pdf(pdf_variant="pdf/ua-1")
        )
        # Appendix A is a bare upload (served as uploaded); Appendix B has a cover sheet, so its paper is printed too.
        untagged = _attach(
            january, title="Appendix B", subject="Appendix B", data=HTML(string=APPENDIX.format(title="Appendix B")).write_pdf()
        )
        assert (tagged.upload_accessibility, untagged.upload_accessibility) == ("tagged", "untagged")
        for meeting, name in ((september, "pack-2025-09-16-tagged-upload"), (january, "pack-2026-01-07-untagged-upload")):
            built = packs.pack_build(meeting=meeting, background=False, by=SYSTEM)[0]
            assert built.status == built.Status.READY, built.error
            with built.file.open("rb") as handle:
                out[name] = handle.read()
        for document in Document.objects.filter(agenda_item__meeting__committee__slug=COMMITTEE_SLUG).select_related(
            "agenda_item__meeting__committee"
        ):
            if pdf.has_cover_sheet(document):  # as DocumentPdfView: a bare uploaded PDF is served as it was uploaded
                out[f"paper-{document.pk}-{document.title[:40]}"] = pdf.render_document(document)
        for meeting in Meeting.objects.with_full_record(None).filter(committee__slug=COMMITTEE_SLUG):
            if meeting.minutes_visible and meeting.minute_items.all():
                out[f"minutes-{meeting.date}"] = pdf.render_minutes(meeting)
        # The report and plan PDFs as the worker builds them (committee.printing serves what it built, byte for byte).
        from complaints.pdf import build_report_pdf
        from complaints.report import report_years
        from improvement.models import ImprovementPlan
        from improvement.pdf import build_plan_pdf

        for row in report_years():
            out[f"complaints-{row['year'].slug}"] = build_report_pdf(row["year"].slug, "public")
        for plan in ImprovementPlan.objects.published():
            out[f"plan-{plan.slug}"] = build_plan_pdf(plan.slug, "public")
        transaction.set_rollback(True)
    return out


def kinds(pdfs: dict) -> dict[str, int]:
    counts: dict[str, int] = {}
    for name in pdfs:
        kind = name.split("-")[0]
        counts[kind] = counts.get(kind, 0) + 1
    return counts


def test_every_pdf_the_demo_can_produce_passes_pdfua_with_no_error(demo_pdfs, tmp_path):
    # given: every PDF the demo data can produce, of every kind
    assert kinds(demo_pdfs) == {"pack": 2, "paper": 17, "minutes": 3, "complaints": 3, "plan": 2}, kinds(demo_pdfs)
    problems = []
    for name, data in demo_pdfs.items():
        path = tmp_path / f"{re.sub(r'[^A-Za-z0-9.-]+', '-', name)}.pdf"
        path.write_bytes(data)
        # when: pdfua checks it
        report = validate(str(path))
        # then: no error, no warning beyond those accepted (with their reason), and every rule ran but the known one
        for finding in report.findings:
            if finding.severity >= Severity.ERROR or finding.rule_id not in ALLOWED_WARNINGS and finding.severity >= Severity.WARNING:
                problems.append(f"{name}: {finding.severity.name} {finding.rule_id} page {finding.location.page}: {finding.message}")
        for outcome in report.outcomes:
            if outcome.skipped_reason and outcome.rule_id not in KNOWN_SKIPS:
                problems.append(f"{name}: {outcome.rule_id} not evaluated: {outcome.skipped_reason}")
    assert not problems, "\n".join(problems)


def _role(element) -> str:
    return str(element.get("/S", ""))


def _has_content(element) -> bool:
    kids = element.get("/K")
    kids = list(kids) if isinstance(kids, pikepdf.Array) else [] if kids is None else [kids]
    return any(isinstance(k, int) or (isinstance(k, pikepdf.Dictionary) and (k.get("/Type") == "/MCR" or _has_content(k))) for k in kids)


def test_every_pdf_has_its_language_title_headings_in_order_tables_with_headers_and_described_figures(demo_pdfs):
    problems = []
    for name, data in demo_pdfs.items():
        with pikepdf.open(io.BytesIO(data)) as document:
            root = document.Root
            if str(root.get("/Lang")) != "en-GB":
                problems.append(f"{name}: language {root.get('/Lang')}")
            if not str(document.docinfo.get("/Title", "")).strip() or not root.ViewerPreferences.get("/DisplayDocTitle"):
                problems.append(f"{name}: no title shown by the viewer")
            with document.open_metadata() as xmp:
                if xmp.get("pdfuaid:part") != "1":
                    problems.append(f"{name}: XMP does not declare PDF/UA-1")
            elements = list(struct_elements(document))
            levels = [int(_role(e)[2]) for e in elements if re.fullmatch(r"/H[1-6]", _role(e))]
            if not levels or levels[0] != 1:
                problems.append(f"{name}: the first heading is not H1 ({levels[:3]})")
            skips = [(a, b) for a, b in zip(levels, levels[1:], strict=False) if b > a + 1]
            if skips:
                problems.append(f"{name}: heading levels skip {skips[:3]}")
            empty = [_role(e) for e in elements if re.fullmatch(r"/H[1-6]", _role(e)) and not _has_content(e)]
            if empty:
                problems.append(f"{name}: empty headings {empty}")
            for table in (e for e in elements if _role(e) == "/Table"):
                cells = [e for e in struct_elements_under(table) if _role(e) in ("/TH", "/TD")]
                headers = [c for c in cells if _role(c) == "/TH"]
                if not headers or any("/Scope" not in c.get("/A", {}) for c in headers):
                    problems.append(f"{name}: a table without scoped header cells")
            for figure in (e for e in elements if _role(e) == "/Figure"):
                if not str(figure.get("/Alt", "")).strip():
                    problems.append(f"{name}: a figure without alternative text")
    assert not problems, "\n".join(problems)


def struct_elements_under(element):
    stack = [element]
    while stack:
        node = stack.pop()
        kids = node.get("/K")
        kids = list(kids) if isinstance(kids, pikepdf.Array) else [] if kids is None else [kids]
        for kid in kids:
            if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                yield kid
                stack.append(kid)


def test_each_agenda_item_with_papers_is_a_bookmark_of_the_pack(demo_pdfs):
    with pikepdf.open(io.BytesIO(demo_pdfs["pack-2026-01-07-untagged-upload"])) as document, document.open_outline() as outline:
        titles = [item.title for item in outline.root]
    assert titles[:2] == ["Front sheet", "Agenda"]
    assert titles[2:] == [
        "3 MINUTES",
        "6 FAMILY HUBS AND BETTER START UPDATE",
        "7 IMPROVEMENT PLAN UPDATE",
        "8 EDUCATION AND INCLUSION STRATEGY",
    ]


def test_a_tagged_upload_keeps_its_own_tags_inside_the_pack(demo_pdfs):
    with pikepdf.open(io.BytesIO(demo_pdfs["pack-2025-09-16-tagged-upload"])) as document:
        parts = [e for e in struct_elements(document) if _role(e) == "/Part"]
        # the upload's own document, with its heading, table and list, its content in the drawn form (MCR with /Stm)
        assert len(parts) == 1
        roles = [_role(e) for e in struct_elements_under(parts[0])]
        assert {"/H1", "/H2", "/Table", "/TH", "/TD", "/L", "/LI"} <= set(roles)
        references = [
            kid
            for e in struct_elements_under(parts[0])
            for kid in (e.get("/K") if isinstance(e.get("/K"), pikepdf.Array) else [])
            if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/MCR"
        ]
        assert references
        assert all("/Stm" in ref and "/StructParents" in ref.Stm for ref in references)
        assert _role(parts[0].P) == "/Div"


def test_an_untagged_upload_is_described_page_by_page_to_a_screen_reader(demo_pdfs):
    with pikepdf.open(io.BytesIO(demo_pdfs["pack-2026-01-07-untagged-upload"])) as document:
        alts = [str(e.get("/Alt")) for e in struct_elements(document) if _role(e) == "/Figure" and "Appendix B" in str(e.get("/Alt"))]
    assert len(alts) == 2
    assert alts[0].startswith("Page 1 of 2 of the uploaded paper “Appendix B”, which was not supplied as an accessible")
    assert "Figures for the year." in alts[0]
    assert "Second page of the appendix." in alts[1]


def test_report_tables_are_tables_in_the_printed_paper(demo_pdfs):
    (name,) = [n for n in demo_pdfs if "Update report on use of independent" in n]
    with pikepdf.open(io.BytesIO(demo_pdfs[name])) as document:
        tables = [e for e in struct_elements(document) if _role(e) == "/Table"]
        captions = [e for t in tables for e in struct_elements_under(t) if _role(e) == "/Caption"]
    # the placements, independent schools, non-maintained schools and alternative provision tables (the longest split
    # across pages, as WeasyPrint tags page by page), two of them captioned as the seed titles them
    assert len(tables) >= 4
    assert len(captions) == 2
