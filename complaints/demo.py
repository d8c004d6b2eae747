"""Synthetic, anonymous complaints whose totals reproduce the council's published annual reports (complaints/demo/).

The YAML files describe the target tables; `plan_year` turns them into a deterministic list of complaint plans
(the same every run), and `load_complaints_demo` saves them through the services. Nothing here is a real
case: references start DEMO-, and the only personal data is the words "Fictional demo record".
"""

import datetime
import functools
import random
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.db import transaction

from committee.dates import add_working_days, is_working_day
from complaints import services
from complaints.models import AnnualReport, Complaint, Compliment, LearningAction, OmbudsmanCase, Stage, Team, Theme
from complaints.years import FinancialYear

DEMO_DIR = Path(__file__).resolve().parent / "demo"
REFERENCE_PREFIX = "DEMO"
FICTIONAL = "Fictional demo record"
SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# Working days between steps when a plan does not say (typical of the seeds' narrative).
INFORMAL_DAYS = 2  # Stage 1 starts when the 48-hour informal contact has not resolved it
REQUEST_NEXT_STAGE = 5  # complainant asks for the next stage
REQUEST_STAGE3 = 10  # "within 20 days" of the Stage 2 response
PANEL_AFTER_REQUEST = 25  # within the 30 allowed
REPORT_AFTER_PANEL = 4  # within the 5 allowed
RESPONSE_AFTER_REPORT = 12  # within the 15 allowed
WITHDRAWN_AFTER = 10


class DemoError(ValueError):
    """The YAML asks for something the seed's tables cannot hold (e.g. more escalations than Stage 1 complaints)."""


@dataclass
class StagePlan:
    outcome: str = ""
    days: int | None = None  # working days to the response (None: no response letter)
    after: int = 0  # working days after the previous stage closed (or, for Stage 1, after receipt)
    closed_after: int | None = None  # working days after opening, for stages closed without a response
    withdrawal_reason: str = ""
    remedy: bool = False
    recommendations: int = 0
    is_open: bool = False


@dataclass
class ComplaintPlan:
    reference: str
    received: datetime.date
    complainant_type: str = ""
    team: str | None = None
    how: str = ""
    theme: str | None = None
    themes: list[str] = field(default_factory=list)
    child_in_care: bool = False
    advocacy: bool = False
    via_mp: bool | None = None
    lessons_learnt: bool | None = None
    informal: bool = False
    stages: list[StagePlan] = field(default_factory=list)


@functools.cache
def read_demo_files(folder: Path = DEMO_DIR) -> dict:
    """{"reference": {...}, "years": [...]} from every YAML file in `folder`, in name order. Read-only."""
    merged: dict = {"teams": [], "themes": [], "years": []}
    for path in sorted(folder.glob("*.yaml")):
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=SafeLoader) or {}
        merged["teams"] += data.get("teams") or []
        merged["themes"] += data.get("themes") or []
        if data.get("year"):
            merged["years"].append(data)
    return merged


PUBLISHED_DIR = DEMO_DIR / "published"


@functools.cache
def read_published_files(folder: Path = PUBLISHED_DIR) -> tuple[dict, ...]:
    """The published reports' transcriptions, one YAML file per report. Read-only."""
    return tuple(yaml.load(path.read_text(encoding="utf-8"), Loader=SafeLoader) for path in sorted(folder.glob("*.yaml")))


# ---------------------------------------------------------------------------
# Planning: YAML tables -> a fixed list of complaint plans
# ---------------------------------------------------------------------------
def _expand(counts: dict | None, total: int, what: str, default="", blank_key="not_recorded") -> list:
    """{"parent": 2, "advocate": 1} -> ["parent", "parent", "advocate"], checked against the table's total ("not_recorded" -> "")."""
    if not counts:
        return [default] * total
    values = []
    for key, n in counts.items():
        values += ["" if key == blank_key else key] * int(n)
    if len(values) != total:
        raise DemoError(f"{what}: the counts add up to {len(values)}, not {total}")
    return values


