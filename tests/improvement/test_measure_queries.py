"""The KPI page and the KPI list: a fixed, small number of queries however many measures and periods there are."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from improvement.models import Measure
from tests.improvement.factories import MeasureFactory, MeasurementFactory, PlanFactory, PriorityFactory

pytestmark = pytest.mark.django_db

LIST = reverse("improvement:measures")


def measures(n: int, periods: int, start: int = 0) -> list[Measure]:
    made = []
    for i in range(start, start + n):
        measure = MeasureFactory(name=f"Measure {i:03d}", slug=f"measure-q-{i}")
        for p in range(periods):
            MeasurementFactory(measure=measure, period_end=datetime.date(2020, 1, 31) + datetime.timedelta(days=31 * p), value=p)
        measure.priorities.add(PriorityFactory(plan=PlanFactory()))
        made.append(measure)
    return made


def test_the_kpi_list_runs_the_same_queries_for_one_measure_and_for_ten_times_as_many(client, django_assert_max_num_queries):
    measures(1, 2)
    client.get(LIST)  # warm whatever a process loads once
    with django_assert_max_num_queries(6) as one:  # the measures with their latest values, the count, the plans filter
        client.get(LIST)
    measures(10, 12, start=1)
    with django_assert_max_num_queries(len(one.captured_queries)):
        html = client.get(LIST).content.decode()
    assert html.count("Measure 0") == 11


def test_the_kpi_page_runs_the_same_queries_for_one_period_and_for_a_hundred(client, django_assert_max_num_queries):
    small, big = measures(1, 1) + measures(1, 100, start=1)
    client.get(small.get_absolute_url())  # warm whatever a process loads once
    # the savepoint, the measure, its priorities with their plans, its periods, their count, the release
    with django_assert_max_num_queries(6) as one:
        client.get(small.get_absolute_url())
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert client.get(big.get_absolute_url()).status_code == 200


def test_the_latest_value_is_the_latest_periods_exactly():
    measure = MeasureFactory(slug="measure-latest")
    MeasurementFactory(measure=measure, period_end=datetime.date(2025, 3, 31), value=Decimal("12.3456"), period_label="March 2025")
    MeasurementFactory(
        measure=measure, period_end=datetime.date(2025, 4, 30), value=Decimal("0.1000"), period_label="April 2025", illustrative=True
    )
    listed = Measure.objects.with_latest().get(pk=measure.pk)
    assert (listed.latest_value, listed.latest_period_label, listed.latest_illustrative) == (Decimal("0.1000"), "April 2025", True)
    empty = Measure.objects.with_latest().get(pk=MeasureFactory(slug="measure-empty").pk)
    assert (empty.latest_value, empty.latest_period_label, empty.latest_illustrative) == (None, None, None)


def test_a_short_list_of_a_plans_measures_knows_how_many_there_are_in_the_same_query(django_assert_num_queries):
    # given a plan with 25 active measures (more than the dashboard lists) and an inactive one
    priority = PriorityFactory(plan=PlanFactory())
    for i in range(26):
        MeasureFactory(name=f"Measure {i:02d}", slug=f"measure-total-{i}", is_active=i < 25).priorities.add(priority)
    # then the first 20 come back in one query, each carrying the total of 25
    with django_assert_num_queries(1):
        listed = list(Measure.objects.for_plan(priority.plan).active().listed().with_total().order_by("name")[:20])
    assert [m.name for m in listed] == [f"Measure {i:02d}" for i in range(20)]
    assert {m.total for m in listed} == {25}
