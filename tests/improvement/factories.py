"""factory_boy factories for improvement plans, inspections and KPIs, plus builders for bigger plans."""

import datetime
import random

import factory

from committee.access import SYSTEM
from improvement import services
from improvement.models import (
    Board,
    ImprovementAction,
    ImprovementPlan,
    Inspection,
    Judgement,
    Measure,
    Measurement,
    Outcome,
    PlanPresentation,
    Priority,
    ProgressUpdate,
    Rag,
    Recommendation,
)


class BoardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Board
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Improvement Board {n}")
    slug = factory.Sequence(lambda n: f"improvement-board-{n}")


class InspectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Inspection
        django_get_or_create = ["slug"]

    title = factory.Sequence(lambda n: f"Ofsted Standard Inspection {n}")
    slug = factory.Sequence(lambda n: f"inspection-{n}")
    inspectorate = Inspection.Inspectorate.OFSTED
    kind = Inspection.Kind.ILACS_STANDARD
    start_date = datetime.date(2025, 6, 2)
    end_date = datetime.date(2025, 6, 20)


class JudgementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Judgement

    inspection = factory.SubFactory(InspectionFactory)
    area = "Overall effectiveness"
    grade = Judgement.Grade.REQUIRES_IMPROVEMENT


class RecommendationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Recommendation

    inspection = factory.SubFactory(InspectionFactory)
    kind = Recommendation.Kind.RECOMMENDATION
    number = factory.Sequence(lambda n: n + 1)
    text = factory.Sequence(lambda n: f"The quality of plans and contingency planning ({n}).")
    framework = "Outcome 3, National Framework"


class PlanFactory(factory.django.DjangoModelFactory):
    """A plan with the council's five-colour RAG key (created through the service, as the admin does)."""

    class Meta:
        model = ImprovementPlan

    name = factory.Sequence(lambda n: f"Improvement Plan {n}")
    slug = factory.Sequence(lambda n: f"improvement-plan-{n}")
    short_name = factory.Sequence(lambda n: f"Plan {n}")
    board = factory.SubFactory(BoardFactory)
    status = ImprovementPlan.Status.ACTIVE

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return services.plan_create(**kwargs)


class PriorityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Priority

    plan = factory.SubFactory(PlanFactory)
    number = factory.Sequence(lambda n: n + 1)
    label = factory.LazyAttribute(lambda o: f"Priority {o.number}")
    short_label = factory.LazyAttribute(lambda o: f"P{o.number}")
    title = "Ensure a skilled, confident & experienced workforce"


class OutcomeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Outcome

    priority = factory.SubFactory(PriorityFactory)
    number = factory.Sequence(lambda n: f"9.{n + 1}")
    order = factory.Sequence(lambda n: n)
    text = "Children and young people can build trusting relationships with practitioners"


class ActionFactory(factory.django.DjangoModelFactory):
    """An action saved through improvement.services.action_save (plan, priority, reference and due date derived)."""

    class Meta:
        model = ImprovementAction

    outcome = factory.SubFactory(OutcomeFactory)
    letter = factory.Sequence(lambda n: "abcdefghijklmnopqrstuvwxyz"[n % 26])
    text = factory.Sequence(lambda n: f"Increase the proportion of permanent staff ({n})")
    accountable = "Director of CSC & EH"
    timescale = "July 2026"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return services.action_create(**kwargs)


def update(action, day, rag="", narrative="Progress reported.", **kwargs) -> ProgressUpdate:
    """Record a progress update through the service (the only way the app records one)."""
    return services.progress_update_create(action=action, date=day, rag=rag, narrative=narrative, **kwargs)


class MeasureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Measure
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Measure {n}")
    slug = factory.Sequence(lambda n: f"measure-{n}")
    unit = Measure.Unit.PERCENT
    polarity = Measure.Polarity.HIGHER
    target_value = 90
    amber_threshold = 85


class MeasurementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Measurement

    measure = factory.SubFactory(MeasureFactory)
    period_end = factory.Sequence(lambda n: datetime.date(2020, 1, 31) + datetime.timedelta(days=31 * n))
    value = 88


