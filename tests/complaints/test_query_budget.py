"""The annual report runs a fixed number of queries whatever the year's size: aggregation happens in the database."""

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from complaints.models import Complaint

pytestmark = pytest.mark.django_db

# The request's savepoint and release, the parts' data versions, the published figures and, with nothing kept
# (complaints.kept), one batch of 9 grouped queries per year for all its parts, in a savepoint of its own with two
# planner settings, and the report as published (the year's report, and other reports' figures about the year; its
# figures and text when it has them): the same for 100 complaints or 100,000. After a change only the changed
# parts' batch runs (tests/complaints/test_report_years.py).
REPORT_BUDGET = 37
PAGES = [
    reverse("complaints:report", args=["2024-25"]),
    reverse("complaints:report_csv", args=["2024-25", "teams"]),
    reverse("complaints:report_pdf", args=["2024-25"]),
    reverse("complaints:index"),
]


def cold_query_counts(client) -> dict[str, int]:
    counts = {}
    for url in PAGES:
        cache.clear()  # the uncached computation is what must stay bounded
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code in (200, 202)  # a PDF not built yet is queued (202), never built here
        counts[url] = len(queries)
    return counts


def test_report_query_count_is_the_same_with_ten_times_the_records(client, django_assert_max_num_queries):
    """Guards against per-row queries in the tables, the charts, the CSV and the PDF."""
    # given three years of 40 complaints each
    call_command("generate_complaints_bench", complaints=40, years=3, verbosity=0)
    small = cold_query_counts(client)
    # when each year has ten times as many
    call_command("generate_complaints_bench", complaints=400, years=3, verbosity=0)
    assert Complaint.objects.count() == 1200
    large = cold_query_counts(client)
    # then every page runs the same, bounded, number of queries
    assert large == small
    for url in PAGES[:3]:
        with django_assert_max_num_queries(REPORT_BUDGET):
            cache.clear()
            client.get(url)


def test_a_cached_report_costs_one_query_besides_the_savepoint(client, django_assert_max_num_queries):
    call_command("generate_complaints_bench", complaints=40, years=3, verbosity=0)
    url = reverse("complaints:report", args=["2024-25"])
    client.get(url)
    with django_assert_max_num_queries(3):  # savepoint, the data version, release; the tables come from the cache
        client.get(url)
