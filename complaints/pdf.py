"""The annual complaints report as a PDF for the agenda pack (WeasyPrint, print CSS in complaints/pdf/)."""

import datetime

from django.conf import settings
from django.template.loader import render_to_string

from committee.tagged_pdf import write_pdf
from complaints.report import PublishedReport


def annual_report_pdf(report: PublishedReport) -> bytes:
    """Render every table and chart of `report` (totals only) to PDF bytes."""
    from weasyprint import HTML  # imported here: it loads Pango, which only PDF requests need

    html = render_to_string(
        "complaints/pdf/annual_report.html",
        {
            "report": report,
            "tables": report.tables,
            "quotes": report.quotes,
            "generated": datetime.date.today(),
            "COUNCIL_NAME": settings.COUNCIL_NAME,
        },
    )
    # Tagged PDF/UA-1: the charts are SVG figures whose <title> becomes their alternative text.
    return write_pdf(HTML(string=html, base_url=str(settings.BASE_DIR)).render())
