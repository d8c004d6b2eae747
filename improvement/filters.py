"""List filters (django-filter) for a plan's actions."""

import datetime

import django_filters
from django.db.models import Q

from improvement.models import ImprovementAction, ImprovementPlan, Measure, Priority, Rag


class ActionFilter(django_filters.FilterSet):
    STATE_CHOICES = [
        ("open", "Not completed"),
        ("overdue", "Overdue"),
        ("due_soon", "Due in the next 30 days"),
        ("complete", "Completed"),
    ]
    NOT_RATED = "none"

    q = django_filters.CharFilter(method="filter_text", label="Words in the action or accountable officer")
    state = django_filters.ChoiceFilter(choices=STATE_CHOICES, method="filter_state", empty_label="Any", label="Status")
    rag = django_filters.ChoiceFilter(
        choices=[*Rag.choices, (NOT_RATED, "Not rated")], method="filter_rag", empty_label="Any", label="Impact RAG"
    )
    priority = django_filters.ModelChoiceFilter(queryset=Priority.objects.none(), empty_label="All priorities")

    class Meta:
        model = ImprovementAction
        fields = ["q", "state", "rag", "priority"]

    def __init__(self, *args, plan, today: datetime.date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today or datetime.date.today()
        # Only what a choice prints (its label and the start of its title).
        self.filters["priority"].queryset = Priority.objects.filter(plan=plan).only("label", "title").order_by("number")
        self.filters["priority"].field.label_from_instance = lambda p: f"{p.label}: {p.title[:60]}"

    def filter_text(self, qs, name, value):
        return qs.filter(Q(text__icontains=value) | Q(accountable__icontains=value) | Q(reference__iexact=value))

    def filter_state(self, qs, name, value):
        if value == "overdue":
            return qs.overdue(self.today)
        if value == "due_soon":
            return qs.due_within(30, self.today)
        if value == "complete":
            return qs.complete()
        return qs.open()

    def filter_rag(self, qs, name, value):
        return qs.with_rag("" if value == self.NOT_RATED else value)


class MeasureFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label="Words in the measure's name")
    plan = django_filters.ModelChoiceFilter(
        queryset=ImprovementPlan.objects.published().order_by("name"), method="filter_plan", empty_label="All plans", label="Plan"
    )

    class Meta:
        model = Measure
        fields = ["q", "plan"]

    def filter_plan(self, qs, name, value):
        return qs.for_plan(value)
