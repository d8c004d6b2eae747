"""Progress updates never overwrite: the RAG history is kept and the latest report is the action's current rating."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from committee.access import SYSTEM
from improvement import services
from improvement.models import ImprovementAction, ProgressUpdate, Rag, Recommendation
from tests.improvement.factories import ActionFactory, OutcomeFactory, PlanFactory, PriorityFactory, RecommendationFactory, update

pytestmark = pytest.mark.django_db
D = datetime.date


def test_rag_history_is_kept_across_updates_and_the_latest_is_current():
    # given an action rated Red, then Amber, then Green
    action = ActionFactory(timescale="July 2026")
    update(action, D(2025, 11, 5), Rag.RED, "Not started: no capacity.")
    update(action, D(2026, 1, 7), Rag.AMBER, "Recruitment under way.")
    update(action, D(2026, 3, 4), Rag.GREEN, "Two practitioners in post.")
    action.refresh_from_db()
    # then all three reports remain, oldest first, and the current rating is the latest
    history = list(action.updates.order_by("date").values_list("rag", "narrative"))
    assert history == [
        (Rag.RED, "Not started: no capacity."),
        (Rag.AMBER, "Recruitment under way."),
        (Rag.GREEN, "Two practitioners in post."),
    ]
    assert action.current_rag == Rag.GREEN
    assert action.last_update_on == D(2026, 3, 4)
    assert action.latest_update.narrative == "Two practitioners in post."
    # and each update has its own audit trail entry
    assert ProgressUpdate.history.filter(action_id=action.pk).count() == 3


def test_a_backdated_update_joins_the_history_without_becoming_current():
    action = ActionFactory()
    update(action, D(2026, 3, 4), Rag.GREEN)
    update(action, D(2026, 1, 7), Rag.RED, "Entered late: the January position.")
    action.refresh_from_db()
    assert action.current_rag == Rag.GREEN
    assert action.updates.count() == 2


def test_an_update_without_a_rating_is_not_rated_and_blue_completes_the_action():
    action = ActionFactory()
    update(action, D(2026, 1, 7), "", "Narrative only, as printed.")
    action.refresh_from_db()
    assert (action.current_rag, action.rag_label, action.is_complete) == ("", "Not rated", False)
    update(action, D(2026, 2, 1), Rag.BLUE, "Done.")
    action.refresh_from_db()
    assert action.is_complete is True


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"date": D(2999, 1, 1), "rag": Rag.GREEN, "narrative": "x"}, "date"),
        ({"date": D(2026, 1, 1), "rag": "", "narrative": "   "}, "__all__"),
    ],
)
def test_impossible_updates_are_refused(kwargs, field):
    action = ActionFactory()
    with pytest.raises(ValidationError) as error:
        services.progress_update_create(action=action, **kwargs)
    assert field in error.value.message_dict
    assert not action.updates.exists()


def test_a_colour_not_on_the_plans_key_is_refused():
    # given a plan whose key has no Grey
    plan = PlanFactory()
    plan.rag_scale.filter(code=Rag.GREY).delete()
    action = ActionFactory(outcome=OutcomeFactory(priority=PriorityFactory(plan=plan)))
    with pytest.raises(ValidationError):
        services.progress_update_create(action=action, date=D(2026, 1, 1), rag=Rag.GREY, narrative="x")


def test_deleting_an_update_entered_in_error_recomputes_the_current_rating():
    action = ActionFactory()
    update(action, D(2026, 1, 7), Rag.AMBER)
    wrong = update(action, D(2026, 2, 7), Rag.BLUE)
    services.progress_update_delete(update=wrong)
    action.refresh_from_db()
    assert action.current_rag == Rag.AMBER


def test_the_action_takes_plan_priority_and_reference_from_its_outcome():
    outcome = OutcomeFactory(number="1.2")
    action = services.action_create(outcome=outcome, letter="c)", text="Deliver neglect training", timescale="November 2025")
    assert (action.plan_id, action.priority_id, action.reference, action.order) == (
        outcome.priority.plan_id,
        outcome.priority_id,
        "1.2c",
        3,
    )


def test_recommendation_with_no_answering_action_is_flagged():
    # given a plan answering an inspection with two recommendations, one answered by an action
    plan = PlanFactory()
    answered = RecommendationFactory(number=1)
    unanswered = RecommendationFactory(inspection=answered.inspection, number=2)
    plan.inspections.add(answered.inspection)
    action = ActionFactory(outcome=OutcomeFactory(priority=PriorityFactory(plan=plan)))
    services.recommendation_link_actions(recommendation=answered, actions=[action])
    # then only the unanswered one is flagged, for this plan
    assert list(Recommendation.objects.answered_by_plan(plan).without_actions()) == [unanswered]
    assert list(action.recommendations.all()) == [answered]


def test_the_dashboard_lists_unanswered_recommendations_and_links_the_plan_does_not_make_in_one_query(django_assert_num_queries):
    from committee.provenance import Provenance

    # given a plan answering an inspection: one recommendation unanswered, one answered by the plan's own links, one
    # answered by inferred links to this plan's action, one by inferred links to another plan's action only
    plan = PlanFactory()
    unanswered = RecommendationFactory(number=1)
    inspection = unanswered.inspection
    recorded, inferred, elsewhere = (RecommendationFactory(inspection=inspection, number=n) for n in (2, 3, 4))
    plan.inspections.add(inspection)
    action = ActionFactory(outcome=OutcomeFactory(priority=PriorityFactory(plan=plan)))
    other = ActionFactory()
    services.recommendation_link_actions(recommendation=recorded, actions=[action])
    for rec, linked in ((inferred, action), (elsewhere, other)):
        services.recommendation_link_actions(recommendation=rec, actions=[linked], provenance=Provenance.INFERRED, basis="by subject")
    # then one query finds the unanswered one and the one inferred for this plan, each once
    with django_assert_num_queries(1):
        gaps = [(rec, rec.unanswered, rec.inspection.slug) for rec in Recommendation.objects.unanswered_or_inferred_for(plan)]
    assert gaps == [(unanswered, True, inspection.slug), (inferred, False, inspection.slug)]


def test_a_snapshot_freezes_the_plan_as_it_stood_on_the_meeting_date():
    from tests.factories import AgendaItemFactory, MeetingFactory

    action = ActionFactory(text="Deliver neglect training")
    update(action, D(2026, 1, 5), Rag.AMBER, "67% trained.")
    item = AgendaItemFactory(meeting=MeetingFactory(date=D(2026, 1, 7)), title="IMPROVEMENT PLAN UPDATE")
    presentation = services.plan_presentation_create(plan=action.plan, agenda_item=item, by=SYSTEM)
    # when progress moves on after the meeting
    update(action, D(2026, 2, 1), Rag.GREEN, "90% trained.")
    presentation.refresh_from_db()
    # then the snapshot still shows what members saw on 7 January
    frozen = presentation.snapshot["priorities"][0]["outcomes"][0]["actions"][0]
    assert (frozen["rag"], frozen["progress"]) == (Rag.AMBER, "67% trained.")
    assert presentation.snapshot["as_at"] == "2026-01-07"
    # and putting the plan on the same item again keeps the frozen copy
    again = services.plan_presentation_create(plan=action.plan, agenda_item=item, by=SYSTEM)
    assert again.pk == presentation.pk
    assert again.snapshot["priorities"][0]["outcomes"][0]["actions"][0]["rag"] == Rag.AMBER


def test_queryset_reads_the_rating_as_it_stood_on_a_date():
    action = ActionFactory()
    update(action, D(2025, 11, 1), Rag.RED)
    update(action, D(2026, 1, 1), Rag.GREEN)
    row = ImprovementAction.objects.with_state_as_at(D(2025, 12, 1), "then").get(pk=action.pk)
    assert (row.then_rag, row.then_update_on) == (Rag.RED, D(2025, 11, 1))
