"""The annual reports as the council published them, beside the figures the register gives for the same things.

A published figure is the council's record and is shown exactly as printed ("47%"); the register's figure is
computed from the complaints records (complaints.report). Neither replaces the other: where they differ the page,
CSV and PDF say so, figure by figure. Only published, aggregate figures are read here: never a single complaint.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Prefetch

from committee.provenance import NOT_RECORDED, is_marked
from complaints.models import AnnualReport, PublishedFigure, ReportSection
from complaints.report import REPORT_CACHE_SECONDS, _csv_text
from complaints.years import FinancialYear

SAME = "Same"
DIFFERS = "Differs"
NOT_IN_REGISTER = "Not in the register"
NO_REGISTER = "No register records for the year"
NOT_COMPARED = "Not compared"


@dataclass
class Comparison:
    figure: PublishedFigure
    register: object | None = None  # complaints.report.Cell, or None where there is nothing to compare
    status: str = ""  # SAME, DIFFERS, NOT_IN_REGISTER, NO_REGISTER, or "" (no register figure for this)

    @property
    def register_text(self) -> str:
        if self.status in (NOT_IN_REGISTER, NO_REGISTER):
            return NOT_RECORDED
        return "" if self.register is None else str(self.register)

    @property
    def register_provenance(self) -> str:
        return getattr(self.register, "provenance", "") or ""

    @property
    def compared(self) -> str:
        """The comparison in words; "Not compared" where the register has no figure for it or it is about another year."""
        return self.status or NOT_COMPARED

    @property
    def differs(self) -> bool:
        return self.status == DIFFERS


@dataclass
class PrintedTable:
    table: str
    reference: str
    year: FinancialYear  # the year its figures are about
    rows: list[Comparison] = field(default_factory=list)


@dataclass
class PrintedReport:
    report: AnnualReport
    tables: list[PrintedTable]
    sections: list[ReportSection]
    about_this_year_only: bool = False  # an earlier or later report, shown for the figures it gives about this year


def register_cell(computed, measure: str):
    """The register's cell named by `measure` ("table key|row label|column index or header"), or None if it has none."""
    key, _, rest = measure.partition("|")
    label, _, column = rest.partition("|")
    try:
        table = computed.table(key)
    except KeyError:
        return None
    try:
        index = int(column or 0)
    except ValueError:
        if column not in table.headers:
            return None
        index = table.headers.index(column) - 1
    for row in table.rows:
        if row.label == label and index < len(row.cells):
            return row.cells[index]
    return None


def compare(figure: PublishedFigure, year: FinancialYear, computed) -> Comparison:
    """The published figure beside the register's figure for the same thing, when it is about the page's year."""
    if not figure.measure or figure.year != year.slug:
        return Comparison(figure)
    if computed is None or not computed.tables:
        return Comparison(figure, status=NO_REGISTER)
    cell = register_cell(computed, figure.measure)
    if cell is None or cell.value is None or cell.value == NOT_RECORDED or cell.provenance == "not_recorded":
        return Comparison(figure, cell, NOT_IN_REGISTER)
    if figure.value is None or isinstance(cell.value, str):
        return Comparison(figure, cell)
    same = Decimal(figure.value) == Decimal(cell.value)
    return Comparison(figure, cell, SAME if same else DIFFERS)


def published_record(year: FinancialYear, computed=None) -> list[PrintedReport]:
    """The year's own published report (every figure it prints and its text), then any other report's figures about the
    year (e.g. 2021/22's, quoted in the 2022/23 report), each figure compared with the register where it can be.

    Cached beside the computed report (its key carries the data version, which every write to these bumps)."""
    key = f"{computed.cache_key}:published" if computed is not None and computed.cache_key else ""
    if key:
        cached = cache.get(key)
        if cached is not None:
            return cached
    printed = _published_record(year, computed)
    if key:
        cache.set(key, printed, REPORT_CACHE_SECONDS)
    return printed


def _published_record(year: FinancialYear, computed) -> list[PrintedReport]:
    figures = PublishedFigure.objects.order_by("order", "pk")
    own = list(
        AnnualReport.objects.filter(year=year.slug).prefetch_related(
            Prefetch("figures", queryset=figures), Prefetch("sections", queryset=ReportSection.objects.order_by("order"))
        )
    )
    others = list(
        PublishedFigure.objects.filter(year=year.slug)
        .exclude(report__year=year.slug)
        .select_related("report")
        .order_by("report__year", "order", "pk")
    )
    printed = [
        PrintedReport(report, _tables(report.figures.all(), year, computed), list(report.sections.all()))
        for report in own
        if report.figures.all() or report.sections.all()
    ]
    by_report: dict[int, list[PublishedFigure]] = {}
    for figure in others:
        by_report.setdefault(figure.report_id, []).append(figure)
    for items in by_report.values():
        printed.append(PrintedReport(items[0].report, _tables(items, year, computed), [], about_this_year_only=True))
    return printed


def _tables(figures, year: FinancialYear, computed) -> list[PrintedTable]:
    tables: list[PrintedTable] = []
    for figure in figures:
        key = (figure.table, figure.reference, figure.year)
        if not tables or (tables[-1].table, tables[-1].reference, tables[-1].year.slug) != key:
            tables.append(PrintedTable(figure.table, figure.reference, figure.financial_year))
        tables[-1].rows.append(compare(figure, year, computed))
    return tables


def has_published_figures(year: FinancialYear) -> bool:
    return PublishedFigure.objects.filter(year=year.slug).exists()


def published_only_years(register_years: list[FinancialYear]) -> list[FinancialYear]:
    """Years the council published figures for but the register holds nothing about (2021/22 and earlier), newest first."""
    known = {y.slug for y in register_years}
    slugs = set(PublishedFigure.objects.exclude(year__in=known).order_by().values_list("year", flat=True).distinct())
    return sorted((FinancialYear.parse(s) for s in slugs), key=lambda y: y.start, reverse=True)


# The index's columns and the report table whose "*" mark says the year's published report does not give it.
INDEX_COLUMNS = {"stage1": "received_by_stage", "stage2": "received_by_stage", "stage3": "stage3", "compliments": "compliments"}


def mark_index_rows(rows: list[dict]) -> list[dict]:
    """The index's counts, with "Not recorded" where the year's report does not give the figure (a register zero
    would read as "none"), as the year's AnnualReport.marks say for the report's own table."""
    marks = dict(AnnualReport.objects.filter(year__in=[r["year"].slug for r in rows]).values_list("year", "marks"))
    for row in rows:
        year_marks = marks.get(row["year"].slug) or {}
        for column, table in INDEX_COLUMNS.items():
            if year_marks.get(f"{table}:*") == "not_recorded":
                row[column] = NOT_RECORDED
    return rows


def csv_rows(printed: list[PrintedReport]) -> list[list[str]]:
    """Every published figure with the register's beside it, for the CSV export."""
    rows = [["Report", "Table", "Where printed", "Year", "Row", "Column", "Published", "From the register", "Compared"]]
    for report in printed:
        for table in report.tables:
            for c in table.rows:
                register = c.register_text
                if register and is_marked(c.register_provenance) and c.register_provenance != "not_recorded":
                    register = f"{register} ({c.register_provenance})"
                rows.append(
                    [
                        _csv_text(report.report.title or str(report.report)),
                        _csv_text(table.table),
                        _csv_text(table.reference),
                        table.year.label,
                        _csv_text(c.figure.row),
                        _csv_text(c.figure.column),
                        _csv_text(c.figure.printed),
                        register,
                        c.compared,
                    ]
                )
    return rows