def build_plan(*, priorities=7, outcomes=2, actions=6, updates=2, recommendations=5, measures=3, periods=24, seed=1):
    """A plan of a given size, bulk-inserted (the denormalised current state set as the service would set it).

    The demo's Children's Services plan has 7 priorities and 83 actions; build_plan(outcomes=10, actions=12) is ten times that.
    """
    rng = random.Random(seed)
    plan = PlanFactory()
    inspection = InspectionFactory()
    plan.inspections.add(inspection)
    codes = [Rag.BLUE, Rag.GREEN, Rag.AMBER, Rag.RED, Rag.GREY, ""]
    all_actions = []
    for p in range(1, priorities + 1):
        priority = Priority.objects.create(plan=plan, number=p, label=f"Priority {p}", short_label=f"P{p}", title=f"Priority title {p}")
        for o in range(1, outcomes + 1):
            outcome = Outcome.objects.create(priority=priority, number=f"{p}.{o}", order=o, text=f"Desired outcome {p}.{o}")
            for a in range(actions):
                letter = "abcdefghijklmnopqrstuvwxyz"[a]
                due = datetime.date(2025, 1 + rng.randrange(12), 28) + datetime.timedelta(days=365 * rng.randrange(2))
                all_actions.append(
                    ImprovementAction(
                        plan=plan,
                        priority=priority,
                        outcome=outcome,
                        letter=letter,
                        reference=f"{p}.{o}{letter}",
                        order=a + 1,
                        text=f"Action {p}.{o}{letter}",
                        accountable="Head of Service\nDirector of CSC & EH",
                        timescale=f"{due:%B %Y}",
                        due_by=due,
                    )
                )
    ImprovementAction.objects.bulk_create(all_actions)
    history = []
    for action in all_actions:
        for u in range(updates):
            history.append(
                ProgressUpdate(
                    action=action,
                    date=datetime.date(2025, 3 + 3 * u, 1),
                    rag=rng.choice(codes),
                    narrative=f"Update {u} on {action.reference}",
                )
            )
    ProgressUpdate.objects.bulk_create(history)
    # What improvement.services.action_refresh_current sets, in one statement: each action's last update is its latest.
    if updates:
        for action, latest in zip(all_actions, history[updates - 1 :: updates], strict=True):
            action.latest_update, action.current_rag, action.last_update_on = latest, latest.rag, latest.date
            action.is_complete = latest.rag == Rag.BLUE
        ImprovementAction.objects.bulk_update(
            all_actions, ["latest_update", "current_rag", "last_update_on", "is_complete"], batch_size=1000
        )
    for n in range(1, recommendations + 1):
        rec = Recommendation.objects.create(inspection=inspection, number=n, text=f"Recommendation text {n}")
        if n > 1:  # the first is left unanswered, so the dashboard has something to flag
            rec.actions.add(*rng.sample(all_actions, 3))
    first_priority = plan.priorities.first()
    for m in range(measures):
        measure = Measure.objects.create(
            name=f"{plan.name} measure {m}", slug=f"{plan.slug}-measure-{m}", target_value=90, amber_threshold=80
        )
        measure.priorities.add(first_priority)
        Measurement.objects.bulk_create(
            [
                Measurement(
                    measure=measure,
                    period_end=datetime.date(2020 + i // 12, 1 + i % 12, 28),
                    value=rng.uniform(70, 99),
                    national=rng.uniform(70, 90),
                    illustrative=True,
                )
                for i in range(periods)
            ]
        )
    return plan


def improvement_url_cases(meeting, everyone: set) -> dict:
    """Access-matrix rows for every improvement URL (public pages), building a small plan presented at `meeting`."""
    from meetings.models import AgendaItem

    plan = ImprovementPlan.objects.filter(slug="access-matrix-plan").first()
    if plan is None:
        plan = PlanFactory(slug="access-matrix-plan", name="Access Matrix Plan")
        action = ActionFactory(outcome=OutcomeFactory(priority=PriorityFactory(plan=plan, number=1)))
        measure = MeasureFactory(slug="access-matrix-measure")
        MeasurementFactory(measure=measure)
        inspection = InspectionFactory(slug="access-matrix-inspection")
        item = AgendaItem.objects.create(meeting=meeting, number=90, title="IMPROVEMENT PLAN UPDATE")
        services.plan_presentation_create(plan=plan, agenda_item=item, by=SYSTEM)
    action = plan.actions.first()
    presentation = PlanPresentation.objects.filter(plan=plan).first()
    measure = Measure.objects.get(slug="access-matrix-measure")
    inspection = Inspection.objects.get(slug="access-matrix-inspection")
    return {
        "improvement:home": [("/improvement/", everyone)],
        "improvement:plan": [(plan.get_absolute_url(), everyone)],
        "improvement:plan_actions": [(f"{plan.get_absolute_url()}actions/?state=overdue", everyone)],
        "improvement:priority": [(f"{plan.get_absolute_url()}priorities/1/", everyone)],
        "improvement:since": [(f"{plan.get_absolute_url()}since/{meeting.pk}/", everyone)],
        "improvement:plan_pdf": [(f"{plan.get_absolute_url()}pdf/", everyone)],
        "improvement:action": [(action.get_absolute_url(), everyone)],
        "improvement:presentation": [(presentation.get_absolute_url(), everyone)],
        "improvement:inspections": [("/improvement/inspections/", everyone)],
        "improvement:inspection": [(inspection.get_absolute_url(), everyone)],
        "improvement:measures": [("/improvement/measures/", everyone)],
        "improvement:measure": [(measure.get_absolute_url(), everyone)],
        "improvement:measure_csv": [(f"{measure.get_absolute_url()}csv/", everyone)],
    }
