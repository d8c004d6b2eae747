"""Build years of anonymous complaints for the benchmark (bulk inserts; idempotent for the same sizes).

Records bypass the services on purpose: the services' per-record checks and history would take hours at this size,
and the benchmark measures reading, not writing. Dates are approximate (calendar days, not working days).
"""

import datetime
import random

from django.core.management.base import BaseCommand
from django.db import connection, transaction

from complaints import services
from complaints.demo import ComplaintsDemoLoader, read_demo_files
from complaints.models import Complaint, Compliment, LearningAction, OmbudsmanCase, Stage, Team, Theme
from complaints.years import FinancialYear

PREFIX = "BENCH-"
MARKER = "Benchmark record"
BATCH = 5000

# Shares taken from the 2024/25 report (seed 001), so the tables look like the real ones at any size.
TYPES = {
    "parent": 73,
    "other_family_friend": 18,
    "foster_carer_carer": 9,
    "child_young_person": 1,
    "care_leaver": 2,
    "advocate": 2,
    "other": 5,
}
HOW = {"email": 64, "online_form": 60, "telephone": 8, "letter": 3}
OUTCOMES_1 = {"upheld": 15, "partially_upheld": 42, "not_upheld": 47, "withdrawn": 3, "refused": 1}
OUTCOMES_2 = {"upheld": 2, "partially_upheld": 9, "not_upheld": 2, "withdrawn": 4}
OUTCOMES_3 = {"upheld": 2, "partially_upheld": 3}


def _pick(rng: random.Random, weights: dict) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


