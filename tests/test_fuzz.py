"""Hostile input never produces a 500, and anything echoed back is escaped (hypothesis-driven)."""

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.test import RequestFactory
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import UserFactory

SCRIPT = "<script>alert(1)</script>"
HOSTILE = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        [
            SCRIPT,
            "A" * 5000,
            "'; DROP TABLE meetings_meeting; --",
            "1 OR 1=1",
            "\x00\x01\x02",
            "\u202e\u200b",
            "31/02/2025",
            "2025-13-45",
            "99999999999999999999999",
            "-1",
            "0",
            "",
            "../../etc/passwd",
            "%00",
        ]
    ),
)
FUZZ = settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

OUR_APPS = {"committee", "meetings", "complaints", "improvement"}


def _addable(model_admin):
    """Admins that offer an add form at all (read-only logs do not)."""
    request = RequestFactory().get("/admin/")
    request.user = get_user_model()(is_superuser=True, is_staff=True, is_active=True)
    return model_admin.has_add_permission(request)


ADMIN_ADD_URLS = sorted(
    reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")
    for model, model_admin in admin.site._registry.items()
    if model._meta.app_label in OUR_APPS and _addable(model_admin)
)


def form_field_names(response):
    """Names of the fields (and inline management data) of the admin form in `response`."""
    names, data = [], {}
    form = response.context["adminform"].form
    names += [form.add_prefix(name) for name in form.fields]
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        data.update({f"{formset.prefix}-{k}": v for k, v in formset.management_form.initial.items()})
        data[f"{formset.prefix}-TOTAL_FORMS"] = "1"
        names += [formset.empty_form.add_prefix(name).replace("__prefix__", "0") for name in formset.empty_form.fields]
    return names, data


@pytest.mark.django_db
@pytest.mark.parametrize("url", ADMIN_ADD_URLS)
@FUZZ
@given(values=st.lists(HOSTILE, min_size=1, max_size=60))
def test_admin_add_forms_survive_hostile_input(client, url, values):
    client.force_login(UserFactory(username="fuzz-admin", is_superuser=True, is_staff=True))
    names, data = form_field_names(client.get(url))
    data.update({name: values[i % len(values)] for i, name in enumerate(names)})
    response = client.post(url, data)
    assert response.status_code in (200, 302)
    assert SCRIPT.encode() not in response.content


PUBLIC_FILTERS = [
    ("meetings:list", ["committee", "year", "status", "page"]),
    ("meetings:decisions", ["q", "committee", "year", "kind", "page"]),
    ("meetings:actions", ["state", "owner", "committee", "page"]),
    ("meetings:questions", ["page"]),
    ("meetings:people", ["page"]),
    ("improvement:measures", ["q", "plan", "page"]),
    ("search:index", ["q", "committee", "kind", "date_from", "date_to", "page", "format"]),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "params"), PUBLIC_FILTERS)
@FUZZ
@given(values=st.lists(HOSTILE, min_size=1, max_size=6))
def test_public_filters_survive_hostile_input(client, name, params, values):
    query = {param: values[i % len(values)] for i, param in enumerate(params)}
    response = client.get(reverse(name), query)
    assert response.status_code in (200, 400, 404)  # 400: a NUL byte (committee.request_checks)
    assert SCRIPT.encode() not in response.content
