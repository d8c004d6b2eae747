"""The annual report's figures kept in parts of about a week, so a change recomputes only the parts it touched.

Every figure of the report is a count (or a sum) over records dated in one financial year: stages by the day they
opened, complaints, compliments and LGSCO cases by the day they were received, learning actions by the day they
were raised. So each year's figures are the sum of its parts' figures (each month in four: days 1–8, 9–16, 17–24
and 25 to the end), and each part's are kept in the cache against a data version of its own
("complaints:2025-03-25"), bumped by the services for the parts a write touches (complaints.services.
report_data_changed). A change to a complaint received on 31 March 2025 recomputes 25–31 March 2025 alone; each
year's sum is kept too, with the versions of the parts it was added up from, so 2024/25's is corrected by that
part's difference and the two comparison years are taken whole.

The parts missing from the cache are computed together, one batch of grouped queries per financial year, so the
query count does not grow with the data. Only anonymous fields are read: nothing here touches ComplaintPersonalData.
"""

import datetime
import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterable
from contextlib import contextmanager

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, Sum, Value, Window
from django.db.models.functions import Cast, ExtractDay, Least, RowNumber, TruncMonth

from committee.models import DataVersion
from complaints.models import Complaint, Compliment, LearningAction, OmbudsmanCase, Stage
from complaints.years import FIRST_MONTH, FinancialYear

# Team and theme names label every year's rows: a change to them is a change to every part.
REFERENCE_VERSION = "complaints:reference"
# The published figures (the date the year's figures stand at, the LGSCO's whole-council counts).
PUBLISHED_VERSION = "complaints:published"
# Parts change only through the services (which bump their versions); a day bounds the life of a kept part,
# which is keyed on the reporting date anyway.
KEPT_SECONDS = 24 * 60 * 60
# In every kept part's key: a deployment that changes what a part keeps never reads an older shape.
KEPT_FORMAT = 4

# The grouped counts kept per part, and the fields each is grouped by.
STAGE_GROUP_FIELDS = [
    "number",
    "complaint__received_how",
    "complaint__complainant_type",
    "complaint__primary_theme__name",
    "complaint__primary_theme__order",
    "outcome",
    "withdrawal_reason",
]
# What the report's tables group stages by; each part keeps one small projection per table, not the cross product.
STAGE_DIMENSIONS = [
    ["complaint__received_how"],
    ["complaint__complainant_type"],
    ["complaint__primary_theme__name", "complaint__primary_theme__order"],
    ["outcome", "withdrawal_reason"],
]
TEAM_GROUP_FIELDS = ["number", "complaint__teams__name", "complaint__teams__order"]
OMBUDSMAN_GROUP_FIELDS = ["service_area", "decision"]
COMPLIMENT_GROUP_FIELDS = ["team__name", "team__order"]
LEARNING_GROUP_FIELDS = ["category", "status"]
QUOTES_KEPT = 5


# Each month is kept in four parts, days 1–8, 9–16, 17–24 and 25 to the end: a change recomputes a week or so of
# records, and no part ever straddles two financial years.
PART_DAYS = 8
PARTS_PER_MONTH = 4


