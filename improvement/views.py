"""Public, read-only pages: plans are published in agenda packs. Reads are QuerySet methods; the views only arrange them."""

import csv
import datetime

from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.views import View
from django.views.generic import DetailView, ListView, TemplateView

from committee.models import BuiltPdf
from committee.printing import built_pdf_response
from improvement.changes import plan_changes
from improvement.filters import ActionFilter, MeasureFilter
from improvement.models import (
    ImprovementAction,
    ImprovementPlan,
    Inspection,
    Measure,
    Measurement,
    PlanPresentation,
    Priority,
    ProgressUpdate,
    Recommendation,
)
from improvement.pdf import plan_print_version
from improvement.templatetags.improvement_tags import ACTION_LIST_FIELDS, ACTION_ROW_FIELDS
from meetings.models import Meeting
from meetings.views import FilteredListView

DASHBOARD_LIST_LIMIT = 20  # the dashboard shows the first few; the filtered action list has the rest
SOON_DAYS = 30
CHART_PERIODS = 36  # three years of monthly figures; the CSV has every period


def rag_rows(priorities, counts) -> list[dict]:
    """Chart/table rows from the grouped counts: one per priority, counts keyed by RAG code ("" = not rated)."""
    by_priority: dict[int, dict[str, int]] = {}
    for row in counts:
        by_priority.setdefault(row["priority_id"], {})[row["current_rag"] or ""] = row["n"]
    return [
        {
            "priority": p,
            "label": p.short_label,
            "name": p.label,
            "counts": by_priority.get(p.pk, {}),
            "total": sum(by_priority.get(p.pk, {}).values()),
        }
        for p in priorities
    ]


class PlanMixin:
    """Finds the plan named in the URL (published plans only)."""

    def plan_queryset(self):
        return ImprovementPlan.objects.published().prefetch_related("rag_scale")  # every plan page prints the RAG key

    def get_plan(self):
        if not hasattr(self, "_plan"):
            self._plan = get_object_or_404(self.plan_queryset(), slug=self.kwargs["slug"])
        return self._plan


class ImprovementHomeView(TemplateView):
    template_name = "improvement/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["plans"] = ImprovementPlan.objects.published().with_summary().order_by("-period_start", "name")
        context["inspections"] = Inspection.objects.with_counts().latest_first()
        context["measures"] = Measure.objects.active().with_latest().listed().order_by("name", "pk")[:DASHBOARD_LIST_LIMIT]
        context["measure_count"] = Measure.objects.active().count()
        context["list_limit"] = DASHBOARD_LIST_LIMIT
        return context


class PlanDetailView(PlanMixin, DetailView):
    """The plan dashboard: RAG counts per priority, what is overdue or due soon, and recommendations nothing answers."""

    template_name = "improvement/plan_detail.html"
    context_object_name = "plan"

    def plan_queryset(self):
        # The key and the inspections are read below as plain queries (a prefetch costs more to set up than it saves).
        return ImprovementPlan.objects.published().select_related("board")

    def get_object(self, queryset=None):
        return self.get_plan()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        plan = self.object
        today = datetime.date.today()
        actions = ImprovementAction.objects.for_plan(plan)
        scale = list(plan.rag_scale.all())
        inspections = list(plan.inspections.only("title", "slug", "start_date", "end_date"))
        priorities = list(plan.priorities.order_by("number"))
        counts = list(actions.counts_by_priority(today, SOON_DAYS))
        rows = rag_rows(priorities, counts)
        totals = {code: sum(r["counts"].get(code, 0) for r in rows) for code in [*[s.code for s in scale], ""]}
        # Only the columns their rows print (improvement_tags.action_rows): no priority or update joined.
        overdue, due_soon = actions.deadline_lists(SOON_DAYS, today, DASHBOARD_LIST_LIMIT, ACTION_ROW_FIELDS)
        gaps = list(Recommendation.objects.unanswered_or_inferred_for(plan))
        measures = list(Measure.objects.for_plan(plan).active().with_latest().listed().with_total().order_by("name")[:DASHBOARD_LIST_LIMIT])
        context.update(
            today=today,
            inspections=inspections,
            priorities=priorities,
            scale=scale,
            scale_codes=[s.code for s in scale],
            rows=rows,
            totals=totals,
            total_actions=sum(totals.values()),
            overdue=overdue,
            due_soon=due_soon,
            overdue_count=sum(row["overdue"] for row in counts),
            due_soon_count=sum(row["due_soon"] for row in counts),
            soon_days=SOON_DAYS,
            unanswered=[rec for rec in gaps if rec.unanswered],
            inferred=[rec for rec in gaps if not rec.unanswered],
            measures=measures,
            measure_count=measures[0].total if measures else 0,
            # Only what the list prints: not the frozen copy (a snapshot of every action) nor the committee.
            presentations=plan.presentations.visible_to(self.request.user)
            .select_related("agenda_item__meeting")
            .only("agenda_item__number", "agenda_item__meeting__date")
            .latest_first(),
            list_limit=DASHBOARD_LIST_LIMIT,
        )
        return context


