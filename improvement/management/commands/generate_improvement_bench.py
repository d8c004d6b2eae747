"""Build a large improvement plan and KPI history for benchmarks (bulk inserts; idempotent for the same sizes)."""

import calendar
import datetime
import math
import random

from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Subquery

from improvement import services
from improvement.models import (
    ImprovementAction,
    ImprovementPlan,
    Inspection,
    Measure,
    Measurement,
    Outcome,
    Priority,
    ProgressUpdate,
    Rag,
    Recommendation,
)

PLAN_SLUG = "bench-improvement-plan"
MEASURE_PREFIX = "bench-kpi-"
INSPECTION_SLUG = "bench-inspection"
PRIORITIES = 10
ACTIONS_PER_OUTCOME = 20
PERIODS_PER_MEASURE = 1000  # weekly figures over about nineteen years
BATCH = 10_000


def month_end(day: datetime.date) -> datetime.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


class Command(BaseCommand):
    help = "Generate benchmark data: one plan with N actions (3 dated updates each) and measures with M measurements in all."

    def add_arguments(self, parser):
        parser.add_argument("--actions", type=int, default=20_000)
        parser.add_argument("--measurements", type=int, default=500_000)

    def handle(self, *args, actions, measurements, **options):
        measures = max(1, math.ceil(measurements / PERIODS_PER_MEASURE))
        have_actions = ImprovementAction.objects.filter(plan__slug=PLAN_SLUG).count()
        have_measurements = Measurement.objects.filter(measure__slug__startswith=MEASURE_PREFIX).count()
        if have_actions == actions and have_measurements == measures * PERIODS_PER_MEASURE:
            self.stdout.write("improvement benchmark data already present")
            return
        self.build(actions, measures)
        if connection.vendor == "postgresql":
            # Fresh bulk inserts have no statistics or visibility map yet; autovacuum would soon provide both.
            with connection.cursor() as cursor:
                for table in ("improvement_improvementaction", "improvement_progressupdate", "improvement_measurement"):
                    cursor.execute(f"VACUUM ANALYZE {table}")
        self.stdout.write(f"generated {actions:,} actions and {measures * PERIODS_PER_MEASURE:,} measurements")

    @transaction.atomic
    def build(self, n_actions: int, n_measures: int):
        ImprovementPlan.objects.filter(slug=PLAN_SLUG).delete()
        Measure.objects.filter(slug__startswith=MEASURE_PREFIX).delete()
        Inspection.objects.filter(slug=INSPECTION_SLUG).delete()
        rng = random.Random(2026)
        inspection = Inspection.objects.create(
            slug=INSPECTION_SLUG, title="Benchmark inspection", kind=Inspection.Kind.ILACS_STANDARD, start_date=datetime.date(2025, 6, 2)
        )
        plan = services.plan_create(name="Benchmark Improvement Plan", slug=PLAN_SLUG, short_name="Bench plan", inspections=[inspection])
        priorities = Priority.objects.bulk_create(
            [
                Priority(plan=plan, number=p, label=f"Priority {p}", short_label=f"P{p}", title=f"Benchmark priority {p}")
                for p in range(1, PRIORITIES + 1)
            ]
        )
        n_outcomes = math.ceil(n_actions / ACTIONS_PER_OUTCOME)
        outcomes = Outcome.objects.bulk_create(
            [
                Outcome(
                    priority=priorities[i % PRIORITIES],
                    number=f"{i % PRIORITIES + 1}.{i // PRIORITIES + 1}",
                    order=i // PRIORITIES,
                    text=f"Desired outcome {i}",
                )
                for i in range(n_outcomes)
            ],
            batch_size=BATCH,
        )
        actions = []
        for i in range(n_actions):
            outcome = outcomes[i // ACTIONS_PER_OUTCOME]
            letter = "abcdefghijklmnopqrstuvwxyz"[i % ACTIONS_PER_OUTCOME]
            due = month_end(datetime.date(2024 + rng.randrange(5), 1 + rng.randrange(12), 1))
            actions.append(
                ImprovementAction(
                    plan=plan,
                    priority=outcome.priority,
                    outcome=outcome,
                    letter=letter,
                    reference=f"{outcome.number}{letter}",
                    order=i % ACTIONS_PER_OUTCOME + 1,
                    text="Ensure robust management oversight identifies children who need support in a timely way",
                    accountable="Director of CSC & EH supported by Heads of Service",
                    timescale=f"{due:%B %Y}",
                    due_by=due,
                )
            )
        ImprovementAction.objects.bulk_create(actions, batch_size=BATCH)
        codes = [Rag.BLUE, Rag.GREEN, Rag.AMBER, Rag.RED, Rag.GREY]
        updates = [
            ProgressUpdate(
                action=a, date=datetime.date(2025, 1 + 4 * u, 15), rag=rng.choice(codes), narrative="Progress as reported to the board."
            )
            for a in actions
            for u in range(3)
        ]
        ProgressUpdate.objects.bulk_create(updates, batch_size=BATCH)
        # The current state the progress service keeps, set in three statements rather than per action.
        latest = ProgressUpdate.objects.filter(action=OuterRef("pk")).order_by("-date", "-pk")
        mine = ImprovementAction.objects.filter(plan=plan)
        mine.update(latest_update=Subquery(latest.values("pk")[:1]), current_rag=Subquery(latest.values("rag")[:1]))
        mine.update(last_update_on=Subquery(latest.values("date")[:1]))
        mine.update(is_complete=Exists(ProgressUpdate.objects.filter(pk=OuterRef("latest_update_id"), rag=Rag.BLUE)))
        for n in range(1, 11):
            rec = Recommendation.objects.create(inspection=inspection, number=n, text=f"Benchmark recommendation {n}")
            if n > 2:  # two are left unanswered
                rec.actions.add(*rng.sample(actions, 5))
        start = datetime.date(2026, 1, 4) - datetime.timedelta(weeks=PERIODS_PER_MEASURE)
        for m in range(n_measures):
            measure = Measure.objects.create(
                name=f"Benchmark measure {m}", slug=f"{MEASURE_PREFIX}{m}", unit=Measure.Unit.PERCENT, target_value=90, amber_threshold=80
            )
            measure.priorities.add(priorities[m % PRIORITIES])
            Measurement.objects.bulk_create(
                [
                    Measurement(
                        measure=measure,
                        period_end=start + datetime.timedelta(weeks=w),
                        period_label=f"Week ending {start + datetime.timedelta(weeks=w):%-d %B %Y}",
                        value=round(rng.uniform(70, 99), 1),
                        national=round(rng.uniform(75, 90), 1),
                        illustrative=True,
                    )
                    for w in range(PERIODS_PER_MEASURE)
                ],
                batch_size=BATCH,
            )
