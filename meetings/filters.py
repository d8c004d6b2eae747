"""List filters (django-filter) for the public registers."""

import datetime

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q

from committee.dates import municipal_year, municipal_year_bounds
from committee.models import Committee, Person
from meetings.models import Action, Meeting, Resolution


def municipal_year_choices():
    """Municipal years from 2015-16 to next year, newest first."""
    this_year = municipal_year(datetime.date.today())
    first = int(this_year[:4]) + 1
    return [(f"{y}-{str(y + 1)[-2:]}", f"{y}-{str(y + 1)[-2:]}") for y in range(first, 2014, -1)]


class MunicipalYearFilter(django_filters.ChoiceFilter):
    """Filter a date field to a municipal year ("2025-26")."""

    def __init__(self, *args, date_field: str, **kwargs):
        self.date_field = date_field
        super().__init__(*args, choices=[], label="Municipal year", **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        first, last = municipal_year_bounds(value)
        return qs.filter(**{f"{self.date_field}__range": (first, last)})


class MunicipalYearFilterSet(django_filters.FilterSet):
    """Fills municipal-year choices per request, so they move on with the calendar."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for f in self.filters.values():
            if isinstance(f, MunicipalYearFilter):
                f.extra["choices"] = municipal_year_choices()


class MeetingFilter(MunicipalYearFilterSet):
    committee = django_filters.ModelChoiceFilter(queryset=Committee.objects.all(), empty_label="All committees")
    year = MunicipalYearFilter(date_field="date", empty_label="All years")
    status = django_filters.ChoiceFilter(choices=Meeting.Status.choices, empty_label="Any status")

    class Meta:
        model = Meeting
        fields = ["committee", "year", "status"]


class ResolutionFilter(MunicipalYearFilterSet):
    q = django_filters.CharFilter(method="filter_text", label="Words in the decision")
    # The decision's own copies of its committee and meeting date (kept by the model), so filters need no join.
    committee = django_filters.ModelChoiceFilter(
        field_name="committee", queryset=Committee.objects.all(), empty_label="All committees", label="Committee"
    )
    year = MunicipalYearFilter(date_field="meeting_date", empty_label="All years")
    kind = django_filters.ChoiceFilter(choices=Resolution.Kind.choices, empty_label="Any type", label="Type of decision")

    class Meta:
        model = Resolution
        fields = ["q", "committee", "year", "kind"]

    def filter_text(self, qs, name, value):
        return qs.filter(Q(text__icontains=value) | Q(minute_item__title__icontains=value))


class PersonChoiceField(forms.ModelChoiceField):
    """A choice of person whose <option>s (council_tags.select_options) are read as rows of id, honorific and name, not
    as a Person each: the tracker offers hundreds of owners. The label is Person.__str__'s (tests hold them equal)."""

    def option_rows(self) -> list[tuple[int, str]]:
        rows = self.queryset.values_list("pk", "honorific", "name")
        return [(pk, f"{honorific} {name}".strip()) for pk, honorific, name in rows]


class PersonChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = PersonChoiceField


class CommitteeChoiceField(forms.ModelChoiceField):
    """A choice of committee whose <option>s are read as rows of id and name (Committee.__str__), not as a committee
    each with its remit, contacts and every other column."""

    def option_rows(self) -> list[tuple[int, str]]:
        return list(self.queryset.values_list("pk", "name"))


class CommitteeChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = CommitteeChoiceField


class ActionFilter(django_filters.FilterSet):
    STATE_CHOICES = [("open", "Open"), ("overdue", "Overdue"), ("done", "Done"), ("all", "All")]

    state = django_filters.ChoiceFilter(choices=STATE_CHOICES, method="filter_state", empty_label="Open", label="Status")
    # People who own any action: a semi-join on the owner index, not DISTINCT over a join with every action.
    owner = PersonChoiceFilter(queryset=Person.objects.filter(Exists(Action.objects.filter(owner=OuterRef("pk")))), empty_label="Anyone")
    committee = CommitteeChoiceFilter(
        field_name="committee", queryset=Committee.objects.all(), empty_label="All committees", label="Committee"
    )

    class Meta:
        model = Action
        fields = ["state", "owner", "committee"]

    def filter_state(self, qs, name, value):
        if value == "overdue":
            return qs.overdue()
        if value == "done":
            return qs.done()
        if value == "all":
            return qs
        return qs.open()

    @property
    def qs(self):
        qs = super().qs
        # No state chosen means "open", the tracker's natural view.
        if not self.form.is_bound or not self.form.cleaned_data.get("state"):
            qs = qs.open()
        return qs