def _take(pool: list, value, what: str):
    try:
        pool.remove(value)
    except ValueError:
        raise DemoError(f"{what}: the listed complaints need more {value or 'not recorded'!r} than the table has") from None


def _band_days(band: str, j: int) -> int:
    """A working-day figure inside a band ("0-10", "41+"), varied deterministically."""
    if band.endswith("+"):
        low, high = int(band[:-1]), int(band[:-1]) + 24
    else:
        low, high = (int(x) for x in band.split("-"))
        low = max(low, 2)
    return low + (j * 7) % (high - low + 1)


def _stage_plan(spec: dict | None) -> StagePlan | None:
    if spec is None:
        return None
    return StagePlan(
        outcome=spec.get("outcome", ""),
        days=spec.get("days"),
        after=spec.get("after", 0),
        closed_after=spec.get("closed_after"),
        withdrawal_reason=spec.get("reason", ""),
        remedy=bool(spec.get("remedy")),
        recommendations=int(spec.get("recommendations", 0)),
        is_open=bool(spec.get("open")),
    )


def _next_working_day(day: datetime.date) -> datetime.date:
    while not is_working_day(day):
        day += datetime.timedelta(days=1)
    return day


def _span(plan: ComplaintPlan) -> int:
    """Working days from receipt to the end of Stage 1 (to keep a complaint's Stage 1 inside its year)."""
    s1 = plan.stages[0] if plan.stages else None
    if s1 is None:
        return INFORMAL_DAYS
    return INFORMAL_DAYS + (s1.days if s1.days is not None else (s1.closed_after or WITHDRAWN_AFTER))


