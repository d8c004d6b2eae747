"""Search filters (django-filter): committee, kind and date range. The words themselves are matched in search.query."""

import django_filters
from django import forms

from committee.models import Committee
from search.models import SearchEntry


class SearchFilter(django_filters.FilterSet):
    committee = django_filters.ModelChoiceFilter(queryset=Committee.objects.all(), empty_label="All committees")
    kind = django_filters.ChoiceFilter(choices=SearchEntry.Kind.choices, empty_label="Everything", label="Type")
    date_from = django_filters.DateFilter(
        field_name="date", lookup_expr="gte", label="From", help_text="For example, 1/5/2025", widget=forms.TextInput
    )
    date_to = django_filters.DateFilter(
        field_name="date", lookup_expr="lte", label="To", help_text="For example, 30/4/2026", widget=forms.TextInput
    )

    class Meta:
        model = SearchEntry
        fields = ["committee", "kind", "date_from", "date_to"]

    def queryset_without(self, queryset, *names):
        """`queryset` with every valid filter applied except `names` (for counts per kind across the other filters)."""
        for name, value in self.form.cleaned_data.items():
            if name not in names:
                queryset = self.filters[name].filter(queryset, value)
        return queryset
