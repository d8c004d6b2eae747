"""Which improvement pages are kept (committee/keep.py), and which data each shows."""

from committee import keep
from improvement.models import ImprovementAction, ImprovementPlan, PlanPresentation


def everything(request, **kwargs):
    return [keep.IMPROVEMENT, keep.MEETING_ROWS]


def _plan(plan_id):
    # A plan's pages also print KPIs and inspections (no one plan's) and the meetings it was presented to.
    return [keep.plan_pages(plan_id), keep.IMPROVEMENT_SHARED, keep.MEETING_ROWS, keep.PEOPLE] if plan_id is not None else None


def plan(request, slug, **kwargs):
    return _plan(ImprovementPlan.objects.filter(slug=slug).values_list("pk", flat=True).first())


def action(request, pk):
    return _plan(ImprovementAction.objects.filter(pk=pk).values_list("plan_id", flat=True).first())


def presentation(request, pk):
    return _plan(PlanPresentation.objects.filter(pk=pk).values_list("plan_id", flat=True).first())


PAGES = {
    "improvement:home": everything,
    "improvement:plan": plan,
    "improvement:plan_actions": plan,
    "improvement:priority": plan,
    "improvement:since": plan,
    "improvement:action": action,
    "improvement:presentation": presentation,
    "improvement:inspections": everything,
    "improvement:inspection": everything,
    "improvement:measures": everything,
    "improvement:measure": everything,
}
