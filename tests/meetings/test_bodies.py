"""Report bodies hold structure (headings, numbered paragraphs, lists, tables with header rows and captions), arrive from
Markdown or Word through the real admin form, and never carry a script, style, event handler or javascript: URL to a
page or a PDF."""

import importlib
import io

import docx
import pypdf
import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from lxml import html as lxml_html

from meetings import bodies
from meetings.models import Document
from meetings.pdf import render_document
from tests.factories import AgendaItemFactory, DocumentFactory

pytestmark = pytest.mark.django_db

DOCX = bodies.DOCX_CONTENT_TYPE


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def tree(html: str):
    return lxml_html.fragment_fromstring(html, create_parent="div")


# ---------------------------------------------------------------------------
# Markdown: the conventions the demo transcriptions and officers write in
# ---------------------------------------------------------------------------
REPORT = """# 1.0 BACKGROUND

1.1 This report sets out the placements.
2. Cabinet is recommended to note it.

### Deep heading under a skipped level

Table: Placement costs 2023/24

|   | Number of Pupils | Total Cost |
|---|---|---|
| Mainstream | 879 | 6,254,110 |

| Term | Meaning |
|---|---|
| CQC | Care Quality Commission |

|   |   |
|---|---|
| Birtenshaw | Good |
"""


def test_markdown_becomes_headings_in_order_numbered_paragraphs_and_tables_with_headers():
    # when: a report written in Markdown is rendered
    root = tree(bodies.render_source(REPORT).html)
    # then: headings start at h2 (the page's h1 is the title) and never skip a level
    assert [h.tag for h in root.xpath("//h2|//h3|//h4|//h5|//h6")] == ["h2", "h3"]
    # and: paragraph numbers stay as the council printed them
    assert "1.1 This report sets out the placements." in root.text_content()
    # and: the first table has its caption, column headers and row headers (its corner cell is empty)
    first, glossary, untitled = root.xpath("//table")
    assert first.findtext("caption") == "Placement costs 2023/24"
    assert [th.get("scope") for th in first.xpath("./thead/tr/th")] == ["col", "col"]
    assert first.xpath("./thead/tr/td")  # the empty corner is a data cell, not an empty header
    assert [th.text for th in first.xpath("./tbody/tr/th[@scope='row']")] == ["Mainstream"]
    # and: an ordinary header row is a row of column headers
    assert [th.text for th in glossary.xpath("./thead/tr/th[@scope='col']")] == ["Term", "Meaning"]
    # and: a table printed without column headings has none, and each row is headed by its first cell
    assert not untitled.xpath("./thead")
    assert [th.text for th in untitled.xpath(".//th[@scope='row']")] == ["Birtenshaw"]


def test_the_old_plain_text_keeps_its_words_and_gains_its_structure():
    # given: a body in the old convention (capitals heading, "- " list, "a | b" table, a numbered paragraph)
    legacy = "1.0 BACKGROUND\n\n2. Cabinet is recommended\n\n- one\n- two\n\nTerm | Meaning\nCQC | Care Quality Commission\n\nDate:_____"
    # when: the data migration's conversion runs
    html = bodies.render_source(bodies.legacy_text_to_markdown(legacy)).html
    root = tree(html)
    # then: a heading, a list, a table with a header row; "2." stays a paragraph number, not a list
    assert root.findtext("h2") == "1.0 BACKGROUND"
    assert [li.text for li in root.xpath("//ul/li")] == ["one", "two"]
    assert [th.text for th in root.xpath("//th")] == ["Term", "Meaning"]
    assert not root.xpath("//ol")
    text = " ".join(root.text_content().split())
    for words in ("2. Cabinet is recommended", "Care Quality Commission", "Date:_____"):
        assert words in text


