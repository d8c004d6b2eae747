"""The annual report's figures kept month by month, so a change recomputes only the month it touched.

Every figure of the report is a count (or a sum) over records dated in one financial year: stages by the day they
opened, complaints, compliments and LGSCO cases by the day they were received, learning actions by the day they
were raised. So each year's figures are the sum of its twelve months' figures, and each month's are kept in the
cache against a data version of its own ("complaints:2024-04"), bumped by the services for the months a write
touches (complaints.services.report_data_changed). A change to a complaint received in March 2025 recomputes March
2025 alone; the rest of 2024/25 and the two comparison years come from their kept months.

The months missing from the cache are computed together, one batch of grouped queries per financial year, so the
query count does not grow with the data. Only anonymous fields are read: nothing here touches ComplaintPersonalData.
"""

import datetime
import hashlib
from collections import defaultdict
from collections.abc import Iterable

from django.core.cache import cache
from django.db.models import Count, Exists, F, OuterRef, Q, Sum, Window
from django.db.models.functions import RowNumber, TruncMonth

from committee.models import DataVersion
from complaints.models import Complaint, Compliment, LearningAction, OmbudsmanCase, Stage
from complaints.years import FIRST_MONTH, FinancialYear

# Team and theme names label every year's rows: a change to them is a change to every month.
REFERENCE_VERSION = "complaints:reference"
# The published figures (the date the year's figures stand at, the LGSCO's whole-council counts).
PUBLISHED_VERSION = "complaints:published"
# Months change only through the services (which bump their versions); a day bounds the life of a kept month,
# which is keyed on the reporting date anyway.
KEPT_SECONDS = 24 * 60 * 60

# The grouped counts kept per month, and the fields each is grouped by.
STAGE_GROUP_FIELDS = [
    "number",
    "complaint__received_how",
    "complaint__complainant_type",
    "complaint__primary_theme__name",
    "complaint__primary_theme__order",
    "outcome",
    "withdrawal_reason",
]
TEAM_GROUP_FIELDS = ["number", "complaint__teams__name", "complaint__teams__order"]
OMBUDSMAN_GROUP_FIELDS = ["service_area", "decision"]
COMPLIMENT_GROUP_FIELDS = ["team__name", "team__order"]
LEARNING_GROUP_FIELDS = ["category", "status"]
QUOTES_KEPT = 5


