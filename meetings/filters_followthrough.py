"""Filters for the recommendations register."""

import django_filters

from committee.models import Committee
from meetings.models import Recommendation


class RecommendationFilter(django_filters.FilterSet):
    committee = django_filters.ModelChoiceFilter(queryset=Committee.objects.all(), empty_label="All committees")
    to_body = django_filters.CharFilter(lookup_expr="icontains", label="Sent to")
    response = django_filters.ChoiceFilter(choices=Recommendation.Response.choices, empty_label="Any response")
    implementation = django_filters.ChoiceFilter(choices=Recommendation.Implementation.choices, empty_label="Any progress")

    class Meta:
        model = Recommendation
        fields = ["committee", "to_body", "response", "implementation"]
