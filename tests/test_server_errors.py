"""Each request that once ended in a 500 (issue 16), kept as a regression test; and what a 500 leaves in the log."""

import json
import logging
import os
import subprocess
import sys

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.urls import path

from config.env import BASE_DIR
from meetings.models import Action, Meeting
from tests.factories import ActionFactory, CommitteeFactory, MeetingFactory, MinuteItemFactory
from tests.pdfs import body

pytestmark = pytest.mark.django_db


@pytest.fixture
def undated_commitment():
    """An open commitment "to a future meeting": no due date (as the demo data's undated actions are)."""
    meeting = MeetingFactory(committee=CommitteeFactory(slug="errors-committee"), minutes_status=Meeting.MinutesStatus.APPROVED)
    return ActionFactory(minute_item=MinuteItemFactory(meeting=meeting), due_date=None, status=Action.Status.OPEN)


def test_the_actions_api_with_default_parameters_lists_an_undated_commitment_as_not_overdue(client, undated_commitment):
    response = client.get("/api/actions")
    assert response.status_code == 200
    (row,) = [row for row in response.json()["items"] if row["id"] == undated_commitment.pk]
    assert row["is_overdue"] is False
    assert row["due_date"] is None


def test_the_follow_through_page_downloads_its_commitments_as_csv(client, undated_commitment):
    response = client.get("/committees/errors-committee/follow-through/", {"format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert undated_commitment.description in body(response).decode()
    # and each of its tables by name; a name that is not a table is a 404, not an error
    assert client.get("/committees/errors-committee/follow-through/", {"format": "csv", "table": "by_year"}).status_code == 200
    assert client.get("/committees/errors-committee/follow-through/", {"format": "csv", "table": "nonsense"}).status_code == 404


@pytest.mark.parametrize(
    "url", ["/search/?q=care%00homes", "/decisions/?q=%00", "/api/actions?status=open%00", "/api/events?organization=%00"]
)
def test_a_nul_byte_in_search_or_a_filter_is_a_400_that_says_why(client, url):
    response = client.get(url)
    assert response.status_code == 400
    assert b"NUL character" in response.content


@pytest.mark.parametrize("offset", ["99999999999999999999", "10000001", "-1"])
def test_an_absurd_api_offset_is_a_422_that_says_why(client, offset):
    response = client.get("/api/events", {"offset": offset})
    assert response.status_code == 422
    assert "offset" in json.dumps(response.json())


def test_a_huge_api_limit_is_capped_and_a_negative_one_refused(client):
    assert client.get("/api/events", {"limit": "99999999999"}).status_code == 200
    assert client.get("/api/events", {"limit": "-1"}).status_code == 422


def test_migrate_makes_the_database_cache_table_so_search_and_the_complaints_report_work(client, settings):
    # given a database cache whose table nobody created
    table = "scrutiny_cache_regression"
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": table}}
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {table}")
    # when the site is migrated (as every deployment and `make run` does), with no createcachetable step
    call_command("migrate", verbosity=0)
    # then the table exists and the cached pages answer
    assert table in connection.introspection.table_names()
    assert client.get("/search/", {"q": "care"}).status_code == 200
    assert client.get("/complaints/").status_code == 200
    cache.set("regression", "kept")
    assert cache.get("regression") == "kept"


# ---------------------------------------------------------------------------
# Logs: one line per request with its id; a 500's traceback
# ---------------------------------------------------------------------------
def broken_view(request):
    raise RuntimeError("LOGGED-BOOM")


urlpatterns = [path("boom/", broken_view)]


def test_a_server_error_is_logged_with_its_traceback_and_the_request_id(client, settings, caplog):
    settings.ROOT_URLCONF = __name__
    client.raise_request_exception = False
    with caplog.at_level(logging.INFO):
        response = client.get("/boom/", headers={"X-Request-ID": "0f5e3b2a9c8d4e6f8a7b6c5d4e3f2a1b"})
    assert response.status_code == 500
    assert response["X-Request-ID"] == "0f5e3b2a9c8d4e6f8a7b6c5d4e3f2a1b"  # the front server's id is kept and returned
    errors = [record for record in caplog.records if record.name == "django.request"]
    assert errors
    assert errors[0].exc_info
    assert "LOGGED-BOOM" in str(errors[0].exc_info[1])
    access = [record for record in caplog.records if record.name == "scrutiny.requests"]
    assert len(access) == 1
    assert access[0].getMessage().startswith("GET '/boom/' 500")
    assert access[0].request_id == "0f5e3b2a9c8d4e6f8a7b6c5d4e3f2a1b"


def test_every_request_gets_an_id_in_its_response_and_its_log_line(client, caplog):
    with caplog.at_level(logging.INFO, logger="scrutiny.requests"):
        response = client.get("/healthz/")
    assert len(response["X-Request-ID"]) == 32
    (line,) = [record for record in caplog.records if record.name == "scrutiny.requests"]
    assert line.request_id == response["X-Request-ID"]


# ---------------------------------------------------------------------------
# Health checks
# ---------------------------------------------------------------------------
def test_ready_when_the_database_cache_and_queue_answer(client):
    response = client.get("/readyz/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok", "queue": "ok"}


PROBE = """
import json, django
django.setup()
from django.test import Client
client = Client()
print(json.dumps({path: [r.status_code, r.json()] for path in ("/healthz/", "/readyz/") for r in [client.get(path)]}))
"""


def test_not_ready_when_the_database_is_down_though_the_process_is_healthy(unused_tcp_port):
    # given a process whose DATABASE_URL points at a port where no database listens (the real one is left alone)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{unused_tcp_port}/scrutiny",
        "PYTHONPATH": str(BASE_DIR),
    }
    # when the load balancer asks
    result = subprocess.run([sys.executable, "-c", PROBE], env=env, cwd=BASE_DIR, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    answers = json.loads(result.stdout.strip().splitlines()[-1])
    # then the process is alive but not ready, and says it is the database
    assert answers["/healthz/"] == [200, {"status": "ok"}]
    status, body = answers["/readyz/"]
    assert status == 503
    assert body["database"] == "unreachable"
    assert body["status"] == "unavailable"
    assert body["cache"] == "ok"
