"""The printable plan: improvement/pdf/plan.html through WeasyPrint, laid out like the council's own table."""

import datetime

from django.conf import settings
from django.db.models import Prefetch
from django.template.loader import render_to_string
from weasyprint import HTML

from committee.printing import NothingToPrint, data_version, print_version_name
from committee.tagged_pdf import write_pdf
from improvement.models import ImpactMeasure, ImprovementAction, ImprovementPlan
from improvement.models.plans import impact_register_areas


def render_plan_pdf(*, plan: ImprovementPlan, request=None, today: datetime.date | None = None) -> bytes:
    """The plan as a landscape A4 PDF: desired outcome, action, accountable officer, timescale, progress, impact RAG."""
    priorities = list(
        plan.priorities.order_by("number").prefetch_related(
            Prefetch("outcomes__actions", queryset=ImprovementAction.objects.select_related("latest_update").order_by("order", "pk"))
        )
    )
    for priority in priorities:
        for outcome in priority.outcomes.all():
            # The outcome cell spans its actions' rows, plus the note row printed under them (as the council's table does).
            outcome.rowspan = max(len(outcome.actions.all()), 1) + (1 if outcome.note else 0)
    html = render_to_string(
        "improvement/pdf/plan.html",
        {
            "plan": plan,
            "priorities": priorities,
            "scale": list(plan.rag_scale.all()),
            "register": impact_register_areas(ImpactMeasure.objects.filter(plan=plan).in_plan_order()),
            "today": today or datetime.date.today(),
        },
        request=request,
    )
    # base_url lets the template refer to files under the project; the PDF needs no network access.
    return write_pdf(HTML(string=html, base_url=str(settings.BASE_DIR)).render())


def plan_print_version() -> str:
    """What a printed plan shows: the plans' data and the people named in them, as they are today."""
    return data_version(print_version_name("committee"), print_version_name("improvement"))


def build_plan_pdf(key: str, audience: str) -> bytes:
    """The worker's job (committee.printing): a published plan as a PDF."""
    plan = ImprovementPlan.objects.published().with_dashboard().filter(slug=key).first()
    if plan is None:
        raise NothingToPrint("The plan is not published.")
    return render_plan_pdf(plan=plan)