class Command(BaseCommand):
    help = "Generate benchmark complaints: N complaints in each of --years financial years ending with --year (default 2024-25)."

    def add_arguments(self, parser):
        parser.add_argument("--complaints", type=int, default=100_000, help="Complaints received in each year.")
        parser.add_argument("--year", default="2024-25", help="The last (reported) year.")
        parser.add_argument("--years", type=int, default=3, help="How many years, the reported one and those before it.")

    def handle(self, *args, complaints, year, years, **options):
        last = FinancialYear.parse(year)
        wanted = complaints * years
        present = Complaint.objects.filter(reference__startswith=PREFIX)
        # Data generated before stages were left open at the year's end would leave the work list with nothing to list.
        if present.count() == wanted and Stage.objects.filter(complaint__in=present, closed_date__isnull=True).exists():
            self.stdout.write("complaints benchmark data already present")
            return
        self.remove()
        loader = ComplaintsDemoLoader(read_demo_files())
        loader.load_reference()  # teams and themes, the same as the demo's
        teams, themes = list(Team.objects.all()), list(Theme.objects.all())
        for offset in range(years - 1, -1, -1):
            with transaction.atomic():
                self.generate_year(last.previous(offset), complaints, teams, themes, random.Random(f"bench-{offset}"), as_at=last.end)
        services.report_data_changed()  # bulk inserts bypass the services, so say the figures changed
        self.stdout.write(f"generated {wanted:,} benchmark complaints")

    def remove(self):
        """Delete earlier benchmark records with plain SQL (the ORM would fetch each one to write its history)."""
        bench = f"SELECT id FROM {Complaint._meta.db_table} WHERE reference LIKE %s"
        like = [f"{PREFIX}%"]
        statements = [
            (f"DELETE FROM {LearningAction._meta.db_table} WHERE description = %s", [MARKER]),
            (f"DELETE FROM {Stage._meta.db_table} WHERE complaint_id IN ({bench})", like),
            (f"DELETE FROM {Complaint.teams.through._meta.db_table} WHERE complaint_id IN ({bench})", like),
            (f"DELETE FROM {Complaint.themes.through._meta.db_table} WHERE complaint_id IN ({bench})", like),
            (f"DELETE FROM {Complaint._meta.db_table} WHERE reference LIKE %s", like),
            (f"DELETE FROM {Compliment._meta.db_table} WHERE quote = %s", [MARKER]),
            (f"DELETE FROM {OmbudsmanCase._meta.db_table} WHERE lgsco_reference LIKE %s", ["BENCH %"]),
        ]
        with transaction.atomic(), connection.cursor() as cursor:
            for sql, params in statements:
                cursor.execute(sql, params)

    def generate_year(self, year: FinancialYear, n: int, teams, themes, rng: random.Random, as_at: datetime.date):
        """One year's complaints, as the record stands at `as_at` (the reported year's end, or today if sooner): a stage
        whose response would fall after it is still open, so the last few weeks' stages are on the work list."""
        days_in_year = (year.end - year.start).days + 1
        today = min(datetime.date.today(), as_at)
        current_teams = [t for t in teams if t.valid_to is None]
        plans = []
        for i in range(n):
            received = year.start + datetime.timedelta(days=(i * days_in_year) // n)
            plans.append(
                Complaint(
                    reference=f"{PREFIX}{year.code}-{i:06d}",
                    received_date=received,
                    received_how=_pick(rng, HOW),
                    complainant_type=_pick(rng, TYPES),
                    child_in_care_or_care_leaver=rng.random() < 0.03,
                    advocacy_used=rng.random() < 0.03,
                    via_mp_or_councillor=rng.random() < 0.08,
                    primary_theme=rng.choice(themes),
                    informal_contact_due=received + datetime.timedelta(days=2),
                    informal_contact_date=received + datetime.timedelta(days=1),
                    resolved_informally=rng.random() < 0.1,
                    lessons_learnt_returned=rng.random() < 0.6,
                )
            )
        # Stages are planned first so each complaint's closed date is known before it is inserted.
        stages = []
        for c in plans:
            if c.resolved_informally:
                c.closed_date = c.informal_contact_date
                continue
            opened = c.received_date + datetime.timedelta(days=3)
            for number, outcomes, limit in ((1, OUTCOMES_1, 10), (2, OUTCOMES_2, 25), (3, OUTCOMES_3, 30)):
                days = int(rng.expovariate(1 / (limit * 1.4))) + 1
                outcome = _pick(rng, outcomes)
                response = opened + datetime.timedelta(days=days * 7 // 5)
                still_open = response > today
                panel = number == 3 and not still_open
                stage = Stage(
                    complaint=c,
                    number=number,
                    opened_date=opened,
                    due_date=opened + datetime.timedelta(days=limit * 7 // 5),
                    outcome="" if still_open else outcome,
                    withdrawal_reason="consent_not_given" if outcome == "withdrawn" and not still_open else "",
                    response_date=None if still_open or outcome == "withdrawn" else response,
                    closed_date=None if still_open else response,
                    working_days_taken=None if still_open or outcome == "withdrawn" else days,
                    financial_remedy_offered=number > 1 and outcome == "upheld" and rng.random() < 0.5,
                    panel_date=opened + datetime.timedelta(days=35) if panel else None,
                    panel_report_date=opened + datetime.timedelta(days=42) if panel else None,
                    panel_recommendations_count=rng.randint(2, 6) if panel else 0,
                )
                stages.append(stage)
                c.closed_date, c.current_stage = stage.closed_date, number
                # About one in six Stage 1 complaints goes to Stage 2, and one in four of those to Stage 3.
                if still_open or outcome == "withdrawn" or rng.random() > (0.17 if number == 1 else 0.25):
                    break
                opened = response + datetime.timedelta(days=7)
        created = Complaint.objects.bulk_create(plans, batch_size=BATCH)
        team_links, theme_links = Complaint.teams.through, Complaint.themes.through
        team_links.objects.bulk_create(
            [team_links(complaint_id=c.pk, team_id=rng.choice(current_teams).pk) for c in created], batch_size=BATCH
        )
        theme_links.objects.bulk_create([theme_links(complaint_id=c.pk, theme_id=c.primary_theme_id) for c in created], batch_size=BATCH)
        Stage.objects.bulk_create(stages, batch_size=BATCH)

        Compliment.objects.bulk_create(
            [
                Compliment(
                    received_date=year.start + datetime.timedelta(days=(i * days_in_year) // max(n * 4 // 10, 1)),
                    team=rng.choice(current_teams),
                    quote=MARKER,
                )
                for i in range(n * 4 // 10)
            ],
            batch_size=BATCH,
        )
        OmbudsmanCase.objects.bulk_create(
            [
                OmbudsmanCase(
                    lgsco_reference=f"BENCH {year.code} {i:06d}",
                    received_date=year.start + datetime.timedelta(days=rng.randrange(days_in_year)),
                    service_area=rng.choice(["childrens_social_care", "education_childrens"]),
                    decision=rng.choice(["upheld_fault_injustice", "not_upheld", "closed_initial_enquiries", "premature", ""]),
                )
                for i in range(n // 7)
            ],
            batch_size=BATCH,
        )
        actions = []
        for _ in range(n // 5):
            raised = year.start + datetime.timedelta(days=rng.randrange(days_in_year))
            status = rng.choice(["not_started", "in_progress", "done", "done", "not_implemented"])
            actions.append(
                LearningAction(
                    raised_date=raised,
                    category=rng.choice(["remedial", "practice", "process"]),
                    status=status,
                    completed_date=raised + datetime.timedelta(days=60) if status == "done" else None,
                    description=MARKER,
                )
            )
        LearningAction.objects.bulk_create(actions, batch_size=BATCH)
