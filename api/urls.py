"""Read-only open data API: the django-ninja API's URL patterns, under the "api" namespace."""

from django.urls import path
from django.views.generic import RedirectView

from api.api import api

app_name = "api"
urlpatterns = [
    # /api/ itself shows the documentation (ninja's own root pattern, kept for reversing, answers 404).
    path("", RedirectView.as_view(pattern_name="api:openapi-view"), name="index"),
    *api.urls[0],
]
