"""Public pages: the demo plans render, charts carry a text alternative, and query counts do not grow with the data."""

import datetime
import re

import pytest
from django.urls import reverse

from improvement.models import ImprovementAction, ImprovementPlan, Measure, PlanPresentation, Rag
from tests.improvement.factories import (
    ActionFactory,
    MeasureFactory,
    MeasurementFactory,
    OutcomeFactory,
    PlanFactory,
    PriorityFactory,
    build_plan,
    update,
)
from tests.pdfs import get_pdf

pytestmark = pytest.mark.django_db
ILACS = "childrens-services-improvement-plan"
PIP = "send-priority-impact-plan"


def svg_alternative(html: str, chart_id: str) -> tuple[str, str]:
    """The <title> and <desc> of the inline SVG chart `chart_id`, after checking it is an image labelled by both."""
    assert f'role="img" aria-labelledby="{chart_id}-title {chart_id}-desc"' in html
    title = re.search(rf'<title id="{chart_id}-title">(.*?)</title>', html, re.S).group(1)
    desc = re.search(rf'<desc id="{chart_id}-desc">(.*?)</desc>', html, re.S).group(1)
    return title, desc


# ---------------------------------------------------------------------------
# The demo plans, as councillors (the public) see them
# ---------------------------------------------------------------------------