def test_the_data_migration_structures_existing_plain_text_bodies():
    # given: a paper saved before structured bodies, its text in the old plain-text convention
    document = DocumentFactory(body="1.0 BACKGROUND\n\nTerm | Meaning\nPIP | Priority Impact Plan", body_source="")
    migration = importlib.import_module("meetings.migrations.0010_structured_documents")
    # when: the migration's data step runs
    migration.structure_existing_bodies(apps, None)
    # then: the text is kept as Markdown and its structure as HTML
    document.refresh_from_db()
    assert "| PIP | Priority Impact Plan |" in document.body_source
    assert "<h2>1.0 BACKGROUND</h2>" in document.body
    assert '<th scope="col">Term</th>' in document.body


# ---------------------------------------------------------------------------
# Sanitising: nothing executable reaches a page or a PDF, whatever wrote the body
# ---------------------------------------------------------------------------
ATTACKS = [
    "<script>alert('XSS-1')</script>",
    "<p onclick=\"alert('XSS-2')\">Click</p>",
    "<a href=\"javascript:alert('XSS-3')\">link</a>",
    "<img src=x onerror=\"alert('XSS-4')\">",
    "<style>body{background:url(javascript:alert('XSS-5'))}</style>",
    "<table><tr><td onmouseover=\"alert('XSS-6')\">cell</td></tr></table>",
    "<iframe src=\"javascript:alert('XSS-7')\"></iframe>",
    "<svg><script>alert('XSS-8')</script></svg>",
    "<a href=\"JaVaScRiPt:alert('XSS-9')\">x</a>",
]
NEVER = ("<script", "onclick", "onerror", "onmouseover", "javascript:", "<style", "<iframe", "<svg", "alert(")


@pytest.mark.parametrize("attack", ATTACKS)
def test_a_body_never_carries_script_style_handlers_or_javascript_urls(attack):
    html = bodies.render_source(f"Some text.\n\n{attack}\n").html
    assert not [bad for bad in NEVER if bad in html.lower()], html
    assert not [bad for bad in NEVER if bad in bodies.sanitise(attack).lower()]


def test_escaped_markup_stays_text_and_never_becomes_markup():
    # given: text that shows markup, outside and inside an element (as a Word document's typed "<script>" arrives)
    html = "&lt;script&gt;alert('XSS-10')&lt;/script&gt;<p>a</p>&lt;b onclick=x&gt;tail"
    # when: it is structured, and shown on a page
    from meetings.templatetags.report_tags import report_page_body

    for shown in (bodies.structure(html).html, report_page_body(html)):
        # then: the words are kept, escaped; nothing became an element
        assert "&lt;script&gt;alert('XSS-10')&lt;/script&gt;" in shown
        assert "<script" not in shown
        assert "<b onclick" not in shown


def test_a_body_written_straight_into_the_database_is_sanitised_on_the_page_and_in_the_pdf(client):
    # given: a published paper whose stored body was written around the services (e.g. by hand in the database)
    document = DocumentFactory(body="<p>Real text.</p>" + "".join(ATTACKS), body_source="")
    # when: its page and its PDF are fetched
    page = client.get(f"/documents/{document.pk}/").content.decode().lower()
    pdf_text = "\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(render_document(document))).pages)
    # then: the text is there, and nothing that could run
    assert "real text." in page
    assert "alert('xss" not in page
    assert "javascript:alert" not in page
    assert "Real text." in pdf_text
    assert "alert(" not in pdf_text