def part_of(day: datetime.date) -> datetime.date:
    """The first day of the kept part `day` falls in."""
    return day.replace(day=1 + PART_DAYS * min((day.day - 1) // PART_DAYS, PARTS_PER_MONTH - 1))


def part_end(start: datetime.date) -> datetime.date:
    if start.day < 1 + PART_DAYS * (PARTS_PER_MONTH - 1):
        return start + datetime.timedelta(days=PART_DAYS - 1)
    return datetime.date(start.year + start.month // 12, start.month % 12 + 1, 1) - datetime.timedelta(days=1)


def parts_of(year: FinancialYear) -> list[datetime.date]:
    """The first days of the year's 48 kept parts, from 1 April."""
    months = [datetime.date(year.start_year + (FIRST_MONTH + m - 1) // 12, (FIRST_MONTH + m - 1) % 12 + 1, 1) for m in range(12)]
    return [m.replace(day=1 + PART_DAYS * p) for m in months for p in range(PARTS_PER_MONTH)]


def part_version(day: datetime.date) -> str:
    """The data version of the kept part `day` falls in: "complaints:2024-04-09"."""
    return f"complaints:{part_of(day).isoformat()}"


def _part_expressions(date_field: str) -> dict:
    """The month and the part within it, for grouping in the database."""
    # EXTRACT gives a numeric: made an integer first, so the division is a whole number (one group per part, not per day).
    day = Cast(ExtractDay(date_field), IntegerField())
    return {"month": TruncMonth(date_field), "part": Least((day - 1) / PART_DAYS, Value(PARTS_PER_MONTH - 1))}


def _part_start(month: datetime.date, part: int) -> datetime.date:
    return month.replace(day=1 + PART_DAYS * part)


def versions_for(years: Iterable[FinancialYear]) -> dict[str, str]:
    """The versions of every part of `years`, the names and the published figures, in one query."""
    names = [REFERENCE_VERSION, PUBLISHED_VERSION] + [part_version(p) for y in years for p in parts_of(y)]
    rows = DataVersion.objects.filter(name__in=names).values_list("name", "number", "changed_at")
    found = {name: f"{number}-{at.timestamp()}" for name, number, at in rows}
    return {name: found.get(name, "0") for name in names}


def versions_digest(versions: dict[str, str]) -> str:
    return hashlib.sha1(",".join(f"{k}={v}" for k, v in sorted(versions.items())).encode()).hexdigest()


def _part_key(start: datetime.date, as_at: datetime.date, versions: dict[str, str]) -> str:
    version = f"{versions[part_version(start)]}:{versions[REFERENCE_VERSION]}"
    return f"complaints:kept-part:v{KEPT_FORMAT}:{start.isoformat()}:{as_at.isoformat()}:{version}"


def _grouped(queryset, date_field: str, group_by: list[str], aggregates: dict) -> dict[datetime.date, list[dict]]:
    rows = queryset.annotate(**_part_expressions(date_field)).values("month", "part", *group_by).annotate(**aggregates).order_by()
    found = defaultdict(list)
    for row in rows:
        found[_part_start(row.pop("month"), row.pop("part"))].append(row)
    return found


def _totals(queryset, date_field: str, aggregates: dict) -> dict[datetime.date, dict]:
    return {start: rows[0] for start, rows in _grouped(queryset, date_field, [], aggregates).items()}


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


def dimension(fields: list[str]) -> str:
    return "+".join(fields)


def _project(rows: list[dict], fields: list[str]) -> list[dict]:
    """Grouped counts summed down to ["number", *fields]."""
    found: dict[tuple, int] = defaultdict(int)
    for row in rows:
        found[(row["number"], *(row[f] for f in fields))] += row["n"]
    return [{"number": key[0], **dict(zip(fields, key[1:], strict=True)), "n": n} for key, n in found.items()]


def compute_parts(year: FinancialYear, parts: list[datetime.date], as_at: datetime.date) -> dict[datetime.date, dict]:
    """The kept figures of `parts` (all in `year`), in one batch of grouped queries."""
    every = parts_of(year)
    ranges = []  # runs of consecutive parts, each read as one date range
    for start in sorted(parts):
        if ranges and every.index(start) == every.index(ranges[-1][2]) + 1:
            ranges[-1][1:] = [part_end(start), start]
        else:
            ranges.append([start, part_end(start), start])

    def within(field):
        # Only the parts asked for: a change to one part never rescans the rest of the year.
        q = Q()
        for first, last, _ in ranges:
            q |= Q(**{f"{field}__range": (first, last)})
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
    expressions = _part_expressions("received_date")
    for month, part, received, pk, quote in (
        Compliment.objects.filter(within("received_date"), publish_quote=True)
        .annotate(
            **expressions,
            place=Window(RowNumber(), partition_by=list(expressions.values()), order_by=[F("received_date"), F("pk")]),
        )
        .filter(place__lte=QUOTES_KEPT)
        .values_list("month", "part", "received_date", "pk", "quote")
    ):
        quotes[_part_start(month, part)].append((received, pk, quote))
    return {
        m: {
            "stages": stage_totals.get(m, {}),
            "stage_groups": {dimension(fields): _project(stage_groups.get(m, []), fields) for fields in STAGE_DIMENSIONS},
            "team_groups": team_groups.get(m, []),
            "children_in_care": children_in_care.get(m, {}),
            "complaints": complaints.get(m, {}),
            "ombudsman": ombudsman.get(m, []),
            "compliments": compliments.get(m, []),
            "learning": learning.get(m, []),
            "quotes": sorted(quotes.get(m, [])),
        }
        for m in parts
    }


class YearFigures:
    """One financial year's figures: kept parts (usually one, their sum) added up (counts, sums, grouped counts)."""

    def __init__(self, year: FinancialYear, parts: list[dict]):
        self.year = year
        self.parts = parts

    def total(self, part: str, name: str):
        return sum(m[part].get(name, 0) or 0 for m in self.parts)

    def groups(self, part: str, fields: list[str], counts=("n",)) -> dict[tuple, dict[str, int]]:
        """Grouped counts keyed by the values of `fields` (a projection of the kept groups, summed); `part` may name
        one projection of a part ("stage_groups/outcome+withdrawal_reason")."""
        found: dict[tuple, dict[str, int]] = {}
        name, _, projection = part.partition("/")
        for m in self.parts:
            for row in m[name][projection] if projection else m[name]:
                key = tuple(row[f] for f in fields)
                into = found.setdefault(key, dict.fromkeys(counts, 0))
                for c in counts:
                    into[c] += row[c]
        return found

    def quotes(self) -> list[str]:
        return [quote for _, _, quote in sorted(q for m in self.parts for q in m["quotes"])[:QUOTES_KEPT]]

    @property
    def has_records(self) -> bool:
        """Anything the year's report is about (stages, complaints, compliments, LGSCO cases)."""
        return bool(
            sum(self.total("stages", f"s{n}_received") for n in (1, 2, 3))
            or self.total("complaints", "received")
            or any(m["compliments"] or m["ombudsman"] for m in self.parts)
        )


@contextmanager
def cheap_lookups():
    """A few parts' stages are a few thousand rows whose complaints are in memory; with the default cost of a random
    read (4, for spinning disks) PostgreSQL would scan every complaint ever received to join them rather than look up
    those few. Set for these queries only, inside a transaction of their own (SET LOCAL ends with it)."""
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL random_page_cost = 1.1")
        try:
            yield
        finally:
            cursor.execute("SET LOCAL random_page_cost TO DEFAULT")  # the request's outer transaction goes on


def _year_key(year: FinancialYear, as_at: datetime.date, versions: dict[str, str]) -> str:
    return f"complaints:kept-year:v{KEPT_FORMAT}:{year.slug}:{as_at.isoformat()}:{versions[REFERENCE_VERSION]}"


COUNT_FIELDS = ("n", "on_time", "remedied")


def _merge_rows(lists: list[list[dict]], signs: list[int]) -> list[dict]:
    found: dict[tuple, dict] = {}
    for rows, sign in zip(lists, signs, strict=True):
        for row in rows:
            key = tuple((k, v) for k, v in row.items() if k not in COUNT_FIELDS)
            into = found.get(key)
            if into is None:
                found[key] = into = {k: v for k, v in row.items() if k not in COUNT_FIELDS} | {c: 0 for c in COUNT_FIELDS if c in row}
            for c in COUNT_FIELDS:
                if c in row:
                    into[c] += sign * row[c]
    # A group a part no longer has is gone from the sum, as it would be from adding the parts up afresh.
    return [row for row in found.values() if any(row[c] for c in COUNT_FIELDS if c in row)]


def _merge_totals(totals: list[dict], signs: list[int]) -> dict:
    found: dict[str, int] = defaultdict(int)
    for part, sign in zip(totals, signs, strict=True):
        for name, value in part.items():
            found[name] += sign * (value or 0)
    return dict(found)


def merge(parts: list[dict], signs: list[int] | None = None) -> dict:
    """The sum of kept parts, in the shape of one part (a year's figures are the sum of its parts). With `signs`,
    a part signed -1 is taken away: a year's sum, less a part as it was, plus the part as it is now."""
    signs = signs or [1] * len(parts)
    quotes = Counter()
    for part, sign in zip(parts, signs, strict=True):
        quotes.update({quote: sign for quote in part["quotes"]})
    return {
        "stages": _merge_totals([p["stages"] for p in parts], signs),
        "stage_groups": {dimension(f): _merge_rows([p["stage_groups"][dimension(f)] for p in parts], signs) for f in STAGE_DIMENSIONS},
        "team_groups": _merge_rows([p["team_groups"] for p in parts], signs),
        "children_in_care": _merge_totals([p["children_in_care"] for p in parts], signs),
        "complaints": _merge_totals([p["complaints"] for p in parts], signs),
        "ombudsman": _merge_rows([p["ombudsman"] for p in parts], signs),
        "compliments": _merge_rows([p["compliments"] for p in parts], signs),
        "learning": _merge_rows([p["learning"] for p in parts], signs),
        # Every part's first few, not the year's first few: a part taken away later cannot leave the year short.
        "quotes": sorted(quote for quote, n in quotes.items() for _ in range(n)),
    }


def kept_figures(years: list[FinancialYear], as_at: datetime.date, versions: dict[str, str]) -> list[YearFigures]:
    """Each year's figures. A year is kept whole with the versions of the parts it was added up from; when some of
    them have moved, those parts are recomputed (or taken from the cache) and the year's sum is corrected by the
    difference, without reading the year's other parts. Only with nothing kept is a year added up from all its parts."""
    year_keys = {y: _year_key(y, as_at, versions) for y in years}
    kept_years = cache.get_many(list(year_keys.values()))
    current = {y: {p.isoformat(): versions[part_version(p)] for p in parts_of(y)} for y in years}
    sums, stale = {}, {}
    for y in years:
        entry = kept_years.get(year_keys[y])
        if entry is not None and entry["versions"] == current[y]:
            sums[y] = entry["sum"]
        else:
            stale[y] = entry
    if not stale:
        return [YearFigures(y, [sums[y]]) for y in years]
    # The parts wanted: for a year kept before, the moved parts as they were and as they are; otherwise every part.
    old_keys, new_keys = {}, {}
    for y, entry in stale.items():
        for p in parts_of(y):
            was = entry["versions"].get(p.isoformat()) if entry else None
            if entry is None or was != current[y][p.isoformat()]:
                new_keys[(y, p)] = _part_key(p, as_at, versions)
                if entry is not None:
                    old_keys[(y, p)] = _part_key(p, as_at, {**versions, part_version(p): was})
    found = cache.get_many([*old_keys.values(), *new_keys.values()])
    for y, entry in stale.items():
        if entry is not None and any(old_keys[(y, p)] not in found for (year, p) in old_keys if year == y):
            stale[y] = None  # a part as it was has left the cache: add the year up afresh
            new_keys |= {(y, p): _part_key(p, as_at, versions) for p in parts_of(y)}
    found |= cache.get_many([k for k in new_keys.values() if k not in found])
    fresh = {}
    missing = defaultdict(list)
    for (y, p), key in new_keys.items():
        if key not in found:
            missing[y].append(p)
    if missing:
        with cheap_lookups():
            for y, parts in missing.items():
                fresh |= {new_keys[(y, p)]: figures for p, figures in compute_parts(y, parts, as_at).items()}
        found |= fresh
    kept = {}
    for y, entry in stale.items():
        if entry is None:
            sums[y] = merge([found[new_keys[(y, p)]] for p in parts_of(y)])
        else:
            moved = [p for (year, p) in old_keys if year == y]
            parts = [entry["sum"], *(found[old_keys[(y, p)]] for p in moved), *(found[new_keys[(y, p)]] for p in moved)]
            sums[y] = merge(parts, [1, *([-1] * len(moved)), *([1] * len(moved))])
        kept[year_keys[y]] = {"versions": current[y], "sum": sums[y]}
    cache.set_many(fresh | kept, KEPT_SECONDS)
    return [YearFigures(y, [sums[y]]) for y in years]


def parts_touched(*days: datetime.date | None) -> set[str]:
    """The version names of the kept parts `days` fall in (None, an unset date, is skipped)."""
    return {part_version(d) for d in days if d}
