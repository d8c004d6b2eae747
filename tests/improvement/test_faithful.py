"""Issue 18, a faithful record: the improvement documents are complete transcriptions, and nothing invented looks like fact.

Checked against the seeds themselves (../shared/seeds/), not against copies of their words in the tests: every
paragraph and bullet of the Education and Inclusion Strategy, every line of the SEND plan's impact register, each
Bury Commitment's description, and the Cabinet cover's classification and decision type.
"""

import datetime
import html
import io
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from lxml import html as lxml_html
from pypdf import PdfReader

from committee.provenance import Provenance
from improvement.models import ImpactMeasure, ImprovementPlan, PlanPresentation, Recommendation
from improvement.pdf import render_plan_pdf
from meetings.models import Document
from meetings.pdf import document_paper

pytestmark = pytest.mark.django_db

SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"
ILACS = "childrens-services-improvement-plan"
SEND = "send-priority-impact-plan"


def seed_lines(name: str) -> list[str]:
    path = next(SEEDS.glob(f"{name}_*.txt"), None)
    if path is None:
        pytest.skip("the seeds are not beside this checkout")
    return path.read_text(encoding="utf-8").splitlines()


def plain(text: str) -> str:
    """Words only: markup, list markers and runs of spaces removed, so a seed line and a page can be compared."""
    text = re.sub(r"</?[a-z][^>]*>", " ", text)
    text = text.replace("**", "").replace("\\", "")
    text = re.sub(r"^\s*(?:[-•]|#+)\s+", "", text)
    return re.sub(r"\s+", " ", text).strip()


