"""The demo loads the seeds' inspections, plans and KPIs, links them to the committee's meetings, and reloads cleanly."""

import datetime

import pytest
from django.core.management import call_command

from improvement.models import (
    ImprovementAction,
    ImprovementPlan,
    Inspection,
    Measure,
    Measurement,
    PlanPresentation,
    ProgressUpdate,
    Recommendation,
)

pytestmark = pytest.mark.django_db


def counts():
    return [
        m.objects.count()
        for m in (Inspection, Recommendation, ImprovementPlan, ImprovementAction, ProgressUpdate, PlanPresentation, Measure, Measurement)
    ]


def test_loading_twice_changes_nothing(improvement_demo):
    before = counts()
    call_command("load_improvement_demo", verbosity=0)
    assert counts() == before


def test_the_inspections_have_their_judgements_and_recommendations(improvement_demo):
    ilacs = Inspection.objects.get(slug="ilacs-2025")
    assert (ilacs.start_date, ilacs.end_date, ilacs.action_plan_due) == (
        datetime.date(2025, 6, 2),
        datetime.date(2025, 6, 20),
        datetime.date(2025, 11, 5),
    )
    assert ilacs.judgements.get(area="Overall effectiveness").get_grade_display() == "Requires improvement to be good"
    assert list(ilacs.recommendations.values_list("framework", flat=True)) == [
        "Outcome 3, National Framework",
        "Enabler 2, National Framework",
        "Enabler 3, National Framework",
        "Principle 2, National Framework",
        "Outcome 3, National Framework",
    ]
    assert not ilacs.recommendations.without_actions().exists()
    # and the area SEND inspection: six priority actions, three areas for improvement, an Improvement Notice
    send = Inspection.objects.get(slug="area-send-2024")
    assert send.improvement_notice
    assert send.recommendations.filter(kind="priority_action").count() == 6
    assert send.recommendations.filter(kind="area_for_improvement").count() == 3
    assert Inspection.objects.get(slug="send-stocktake-2025-07").follows == send


def test_plans_and_kpis_are_transcribed_without_invented_ratings(improvement_demo):
    plan = ImprovementPlan.objects.get(slug="childrens-services-improvement-plan")
    assert plan.priorities.count() == 7
    assert plan.actions.count() == 83
    assert not ProgressUpdate.objects.filter(action__plan=plan).exclude(rag="").exists()
    neglect = plan.actions.get(reference="1.2c")
    assert (neglect.accountable, neglect.timescale, neglect.due_by) == ("PSW", "November 2025", datetime.date(2025, 11, 30))
    assert plan.actions.get(reference="3.5c").due_by is None  # blank timescale in the source
    assert plan.actions.get(reference="2.6a").accountable_list == ["Director of CSC & EH", "Director of Adult Social Care"]
    assert "CME (action 1.5)" in plan.priorities.get(number=7).outcomes.get(number="7.3").note
    # linked to the meetings that considered the plans, each with a frozen copy
    ilacs = PlanPresentation.objects.get(plan__slug="childrens-services-improvement-plan")
    assert (ilacs.agenda_item.meeting.date, ilacs.agenda_item.number) == (datetime.date(2026, 1, 7), 7)
    assert ilacs.snapshot["priorities"][0]["label"] == "Priority 1"
    # the SEND plan was appended only to the 11 July 2024 pack: no snapshot at meetings that had reports about it
    send_dates = sorted(p.agenda_item.meeting.date for p in PlanPresentation.objects.filter(plan__slug="send-priority-impact-plan"))
    assert send_dates == [datetime.date(2024, 7, 11)]
    # made-up KPI values are flagged; reported ones are not
    reported = Measurement.objects.get(measure__slug="family-hub-attendances", period_label="Q1: April- June 2025")
    assert (reported.value, reported.illustrative) == (8292, False)
    assert Measurement.objects.get(measure__slug="care-leavers-neet", period_end=datetime.date(2025, 10, 31)).value == 57
    assert Measurement.objects.filter(measure__slug="good-level-of-development", illustrative=False).count() == 0
    # comparators only ever appear on illustrative rows
    assert not Measurement.objects.filter(illustrative=False, national__isnull=False).exists()


def test_links_to_missing_meetings_are_skipped_not_guessed(db):
    from improvement.demo import load_improvement_demo

    counts_, skipped = load_improvement_demo()  # the committee's meetings are not loaded in this test
    assert counts_["plans on agendas"] == 0
    assert any("2026-01-07 item 7" in reason for reason in skipped)
