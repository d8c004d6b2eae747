"""The annual complaints report as a PDF for the agenda pack (WeasyPrint, print CSS in complaints/pdf/)."""

import datetime

from django.conf import settings
from django.template.loader import render_to_string

from committee.printing import NothingToPrint, data_version
from committee.tagged_pdf import write_pdf
from complaints.models.records import COMPLAINTS_DATA
from complaints.published import has_published_figures, published_record
from complaints.report import PublishedReport, published_report
from complaints.years import FinancialYear


def annual_report_pdf(report: PublishedReport) -> bytes:
    """Render every table and chart of `report` (totals only) to PDF bytes."""
    from weasyprint import HTML  # imported here: it loads Pango, which only PDF requests need

    html = render_to_string(
        "complaints/pdf/annual_report.html",
        {
            "report": report,
            "tables": report.tables,
            "quotes": report.quotes,
            "printed": published_record(report.year, report),
            "generated": datetime.date.today(),
            "COUNCIL_NAME": settings.COUNCIL_NAME,
        },
    )
    # Tagged PDF/UA-1: the charts are SVG figures whose <title> becomes their alternative text.
    return write_pdf(HTML(string=html, base_url=str(settings.BASE_DIR)).render())


def report_version() -> str:
    """What the report PDF prints: the complaints data as it is today (the report counts open cases as at today)."""
    return data_version(COMPLAINTS_DATA)


def build_report_pdf(key: str, audience: str) -> bytes:
    """The worker's job (committee.printing): the year's report as a PDF."""
    year = FinancialYear.parse(key)
    report = published_report(year)
    if report is None and has_published_figures(year):
        report = PublishedReport(year, datetime.date.today(), [], [])  # the council's published figures only
    if report is None:
        raise NothingToPrint(f"There are no complaints records for {key}.")
    return annual_report_pdf(report)
