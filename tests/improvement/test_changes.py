"""'Since the last meeting': RAG moves, completions, slipped timescales and new evidence between two meetings."""

import datetime

import pytest
from django.urls import reverse

from committee.access import SYSTEM
from improvement import services
from improvement.changes import plan_changes
from improvement.models import Rag
from tests.factories import AgendaItemFactory, CommitteeFactory, MeetingFactory
from tests.improvement.factories import ActionFactory, OutcomeFactory, PlanFactory, PriorityFactory, update

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def example():
    """Two meetings (13 Nov 2025, 7 Jan 2026) and a plan in which, between them, one action moves up, one down,
    one is completed and one slips past its timescale; one was already overdue, and one has a later update."""
    committee = CommitteeFactory()
    november = MeetingFactory(committee=committee, date=D(2025, 11, 13))
    january = MeetingFactory(committee=committee, date=D(2026, 1, 7))
    plan = PlanFactory(name="Children's Services Improvement Plan", slug="cs-plan")
    outcome = OutcomeFactory(priority=PriorityFactory(plan=plan, number=1), number="1.1")
    act = {
        name: ActionFactory(outcome=outcome, letter=letter, text=f"Action {name}", timescale=timescale)
        for name, letter, timescale in [
            ("up", "a", "July 2026"),
            ("down", "b", "July 2026"),
            ("done", "c", "March 2026"),
            ("slipped", "d", "December 2025"),
            ("old", "e", "July 2025"),
        ]
    }
    update(act["up"], D(2025, 11, 1), Rag.AMBER, "Plan agreed.")
    update(act["up"], D(2025, 12, 10), Rag.GREEN, "Sessions under way.")
    update(act["up"], D(2026, 2, 1), Rag.RED, "After the meeting: must not count.")
    update(act["down"], D(2025, 11, 1), Rag.GREEN, "On track.")
    update(act["down"], D(2025, 12, 10), Rag.RED, "Supplier delays.")
    update(act["done"], D(2025, 11, 1), Rag.GREEN, "On track.")
    update(act["done"], D(2026, 1, 7), Rag.BLUE, "Completed; reported on the day of the meeting.")
    update(act["slipped"], D(2025, 11, 1), Rag.GREEN, "On track.")
    item = AgendaItemFactory(meeting=january, number=7, title="IMPROVEMENT PLAN UPDATE")
    services.plan_presentation_create(plan=plan, agenda_item=item, by=SYSTEM)
    return {"plan": plan, "november": november, "january": january, **act}


def test_changes_between_meetings_classify_each_action_once(example):
    # when we compare the plan at 13 November 2025 with the plan at 7 January 2026
    changes = plan_changes(plan=example["plan"], since=D(2025, 11, 13), until=D(2026, 1, 7))
    # then one moved up, one down, one completed (not also counted as up), one slipped, one was already overdue
    assert [(c.action, c.rag_then, c.rag_now) for c in changes.moved_up] == [(example["up"], Rag.AMBER, Rag.GREEN)]
    assert [(c.action, c.rag_then, c.rag_now) for c in changes.moved_down] == [(example["down"], Rag.GREEN, Rag.RED)]
    assert [(c.action, c.rag_then, c.rag_now) for c in changes.completed] == [(example["done"], Rag.GREEN, Rag.BLUE)]
    assert changes.slipped == [example["slipped"]]
    assert changes.still_overdue == 1
    assert changes.other_moves == []
    # and the new evidence is the three reports dated after the last meeting, up to and including this one
    assert sorted(u.narrative for u in changes.new_evidence) == [
        "Completed; reported on the day of the meeting.",
        "Sessions under way.",
        "Supplier delays.",
    ]


def test_a_first_rating_and_moves_into_grey_are_reported_as_other_changes(example):
    update(example["slipped"], D(2025, 12, 1), Rag.GREY, "Paused: too early to measure impact.")
    changes = plan_changes(plan=example["plan"], since=D(2025, 11, 13), until=D(2026, 1, 7))
    assert [(c.action, c.rag_then, c.rag_now) for c in changes.other_moves] == [(example["slipped"], Rag.GREEN, Rag.GREY)]


def test_since_page_shows_the_changes_for_the_meeting(client, example):
    url = reverse("improvement:since", args=[example["plan"].slug, example["january"].pk])
    html = client.get(url).content.decode()
    assert "Since the last meeting" in html
    assert "Wednesday, 7 January 2026" in html
    assert "Thursday, 13 November 2025" in html
    assert 'id="moved-up"' in html
    assert "Action up" in html
    assert "Rated lower (1)" in html
    assert "Completed (1)" in html
    assert "Slipped past their timescale (1)" in html
    assert "After the meeting: must not count." not in html
    assert 'id="rag-key"' in html


def test_since_page_is_404_for_a_meeting_where_the_plan_was_not_presented(client, example):
    url = reverse("improvement:since", args=[example["plan"].slug, example["november"].pk])
    assert client.get(url).status_code == 404


def test_a_meeting_page_can_list_the_plans_presented_there(example):
    from django.template import Context, Template

    html = Template("{% load improvement_tags %}{% plans_presented_at meeting %}").render(Context({"meeting": example["january"]}))
    assert "Item 7:" in html
    assert reverse("improvement:since", args=[example["plan"].slug, example["january"].pk]) in html
    assert (
        Template("{% load improvement_tags %}{% plans_presented_at meeting %}").render(Context({"meeting": example["november"]})).strip()
        == ""
    )