def plan_year(spec: dict) -> list[ComplaintPlan]:
    """Every complaint of one year's YAML, in reference order: the listed ones first, then the rest of each table."""
    year = FinancialYear.parse(str(spec["year"]))
    rng = random.Random(f"complaints-demo-{year.slug}")
    s1 = spec.get("stage1") or {"count": 0}
    total = int(s1["count"])
    pools = {
        "complainant_type": _expand(s1.get("complainant_type"), total, "stage1.complainant_type"),
        "team": _expand(s1.get("team"), total, "stage1.team", default=None),
        "how": _expand(s1.get("how"), total, "stage1.how"),
        "theme": _expand(s1.get("theme"), total, "stage1.theme", default=None),
        "outcome": _expand(s1.get("outcome"), total, "stage1.outcome", default="not_recorded", blank_key=None),
    }
    bands = s1.get("working_days") or {}
    band_pool = []
    for band, n in bands.items():
        band_pool += [band] * int(n)

    listed: list[ComplaintPlan] = []
    for entry in spec.get("complaints") or []:
        for copy in range(int(entry.get("repeat", 1))):
            received = datetime.date.fromisoformat(str(entry["received"])) + datetime.timedelta(days=copy * int(entry.get("every", 7)))
            plan = ComplaintPlan(
                reference="",
                received=_next_working_day(received),
                complainant_type=entry.get("type", ""),
                team=entry.get("team"),
                how=entry.get("how", ""),
                theme=entry.get("theme"),
                themes=list(entry.get("themes") or []),
                child_in_care=bool(entry.get("child_in_care")),
                advocacy=bool(entry.get("advocacy")) or entry.get("type") == Complaint.ComplainantType.ADVOCATE,
                stages=[p for p in (_stage_plan(entry.get(k)) for k in ("s1", "s2", "s3")) if p],
            )
            for key, value in (("complainant_type", plan.complainant_type), ("team", plan.team), ("how", plan.how), ("theme", plan.theme)):
                if s1.get(key):
                    _take(pools[key], value, f"stage1.{key}")
            first = plan.stages[0]
            if s1.get("outcome"):
                _take(pools["outcome"], first.outcome, "stage1.outcome")
            if first.days is not None and bands:
                band = next((b for b in bands if _band_days_fit(b, first.days)), None)
                _take(band_pool, band, "stage1.working_days")
            listed.append(plan)

    # The rest: Stage 1 only, each table's remaining values shuffled (seeded) and zipped.
    rest = total - len(listed)
    for pool in pools.values():
        rng.shuffle(pool)
    rng.shuffle(band_pool)
    responded = [o for o in pools["outcome"] if o not in (Stage.Outcome.WITHDRAWN, "withdrawn_duplicate", "withdrawn_no_contact")]
    if bands and len(band_pool) != len(responded):
        raise DemoError(f"stage1.working_days: {len(band_pool)} response times left for {len(responded)} responded complaints")
    rest_plans = []
    for i in range(rest):
        outcome = pools["outcome"][i]
        reason = ""
        if outcome.startswith("withdrawn"):
            outcome, reason = (
                Stage.Outcome.WITHDRAWN,
                {"withdrawn_duplicate": "duplicate", "withdrawn_no_contact": "no_contact"}.get(outcome, "other"),
            )
            stage = StagePlan(outcome=outcome, withdrawal_reason=reason, closed_after=WITHDRAWN_AFTER)
        else:
            days = _band_days(band_pool.pop(), i) if bands else 10 + (i * 7) % 11
            stage = StagePlan(outcome=outcome, days=days)
        rest_plans.append(
            ComplaintPlan(
                reference="",
                received=year.start,
                complainant_type=pools["complainant_type"][i],
                team=pools["team"][i],
                how=pools["how"][i],
                theme=pools["theme"][i],
                advocacy=pools["complainant_type"][i] == Complaint.ComplainantType.ADVOCATE,
                stages=[stage],
            )
        )
    # Spread receipt dates over the year, keeping each Stage 1 closed by 31 March.
    for i, plan in enumerate(rest_plans):
        span = _span(plan)
        latest = year.end - datetime.timedelta(days=span * 7 // 5)
        received = _next_working_day(year.start + datetime.timedelta(days=(latest - year.start).days * i // max(len(rest_plans), 1)))
        while add_working_days(received, span) > year.end:  # bank holidays push it back further
            received -= datetime.timedelta(days=1)
            while not is_working_day(received):
                received -= datetime.timedelta(days=1)
        plan.received = received

    informal = [
        ComplaintPlan(
            reference="",
            received=_next_working_day(year.start + datetime.timedelta(days=(360 * i) // max(spec.get("informal", 0), 1))),
            informal=True,
        )
        for i in range(int(spec.get("informal", 0)))
    ]
    plans = sorted(listed + rest_plans + informal, key=lambda p: (p.received, p.informal))
    for n, plan in enumerate(plans, start=1):
        plan.reference = f"{REFERENCE_PREFIX}-{year.code}-{n:04d}"

    _flag(plans, spec.get("via_mp"), "via_mp", rng)
    formal = [p for p in plans if not p.informal]
    lessons = spec.get("lessons_learnt")
    if lessons:
        flags = [True] * int(lessons["returned"]) + [False] * int(lessons["not_returned"])
        if len(flags) != len(formal):
            raise DemoError(f"lessons_learnt: {len(flags)} answers for {len(formal)} Stage 1 complaints")
        rng.shuffle(flags)
        for plan, flag in zip(formal, flags, strict=True):
            plan.lessons_learnt = flag
    return plans


def _band_days_fit(band: str, days: int) -> bool:
    if band.endswith("+"):
        return days >= int(band[:-1])
    low, high = (int(x) for x in band.split("-"))
    return low <= days <= high


def _flag(plans: list[ComplaintPlan], count, attribute: str, rng: random.Random):
    """Set `attribute` True on `count` complaints chosen (seeded) from the year, False on the others; None leaves it unknown."""
    if count is None:
        return
    chosen = set(rng.sample(range(len(plans)), int(count)))
    for i, plan in enumerate(plans):
        setattr(plan, attribute, i in chosen)


# ---------------------------------------------------------------------------
# Loading
# ---------------------------------------------------------------------------
class ComplaintsDemoLoader:
    def __init__(self, data: dict):
        self.data = data
        self.teams: dict[str, Team] = {}
        self.themes: dict[str, Theme] = {}
        self.created = 0

    @transaction.atomic
    def run(self) -> dict[str, int]:
        self.load_reference()
        for spec in self.data["years"]:
            self.load_year(spec)
        self.load_published()
        services.report_data_changed()  # teams and themes were written directly
        return {
            "complaints": Complaint.objects.filter(reference__startswith=f"{REFERENCE_PREFIX}-").count(),
            "stages": Stage.objects.filter(complaint__reference__startswith=f"{REFERENCE_PREFIX}-").count(),
            "compliments": Compliment.objects.count(),
            "LGSCO cases": OmbudsmanCase.objects.count(),
            "learning actions": LearningAction.objects.count(),
        }

    def load_reference(self):
        for spec in self.data["teams"]:
            defaults = {
                "name": spec["name"],
                "aliases": "\n".join(spec.get("aliases") or []),
                "order": spec.get("order", 100),
                "valid_from": spec.get("valid_from"),
                "valid_to": spec.get("valid_to"),
            }
            self.teams[spec["slug"]], _ = Team.objects.update_or_create(slug=spec["slug"], defaults=defaults)
        for spec in self.data["themes"]:
            defaults = {"name": spec["name"], "aliases": "\n".join(spec.get("aliases") or []), "order": spec.get("order", 100)}
            self.themes[spec["slug"]], _ = Theme.objects.update_or_create(slug=spec["slug"], defaults=defaults)

    def load_published(self):
        """The published annual reports as the council printed them (complaints/demo/published/): not fictional."""
        for spec in read_published_files():
            figures = [
                {
                    "year": str(table.get("year") or spec["year"]),
                    "table": table["table"],
                    "reference": table.get("reference", ""),
                    "row": row,
                    "column": column,
                    "printed": str(printed),
                    "measure": measure,
                    "is_total": row == "Total",
                }
                for table in spec.get("tables") or []
                for row, column, printed, measure in table["rows"]
            ]
            services.published_report_record(
                year=str(spec["year"]),
                title=spec.get("title", ""),
                author=spec.get("author", ""),
                source=spec.get("source", ""),
                presented_to=spec.get("presented_to", ""),
                figures=figures,
                sections=[{"heading": s["heading"], "text": s["text"]} for s in spec.get("sections") or []],
            )

    def load_year(self, spec: dict):
        year = FinancialYear.parse(str(spec["year"]))
        if spec.get("annual_report"):
            report = AnnualReport.objects.filter(year=year.slug).first() or AnnualReport(year=year.slug)
            for name, value in spec["annual_report"].items():
                setattr(report, name, value)
            services.annual_report_save(report=report)
        plans = plan_year(spec)
        existing = set(Complaint.objects.filter(reference__in=[p.reference for p in plans]).values_list("reference", flat=True))
        services.complaints_import(records=[self.imported(plan) for plan in plans if plan.reference not in existing])
        panels = [p for p in plans if len(p.stages) == 3]
        self.load_learning_actions(year, spec.get("learning_actions") or [], panels)
        self.load_compliments(year, spec.get("compliments") or {})
        self.load_ombudsman(year, spec.get("ombudsman") or [])

    def imported(self, plan: ComplaintPlan) -> services.ImportedComplaint:
        """The plan as unsaved records for complaints_import (which derives due dates, working days and closure)."""
        complaint = Complaint(
            reference=plan.reference,
            received_date=plan.received,
            received_how=plan.how,
            complainant_type=plan.complainant_type,
            child_in_care_or_care_leaver=plan.child_in_care,
            advocacy_used=plan.advocacy,
            via_mp_or_councillor=plan.via_mp,
            lessons_learnt_returned=plan.lessons_learnt,
            primary_theme=self.themes[plan.theme] if plan.theme else None,
        )
        if plan.informal:
            complaint.resolved_informally = True
            complaint.informal_contact_date = add_working_days(plan.received, 1)
        stages = []
        previous_end = plan.received
        for number, stage_plan in enumerate(plan.stages, start=1):
            gap = stage_plan.after or (INFORMAL_DAYS if number == 1 else REQUEST_NEXT_STAGE if number == 2 else REQUEST_STAGE3)
            opened = add_working_days(previous_end, gap)
            fields = {}
            if number == 2 and stage_plan.outcome != Stage.Outcome.WITHDRAWN:
                fields = {"investigating_officer": "Fictional Investigating Officer", "independent_person": "Fictional Independent Person"}
            if stage_plan.outcome == Stage.Outcome.ESCALATED:
                # Left open: the next stage's request closes it as escalated (as stage_open does).
                stages.append(Stage(number=number, opened_date=opened, **fields))
                previous_end = add_working_days(opened, (stage_plan.closed_after or REQUEST_NEXT_STAGE) - REQUEST_NEXT_STAGE)
                continue
            if stage_plan.is_open:
                stages.append(Stage(number=number, opened_date=opened, **fields))
                break
            closing = self.stage_history(number, opened, stage_plan)
            stages.append(Stage(number=number, opened_date=opened, **fields, **closing))
            previous_end = closing["closed_date"]
        return services.ImportedComplaint(
            complaint=complaint,
            stages=stages,
            teams=[self.teams[plan.team]] if plan.team else [],
            themes=[self.themes[slug] for slug in plan.themes],
            personal_data={"complainant_name": FICTIONAL, "narrative": f"{FICTIONAL}: no real person or case."},
        )

    def stage_history(self, number: int, opened: datetime.date, plan: StagePlan) -> dict:
        """Extension, panel, response and outcome fields for a stage that has closed."""
        fields = {}
        response = None
        if number == 3:
            panel = add_working_days(opened, PANEL_AFTER_REQUEST)
            report = add_working_days(panel, REPORT_AFTER_PANEL)
            response = add_working_days(report, RESPONSE_AFTER_REPORT)
            fields = {
                "panel_date": panel,
                "panel_report_date": report,
                "panel_recommendations_count": plan.recommendations,
                "panel_recommendations": f"{plan.recommendations} recommendations (fictional demo record).",
            }
        elif plan.days is not None:
            response = add_working_days(opened, plan.days)
            base, limit = (10, 20) if number == 1 else (25, 65)
            if base < plan.days <= limit:
                # A late response should have had an extension letter; the demo records one where the rules allow.
                fields = {
                    "extended_to": add_working_days(opened, limit),
                    "extension_reason": "Complex complaint (fictional demo record).",
                    "extension_letter_sent": add_working_days(opened, 8 if number == 1 else 20),
                }
        return {
            **fields,
            "outcome": plan.outcome or Stage.Outcome.NOT_RECORDED,
            "response_date": response,
            "closed_date": response or add_working_days(opened, plan.closed_after or WITHDRAWN_AFTER),
            "withdrawal_reason": plan.withdrawal_reason,
            "financial_remedy_offered": plan.remedy,
        }

    def load_learning_actions(self, year: FinancialYear, panels_spec: list, panels: list[ComplaintPlan]):
        """One learning action per review panel recommendation; the report gives only their number and range, so each
        one's category and status are "Not recorded" (never an invented category or a "done")."""
        for panel in panels_spec:
            plan = panels[int(panel["panel"]) - 1]
            complaint = Complaint.objects.get(reference=plan.reference)
            stage = complaint.stages.get(number=3)
            count = int(panel["count"])
            for n in range(1, count + 1):
                description = f"Review panel recommendation {n} of {count} (the report does not itemise them)."
                if LearningAction.objects.filter(complaint=complaint, description=description).exists():
                    continue
                action = LearningAction(
                    complaint=complaint,
                    stage=stage,
                    raised_date=stage.panel_report_date or stage.opened_date,
                    category="",
                    description=description,
                    status=LearningAction.Status.NOT_RECORDED,
                )
                services.learning_action_save(action=action)

    def load_compliments(self, year: FinancialYear, spec: dict):
        for planned in plan_compliments(year, spec):
            team = self.teams[planned.pop("team")] if planned["team"] else planned.pop("team")
            if not Compliment.objects.filter(received_date=planned["received_date"], team=team, quote=planned["quote"]).exists():
                services.compliment_record(team=team, **planned)

    def load_ombudsman(self, year: FinancialYear, spec: list):
        n = 0
        for group in spec:
            for _ in range(int(group["count"])):
                n += 1
                reference = f"{REFERENCE_PREFIX} {year.code} {n:03d}"
                if OmbudsmanCase.objects.filter(lgsco_reference=reference).exists():
                    continue
                received = _next_working_day(year.start + datetime.timedelta(days=10 + 17 * n % 340))
                case = OmbudsmanCase(lgsco_reference=reference, received_date=received, service_area=group["service_area"])
                if group.get("decision"):
                    case.decision = group["decision"]
                    case.decision_date = add_working_days(received, 40)
                    case.closed_date = case.decision_date
                if group.get("remedy"):
                    case.remedy = group["remedy"]
                    case.remedy_due_date = add_working_days(case.decision_date, 30)
                    case.remedy_completed_date = add_working_days(case.decision_date, 20 if group.get("remedy_on_time") else 35)
                    case.closed_date = case.remedy_completed_date
                services.ombudsman_case_save(case=case)


def plan_compliments(year: FinancialYear, spec: dict) -> list[dict]:
    """The year's compliments, spread over the year: team slug, date, source and (for the first few) a published quote."""
    count = int(spec.get("count", 0))
    teams = _expand(spec.get("team"), count, f"{year.slug} compliments.team", default=None)
    quotes = list(spec.get("quotes") or [])
    sources = [s for s, _ in Compliment.Source.choices]
    return [
        {
            "received_date": _next_working_day(year.start + datetime.timedelta(days=3 + (358 * i) // max(count, 1))),
            "team": team_slug,
            "source": sources[i % len(sources)] if spec.get("team") else "",
            "quote": quotes[i] if i < len(quotes) else "",
            "publish_quote": i < len(quotes),
        }
        for i, team_slug in enumerate(teams)
    ]


def load_complaints_demo(folder: Path = DEMO_DIR) -> dict[str, int]:
    """Load the demo teams, themes, complaints, compliments, LGSCO cases and learning actions (idempotent)."""
    return ComplaintsDemoLoader(read_demo_files(folder)).run()


@transaction.atomic
def remove_complaints_demo(folder: Path = DEMO_DIR) -> int:
    """Delete what the demo created (for --reset): DEMO- complaints and LGSCO cases, and the demo years' compliments."""
    data = read_demo_files(folder)
    LearningAction.objects.filter(complaint__reference__startswith=f"{REFERENCE_PREFIX}-").delete()
    count, _ = Complaint.objects.filter(reference__startswith=f"{REFERENCE_PREFIX}-").delete()
    OmbudsmanCase.objects.filter(lgsco_reference__startswith=f"{REFERENCE_PREFIX} ").delete()
    for spec in data["years"]:
        year = FinancialYear.parse(str(spec["year"]))
        for planned in plan_compliments(year, spec.get("compliments") or {}):
            team = {"team__slug": planned["team"]} if planned["team"] else {"team__isnull": True}
            Compliment.objects.filter(
                received_date=planned["received_date"], quote=planned["quote"], source=planned["source"], **team
            ).delete()
    return count
