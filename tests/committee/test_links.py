"""committee.links.record_url: the same address as reverse(), reversed once per URL configuration."""

import pytest
from django.urls import NoReverseMatch, reverse, set_script_prefix

from committee.links import record_url


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("meetings:detail", {"pk": 42}),
        ("meetings:person", {"slug": "cllr-jane-smith"}),
        ("improvement:priority", {"slug": "send-plan", "number": 3}),
        ("meetings:home", {}),
    ],
)
def test_record_url_is_reverse(name, kwargs):
    assert record_url(name, **kwargs) == reverse(name, kwargs=kwargs)
    assert record_url(name, **kwargs) == reverse(name, kwargs=kwargs)  # from the stored pattern the second time


def test_values_that_are_not_integers_or_slugs_go_through_reverse():
    with pytest.raises(NoReverseMatch):
        record_url("meetings:detail", pk="not a number")
    with pytest.raises(NoReverseMatch):
        record_url("meetings:detail", pk=-1)


def test_script_prefix_is_kept_apart():
    plain = record_url("meetings:detail", pk=7)
    set_script_prefix("/scrutiny/")
    try:
        assert record_url("meetings:detail", pk=7) == "/scrutiny" + plain == reverse("meetings:detail", kwargs={"pk": 7})
    finally:
        set_script_prefix("/")
