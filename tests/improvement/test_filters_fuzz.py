"""Hostile input in the public filters never produces a 500, and nothing is echoed back unescaped (hypothesis)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.improvement.factories import ActionFactory
from tests.test_fuzz import FUZZ, HOSTILE, SCRIPT

FILTERS = {"plan_actions": ["q", "state", "rag", "priority", "page"], "measures": ["q", "plan", "page"]}


@pytest.mark.django_db
@pytest.mark.parametrize("page", list(FILTERS))
@FUZZ
@given(values=st.lists(HOSTILE, min_size=1, max_size=6))
def test_improvement_filters_survive_hostile_input(client, page, values):
    action = ActionFactory()
    url = f"{action.plan.get_absolute_url()}actions/" if page == "plan_actions" else "/improvement/measures/"
    response = client.get(url, {param: values[i % len(values)] for i, param in enumerate(FILTERS[page])})
    assert response.status_code in (200, 400, 404)  # 400: a NUL byte (committee.request_checks)
    assert SCRIPT.encode() not in response.content
