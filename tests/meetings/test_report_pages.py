"""Report pages (/documents/<id>/) of the demo papers show the reports' structure: real tables with header cells (checked
against the seeds' own header rows and titles), heading levels in order, and a link to the accessibility statement."""

import re

import pytest
from lxml import html as lxml_html

from meetings.models import Document

pytestmark = pytest.mark.django_db


def page(client, title: str):
    document = Document.objects.get(title=title)
    response = client.get(f"/documents/{document.pk}/")
    assert response.status_code == 200
    return lxml_html.fromstring(response.content.decode())


def cells(row) -> list[tuple[str, str | None, str]]:
    return [(cell.tag, cell.get("scope"), " ".join(cell.text_content().split())) for cell in row.xpath("./th|./td")]


def test_every_demo_report_page_has_headings_in_order_and_only_tables_with_scoped_header_cells(client, demo):
    problems = []
    for document in Document.objects.exclude(body=""):
        root = lxml_html.fromstring(client.get(f"/documents/{document.pk}/").content.decode())
        main = root.xpath("//main")[0]
        levels = [int(h.tag[1]) for h in main.xpath(".//h1|.//h2|.//h3|.//h4|.//h5|.//h6")]
        if levels[:1] != [1] or any(b > a + 1 for a, b in zip(levels, levels[1:], strict=False)):
            problems.append(f"{document.title}: heading levels {levels}")
        for table in main.xpath(".//table"):
            headers = table.xpath(".//th")
            if not headers or any(th.get("scope") not in ("col", "row") for th in headers):
                problems.append(f"{document.title}: a table without scoped header cells")
            region = table.getparent()
            if "app-table-scroll" not in region.get("class", "") or region.get("tabindex") != "0" or not region.get("aria-label"):
                problems.append(f"{document.title}: a table outside a named, focusable scroll region")
    assert not problems, "\n".join(problems)


def test_the_ehcp_report_tables_are_tables_with_the_seeds_header_rows_and_titles(client, demo):
    root = page(client, "Update report on use of independent provision for children with an EHCP and monitoring of that provision.")
    placements, independent, non_maintained, alternative = root.xpath("//main//table")
    # seed 002: "	Number of Pupils	Total Cost	Average cost per pupil" (no heading over the settings), then one row each
    assert cells(placements.xpath(".//thead/tr")[0]) == [
        ("td", None, ""),
        ("th", "col", "Number of Pupils"),
        ("th", "col", "Total Cost"),
        ("th", "col", "Average cost per pupil"),
    ]
    assert cells(placements.xpath(".//tbody/tr")[3]) == [
        ("th", "row", "Independent Special"),
        ("td", None, "264"),
        ("td", None, "11,328,836"),
        ("td", None, "2,912"),  # [sic], as printed
    ]
    # "Independent Special Schools": the table's title; its header row as printed ("Ofsted Grade	No. of pupils ...")
    assert independent.findtext("caption").strip() == "Independent Special Schools"
    assert [text for _tag, _scope, text in cells(independent.xpath(".//thead/tr")[0])] == [
        "",
        "Ofsted Grade",
        "No. of pupils",
        "Total Cost",
        "Average cost",
    ]
    assert len(independent.xpath(".//tbody/tr")) == 30  # 29 schools and the total
    assert cells(independent.xpath(".//tbody/tr")[-1])[0] == ("th", "row", "Total")
    # "Non maintained Special": printed with no column headings; each school heads its row
    assert non_maintained.findtext("caption").strip() == "Non maintained Special"
    assert not non_maintained.xpath(".//thead")
    assert [row.xpath("./th")[0].text_content() for row in non_maintained.xpath(".//tr")] == [
        "Birtenshaw",
        "Inscape House",
        "Seashell Trust",
        "Total",
    ]
    # the alternative provision table: "Provision	Number	Total	Average cost", 17 providers and the total
    assert [text for _tag, _scope, text in cells(alternative.xpath(".//thead/tr")[0])] == ["Provision", "Number", "Total", "Average cost"]
    assert len(alternative.xpath(".//tbody/tr")) == 18


def test_other_demo_tables_keep_their_printed_header_rows(client, demo):
    # seed 000 §7.2: "Year | 10 Working Days | 20 Working Days | Late Responses"
    timescales = page(client, "Annual Complaints Report 2022/2023").xpath("//main//table")[0]
    assert [text for _t, _s, text in cells(timescales.xpath(".//thead/tr")[0])] == [
        "Year",
        "10 Working Days",
        "20 Working Days",
        "Late Responses",
    ]
    # seed 003: the Family Hubs funding strands, "Strand | %¹ | 2026-27 Allocation² | 2027-28 Allocation | 2028-29 Allocation"
    funding = page(client, "Family Hubs and Better Start").xpath("//main//table")[0]
    assert [text for _t, _s, text in cells(funding.xpath(".//thead/tr")[0])][0] == "Strand"
    assert cells(funding.xpath(".//tbody/tr")[-1])[0][2] == "Total"
    # seed 003: the Bury Commitments, six columns headed by the commitments; the RAG key, a heading over
    # "Action/Impact" only, each colour heading its row
    commitments, key = page(client, "Children's Services Improvement Plan").xpath("//main//table")
    assert [text for _t, _s, text in cells(commitments.xpath(".//thead/tr")[0])] == [
        "Relationships",
        "Impact Chronology",
        "Assessment",
        "Voice",
        "Plan",
        "Driving progress",
    ]
    assert [row.xpath("./th")[0].text_content() for row in key.xpath(".//tbody/tr")] == ["Blue", "Green", "Amber", "Red", "Grey"]
    # seed 002: the Cabinet report's risk table and glossary
    send = page(client, "Bury Local Area SEND Inspection Report").xpath("//main//table")
    assert [[text for _t, _s, text in cells(t.xpath(".//thead/tr")[0])] for t in send] == [
        ["Risk / opportunity", "Mitigation"],
        ["Term", "Meaning"],
    ]


def test_report_pages_link_the_accessibility_statement_from_the_footer_and_say_when_a_pdf_is_not_accessible(client, demo):
    root = page(client, "Ofsted Standard Inspection of Children’s Services in Bury")
    assert root.xpath("//footer//a[@href='/accessibility/']")
    assert re.search(r"Download this paper as a PDF", root.text_content())
