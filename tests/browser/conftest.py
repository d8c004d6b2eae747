"""Fixtures for the real-browser tests: headless Debian Chromium driven by Playwright against live_server.

No browser is ever downloaded: Playwright launches the system Chromium (`make browser-deps` installs it;
set CHROMIUM to use another binary). Every test here uses `live_server`, so its data is created inside the
test (the `demo` fixture or factories) on a transactional database that is flushed afterwards.
"""

import os
import shutil

import pytest
from playwright.sync_api import expect, sync_playwright

from committee.roles import sync_roles
from tests.browser.helpers import CHROMIUM, CHROMIUM_ARGS, DESKTOP
from tests.factories import UserFactory

# Playwright's sync API keeps an asyncio event loop in this thread, and Django refuses ORM calls from a thread
# with a running loop. The calls here are ordinary synchronous ones, so tell Django they are safe.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

expect.set_options(timeout=10_000)


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium per test module (starting it costs about a second)."""
    if not shutil.which(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: run `make browser-deps` (Debian chromium; no browser download).")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module", autouse=True)
def _roles_survive_the_flush(django_db_setup, django_db_blocker):
    """Put the role groups back after this module's last flush.

    live_server tests end by flushing the test database, which also removes the groups that the roles data
    migration created. With --reuse-db the next run's ordinary tests would then find no groups, so restore them.
    """
    yield
    with django_db_blocker.unblock():
        sync_roles()


@pytest.fixture
def context(browser, live_server):
    """A fresh browser profile (no cookies) whose relative URLs go to the live server."""
    ctx = browser.new_context(base_url=live_server.url, viewport=DESKTOP)
    ctx.set_default_timeout(10_000)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context):
    return context.new_page()


@pytest.fixture
def make_user(transactional_db):
    """make_user("Officer") -> a user in that role group with UserFactory's password (helpers.PASSWORD).

    The role groups are synced first: the flush at the end of every live_server test removes them.
    """

    def make(role: str, username: str | None = None):
        sync_roles()
        return UserFactory(role=role, **({"username": username} if username else {}))

    return make
