"""`make run` uses SQLite (no DATABASE_URL), while the suite runs on PostgreSQL: so here the demo is loaded into a
fresh SQLite database in a subprocess, as `make run` loads it, and every public page reachable from the home page is
opened, and a few pages of each signed-in role. A query only PostgreSQL understands (a `::` cast, a LIMIT inside a
UNION, a PostgreSQL function) broke pages of `make run` this way twice before this test."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CRAWL = r"""
import re, sys
import django
django.setup()
import logging
logging.disable(logging.CRITICAL)
from django.core.management import call_command
from django.contrib.auth import get_user_model
from django.test import Client

call_command("migrate", verbosity=0)
call_command("load_demo", verbosity=0)
failures, seen = [], set()
todo = ["/", "/improvement/", "/complaints/", "/search/?q=school", "/api/actions", "/api/events"]
client = Client()
while todo and len(seen) < 1000:
    path = todo.pop(0)
    if path in seen:
        continue
    seen.add(path)
    response = client.get(path, HTTP_HOST="127.0.0.1")
    if response.status_code >= 500:
        failures.append((path, response.status_code))
    if response.status_code == 200 and "text/html" in response.get("Content-Type", ""):
        for href in re.findall(r'href="(/[^"#]*)"', response.content.decode()):
            href = href.replace("&amp;", "&")
            skip = ("/static", "/admin", "/accounts", "/media")
            if not href.startswith(skip) and not href.endswith((".pdf", "/pdf/")) and href not in seen:
                todo.append(href)
for username in ("clerk", "officer", "councillor"):
    signed_in = Client()
    signed_in.force_login(get_user_model().objects.get(username=username))
    for path in ("/", "/actions/", "/decisions/", "/complaints/work-list/", "/improvement/measures/", "/admin/"):
        response = signed_in.get(path, HTTP_HOST="127.0.0.1")
        if response.status_code >= 500:
            failures.append((username, path, response.status_code))
print(len(seen), "pages")
print("FAILURES", failures)
sys.exit(1 if failures or len(seen) < 100 else 0)
"""


def test_the_demo_on_sqlite_answers_every_public_page_without_a_server_error(tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "CACHE_URL", "DJANGO_SETTINGS_MODULE", "CELERY_BROKER_URL")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.local",
        DATABASE_URL=f"sqlite:///{tmp_path / 'scrutiny.sqlite3'}",
        MEDIA_ROOT=str(tmp_path / "media"),
    )
    result = subprocess.run([sys.executable, "-c", CRAWL], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