# ---------------------------------------------------------------------------
# Word: a report as officers write it arrives as structure, through the real admin form
# ---------------------------------------------------------------------------
def word_report(*, header_row: bool = True, extra=None) -> bytes:
    """A .docx with headings, a numbered list, a captioned table, emphasis and links (one of them hostile)."""
    document = docx.Document()
    document.add_heading("1.0 BACKGROUND", level=1)
    document.add_paragraph("1.1 This report sets out the placements for the year.")
    document.add_heading("Recommendations", level=2)
    document.add_paragraph("Note the report.", style="List Number")
    document.add_paragraph("Ask for an update in March.", style="List Number")
    document.add_paragraph("Placement costs 2023/24", style="Caption")
    table = document.add_table(rows=3, cols=3)
    for r, row in enumerate([["Setting", "Pupils", "Total cost"], ["Mainstream", "879", "6,254,110"], ["Special", "661", "16,168,162"]]):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    if header_row:
        properties = table.rows[0]._tr.get_or_add_trPr()
        repeat = OxmlElement("w:tblHeader")
        repeat.set(qn("w:val"), "true")
        properties.append(repeat)
    paragraph = document.add_paragraph("Read the ")
    paragraph.add_run("guidance").bold = True
    paragraph.add_run(' and <script>alert("XSS-DOCX")</script> typed as text.')
    for url, text in (("https://www.gov.uk/", "GOV.UK"), ("javascript:alert('XSS-LINK')", "hostile link")):
        part = document.part
        rel = part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
        link = OxmlElement("w:hyperlink")
        link.set(qn("r:id"), rel)
        run = OxmlElement("w:r")
        label = OxmlElement("w:t")
        label.text = text
        run.append(label)
        link.append(run)
        document.add_paragraph()._p.append(link)
    if extra:
        extra(document)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def document_form(document, **overrides):
    data = {
        "agenda_item": document.agenda_item_id,
        "order": document.order,
        "title": document.title,
        "kind": document.kind,
        "cover_meeting": "",
        "cover_date": "",
        "subject": "",
        "report_from": "",
        "contact_officer": "",
        "body_source": document.body_source,
        "background_papers": "",
    }
    data.update(overrides)
    return data


@pytest.fixture
def paper(clerk):
    item = AgendaItemFactory()
    item.meeting.committee.supporting_officers.add(clerk)
    return Document.objects.create(agenda_item=item, title="Placements", body_source="Old text.", body="<p>Old text.</p>")


def test_a_word_report_uploaded_in_the_admin_arrives_as_headings_a_numbered_list_and_a_captioned_table(client, clerk, paper):
    client.force_login(clerk)
    # when: the clerk uploads the Word report on the paper's admin page
    upload = SimpleUploadedFile("placements.docx", word_report(), content_type=DOCX)
    response = client.post(f"/admin/meetings/document/{paper.pk}/change/", document_form(paper, source_file=upload))
    # then: they come back to the paper (to see what arrived), and the body holds the report's structure
    assert response.status_code == 302
    assert response["Location"].endswith(f"/admin/meetings/document/{paper.pk}/change/")
    paper.refresh_from_db()
    root = tree(paper.body)
    assert [(h.tag, h.text) for h in root.xpath("//h2|//h3")] == [("h2", "1.0 BACKGROUND"), ("h3", "Recommendations")]
    assert [li.text for li in root.xpath("//ol/li")] == ["Note the report.", "Ask for an update in March."]
    (table,) = root.xpath("//table")
    assert table.findtext("caption") == "Placement costs 2023/24"
    assert [th.text for th in table.xpath("./thead/tr/th[@scope='col']")] == ["Setting", "Pupils", "Total cost"]
    assert [td.text for td in table.xpath("./tbody/tr[1]/td")] == ["Mainstream", "879", "6,254,110"]
    assert root.xpath("//strong")[0].text == "guidance"
    assert root.xpath("//a[@href='https://www.gov.uk/']")
    # and: the hostile link and the typed script are inert text at most
    assert "javascript:" not in paper.body
    assert "<script" not in paper.body
    # and: the Word document is kept beside it, and the editable text is what arrived
    assert paper.source_file.name.endswith(".docx")
    assert "<h2>1.0 BACKGROUND</h2>" in paper.body_source
    # and: the paper's page shows the table with its headers, and the change page previews it
    page = client.get(f"/documents/{paper.pk}/").content.decode()
    assert '<th scope="col" class="govuk-table__header">Setting</th>' in page
    change = client.get(f"/admin/meetings/document/{paper.pk}/change/").content.decode()
    assert "Preview of the report as saved" in change
    assert "Placement costs 2023/24" in change


