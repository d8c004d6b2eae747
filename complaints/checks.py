"""Record checks for the annual complaints reports (committee.checks), listed with the committee the reports go to.

The published report stays as the council printed it. These rules only say where it does not add up: a printed table
whose rows do not make its printed total, and a printed figure the register gives differently. Registered from
ComplaintsConfig.ready.
"""

from __future__ import annotations

import re
from collections import defaultdict
from decimal import Decimal

from django.urls import reverse

from committee.checks import COMMITTEE, Finding, rule
from complaints.models import AnnualReport, PublishedFigure
from complaints.years import FinancialYear


def _normal(name: str) -> str:
    """A committee's name as compared: "Children's and Young People's Scrutiny Committee" matches
    "Children and Young People Scrutiny Committee" (the report covers and the agenda spell it differently)."""
    name = name.lower().replace("’", "'").replace("&", " and ").replace("'s", "")
    return re.sub(r"[^a-z]", "", name)


def reports_for(committee) -> list[AnnualReport]:
    """The annual complaints reports presented to `committee` (by its name, short name or any alias)."""
    names = {_normal(n) for n in [committee.name, committee.short_name, *committee.aliases.splitlines()] if n.strip()}
    return [r for r in AnnualReport.objects.exclude(presented_to="").order_by("year") if _normal(r.presented_to) in names]


def _url(report: AnnualReport) -> str:
    return reverse("complaints:report", args=[report.year]) + "#published"


def _label(report: AnnualReport) -> str:
    return report.title or str(report)


def _number(value: Decimal) -> str:
    return f"{value.normalize():f}"


@rule(
    "complaints.printed-total",
    "A printed table's rows add up to its printed total",
    "The annual complaints report prints tables with a total. Where the rows do not add up to it, one of them is "
    "wrong or a row is missing; the report stays as printed, and the register's figures are shown beside it.",
    scope=COMMITTEE,
)
def printed_totals(committee):
    reports = reports_for(committee)
    figures = PublishedFigure.objects.filter(report__in=reports, value__isnull=False).order_by("report__year", "order", "pk")
    columns: dict[tuple, dict] = defaultdict(lambda: {"parts": Decimal(0), "total": None})
    for figure in figures:
        column = columns[(figure.report_id, figure.table, figure.year, figure.column)]
        if figure.is_total:
            column["total"] = figure
        else:
            column["parts"] += figure.value
    by_id = {r.pk: r for r in reports}
    for (report_id, table, _year, column), found in columns.items():
        total = found["total"]
        if total is not None and found["parts"] != total.value:
            report = by_id[report_id]
            where = f"{table}" + (f", {column}" if column else "") + (f" ({total.reference})" if total.reference else "")
            yield Finding(
                rule="complaints.printed-total",
                message=f"{where}: the rows add up to {_number(found['parts'])}, but the printed total is {total.printed}.",
                url=_url(report),
                record=_label(report),
            )


@rule(
    "complaints.published-differs",
    "The register gives the figures the council published",
    "Each figure of the published annual complaints report is compared with the same figure worked out from the "
    "complaints register. A difference means the report or the register is wrong (or counts differently); both are "
    "shown on the report page and neither is corrected.",
    scope=COMMITTEE,
)
def published_differs(committee):
    from complaints.published import DIFFERS, compare
    from complaints.report import published_report

    reports = reports_for(committee)
    figures = (
        PublishedFigure.objects.filter(report__in=reports)
        .exclude(measure="")
        .select_related("report")
        .order_by("report__year", "order", "pk")
    )
    computed: dict[str, object] = {}
    for figure in figures:
        if figure.year not in computed:
            computed[figure.year] = published_report(FinancialYear.parse(figure.year))
        comparison = compare(figure, figure.financial_year, computed[figure.year])
        if comparison.status == DIFFERS:
            what = figure.row + (f", {figure.column}" if figure.column else "")
            yield Finding(
                rule="complaints.published-differs",
                message=f"{figure.table}: {what} ({figure.financial_year.label}) is printed as {figure.printed}; "
                f"the register gives {comparison.register_text}"
                + (f" ({comparison.register_provenance})" if comparison.register_provenance else "")
                + ".",
                url=_url(figure.report),
                record=_label(figure.report),
            )
