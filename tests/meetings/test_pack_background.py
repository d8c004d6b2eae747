"""The background build: its own thread and database connection, so the admin is not kept waiting.

A thread has its own connection, so it sees only committed data: this test runs on a transactional database,
which is flushed afterwards (taking the roles data migration's groups with it; they are put back below).
"""

import threading
import time

import pytest
from django.apps import apps

from committee.roles import migration_sync_roles
from meetings import packs
from meetings.models import AgendaPack
from tests.meetings.test_packs import _packs_in_tmp, world  # noqa: F401 (fixtures)


@pytest.fixture(scope="module", autouse=True)
def _roles_survive_the_flush(django_db_setup, django_db_blocker):
    """With --reuse-db the next run's ordinary tests would find no groups after the flush, so restore them
    (permissions first, in case the flush did not recreate them)."""
    yield
    with django_db_blocker.unblock():
        migration_sync_roles(apps, None)


@pytest.mark.django_db(transaction=True)
def test_background_build_runs_in_its_own_thread_and_publishes_when_ready(world, settings):  # noqa: F811 (fixture)
    settings.AGENDA_PACK_BUILD_IN_BACKGROUND = True
    packs_started = packs.pack_build(meeting=world["meeting"], by=world["clerk"], publish=True)
    assert {p.status for p in packs_started} == {AgendaPack.Status.BUILDING}  # the caller is not kept waiting
    deadline = time.monotonic() + 120

    def settled():
        public = AgendaPack.objects.get(meeting=world["meeting"], audience=AgendaPack.Audience.PUBLIC)
        return public.status == AgendaPack.Status.FAILED or public.published_at is not None

    while not settled():
        assert time.monotonic() < deadline, "background build did not finish"
        time.sleep(0.2)
    # Publishing goes on after published_at is set (re-indexing for search, notices): let the thread finish, or the
    # flush after this test can deadlock with its last transaction.
    for thread in threading.enumerate():
        if thread.name.startswith("agenda-pack-"):
            thread.join(timeout=60)
    public = AgendaPack.objects.get(meeting=world["meeting"], audience=AgendaPack.Audience.PUBLIC)
    assert public.status == AgendaPack.Status.READY
    assert public.is_current
    assert public.published_by == world["clerk"]