def test_a_word_table_without_a_header_row_gets_its_first_row_as_header_and_the_officer_is_told(client, clerk, paper):
    client.force_login(clerk)
    upload = SimpleUploadedFile("placements.docx", word_report(header_row=False), content_type=DOCX)
    response = client.post(f"/admin/meetings/document/{paper.pk}/change/", document_form(paper, source_file=upload), follow=True)
    paper.refresh_from_db()
    assert [th.text for th in tree(paper.body).xpath("//thead/tr/th")] == ["Setting", "Pupils", "Total cost"]
    assert "its first row is shown as the header row" in response.content.decode()


def test_pictures_in_a_word_report_are_marked_and_the_paper_is_listed_as_not_accessible(client, clerk, paper):
    # given: a Word report with a picture (a chart) in it
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(buffer, format="PNG")
    png = buffer.getvalue()
    client.force_login(clerk)
    upload = SimpleUploadedFile("chart.docx", word_report(extra=lambda d: d.add_picture(io.BytesIO(png))), content_type=DOCX)
    response = client.post(f"/admin/meetings/document/{paper.pk}/change/", document_form(paper, source_file=upload), follow=True)
    # then: the place is marked, the officer is told, and the statement lists the paper (its agenda is public)
    paper.refresh_from_db()
    assert "[Picture not included]" in paper.body
    assert "1 picture was left out" in response.content.decode()
    assert Document.objects.not_accessible().filter(pk=paper.pk).exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"%PDF-1.7 not a Word file", "cannot be read as a Word document"), (b"PK\x03\x04broken zip", "cannot be read as a Word document")],
    ids=["pdf", "broken-zip"],
)
def test_a_file_that_is_not_a_word_document_is_refused_next_to_the_field_and_nothing_is_saved(client, clerk, paper, content, message):
    client.force_login(clerk)
    upload = SimpleUploadedFile("report.docx", content, content_type=DOCX)
    response = client.post(f"/admin/meetings/document/{paper.pk}/change/", document_form(paper, title="Changed", source_file=upload))
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert "field-source_file" in html
    paper.refresh_from_db()
    assert paper.title == "Placements"
    assert not paper.source_file


def test_preview_shows_the_typed_text_as_it_will_look_and_saves_nothing(client, clerk, paper):
    client.force_login(clerk)
    typed = "## Findings\n\nTable: Costs\n\n| Setting | Cost |\n|---|---|\n| Mainstream | 7,115 |\n\n<script>alert('XSS-P')</script>"
    response = client.post(f"/admin/meetings/document/{paper.pk}/change/", document_form(paper, body_source=typed, _preview="1"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Nothing has been saved" in html
    assert "Please correct" not in html
    assert "<caption>Costs</caption>" in html
    assert '<th scope="col">Setting</th>' in html
    assert "alert('XSS-P')</script>" not in html.split("report-preview-heading")[1]  # only the escaped source text holds it
    paper.refresh_from_db()
    assert paper.body_source == "Old text."


def test_typed_markdown_is_saved_as_structure_through_the_admin(client, clerk, paper):
    client.force_login(clerk)
    typed = "## 2.0 ISSUES\n\n2.1 Numbers rose.\n\n- First\n- Second"
    response = client.post(f"/admin/meetings/document/{paper.pk}/change/", document_form(paper, body_source=typed))
    assert response.status_code == 302
    paper.refresh_from_db()
    assert paper.body == "<h2>2.0 ISSUES</h2>\n<p>2.1 Numbers rose.</p>\n<ul>\n<li>First</li>\n<li>Second</li>\n</ul>"
    assert paper.history.first().body == paper.body  # the audit trail keeps the structure too