def page_text(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return re.sub(r"\s+", " ", lxml_html.fromstring(response.content).xpath("//main")[0].text_content())


def body_text(document: Document) -> str:
    return re.sub(r"\s+", " ", lxml_html.fromstring(f"<div>{document.body}</div>").text_content())


def paper(title: str) -> Document:
    return Document.objects.get(title=title)


# ---------------------------------------------------------------------------
# The Education and Inclusion Strategy: all of it, not 29%
# ---------------------------------------------------------------------------
def strategy_seed_text() -> list[str]:
    """Every paragraph and bullet of the strategy as the seed prints it (headings and the contents table aside)."""
    lines = seed_lines("003")
    start = lines.index("BURY COUNCIL 2025")
    end = len(lines) - 1 - lines[::-1].index("# BURY EDUCATION AND INCLUSION STRATEGY")  # the back cover
    return [plain(line) for line in lines[start + 1 : end] if line.strip() and not line.lstrip().startswith(("#", "<b>"))]


def test_the_strategy_holds_every_paragraph_and_bullet_of_the_seed(improvement_demo):
    # given the strategy as appended to the 7 January 2026 pack
    text = body_text(paper("BURY EDUCATION AND INCLUSION STRATEGY"))
    # then every line of the seed is in it, word for word (context, priority actions by setting, success, governance)
    expected = strategy_seed_text()
    assert len(expected) > 150
    missing = [line for line in expected if line not in text]
    assert missing == []


def test_the_strategy_keeps_its_sections_settings_and_contents_table(client, improvement_demo):
    document = paper("BURY EDUCATION AND INCLUSION STRATEGY")
    root = lxml_html.fromstring(f"<div>{document.body}</div>")
    headings = [re.sub(r"\s+", " ", h.text_content()).strip() for h in root.xpath("//h2|//h3|//h4")]
    for section in (
        "02. NATIONAL, REGIONAL AND LOCAL CONTEXT",
        "The Local Context",
        "Local Strategic Connectivity",
        "04. COMMITMENT 02 SAFE",
        "08. GOVERNANCE AND DELIVERY",
    ):
        assert section in headings
    # each commitment has its priority actions by setting and "What does success look like?"
    assert headings.count("What does success look like?") == 5
    assert headings.count("PRIORITY ACTIONS") == 4  # as printed: Commitment 01 has no such heading
    assert headings.count("Post 16") == 5
    # the contents is a table (section, page), as printed without column headings
    contents = root.xpath("//table")[0]
    assert contents.xpath("./caption")[0].text_content().strip() == "CONTENTS"
    rows = [[c.text_content().strip() for c in row.xpath("./th|./td")] for row in contents.xpath(".//tbody/tr")]
    assert len(rows) == 9
    assert rows[-1] == ["GOVERNANCE AND DELIVERY", "44"]
    assert rows[3] == ["COMMITMENT 1 EVERY CHILD AND YOUNG PERSON WILL ENJOY A SENSE OF BELONGING", "18"]
    # and the page shows it
    text = page_text(client, reverse("meetings:document", args=[document.pk]))
    assert "Attendance of vulnerable groups of children (those with additional needs, including those with a social worker)" in text


# ---------------------------------------------------------------------------
# The SEND plan's "How will we measure impact?" register: records, and the paper in full
# ---------------------------------------------------------------------------
def register_seed() -> list[tuple[str, str]]:
    """(area heading, line) for every line of the register as the seed prints it."""
    lines = seed_lines("002")
    start = lines.index("How will we measure impact?", lines.index("Governance Structure Diagram - Local Area:"))
    end = lines.index("Action Plan", start)
    rows, area = [], None
    for line in lines[start + 1 : end]:
        line = line.strip()
        if re.match(r"^(Priority Area|Area for Improvement) \d: ", line):
            area = line
        elif line.startswith(("- ", "• ")):
            rows.append((area, plain(line)))
    return rows


def test_the_impact_register_is_held_line_by_line_under_its_areas(improvement_demo):
    plan = ImprovementPlan.objects.get(slug=SEND)
    held = [(m.area, m.as_printed) for m in ImpactMeasure.objects.filter(plan=plan).in_plan_order()]
    assert held == register_seed()
    assert len(held) == 54
    # the areas are the plan's priorities by number (AFI 1-3 are 7-9)
    strategy = ImpactMeasure.objects.filter(plan=plan, area_label="Priority Area 1").first()
    assert strategy.priority.label == "Priority Action 1"
    workforce = ImpactMeasure.objects.get(plan=plan, area_label="Area for Improvement 3")
    assert workforce.priority.label == "Area for Improvement 3"
    # a cross-reference is a field of its own, as well as part of the printed line
    tagged = ImpactMeasure.objects.get(plan=plan, text="Numbers of website visitors to the Graduated Approach toolkit")
    assert tagged.also_relevant_to == "also relevant for Workforce*"


def test_the_open_data_gives_the_register(client, improvement_demo):
    rows = client.get(reverse("api:improvement_plan_impact_measures", args=[SEND]), {"limit": 100}).json()
    assert rows["count"] == 54
    assert [(r["area_label"] + ": " + r["area_name"], r["as_printed"]) for r in rows["items"]] == register_seed()
    assert rows["items"][0]["priority"] == "PIP1"


def test_the_plan_page_and_the_appended_paper_show_the_whole_register(client, improvement_demo):
    plan = ImprovementPlan.objects.get(slug=SEND)
    text = page_text(client, plan.get_absolute_url())
    paper_text = body_text(paper("Bury Local Area SEND Partnership Priority Impact Plan"))
    printed = re.sub(r"\s+", " ", "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(render_plan_pdf(plan=plan))).pages))
    for area, line in register_seed():
        assert area in text
        assert line in text
        assert line in paper_text
    # each priority's page has its own area's lines
    afi2 = page_text(client, plan.priorities.get(number=8).get_absolute_url())
    assert "How will we measure impact? (Area for Improvement 2: Alternative Provision and EOTAS)" in afi2
    assert "Number of children in receipt of EOTAS packages" in afi2
    assert "EHCP issued within 20-weeks" not in afi2
    # and the printed plan has it before its action plan, as the plan does
    assert printed.index("How will we measure impact?") < printed.index("Priority Action 1:")
    assert "Area for Improvement 2: Alternative Provision and EOTAS" in printed
    assert "Average length of time that current EOTAS packages have been in place" in printed


def test_reloading_keeps_one_copy_of_the_register(improvement_demo):
    before = ImpactMeasure.objects.count()
    call_command("load_improvement_demo", verbosity=0)
    assert ImpactMeasure.objects.count() == before == 54


# ---------------------------------------------------------------------------
# The Bury Commitments: each one's description, in its column
# ---------------------------------------------------------------------------
def test_the_bury_commitments_have_their_straplines_and_descriptions(client, improvement_demo):
    lines = seed_lines("003")
    header = lines.index("Relationships\tImpact Chronology\tAssessment\tVoice\tPlan\tDriving progress")
    printed = [html.unescape(plain(cell)) for cell in lines[header + 1].split("\t")]
    document = paper("Children's Services Improvement Plan")
    root = lxml_html.fromstring(page_client_body(client, document))
    commitments = root.xpath("//main//table")[0]
    assert [th.text_content() for th in commitments.xpath(".//thead//th")] == lines[header].split("\t")
    cells = [re.sub(r"\s+", " ", td.text_content()).strip() for td in commitments.xpath(".//tbody/tr/td")]
    assert cells == printed
    assert len(cells) == 6
    assert cells[3].startswith("Capturing the daily lived experience We will complete at least one piece of direct work")


def page_client_body(client, document) -> bytes:
    response = client.get(reverse("meetings:document", args=[document.pk]))
    assert response.status_code == 200
    return response.content


# ---------------------------------------------------------------------------
# The Cabinet report's classification and decision type
# ---------------------------------------------------------------------------
def test_the_cabinet_cover_shows_its_classification_and_decision_type(client, improvement_demo):
    cabinet = paper("Bury Local Area SEND Inspection Report")
    assert (cabinet.classification, cabinet.decision_type) == ("Open", "Non-Key")
    root = lxml_html.fromstring(page_client_body(client, cabinet))
    cover = {
        dt.text_content().strip(): dd.text_content().strip()
        for dt, dd in zip(
            root.xpath("//dl[contains(@class,'app-cover-sheet')]//dt"),
            root.xpath("//dl[contains(@class,'app-cover-sheet')]//dd"),
            strict=True,
        )
    }
    assert cover["Classification"] == "Open"
    assert cover["Decision Type"] == "Non-Key"
    # printed first on the paper's cover sheet, as on the Cabinet template
    printed = document_paper(cabinet, meeting=cabinet.agenda_item.meeting)["cover"]
    assert printed[:2] == [("Classification:", "Open"), ("Decision Type:", "Non-Key")]
    # a scrutiny report's cover has neither box, and none is invented for it
    scrutiny = paper("CYP ILACS Improvement Plan")
    assert (scrutiny.classification, scrutiny.decision_type) == ("", "")
    assert [label for label, _value in document_paper(scrutiny, meeting=scrutiny.agenda_item.meeting)["cover"]][0] == "MEETING:"
    # and the open data says so
    meeting = cabinet.agenda_item.meeting
    event = client.get(reverse("api:event", args=[meeting.pk])).json()
    refs = [d for item in event["agenda"] for d in item["documents"] if d["id"] == cabinet.pk]
    assert (refs[0]["classification"], refs[0]["decision_type"]) == ("Open", "Non-Key")


# ---------------------------------------------------------------------------
# Recommendation -> action links: only the plan's own, unless marked
# ---------------------------------------------------------------------------
def test_no_unmarked_link_to_an_action_the_plan_does_not_place_under_the_recommendation(improvement_demo):
    offset = {Recommendation.Kind.PRIORITY_ACTION: 0, Recommendation.Kind.AREA_FOR_IMPROVEMENT: 6}
    for rec in Recommendation.objects.filter(actions__isnull=False).distinct().prefetch_related("actions__priority"):
        if rec.actions_provenance != Provenance.RECORDED:
            assert rec.actions_basis  # a marked link says how it was made
            continue
        # a recorded link is one the plan makes: the SEND plan prints each priority action's words over its actions
        assert rec.inspection.slug == "area-send-2024", rec
        assert {a.priority.number for a in rec.actions.all()} == {rec.number + offset[rec.kind]}
    ilacs = Recommendation.objects.filter(inspection__slug="ilacs-2025")
    assert set(ilacs.values_list("actions_provenance", flat=True)) == {Provenance.INFERRED}


def test_inferred_links_are_marked_wherever_they_are_shown(client, improvement_demo):
    plan = ImprovementPlan.objects.get(slug=ILACS)
    action = plan.actions.get(reference="6.2a")
    inspection = Recommendation.objects.get(inspection__slug="ilacs-2025", number=1).inspection
    for url in (
        inspection.get_absolute_url(),
        action.get_absolute_url(),
        action.priority.get_absolute_url(),
        plan.get_absolute_url(),
        reverse("improvement:inspections"),
        reverse("improvement:home"),
    ):
        root = lxml_html.fromstring(client.get(url).content)
        marks = [m.text_content().strip() for m in root.xpath("//main//*[contains(@class,'app-provenance')]")]
        assert "Inferred" in marks, url
    # on the inspection page, every row with links carries the mark and how the links were made
    rows = lxml_html.fromstring(client.get(inspection.get_absolute_url()).content).xpath("//table[@id='recommendations']//tbody/tr")
    assert len(rows) == 5
    for row in rows:
        assert row.xpath(".//*[contains(@class,'app-provenance')]")
        assert "the plan does not say which actions answer each recommendation" in row.text_content()
    # the SEND links, which the plan makes, are not marked
    send = Recommendation.objects.get(inspection__slug="area-send-2024", kind="priority_action", number=1).inspection
    send_rows = lxml_html.fromstring(client.get(send.get_absolute_url()).content).xpath("//table[@id='recommendations']//tbody/tr")
    assert not any(row.xpath(".//*[contains(@class,'app-provenance')]") for row in send_rows)


# ---------------------------------------------------------------------------
# "Plan as presented": only where the pack shows the plan
# ---------------------------------------------------------------------------
def test_snapshots_only_at_meetings_where_the_plan_was_in_the_pack(improvement_demo):
    shown = {(p.plan.slug, p.agenda_item.meeting.date, p.agenda_item.number) for p in PlanPresentation.objects.with_meeting()}
    assert shown == {(SEND, datetime.date(2024, 7, 11), 7), (ILACS, datetime.date(2026, 1, 7), 7)}
    # each is at an item whose papers include the plan itself
    for presentation in PlanPresentation.objects.with_meeting():
        kinds = set(presentation.plan.papers.filter(agenda_item=presentation.agenda_item).values_list("kind", flat=True))
        assert Document.Kind.PLAN in kinds


def test_a_snapshot_the_pack_does_not_support_is_removed_on_reload(improvement_demo):
    from committee.access import SYSTEM
    from improvement import services
    from meetings.models import AgendaItem

    # given a snapshot at 16 September 2025, where the committee had a report on the SEND plan but not the plan
    item = AgendaItem.objects.get(meeting__date=datetime.date(2025, 9, 16), number=8)
    services.plan_presentation_create(plan=ImprovementPlan.objects.get(slug=SEND), agenda_item=item, by=SYSTEM)
    # when the demo is loaded again
    call_command("load_improvement_demo", verbosity=0)
    # then it is gone
    assert not PlanPresentation.objects.filter(agenda_item=item).exists()


# ---------------------------------------------------------------------------
# Each report linked to the plan it describes, both ways
# ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("slug", "titles"),
    [
        (ILACS, ["CYP ILACS Improvement Plan", "Children's Services Improvement Plan"]),
        (
            SEND,
            [
                "Bury Local Area SEND Inspection Report",
                "Bury Local Area SEND Partnership Priority Impact Plan",
                "The Local Area Response to the Published SEND inspection and monthly update",
            ],
        ),
    ],
)
def test_each_report_links_to_the_plan_it_describes_and_back(client, improvement_demo, slug, titles):
    plan = ImprovementPlan.objects.get(slug=slug)
    assert sorted(plan.papers.values_list("title", flat=True)) == sorted(titles)
    plan_page = lxml_html.fromstring(client.get(plan.get_absolute_url()).content)
    listed = [a.text_content() for a in plan_page.xpath("//ul[@id='plan-papers']//a")]
    assert sorted(listed) == sorted(titles)
    for document in plan.papers.all():
        root = lxml_html.fromstring(page_client_body(client, document))
        assert root.xpath(f"//main//a[@href='{plan.get_absolute_url()}']"), document.title
    # a paper about something else is not linked to any plan
    strategy = paper("BURY EDUCATION AND INCLUSION STRATEGY")
    assert not strategy.improvement_plans.exists()