class PriorityDetailView(PlanMixin, DetailView):
    template_name = "improvement/priority_detail.html"
    context_object_name = "priority"

    def get_object(self, queryset=None):
        plan = self.get_plan()
        queryset = Priority.objects.filter(plan=plan).prefetch_related(
            Prefetch(
                "outcomes__actions",
                queryset=ImprovementAction.objects.select_related("latest_update")
                .prefetch_related(Prefetch("recommendations", queryset=Recommendation.objects.select_related("inspection")))
                .with_flags()
                .order_by("order", "pk"),
            ),
            "measures",
        )
        return get_object_or_404(queryset, number=self.kwargs["number"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        plan = self.get_plan()
        outcomes = list(self.object.outcomes.all())
        counts: dict[str, int] = {}
        for outcome in outcomes:
            for action in outcome.actions.all():
                counts[action.current_rag] = counts.get(action.current_rag, 0) + 1
        scale = list(plan.rag_scale.all())
        context.update(
            plan=plan,
            outcomes=outcomes,
            scale=scale,
            scale_codes=[s.code for s in scale],
            rows=[{"priority": self.object, "label": self.object.short_label, "name": self.object.label, "counts": counts}],
            siblings=list(plan.priorities.order_by("number").only("number", "label", "plan_id")),
        )
        return context


class ActionDetailView(DetailView):
    template_name = "improvement/action_detail.html"
    context_object_name = "action"

    def get_queryset(self):
        return (
            ImprovementAction.objects.with_context()
            .with_flags()
            .filter(plan__status__in=[ImprovementPlan.Status.ACTIVE, ImprovementPlan.Status.CLOSED])
            .prefetch_related(
                Prefetch("recommendations", queryset=Recommendation.objects.select_related("inspection")),
                Prefetch(
                    "updates",
                    queryset=ProgressUpdate.objects.select_related("author").order_by("date", "pk"),
                    to_attr="history_oldest_first",
                ),
                "plan__rag_scale",
            )
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["scale"] = list(self.object.plan.rag_scale.all())
        context["history"] = list(reversed(self.object.history_oldest_first))
        return context


class PlanActionListView(PlanMixin, FilteredListView):
    template_name = "improvement/action_list.html"
    context_object_name = "actions"

    def base_queryset(self):
        # Only the columns a row prints (improvement_tags.plan_action_rows): not the latest update, nor the action's notes.
        return (
            ImprovementAction.objects.for_plan(self.get_plan())
            .select_related("priority")
            .only(*ACTION_LIST_FIELDS)
            .with_flags()
            .in_plan_order()
        )

    def get_queryset(self):
        self.filterset = ActionFilter(self.request.GET or None, queryset=self.base_queryset(), request=self.request, plan=self.get_plan())
        if not self.filterset.is_valid():
            return self.base_queryset()
        if self.filterset.form.cleaned_data.get("state") in ("overdue", "due_soon"):
            # Deadline lists read best soonest-first, and that order follows the (plan, is_complete, due_by) index.
            return self.filterset.qs.order_by("due_by", "pk")
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["plan"] = self.get_plan()
        context["scale"] = list(self.get_plan().rag_scale.all())
        return context


class PlanSinceView(PlanMixin, TemplateView):
    """What changed in the plan between the committee's previous meeting and this one."""

    template_name = "improvement/plan_since.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        plan = self.get_plan()
        presentations = PlanPresentation.objects.visible_to(self.request.user).with_meeting().filter(plan=plan)
        presentation = presentations.filter(agenda_item__meeting_id=self.kwargs["meeting_id"]).first()
        if presentation is None:
            raise Http404("This plan was not on that meeting's agenda.")
        meeting = presentation.agenda_item.meeting
        previous = Meeting.objects.previous_to(meeting)
        earlier = presentations.filter(agenda_item__meeting__date__lt=meeting.date).latest_first().first()
        context.update(
            plan=plan,
            presentation=presentation,
            meeting=meeting,
            previous=previous,
            earlier_presentation=earlier,
            changes=plan_changes(plan=plan, since=previous.date if previous else None, until=meeting.date),
            scale=list(plan.rag_scale.all()),
        )
        return context


class PresentationDetailView(DetailView):
    """The plan frozen as it was presented to a meeting."""

    template_name = "improvement/presentation_detail.html"
    context_object_name = "presentation"

    def get_queryset(self):
        presentations = PlanPresentation.objects.visible_to(self.request.user).with_meeting()
        return presentations.exclude(plan__status=ImprovementPlan.Status.DRAFT)


class PlanPDFView(PlanMixin, View):
    """The printed plan: built by the worker once per change to the plans' data, served as a file."""

    def get(self, request, *args, **kwargs):
        plan = self.get_plan()
        return built_pdf_response(
            request,
            kind="improvement-plan",
            key=plan.slug,
            audience=BuiltPdf.Audience.PUBLIC,  # only published plans reach here, and they are public
            version=plan_print_version(),
            filename=f"{plan.slug}.pdf",
            title=f"“{plan.name}”",
        )


class InspectionListView(ListView):
    template_name = "improvement/inspection_list.html"
    context_object_name = "inspections"

    def get_queryset(self):
        return Inspection.objects.with_counts().select_related("follows").latest_first()


class InspectionDetailView(DetailView):
    template_name = "improvement/inspection_detail.html"
    context_object_name = "inspection"

    def get_queryset(self):
        return Inspection.objects.with_detail()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["follow_ups"] = self.object.follow_ups.order_by("start_date")
        return context


class MeasureListView(FilteredListView):
    template_name = "improvement/measure_list.html"
    filterset_class = MeasureFilter
    context_object_name = "measures"
    paginate_by = 50

    def base_queryset(self):
        return Measure.objects.active().with_latest().listed().order_by("name", "pk")


class MeasureDetailView(DetailView):
    """A KPI's chart (latest periods) with its data table, target, comparators and RAG key."""

    template_name = "improvement/measure_detail.html"
    context_object_name = "measure"

    def get_queryset(self):
        return Measure.objects.all()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        measure = self.object
        # The priorities with their plans in one plain query (cheaper than a prefetch), only the columns printed.
        # Only those of published plans: a draft plan's name and priorities are not public.
        priorities = list(
            measure.priorities.of_published_plans()
            .select_related("plan")
            .only("number", "label", "plan__slug", "plan__short_name", "plan__name")
        )
        recent = list(Measurement.objects.filter(measure=measure).latest_first()[:CHART_PERIODS])
        recent.reverse()
        total = Measurement.objects.filter(measure=measure).count()
        rows = [{"m": m, "rag": measure.rag_for(m.value)} for m in reversed(recent)]
        context.update(
            priorities=priorities,
            chronological=recent,
            rows=rows,
            total=total,
            latest=recent[-1] if recent else None,
            has_illustrative=any(m.illustrative for m in recent),
            has_target=measure.effective_green is not None,
            has_national=any(m.national is not None for m in recent),
            has_regional=any(m.regional is not None for m in recent),
            has_neighbours=any(m.statistical_neighbours is not None for m in recent),
        )
        return context


class MeasureCSVView(View):
    """Every period of a measure as CSV (UTF-8 with a BOM so Excel reads the £ sign)."""

    def get(self, request, slug):
        measure = get_object_or_404(Measure, slug=slug)
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{measure.slug}.csv"'
        response.write("\ufeff")
        writer = csv.writer(response)
        writer.writerow(
            [
                "measure",
                "unit",
                "period",
                "period_start",
                "period_end",
                "value",
                "rag",
                "target",
                "england",
                "north_west",
                "statistical_neighbours",
                "illustrative",
                "source",
                "note",
            ]
        )
        for m in Measurement.objects.filter(measure=measure).order_by("period_end").iterator(chunk_size=2000):
            writer.writerow(
                [
                    measure.name,
                    measure.get_unit_display(),
                    m.label,
                    m.period_start or "",
                    m.period_end,
                    m.value,
                    measure.rag_for(m.value),
                    measure.target_value if measure.target_value is not None else "",
                    m.national if m.national is not None else "",
                    m.regional if m.regional is not None else "",
                    m.statistical_neighbours if m.statistical_neighbours is not None else "",
                    "yes" if m.illustrative else "no",
                    m.source,
                    m.note,
                ]
            )
        return response
