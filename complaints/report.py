"""The annual complaints report for one financial year, computed from the records in a fixed number of queries.

Every table of the 2024/25 report (seed 001) is built here, each with the two previous years beside it.
Aggregation happens in the database (grouped, conditional COUNTs) over parts of each year that are kept until
their own data changes (complaints.kept), so the query count does not grow with the year's size and a change
recomputes only the parts it touched. Only anonymous fields are read: nothing here touches ComplaintPersonalData.
"""

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property

from django.core.cache import cache
from django.db.models import Count, Q

from committee.models import DataVersion
from committee.provenance import csv_value
from complaints.kept import YearFigures, dimension, kept_figures, versions_digest, versions_for
from complaints.models import COMPLAINTS_DATA, AnnualReport, Complaint, Compliment, LearningAction, OmbudsmanCase, Stage
from complaints.years import FinancialYear, financial_year_of

NOT_RECORDED = "Not recorded"
BY_STAGE_COLUMNS = ["s1", "s2", "s3", "y0", "y1", "y2"]  # AnnualComplaintsReport._by_stage_columns, by name
STAGE1_BANDS = [
    ("Within 10 working days", 0, 10),
    ("11–20 working days", 11, 20),
    ("21–30 working days", 21, 30),
    ("31–40 working days", 31, 40),
    ("41 working days or more", 41, None),
]
# The report prints "within 25, 25–45, 45–65, over 65"; the shared edges are read as "up to and including".
STAGE2_BANDS = [
    ("Within 25 working days", 0, 25),
    ("26–45 working days", 26, 45),
    ("46–65 working days", 46, 65),
    ("Over 65 working days", 66, None),
]