def months_of(year: FinancialYear) -> list[datetime.date]:
    """The first days of the year's twelve months, April first."""
    return [datetime.date(year.start_year + (FIRST_MONTH + m - 1) // 12, (FIRST_MONTH + m - 1) % 12 + 1, 1) for m in range(12)]


def month_version(day: datetime.date) -> str:
    """The data version of the month `day` falls in: "complaints:2024-04"."""
    return f"complaints:{day.year}-{day.month:02d}"


def versions_for(years: Iterable[FinancialYear]) -> dict[str, str]:
    """The versions of every month of `years`, the names and the published figures, in one query."""
    names = [REFERENCE_VERSION, PUBLISHED_VERSION] + [month_version(m) for y in years for m in months_of(y)]
    rows = DataVersion.objects.filter(name__in=names).values_list("name", "number", "changed_at")
    found = {name: f"{number}-{at.timestamp()}" for name, number, at in rows}
    return {name: found.get(name, "0") for name in names}


def versions_digest(versions: dict[str, str]) -> str:
    return hashlib.sha1(",".join(f"{k}={v}" for k, v in sorted(versions.items())).encode()).hexdigest()


def _month_key(month: datetime.date, as_at: datetime.date, versions: dict[str, str]) -> str:
    return f"complaints:kept-month:{month.isoformat()}:{as_at.isoformat()}:{versions[month_version(month)]}:{versions[REFERENCE_VERSION]}"


def _grouped(queryset, date_field: str, group_by: list[str], aggregates: dict) -> dict[datetime.date, list[dict]]:
    rows = queryset.annotate(month=TruncMonth(date_field)).values("month", *group_by).annotate(**aggregates).order_by()
    found = defaultdict(list)
    for row in rows:
        month = row.pop("month")
        found[month].append(row)
    return found


def _totals(queryset, date_field: str, aggregates: dict) -> dict[datetime.date, dict]:
    return {month: rows[0] for month, rows in _grouped(queryset, date_field, [], aggregates).items()}


def _stage_aggregates(year_end: datetime.date, as_at: datetime.date) -> dict:
    """Per stage number: received, closed, withdrawn and open at the year end, open at the reporting date; for
    Stages 1 and 2 the response-time bands and outcomes; for Stage 3 the panels."""
    open_at_end = Q(closed_date__isnull=True) | Q(closed_date__gt=year_end)
    open_now = Q(closed_date__isnull=True) | Q(closed_date__gt=as_at)
    withdrawn = Q(outcome=Stage.Outcome.WITHDRAWN)
    from complaints.report import STAGE1_BANDS, STAGE2_BANDS  # the report owns its bands (and imports this module)

    aggregates = {}
    for n in (1, 2, 3):
        stage = Q(number=n)
        aggregates |= {
            f"s{n}_received": Count("pk", filter=stage),
            f"s{n}_closed": Count("pk", filter=stage & Q(closed_date__lte=year_end) & ~withdrawn),
            f"s{n}_withdrawn_by_end": Count("pk", filter=stage & Q(closed_date__lte=year_end) & withdrawn),
            f"s{n}_open": Count("pk", filter=stage & open_at_end),
            f"s{n}_open_now": Count("pk", filter=stage & open_now),
            f"s{n}_withdrawn": Count("pk", filter=stage & withdrawn),
            f"s{n}_resolved": Count("pk", filter=stage & Q(outcome=Stage.Outcome.RESOLVED)),
            f"s{n}_findings": Count("pk", filter=stage & Q(outcome__in=Stage.FINDINGS)),
            f"s{n}_upheld": Count("pk", filter=stage & Q(outcome=Stage.Outcome.UPHELD)),
            f"s{n}_partial": Count("pk", filter=stage & Q(outcome=Stage.Outcome.PARTIALLY_UPHELD)),
            f"s{n}_not_upheld": Count("pk", filter=stage & Q(outcome=Stage.Outcome.NOT_UPHELD)),
            f"s{n}_remedy": Count("pk", filter=stage & Q(financial_remedy_offered=True)),
        }
    for n, bands in {1: STAGE1_BANDS, 2: STAGE2_BANDS}.items():
        responded = Q(number=n, working_days_taken__isnull=False)
        aggregates[f"s{n}_responded"] = Count("pk", filter=responded)
        aggregates[f"s{n}_days"] = Sum("working_days_taken", filter=responded, default=0)
        for b, (_, low, high) in enumerate(bands):
            band = Q(working_days_taken__gte=low) & (Q(working_days_taken__lte=high) if high is not None else Q())
            aggregates[f"s{n}_band{b}"] = Count("pk", filter=responded & band)
    aggregates["s3_panels"] = Count("pk", filter=Q(number=3, panel_date__isnull=False))
    aggregates["s3_recommendations"] = Sum("panel_recommendations_count", filter=Q(number=3), default=0)
    return aggregates


def _complaint_aggregates(year_end: datetime.date) -> dict:
    informal = Q(current_stage=0)
    return {
        "received": Count("pk"),
        "informal": Count("pk", filter=informal),
        "informal_closed": Count("pk", filter=informal & Q(resolved_informally=True, informal_contact_date__lte=year_end)),
        "mp": Count("pk", filter=Q(via_mp_or_councillor=True)),
        "mp_known": Count("pk", filter=Q(via_mp_or_councillor__isnull=False)),
        "advocacy": Count("pk", filter=Q(advocacy_used=True)),
        "cic": Count("pk", filter=Q(child_in_care_or_care_leaver=True)),
        "corporate": Count("pk", filter=Q(procedure=Complaint.Procedure.CORPORATE)),
        "lessons": Count("pk", filter=Q(lessons_learnt_returned=True)),
        "lessons_known": Count("pk", filter=Q(lessons_learnt_returned__isnull=False)),
    }


def _children_in_care_aggregates() -> dict:
    return {
        "received": Count("pk"),
        "upheld": Count("pk", filter=Q(outcome=Stage.Outcome.UPHELD)),
        "partial": Count("pk", filter=Q(outcome=Stage.Outcome.PARTIALLY_UPHELD)),
        "not_upheld": Count("pk", filter=Q(outcome=Stage.Outcome.NOT_UPHELD)),
        "other": Count("pk", filter=~Q(outcome__in=[*Stage.FINDINGS, ""])),
        "open": Count("pk", filter=Q(outcome="")),
        "escalated": Count("pk", filter=Q(went_further=True)),
    }


def compute_months(year: FinancialYear, months: list[datetime.date], as_at: datetime.date) -> dict[datetime.date, dict]:
    """The kept figures of `months` (all in `year`), in one batch of grouped queries."""
    first, last = min(months), max(months)
    last_day = (datetime.date(last.year + last.month // 12, last.month % 12 + 1, 1)) - datetime.timedelta(days=1)
    wanted = set(months)

    def within(field):
        # Only the months asked for: a change to one month never rescans the rest of the year.
        if len(wanted) == (last_day.year - first.year) * 12 + last_day.month - first.month + 1:
            return Q(**{f"{field}__range": (first, last_day)})
        q = Q()
        for m in months:
            q |= Q(**{f"{field}__range": (m, datetime.date(m.year + m.month // 12, m.month % 12 + 1, 1) - datetime.timedelta(days=1))})
        return q

    stages = Stage.objects.filter(within("opened_date"))
    stage_totals = _totals(stages, "opened_date", _stage_aggregates(year.end, as_at))
    stage_groups = _grouped(stages, "opened_date", STAGE_GROUP_FIELDS, {"n": Count("pk")})
    team_groups = _grouped(stages, "opened_date", TEAM_GROUP_FIELDS, {"n": Count("pk")})
    children_in_care = _totals(
        stages.filter(number=1, complaint__child_in_care_or_care_leaver=True).alias(
            went_further=Exists(Stage.objects.filter(complaint=OuterRef("complaint"), number=2))
        ),
        "opened_date",
        _children_in_care_aggregates(),
    )
    complaints = _totals(Complaint.objects.filter(within("received_date")), "received_date", _complaint_aggregates(year.end))
    remedied = Q(remedy_completed_date__isnull=False)
    on_time = remedied & (Q(remedy_due_date__isnull=True) | Q(remedy_completed_date__lte=F("remedy_due_date")))
    ombudsman = _grouped(
        OmbudsmanCase.objects.filter(within("received_date")),
        "received_date",
        OMBUDSMAN_GROUP_FIELDS,
        {"n": Count("pk"), "on_time": Count("pk", filter=on_time), "remedied": Count("pk", filter=remedied)},
    )
    compliments = _grouped(Compliment.objects.filter(within("received_date")), "received_date", COMPLIMENT_GROUP_FIELDS, {"n": Count("pk")})
    learning = _grouped(LearningAction.objects.filter(within("raised_date")), "raised_date", LEARNING_GROUP_FIELDS, {"n": Count("pk")})
    quotes = defaultdict(list)
    for month, received, pk, quote in (
        Compliment.objects.filter(within("received_date"), publish_quote=True)
        .annotate(
            month=TruncMonth("received_date"),
            place=Window(RowNumber(), partition_by=TruncMonth("received_date"), order_by=[F("received_date"), F("pk")]),
        )
        .filter(place__lte=QUOTES_KEPT)
        .values_list("month", "received_date", "pk", "quote")
    ):
        quotes[month].append((received, pk, quote))
    return {
        m: {
            "stages": stage_totals.get(m, {}),
            "stage_groups": stage_groups.get(m, []),
            "team_groups": team_groups.get(m, []),
            "children_in_care": children_in_care.get(m, {}),
            "complaints": complaints.get(m, {}),
            "ombudsman": ombudsman.get(m, []),
            "compliments": compliments.get(m, []),
            "learning": learning.get(m, []),
            "quotes": sorted(quotes.get(m, [])),
        }
        for m in months
    }


class YearFigures:
    """One financial year's figures: its kept months added up (counts, sums, grouped counts)."""

    def __init__(self, year: FinancialYear, months: list[dict]):
        self.year = year
        self.months = months

    def total(self, part: str, name: str):
        return sum(m[part].get(name, 0) or 0 for m in self.months)

    def groups(self, part: str, fields: list[str], counts=("n",)) -> dict[tuple, dict[str, int]]:
        """Grouped counts keyed by the values of `fields` (a projection of the kept groups, summed)."""
        found: dict[tuple, dict[str, int]] = {}
        for m in self.months:
            for row in m[part]:
                key = tuple(row[f] for f in fields)
                into = found.setdefault(key, dict.fromkeys(counts, 0))
                for c in counts:
                    into[c] += row[c]
        return found

    def quotes(self) -> list[str]:
        return [quote for _, _, quote in sorted(q for m in self.months for q in m["quotes"])[:QUOTES_KEPT]]

    @property
    def has_records(self) -> bool:
        """Anything the year's report is about (stages, complaints, compliments, LGSCO cases)."""
        return bool(
            sum(self.total("stages", f"s{n}_received") for n in (1, 2, 3))
            or self.total("complaints", "received")
            or any(m["compliments"] or m["ombudsman"] for m in self.months)
        )


def kept_figures(years: list[FinancialYear], as_at: datetime.date, versions: dict[str, str]) -> list[YearFigures]:
    """Each year's figures from its kept months, computing (and keeping) only the months whose version moved."""
    keys = {(y, m): _month_key(m, as_at, versions) for y in years for m in months_of(y)}
    found = cache.get_many(list(keys.values()))
    fresh = {}
    for year in years:
        missing = [m for m in months_of(year) if keys[(year, m)] not in found]
        if missing:
            computed = compute_months(year, missing, as_at)
            fresh |= {keys[(year, m)]: figures for m, figures in computed.items()}
    if fresh:
        cache.set_many(fresh, KEPT_SECONDS)
        found |= fresh
    return [YearFigures(y, [found[keys[(y, m)]] for m in months_of(y)]) for y in years]


def months_touched(*days: datetime.date | None) -> set[str]:
    """The version names of the months `days` fall in (None, an unset date, is skipped)."""
    return {month_version(d) for d in days if d}