def test_plan_dashboard_and_action_list(client, improvement_demo):
    """The dashboard: RAG counts per priority (chart with a text alternative, table beside it), the key, overdue actions."""
    response = client.get(reverse("improvement:plan", args=[ILACS]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Children&#x27;s Services Improvement Plan" in html
    assert "Strengthening Outcomes Board" in html
    assert "5 November 2025" in html  # submitted to Ofsted
    # the chart has a text alternative that states the numbers, and the same numbers are in the table beside it
    title, desc = svg_alternative(html, "rag-by-priority")
    assert title == "Actions by impact RAG rating, by priority"
    assert "Priority 1: 20 not rated" in desc
    assert 'id="rag-counts"' in html
    # the plan's own RAG key, with both halves of each meaning
    assert "Action not started yet, no risk to implementation anticipated" in html
    assert "Too early to measure impact" in html
    # every recommendation is answered in the demo, and the plan was presented on 7 January 2026
    assert "Every recommendation of the inspections this plan answers has at least one action linked to it." in html
    assert "7 January 2026" in html
    plan = ImprovementPlan.objects.get(slug=ILACS)
    assert plan.actions.count() == 83
    html = client.get(reverse("improvement:plan_actions", args=[ILACS]) + "?state=overdue").content.decode()
    overdue = ImprovementAction.objects.for_plan(plan).overdue().count()
    assert f"{overdue} action" in html


def test_priority_and_action_pages(client, improvement_demo):
    """The priority page reads like the council's table; the action page has its RAG timeline and history."""
    html = client.get(reverse("improvement:priority", args=[ILACS, 1])).content.decode()
    assert "Priority 1: Identify and effective support children and families in need of help and protection" in html
    assert "Deliver neglect training as a core part of induction for social workers and other relevant practitioners" in html
    assert "67% of staff have completed their training" in html
    assert "Evidence of impact/Progress" in html
    svg_alternative(html, "rag-priority")
    action = ImprovementAction.objects.get(plan__slug=ILACS, reference="1.2c")
    update(action, datetime.date(2026, 3, 4), Rag.AMBER, "80% trained.")
    html = client.get(action.get_absolute_url()).content.decode()
    title, desc = svg_alternative(html, "rag-timeline")
    assert desc == "Impact RAG over time: 7 January 2026 not rated; 4 March 2026 Amber."
    assert 'id="history"' in html
    assert "80% trained." in html
    assert "67% of staff" in html


def test_inspection_page_and_the_send_plan(client, improvement_demo):
    """Judgements and recommendations with their answering actions; the SEND plan's nine areas."""
    html = client.get(reverse("improvement:inspection", args=["ilacs-2025"])).content.decode()
    assert "The impact of leaders on social work practice with children and families" in html
    assert "Requires improvement to be good" in html
    assert "(Enabler 2, National Framework)" in html
    assert "No action answers this" not in html
    assert "5 November 2025" in html  # action plan due
    plan = ImprovementPlan.objects.get(slug=PIP)
    assert [p.short_label for p in plan.priorities.order_by("number")] == [
        "PIP1",
        "PIP2",
        "PIP3",
        "PIP4",
        "PIP5",
        "PIP6",
        "AFI 1",
        "AFI 2",
        "AFI 3",
    ]
    html = client.get(plan.get_absolute_url()).content.decode()
    assert "SEND Improvement &amp; Assurance Board" in html
    # presented once: the plan is appended only to the 11 July 2024 pack (later meetings had reports about it)
    assert PlanPresentation.objects.filter(plan=plan).count() == 1


def test_kpi_pages_and_csv(client, improvement_demo):
    """A KPI page: chart with target, data table, illustrative values flagged, the questioned 97%, the CSV."""
    html = client.get(reverse("improvement:measure", args=["good-level-of-development"])).content.decode()
    title, desc = svg_alternative(html, "kpi")
    assert "Target 74.0% by July 2028" in desc
    assert "an illustrative value" in desc
    assert 'id="measurements"' in html
    assert 'id="illustrative-warning"' in html
    assert "Illustrative" in html
    assert "65.0% or higher, but below 74.0%" in html  # the measure's RAG key
    html = client.get(reverse("improvement:measure", args=["ehcps-issued-within-20-weeks"])).content.decode()
    assert "97.0%" in html
    assert "no written response or supporting data has yet been provided" in html
    response = client.get(reverse("improvement:measure_csv", args=["family-hub-attendances"]))
    assert response["Content-Type"].startswith("text/csv")
    lines = response.content.decode("utf-8-sig").strip().splitlines()
    assert lines[0].startswith("measure,unit,period")
    assert len(lines) == 1 + 6
    assert any("Q1: April- June 2025" in line and ",8292.0000," in line and ",no," in line for line in lines)


def test_draft_plans_are_not_public(client):
    plan = PlanFactory(status=ImprovementPlan.Status.DRAFT)
    assert client.get(plan.get_absolute_url()).status_code == 404


# ---------------------------------------------------------------------------
# Query budgets: the same number of queries at 1 row and at ten times the demo
# ---------------------------------------------------------------------------
def page_queries(client, django_assert_max_num_queries, url, budget):
    with django_assert_max_num_queries(budget) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("page", ["plan", "plan_actions", "priority", "measure", "home"])
def test_pages_run_a_fixed_number_of_queries_from_one_action_to_ten_times_the_demo(client, django_assert_max_num_queries, page):
    """Guards the N+1s a dashboard invites: counts per priority, latest update per action, latest value per measure."""

    def url_for(plan):
        measure = Measure.objects.for_plan(plan).first()
        return {
            "plan": plan.get_absolute_url(),
            "plan_actions": reverse("improvement:plan_actions", args=[plan.slug]),
            "priority": reverse("improvement:priority", args=[plan.slug, 1]),
            "measure": measure.get_absolute_url(),
            "home": reverse("improvement:home"),
        }[page]

    # given a one-action plan
    small = PlanFactory()
    action = ActionFactory(outcome=OutcomeFactory(priority=PriorityFactory(plan=small, number=1)))
    update(action, datetime.date(2025, 6, 1), Rag.GREEN)
    measure = MeasureFactory()
    measure.priorities.add(action.priority)
    MeasurementFactory(measure=measure)
    few = page_queries(client, django_assert_max_num_queries, url_for(small), 20)
    # when the data grows to ten times the demo plan (7 priorities, 840 actions, 1,680 updates, 36 periods per measure)
    big = build_plan(priorities=7, outcomes=10, actions=12, updates=2, measures=3, periods=36)
    many = page_queries(client, django_assert_max_num_queries, url_for(big), 20)
    # then the page runs the same number of queries
    assert many == few


def test_every_improvement_url_is_public_and_declared_for_the_access_matrix(client):
    """improvement_url_cases (for tests/test_access_matrix.py) covers every pattern, and each page answers the public."""
    from django.urls import get_resolver

    from tests.factories import MeetingFactory
    from tests.improvement.factories import improvement_url_cases

    cases = improvement_url_cases(MeetingFactory(), {"public"})
    patterns = {
        f"improvement:{p.name}"
        for p in get_resolver().url_patterns
        if getattr(p, "namespace", None) == "improvement"
        for p in p.url_patterns
    }
    assert patterns == set(cases)
    assert improvement_url_cases(MeetingFactory(), {"public"}).keys() == cases.keys()  # idempotent: safe to call per test
    for rows in cases.values():
        for url, _ in rows:
            assert get_pdf(client, url).status_code == 200, url  # the plan's PDF is built by the worker first