def percent(part, whole) -> Decimal | None:
    """One rounding rule for every percentage: one decimal place, halves rounded up (the seeds mix truncating and rounding)."""
    if not whole:
        return None
    return (Decimal(100) * Decimal(part) / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def one_decimal(value) -> Decimal | None:
    return None if value is None else Decimal(value).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Cell:
    """A value with how to show it: a count, a percentage, an average, or a note such as "Not recorded"."""

    value: int | Decimal | str | None
    kind: str = "count"  # count | percent | average | text
    provenance: str = ""  # committee.provenance.Provenance where the figure is not the council's record (AnnualReport.marks)

    def __str__(self):
        if self.value is None:
            return "–"
        if self.kind == "percent":
            return f"{self.value}%"
        if isinstance(self.value, int):
            return f"{self.value:,}"
        return str(self.value)

    @property
    def csv(self):
        if self.value is None:
            return ""
        return csv_value(self.value, self.provenance) if self.provenance else str(self.value)


def _csv_text(text: str) -> str:
    # Team and theme names are typed in the admin; one starting "=" would otherwise be a formula in Excel (OWASP CSV injection).
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _cells(values, kind="count"):
    return [v if isinstance(v, Cell) else Cell(v, kind) for v in values]


@dataclass
class Row:
    label: str
    cells: list[Cell]
    is_total: bool = False


@dataclass
class Bar:
    label: str
    value: int
    y: int
    width: float


@dataclass
class Chart:
    """A horizontal bar chart drawn as inline SVG; the table beside it carries the same numbers."""

    title: str
    description: str
    items: list[tuple[str, int]]
    LABEL_WIDTH = 360
    BAR_AREA = 340
    ROW = 32

    @property
    def bars(self) -> list[Bar]:
        top = max([v for _, v in self.items] + [1])
        return [Bar(label, value, 10 + i * self.ROW, round(self.BAR_AREA * value / top, 1)) for i, (label, value) in enumerate(self.items)]

    @property
    def height(self) -> int:
        return 20 + self.ROW * len(self.items)

    @property
    def width(self) -> int:
        return self.LABEL_WIDTH + self.BAR_AREA + 60


@dataclass
class Table:
    key: str
    title: str
    caption: str
    headers: list[str]
    rows: list[Row]
    notes: list[str] = field(default_factory=list)
    chart: Chart | None = None

    def csv_rows(self) -> list[list[str]]:
        """Header then data, as the CSV export writes them (labels defused so a spreadsheet never runs them as formulas)."""
        return [[_csv_text(h) for h in self.headers]] + [[_csv_text(row.label)] + [cell.csv for cell in row.cells] for row in self.rows]

    @property
    def marked(self) -> str:
        """The first mark (e.g. "illustrative") on any of its cells, so the table explains it once."""
        return next((c.provenance for r in self.rows for c in r.cells if c.provenance), "")

    def value(self, label: str, column: int = 0):
        """The raw value in the row labelled `label` (tests and the summary use this)."""
        for row in self.rows:
            if row.label == label:
                return row.cells[column].value
        raise KeyError(label)


class AnnualComplaintsReport:
    """All the tables for `year`, each computed on first use (a CSV of one table runs only its own queries)."""

    TABLES = [
        "summary",
        "received_by_stage",
        "how_received",
        "complainant_types",
        "themes",
        "teams",
        "outcomes",
        "stage1_timescales",
        "stage2",
        "stage3",
        "children_in_care",
        "ombudsman",
        "compliments",
        "learning_actions",
    ]

    def __init__(self, year: FinancialYear, today: datetime.date | None = None, versions: dict[str, str] | None = None):
        self.year = year
        self.years = [year, year.previous(1), year.previous(2)]
        self.today = today or datetime.date.today()
        self.versions = versions  # of the three years' parts (complaints.kept.versions_for), read once per request

    # --- helpers -------------------------------------------------------------
    @property
    def first_day(self):
        return self.years[-1].start

    def in_year(self, year: FinancialYear, field_name="opened_date") -> Q:
        return Q(**{f"{field_name}__range": year.bounds})

    @property
    def year_headers(self):
        return [y.label for y in self.years]

    @cached_property
    def published(self) -> dict[str, AnnualReport]:
        """The AnnualReport rows (published figures, snapshot date) for the three years."""
        return {r.year: r for r in AnnualReport.objects.filter(year__in=[y.slug for y in self.years])}

    @property
    def as_at(self) -> datetime.date:
        """The "at the time of reporting" date: the year's figures_as_at, else today."""
        report = self.published.get(self.year.slug)
        return (report.figures_as_at if report and report.figures_as_at else None) or self.today

    def stages(self):
        return Stage.objects.filter(opened_date__range=(self.first_day, self.year.end))

    def _by_stage_columns(self) -> dict[str, Q]:
        """Stage 1, 2, 3 and total for this year, then the totals for the two years before."""
        columns = {f"s{n}": Q(number=n) & self.in_year(self.year) for n in (1, 2, 3)}
        columns.update({f"y{i}": self.in_year(y) for i, y in enumerate(self.years)})
        return columns

    def _by_stage_headers(self, first):
        return [
            first,
            "Stage 1",
            "Stage 2",
            "Stage 3",
            f"Total {self.years[0].label}",
            f"Total {self.years[1].label}",
            f"Total {self.years[2].label}",
        ]

    def _grouped(self, queryset, group_by: list[str], columns: dict[str, Q]) -> list[dict]:
        """One GROUP BY query: a conditional COUNT per column for each group."""
        return list(queryset.values(*group_by).annotate(**{k: Count("pk", filter=q) for k, q in columns.items()}).order_by())

    def _category_rows(self, groups: list[dict], key: str, labels: list[tuple], columns: list[str], keep_empty=True) -> list[Row]:
        """Rows in `labels` order (value, label), then "Not recorded" and a total, from grouped counts."""
        found = {g[key]: g for g in groups}
        rows = []
        for value, label in labels:
            counts = [found.get(value, {}).get(c, 0) for c in columns]
            if keep_empty or any(counts):
                rows.append(Row(label, _cells(counts)))
        missing = [sum(g.get(c, 0) for v, g in found.items() if v in (None, "") or v not in dict(labels)) for c in columns]
        if any(missing):
            rows.append(Row(NOT_RECORDED, _cells(missing)))
        rows.append(Row("Total", _cells([sum(g.get(c, 0) for g in groups) for c in columns]), is_total=True))
        return rows

    def _stage_category_table(self, key, title, caption, group_field, labels, first_header, keep_empty=True, chart_title=None, notes=None):
        columns = self._by_stage_columns()
        groups = self._stage_groups([group_field])
        rows = self._category_rows(groups, group_field, labels, list(columns), keep_empty=keep_empty)
        table = Table(key, title, caption, self._by_stage_headers(first_header), rows, notes=notes or [])
        data = [(r.label, r.cells[3].value) for r in rows if not r.is_total and r.cells[3].value]
        if chart_title and data:
            table.chart = Chart(chart_title, f"Bar chart of the table above: {', '.join(f'{label} {n}' for label, n in data)}.", data)
        return table

    # --- the figures, from the kept parts (complaints.kept) -------------------
    @cached_property
    def figures(self) -> list[YearFigures]:
        """The three years' figures, each added up from its kept parts; only parts changed since are recomputed."""
        return kept_figures(self.years, self.as_at, self.versions or versions_for(self.years))

    def _per_year(self, part: str, names: dict[str, str]) -> dict:
        """{f"{key}{i}": the year i total of the kept figure `name`} for each key, name in `names`."""
        return {f"{key}{i}": figures.total(part, name) for i, figures in enumerate(self.figures) for key, name in names.items()}

    def _stage_groups(self, fields: list[str], part: str = "") -> list[dict]:
        """Grouped stage counts: Stage 1, 2, 3 for this year (s1–s3) and every stage for each year (y0–y2)."""
        part = part or f"stage_groups/{dimension(fields)}"
        rows: dict[tuple, dict] = {}
        for i, figures in enumerate(self.figures):
            for (number, *values), counts in figures.groups(part, ["number", *fields]).items():
                empty = {**dict(zip(fields, values, strict=True)), **dict.fromkeys(BY_STAGE_COLUMNS, 0)}
                row = rows.setdefault(tuple(values), empty)
                row[f"y{i}"] += counts["n"]
                if i == 0 and number in (1, 2, 3):
                    row[f"s{number}"] += counts["n"]
        return list(rows.values())

    @cached_property
    def stage_counts(self) -> dict[int, dict[str, int]]:
        """Per stage number: received, closed, withdrawn and open at each year end, and open at the reporting date."""
        counts = {}
        for n in (1, 2, 3):
            names = {"received": f"s{n}_received", "closed": f"s{n}_closed", "withdrawn": f"s{n}_withdrawn_by_end", "open": f"s{n}_open"}
            counts[n] = self._per_year("stages", names) | {"open_now": self.figures[0].total("stages", f"s{n}_open_now")}
        return counts

    @cached_property
    def complaint_counts(self) -> dict[str, int]:
        """Complaint-level figures for the three years: informal resolution, MP route, advocacy, Lessons Learnt forms."""
        names = ["received", "informal", "informal_closed", "mp", "mp_known", "advocacy", "cic", "corporate", "lessons", "lessons_known"]
        return self._per_year("complaints", {name: name for name in names})

    @cached_property
    def stage1_times(self) -> dict:
        return self._timescales(1, STAGE1_BANDS)

    @cached_property
    def stage2_times(self) -> dict:
        return self._timescales(2, STAGE2_BANDS)

    def _timescales(self, number, bands) -> dict:
        """Band counts, responses, average working days and outcomes for one stage, three years."""
        names = {f"band{b}_": f"s{number}_band{b}" for b in range(len(bands))}
        for key in ("responded", "findings", "remedy", "withdrawn", "resolved", "open_now", "received"):
            names[key] = f"s{number}_{key}"
        times = self._per_year("stages", names)
        for i, figures in enumerate(self.figures):
            responded = times[f"responded{i}"]
            # As AVG() gave it: the mean as a float, None when nothing was answered.
            times[f"average{i}"] = figures.total("stages", f"s{number}_days") / responded if responded else None
        return times

    @cached_property
    def stage3_counts(self) -> dict:
        names = ["received", "panels", "upheld", "partial", "not_upheld", "recommendations", "remedy", "open_now"]
        return self._per_year("stages", {name: f"s3_{name}" for name in names})

    @cached_property
    def children_in_care_counts(self) -> dict:
        names = ["received", "upheld", "partial", "not_upheld", "other", "open", "escalated"]
        return self._per_year("children_in_care", {name: name for name in names})

    @cached_property
    def ombudsman_groups(self) -> list[dict]:
        rows: dict[tuple, dict] = {}
        for i, figures in enumerate(self.figures):
            for (area, decision), counts in figures.groups("ombudsman", ["service_area", "decision"], ("n", "on_time", "remedied")).items():
                row = rows.setdefault(
                    (area, decision), {"service_area": area, "decision": decision, "y0": 0, "y1": 0, "y2": 0, "on_time": 0, "remedied": 0}
                )
                row[f"y{i}"] = counts["n"]
                if i == 0:
                    row["on_time"], row["remedied"] = counts["on_time"], counts["remedied"]
        return list(rows.values())

    @cached_property
    def compliment_groups(self) -> list[dict]:
        rows: dict[tuple, dict] = {}
        for i, figures in enumerate(self.figures):
            for (name, order), counts in figures.groups("compliments", ["team__name", "team__order"]).items():
                row = rows.setdefault((name, order), {"team__name": name, "team__order": order, "y0": 0, "y1": 0, "y2": 0})
                row[f"y{i}"] = counts["n"]
        return list(rows.values())

    @cached_property
    def quotes(self) -> list[str]:
        """Up to five compliments marked for publication, oldest first."""
        return self.figures[0].quotes()

    @cached_property
    def learning_groups(self) -> list[dict]:
        statuses = [f"status_{s}" for s in LearningAction.Status.values]
        rows: dict[str, dict] = {}
        for i, figures in enumerate(self.figures):
            for (category, status), counts in figures.groups("learning", ["category", "status"]).items():
                row = rows.setdefault(category, {"category": category, **dict.fromkeys(statuses, 0), "y0": 0, "y1": 0, "y2": 0})
                row[f"y{i}"] += counts["n"]
                if i == 0 and f"status_{status}" in row:
                    row[f"status_{status}"] += counts["n"]
        return list(rows.values())

    # --- the tables ----------------------------------------------------------
    @cached_property
    def empty_years(self) -> list[FinancialYear]:
        """Comparison years with no complaints at all (their columns show "–", not a misleading 0)."""
        c, s = self.complaint_counts, self.stage_counts
        return [
            y for i, y in enumerate(self.years[1:], start=1) if not c[f"received{i}"] and not any(s[n][f"received{i}"] for n in (1, 2, 3))
        ]

    def table(self, key: str) -> Table:
        if key not in self.TABLES:
            raise KeyError(key)
        table = getattr(self, f"table_{key}")()
        for year in self.empty_years:
            columns = [k - 1 for k, header in enumerate(table.headers) if k and header.endswith(year.label)]
            for row in table.rows:
                for k in columns:
                    row.cells[k] = Cell(None)
            if columns:
                table.notes.append(
                    f"The register holds no complaints for {year.label}; the figures the council published for it are "
                    f"on the {year.label} page, as printed."
                )
        self.apply_marks(table)
        return table

    def apply_marks(self, table: Table) -> None:
        """Mark the register's figures that are not the council's record, as each year's AnnualReport.marks lists them.

        An entry "table key:row label[:column]" ("*" for every row) marks that year's cells: in this year's page the
        columns that are not another year's, and in later years' pages the column headed with its year. A mark of
        "not_recorded" replaces the figure (a zero the council never gave) with "Not recorded".
        """
        own_year_labels = [y.label for y in self.years]
        for i, year in enumerate(self.years):
            report = self.published.get(year.slug)
            if report is None or not report.marks:
                continue
            for entry, provenance in report.marks.items():
                key, _, rest = entry.partition(":")
                label, _, column = rest.partition(":")
                if key != table.key:
                    continue
                for k, header in enumerate(table.headers[1:]):
                    of_year = next((y for y in own_year_labels if header.endswith(y)), None)
                    if i == 0:
                        in_year = of_year in (None, year.label)
                    else:
                        in_year = of_year == year.label
                    if not in_year or (column and not header.startswith(column)):
                        continue
                    for row in table.rows:
                        if label in ("*", row.label) and k < len(row.cells) and row.cells[k].value is not None:
                            cell = row.cells[k]
                            if provenance == "not_recorded":
                                row.cells[k] = Cell(NOT_RECORDED, "text")
                            else:
                                row.cells[k] = Cell(cell.value, cell.kind, provenance)

    def tables(self) -> list[Table]:
        return [self.table(key) for key in self.TABLES]

    def ombudsman_ecs(self, i: int) -> int:
        """LGSCO cases in the Education & Children's Services area (children's social care included) in year i."""
        areas = {OmbudsmanCase.ServiceArea.CHILDRENS_SOCIAL_CARE, OmbudsmanCase.ServiceArea.EDUCATION_CHILDRENS}
        return sum(g[f"y{i}"] for g in self.ombudsman_groups if g["service_area"] in areas)

    def table_summary(self) -> Table:
        c, s, t1, t3 = self.complaint_counts, self.stage_counts, self.stage1_times, self.stage3_counts
        per_year = []
        for i in range(3):
            received = [s[n][f"received{i}"] for n in (1, 2, 3)]
            late = t1[f"responded{i}"] - t1[f"band0_{i}"] - t1[f"band1_{i}"]
            per_year.append(
                [
                    Cell(c[f"informal{i}"] + sum(received)),
                    Cell(c[f"informal{i}"]),
                    *[Cell(n) for n in received],
                    Cell(sum(s[n][f"open{i}"] for n in (1, 2, 3)) + c[f"informal{i}"] - c[f"informal_closed{i}"]),
                    Cell(c[f"mp{i}"]) if c[f"mp_known{i}"] else Cell(NOT_RECORDED, "text"),
                    Cell(c[f"cic{i}"]),
                    Cell(c[f"advocacy{i}"]),
                    Cell(c[f"corporate{i}"]),
                    Cell(percent(t1[f"band0_{i}"], t1[f"responded{i}"]), "percent"),
                    Cell(percent(t1[f"band1_{i}"], t1[f"responded{i}"]), "percent"),
                    Cell(percent(late, t1[f"responded{i}"]), "percent"),
                    Cell(one_decimal(t1[f"average{i}"]), "average"),
                    Cell(t3[f"recommendations{i}"]),
                    Cell(self.ombudsman_ecs(i)),
                    Cell(sum(g[f"y{i}"] for g in self.compliment_groups)),
                    Cell(sum(g[f"y{i}"] for g in self.learning_groups)),
                    Cell(c[f"lessons{i}"]) if c[f"lessons_known{i}"] else Cell(NOT_RECORDED, "text"),
                ]
            )
        labels = [
            "Complaints received across all stages (informal, Stage 1, 2 and 3)",
            "Resolved informally or not yet at a formal stage",
            "Received at Stage 1",
            "Received at Stage 2",
            "Received at Stage 3",
            "Still open at 31 March",
            "Received via an MP or councillor",
            "Made by or for a child in care or care leaver",
            "Supported by an advocate",
            "Handled under the corporate procedure",
            "Stage 1 responses within 10 working days",
            "Stage 1 responses in 11–20 working days",
            "Stage 1 responses after 20 working days",
            "Stage 1 average working days",
            "Stage 3 panel recommendations",
            "LGSCO cases, Education & Children's Services",
            "Compliments",
            "Learning actions raised",
            "Lessons Learnt forms returned",
        ]
        rows = [Row(label, [per_year[i][r] for i in range(3)]) for r, label in enumerate(labels)]
        chart_items = [(f"{y.label}", per_year[i][2].value) for i, y in reversed(list(enumerate(self.years)))]
        return Table(
            "summary",
            "Year on year",
            f"Headline figures for {self.year.label} against the two previous years",
            ["Figure", *self.year_headers],
            rows,
            notes=[
                "Percentages are worked out from the counts and rounded to one decimal place, halves up.",
                "Each stage is counted in the year it was received, so one complaint can count at more than one stage.",
            ],
            chart=Chart(
                "Complaints received at Stage 1, by year",
                "Bar chart: " + ", ".join(f"{label} {n}" for label, n in chart_items) + ".",
                chart_items,
            ),
        )

    def table_received_by_stage(self) -> Table:
        s, c = self.stage_counts, self.complaint_counts
        as_at = self.as_at
        headers = [
            "Stage",
            "Received",
            f"Closed by 31 March {self.year.end.year}",
            "Withdrawn",
            f"Open at 31 March {self.year.end.year}",
            f"Still open on {as_at.day} {as_at:%B %Y}",
            f"Received {self.years[1].label}",
            f"Received {self.years[2].label}",
        ]
        informal_open = c["informal0"] - c["informal_closed0"]
        rows = [
            Row(
                "Informal resolution",
                _cells([c["informal0"], c["informal_closed0"], 0, informal_open, informal_open, c["informal1"], c["informal2"]]),
            )
        ]
        for n in (1, 2, 3):
            g = s[n]
            rows.append(
                Row(
                    f"Stage {n}",
                    _cells([g["received0"], g["closed0"], g["withdrawn0"], g["open0"], g["open_now"], g["received1"], g["received2"]]),
                )
            )
        rows.append(Row("Total", _cells([sum(r.cells[k].value for r in rows) for k in range(7)]), is_total=True))
        data = [(r.label, r.cells[0].value) for r in rows[1:4]]
        return Table(
            "received_by_stage",
            "Complaints received by stage",
            f"Complaints received by stage in {self.year.label}, and whether they were closed by the end of the year",
            headers,
            rows,
            notes=["A stage counts as received in the year it was opened. Closed counts exclude withdrawals."],
            chart=Chart(
                f"Complaints received by stage, {self.year.label}",
                "Bar chart: " + ", ".join(f"{label} {n}" for label, n in data) + ".",
                data,
            ),
        )

    def table_how_received(self) -> Table:
        return self._stage_category_table(
            "how_received",
            "How complaints were received",
            f"How complaints were received in {self.year.label}, by stage",
            "complaint__received_how",
            Complaint.ReceivedHow.choices,
            "Method",
            keep_empty=False,
            chart_title=f"How complaints were received, all stages, {self.year.label}",
        )

    def table_complainant_types(self) -> Table:
        return self._stage_category_table(
            "complainant_types",
            "Who complained",
            f"Complainant types in {self.year.label}, by stage",
            "complaint__complainant_type",
            Complaint.ComplainantType.choices,
            "Complainant",
            chart_title=f"Who complained, all stages, {self.year.label}",
        )

    def table_themes(self) -> Table:
        columns = self._by_stage_columns()
        groups = self._stage_groups(["complaint__primary_theme__name", "complaint__primary_theme__order"])
        named = sorted(
            {
                (g["complaint__primary_theme__order"], g["complaint__primary_theme__name"])
                for g in groups
                if g["complaint__primary_theme__name"]
            }
        )
        rows = self._category_rows(groups, "complaint__primary_theme__name", [(name, name) for _, name in named], list(columns))
        stage1 = sorted(((r.cells[0].value, r.label) for r in rows if not r.is_total and r.label != NOT_RECORDED), reverse=True)
        top_four = stage1[:4]
        total1 = rows[-1].cells[0].value
        notes = [
            "Each complaint is counted once, under its main theme; a complaint raising several themes is counted under quality of service."
        ]
        if top_four and total1:
            notes.append(
                f"The four most common Stage 1 themes ({', '.join(label for _, label in top_four)}) account for "
                f"{percent(sum(n for n, _ in top_four), total1)}% of Stage 1 complaints."
            )
        table = Table(
            "themes",
            "What people complained about",
            f"Main theme of complaints in {self.year.label}, by stage",
            self._by_stage_headers("Theme"),
            rows,
            notes,
        )
        data = [(r.label, r.cells[0].value) for r in rows if not r.is_total and r.cells[0].value]
        if data:
            table.chart = Chart(
                f"Themes of Stage 1 complaints, {self.year.label}",
                "Bar chart: " + ", ".join(f"{label} {n}" for label, n in data) + ".",
                data,
            )
        return table

    def table_teams(self) -> Table:
        columns = self._by_stage_columns()
        groups = self._stage_groups(["complaint__teams__name", "complaint__teams__order"], part="team_groups")
        named = sorted({(g["complaint__teams__order"], g["complaint__teams__name"]) for g in groups if g["complaint__teams__name"]})
        rows = self._category_rows(groups, "complaint__teams__name", [(name, name) for _, name in named], list(columns))
        rows[-1].label = "Total (a complaint about two teams counts for each)"
        table = Table(
            "teams",
            "Complaints by team",
            f"Complaints in {self.year.label} by the team complained about, by stage",
            self._by_stage_headers("Team"),
            rows,
        )
        data = [(r.label, r.cells[0].value) for r in rows if not r.is_total and r.cells[0].value]
        if data:
            table.chart = Chart(
                f"Stage 1 complaints by team, {self.year.label}", "Bar chart: " + ", ".join(f"{label} {n}" for label, n in data) + ".", data
            )
        return table

    def table_outcomes(self) -> Table:
        columns = self._by_stage_columns()
        groups = self._stage_groups(["outcome", "withdrawal_reason"])
        labels = []
        for value, label in Stage.Outcome.choices:
            if value == Stage.Outcome.WITHDRAWN:
                labels += [
                    ((value, reason), f"Withdrawn: {reason_label.lower()}") for reason, reason_label in Stage.WithdrawalReason.choices
                ]
            else:
                labels.append(((value, ""), label))
        labels.append((("", ""), "Open: no outcome yet"))
        for g in groups:
            g["key"] = (g["outcome"], g["withdrawal_reason"])
        rows = self._category_rows(groups, "key", labels, list(columns), keep_empty=False)
        notes = ["Partially upheld: part of the complaint was upheld and other parts were not."]
        table = Table(
            "outcomes",
            "Outcomes",
            f"Outcomes of complaints received in {self.year.label}, by stage",
            self._by_stage_headers("Outcome"),
            rows,
            notes,
        )
        data = [(r.label, r.cells[0].value) for r in rows if not r.is_total and r.cells[0].value]
        if data:
            table.chart = Chart(
                f"Stage 1 outcomes, {self.year.label}", "Bar chart: " + ", ".join(f"{label} {n}" for label, n in data) + ".", data
            )
        return table

    def table_stage1_timescales(self) -> Table:
        t = self.stage1_times
        rows = [Row(label, _cells([t[f"band{b}_{i}"] for i in range(3)])) for b, (label, _, _) in enumerate(STAGE1_BANDS)]
        rows.append(Row("Responses", _cells([t[f"responded{i}"] for i in range(3)]), is_total=True))
        rows.append(
            Row("Share within 10 working days", _cells([percent(t[f"band0_{i}"], t[f"responded{i}"]) for i in range(3)], "percent"))
        )
        rows.append(
            Row(
                "Share within the 20 working day limit",
                _cells([percent(t[f"band0_{i}"] + t[f"band1_{i}"], t[f"responded{i}"]) for i in range(3)], "percent"),
            )
        )
        rows.append(Row("Average working days", _cells([one_decimal(t[f"average{i}"]) for i in range(3)], "average")))
        data = [(label, t[f"band{b}_0"]) for b, (label, _, _) in enumerate(STAGE1_BANDS)]
        return Table(
            "stage1_timescales",
            "Stage 1 timescales",
            f"Working days taken to respond at Stage 1, complaints received in {self.year.label} and the two years before",
            ["Working days", *self.year_headers],
            rows,
            notes=[
                "Stage 1 should be answered in 10 working days, extendable to 20. Working days exclude weekends and "
                "England and Wales bank holidays, and are counted from the day after the stage opened."
            ],
            chart=Chart(
                f"Stage 1 response times, {self.year.label}", "Bar chart: " + ", ".join(f"{label} {n}" for label, n in data) + ".", data
            ),
        )

    def table_stage2(self) -> Table:
        t = self.stage2_times
        rows = [Row("Received", _cells([t[f"received{i}"] for i in range(3)]))]
        rows += [
            Row(f"Completed {label[0].lower()}{label[1:]}", _cells([t[f"band{b}_{i}"] for i in range(3)]))
            for b, (label, _, _) in enumerate(STAGE2_BANDS)
        ]
        rows += [
            Row("Investigations completed with a finding", _cells([t[f"findings{i}"] for i in range(3)]), is_total=True),
            Row("Average working days", _cells([one_decimal(t[f"average{i}"]) for i in range(3)], "average")),
            Row("Withdrawn before investigation", _cells([t[f"withdrawn{i}"] for i in range(3)])),
            Row("Resolved without a formal investigation", _cells([t[f"resolved{i}"] for i in range(3)])),
            Row(f"Still being investigated on {self.as_at.day} {self.as_at:%B %Y}", _cells([t[f"open_now{i}"] for i in range(3)])),
            Row("Financial remedy offered", _cells([t[f"remedy{i}"] for i in range(3)])),
        ]
        data = [(label, t[f"band{b}_0"]) for b, (label, _, _) in enumerate(STAGE2_BANDS)]
        return Table(
            "stage2",
            "Stage 2 investigations",
            f"Stage 2 investigations of complaints received at Stage 2 in {self.year.label}, and the two years before",
            ["Stage 2", *self.year_headers],
            rows,
            notes=[
                "An external Investigating Officer investigates, overseen by an Independent Person. The response is due in "
                "25 working days, extendable to 65 in complex cases."
            ],
            chart=Chart(
                f"Stage 2 response times, {self.year.label}", "Bar chart: " + ", ".join(f"{label} {n}" for label, n in data) + ".", data
            ),
        )

    def table_stage3(self) -> Table:
        t = self.stage3_counts
        spec = [
            ("Requests for a review panel", "received"),
            ("Panels held", "panels"),
            ("Upheld", "upheld"),
            ("Partially upheld", "partial"),
            ("Not upheld", "not_upheld"),
            ("Recommendations made by panels", "recommendations"),
            ("Financial remedy offered", "remedy"),
            (f"Still open on {self.as_at.day} {self.as_at:%B %Y}", "open_now"),
        ]
        rows = [Row(label, _cells([t[f"{key}{i}"] for i in range(3)])) for label, key in spec]
        return Table(
            "stage3",
            "Stage 3 review panels",
            f"Stage 3 review panels for requests received in {self.year.label}, and the two years before",
            ["Stage 3", *self.year_headers],
            rows,
            notes=[
                "The panel meets within 30 working days of the request, sends its report within 5 working days of meeting, "
                "and the council responds within a further 15 working days."
            ],
        )

    def table_children_in_care(self) -> Table:
        t = self.children_in_care_counts
        spec = [
            ("Received at Stage 1", "received"),
            ("Upheld", "upheld"),
            ("Partially upheld", "partial"),
            ("Not upheld", "not_upheld"),
            ("Withdrawn, refused or other outcome", "other"),
            ("Open: no outcome yet", "open"),
            ("Went on to Stage 2", "escalated"),
        ]
        rows = [Row(label, _cells([t[f"{key}{i}"] for i in range(3)])) for label, key in spec]
        return Table(
            "children_in_care",
            "Children in care and care leavers",
            f"Complaints made by or for children in care and care leavers, received at Stage 1 in {self.year.label} "
            "and the two years before",
            ["Child in care or care leaver", *self.year_headers],
            rows,
        )

    def table_ombudsman(self) -> Table:
        groups = self.ombudsman_groups
        areas = [(v, label) for v, label in OmbudsmanCase.ServiceArea.choices if any(g["service_area"] == v and g["y0"] for g in groups)]
        headers = [
            "Decision",
            *[label for _, label in areas],
            f"Total {self.years[0].label}",
            f"Total {self.years[1].label}",
            f"Total {self.years[2].label}",
        ]
        decisions = [*OmbudsmanCase.Decision.choices, ("", "Awaiting a decision or not recorded")]
        rows = []
        for value, label in decisions:
            by_area = [sum(g["y0"] for g in groups if g["decision"] == value and g["service_area"] == area) for area, _ in areas]
            totals = [sum(g[f"y{i}"] for g in groups if g["decision"] == value) for i in range(3)]
            if any(totals):
                rows.append(Row(label, _cells(by_area + totals)))
        area_totals = [sum(g["y0"] for g in groups if g["service_area"] == area) for area, _ in areas]
        rows.append(Row("Total", _cells(area_totals + [sum(g[f"y{i}"] for g in groups) for i in range(3)]), is_total=True))
        notes = []
        remedied = sum(g["remedied"] for g in groups)
        if remedied:
            on_time = sum(g["on_time"] for g in groups)
            notes.append(
                f"Remedies completed for cases received in {self.year.label}: {remedied}, of which {on_time} within the set timescale."
            )
        for y in self.years:
            published = self.published.get(y.slug)
            if published and published.lgsco_council_total is not None:
                note = f" ({published.lgsco_note})" if published.lgsco_note else ""
                notes.append(f"The LGSCO received {published.lgsco_council_total} complaints about the whole council in {y.label}{note}.")
        return Table(
            "ombudsman",
            "Local Government and Social Care Ombudsman",
            f"LGSCO cases received in {self.year.label} by service area and decision, with the two previous years' totals",
            headers,
            rows,
            notes=notes,
        )

    def table_compliments(self) -> Table:
        groups = self.compliment_groups
        named = sorted({(g["team__order"], g["team__name"]) for g in groups if g["team__name"]})
        rows = self._category_rows(groups, "team__name", [(name, name) for _, name in named], ["y0", "y1", "y2"])
        data = [(r.label, r.cells[0].value) for r in rows if not r.is_total and r.cells[0].value]
        table = Table(
            "compliments",
            "Compliments",
            f"Compliments logged in {self.year.label} by team, and the two years before",
            ["Team", *self.year_headers],
            rows,
            notes=["Counts are a floor: not every compliment is forwarded to be logged centrally."],
        )
        if data:
            table.chart = Chart(
                f"Compliments by team, {self.year.label}", "Bar chart: " + ", ".join(f"{label} {n}" for label, n in data) + ".", data
            )
        return table

    def table_learning_actions(self) -> Table:
        groups = self.learning_groups
        statuses = LearningAction.Status.choices
        columns = [f"status_{s}" for s, _ in statuses] + ["y0", "y1", "y2"]
        rows = self._category_rows(groups, "category", LearningAction.Category.choices, columns)
        return Table(
            "learning_actions",
            "Learning from complaints",
            f"Learning actions raised in {self.year.label} by category and status, with the two previous years' totals",
            [
                "Category",
                *[f"{label} ({self.years[0].label})" for _, label in statuses],
                *[f"Total {label}" for label in self.year_headers],
            ],
            rows,
        )


def year_has_records(year: FinancialYear) -> bool:
    """Whether anything belongs to the year (so an empty year is a 404, not a report of zeros)."""
    return (
        AnnualReport.objects.filter(year=year.slug).exists()
        or Stage.objects.opened_in(year).exists()
        or Complaint.objects.received_in(year).exists()
        or Compliment.objects.received_in(year).exists()
        or OmbudsmanCase.objects.received_in(year).exists()
    )


# ---------------------------------------------------------------------------
# The published report: computed once per change to the data, then served from the cache
# ---------------------------------------------------------------------------
REPORT_CACHE_SECONDS = 600  # a bound on staleness should a write ever bypass the services


@dataclass
class PublishedReport:
    """The computed tables of one year's report, as cached and as the page, CSV and PDF show them."""

    year: FinancialYear
    as_at: datetime.date
    tables: list[Table]
    quotes: list[str]
    cache_key: str = ""  # also keys the page's rendered tables (a template fragment cache)

    def table(self, key: str) -> Table:
        for table in self.tables:
            if table.key == key:
                return table
        raise KeyError(key)


def report_cache_key(year: FinancialYear, today: datetime.date, part: str = "tables", versions: dict[str, str] | None = None) -> str:
    """Keyed on the versions of the three years' parts: a change to 2019/20 leaves the 2024/25 report as kept."""
    versions = versions or versions_for([year, year.previous(1), year.previous(2)])
    return f"complaints:annual-report:{year.slug}:{versions_digest(versions)}:{today.isoformat()}:{part}"


def published_report(year: FinancialYear, today: datetime.date | None = None) -> PublishedReport | None:
    """The year's report (None if nothing belongs to the year), recomputed only after the data has changed, and then
    only for the parts of the year that changed (complaints.kept)."""
    today = today or datetime.date.today()
    versions = versions_for([year, year.previous(1), year.previous(2)])
    key = report_cache_key(year, today, versions=versions)
    cached = cache.get(key)
    if cached is not None:
        return cached or None
    report = AnnualComplaintsReport(year, today, versions=versions)
    if not (year.slug in report.published or report.figures[0].has_records):
        cache.set(key, False, REPORT_CACHE_SECONDS)
        return None
    published = PublishedReport(year, report.as_at, report.tables(), report.quotes, cache_key=key)
    cache.set(key, published, REPORT_CACHE_SECONDS)
    return published


def report_years(today: datetime.date | None = None) -> list[dict]:
    """Every financial year with records, newest first, with its Stage 1–3 and compliment counts (cached like the reports)."""
    key = f"complaints:annual-report-years:{DataVersion.objects.key(COMPLAINTS_DATA)}"
    years = cache.get(key)
    if years is None:
        found: dict[int, dict] = {}
        stage_rows = (
            Stage.objects.annotate(fy=financial_year_of("opened_date"))
            .values("fy")
            .annotate(**{f"stage{n}": Count("pk", filter=Q(number=n)) for n in (1, 2, 3)})
            .order_by()
        )
        for row in stage_rows:
            found.setdefault(row["fy"], {}).update(row)
        for row in Compliment.objects.annotate(fy=financial_year_of("received_date")).values("fy").annotate(n=Count("pk")).order_by():
            found.setdefault(row["fy"], {})["compliments"] = row["n"]
        for slug in AnnualReport.objects.values_list("year", flat=True):
            found.setdefault(FinancialYear.parse(slug).start_year, {})
        years = [
            {"year": FinancialYear(start), **{k: counts.get(k, 0) for k in ("stage1", "stage2", "stage3", "compliments")}}
            for start, counts in sorted(found.items(), reverse=True)
        ]
        cache.set(key, years, REPORT_CACHE_SECONDS)
    return years
