"""The complaints officer's work list filters (django-filter)."""

import datetime

import django_filters

from complaints.models import Stage, Team


class WorkListFilter(django_filters.FilterSet):
    STATE_CHOICES = [("overdue", "Overdue"), ("due", "Due in the next 2 working days")]

    state = django_filters.ChoiceFilter(choices=STATE_CHOICES, method="filter_state", empty_label="Overdue or due soon", label="Due")
    number = django_filters.ChoiceFilter(choices=Stage.Number.choices, empty_label="Any stage", label="Stage")
    team = django_filters.ModelChoiceFilter(
        field_name="complaint__teams", queryset=Team.objects.all(), empty_label="Any team", label="Team"
    )

    class Meta:
        model = Stage
        fields = ["state", "number", "team"]

    def filter_state(self, qs, name, value):
        today = datetime.date.today()
        if value == "overdue":
            return qs.filter(due_date__lt=today)
        if value == "due":
            return qs.filter(due_date__gte=today)
        return qs
