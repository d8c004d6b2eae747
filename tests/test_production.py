"""The production shape, for real: two gunicorn servers on two loopback ports sharing PostgreSQL (the test database),
Redis (the cache) and one Celery worker on RabbitMQ (tests/live.py), with the production settings.

- A pack built and published through one server is served by the other.
- A change made through one server is seen through the other at once, not a page cached before it.
- The worker is killed (SIGKILL, process group) in the middle of a build, started again, and the pack ends built and
  published: the broker hands the unacknowledged job back and the new worker takes it over.

The worker is caught mid-build deterministically: this test holds the meeting's row lock, which a build takes to
finish, and waits until PostgreSQL shows the worker waiting for it; no sleeps, every wait polls with a generous limit.
These tests commit (transactional_db), as the servers see only committed data; the database is emptied afterwards.
"""

import datetime

import psycopg2
import pytest
from django.apps import apps
from django.db import connection
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from committee.access import SYSTEM
from committee.models import Person
from committee.roles import migration_sync_roles, sync_roles
from meetings.models import AgendaPack
from tests import live
from tests.factories import UserFactory
from tests.meetings.test_packs import _packs_in_tmp, world  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "live-test-password-long"


@pytest.fixture(scope="module", autouse=True)
def _roles_survive_the_flush(django_db_setup, django_db_blocker):
    """The flush after a transactional test takes the roles' groups with it; the next run's ordinary tests need them."""
    yield
    with django_db_blocker.unblock():
        migration_sync_roles(apps, None)


@pytest.fixture
def stack(tmp_path, settings):
    """Two web servers and a worker (started by the test when it wants it); everything stopped afterwards."""
    media = tmp_path / "media"
    settings.MEDIA_ROOT = media
    live.purge_queue()
    env = live.environment(media, JOB_LEASE_SECONDS="60")
    port_a, port_b = live.free_ports(2)
    servers = [live.gunicorn(port, env, tmp_path / f"web-{port}.log").start() for port in (port_a, port_b)]
    processes = {"a": servers[0], "b": servers[1], "ports": (port_a, port_b), "env": env, "tmp": tmp_path, "workers": []}
    try:
        for _server, port in zip(servers, (port_a, port_b), strict=True):
            live.wait_for(lambda port=port: _answers(port), timeout=120, what=f"gunicorn on {port}")
        yield processes
    except BaseException:
        for process in [*servers, *processes["workers"]]:
            print(f"--- {process.name} ---\n{process.output()}")
        raise
    finally:
        for process in [*servers, *processes["workers"]]:
            process.stop()
        live.purge_queue()


def _answers(port) -> bool:
    try:
        return live.Browser(port).get("/healthz/")[0] == 200
    except OSError:
        return False


def start_worker(stack) -> live.Process:
    process = live.worker(stack["env"], stack["tmp"] / f"worker-{len(stack['workers'])}.log").start()
    stack["workers"].append(process)
    return process


def sign_in(port, username, device=None) -> live.Browser:
    browser = live.Browser(port)
    extra = {"username": username, "password": PASSWORD}
    if device is not None:
        extra["otp_token"] = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    status, headers, content = browser.submit("/accounts/login/", extra=extra)
    assert status == 302, f"sign-in of {username} refused: {content.decode()[-3000:]}"
    return browser


def public_pack(meeting):
    return AgendaPack.objects.filter(meeting=meeting, audience=AgendaPack.Audience.PUBLIC).order_by("-version").first()


def waiting_for_a_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND wait_event_type = 'Lock'", [connection.settings_dict["NAME"]]
        )
        return cursor.fetchone()[0] > 0


def test_two_servers_share_one_record_and_a_killed_worker_still_publishes_the_pack(stack, world, settings):  # noqa: F811 (fixture)
    sync_roles()
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]  # what the servers check with
    meeting, clerk = world["meeting"], world["clerk"]
    clerk.set_password(PASSWORD)
    clerk.save()
    device = TOTPDevice.objects.create(user=clerk, name="phone", confirmed=True)
    officer = UserFactory(username="live-officer", role="Officer")
    officer.set_password(PASSWORD)
    officer.save()
    officer_device = TOTPDevice.objects.create(user=officer, name="phone", confirmed=True)  # every role uses two-factor
    world["committee"].supporting_officers.add(officer)
    person = Person.objects.get(slug="d-berry")
    a, b = stack["ports"]

    # --- a change through A is seen through B, not a page B's cache kept from before it --------------------------
    anonymous_b = live.Browser(b)
    status, _, before = anonymous_b.get("/search/?q=Quillfeather")
    assert status == 200
    assert f"/people/{person.slug}/".encode() not in before
    officer_a = sign_in(a, "live-officer", officer_device)
    status, headers, _ = officer_a.submit(f"/admin/committee/person/{person.pk}/change/", {"name": "D Quillfeather"}, form_id="person_form")
    assert status == 302, "the officer's change was refused"
    status, _, after = anonymous_b.get("/search/?q=Quillfeather")
    assert status == 200
    assert f"/people/{person.slug}/".encode() in after
    assert b"D Quillfeather" in anonymous_b.get(f"/people/{person.slug}/")[2]

    # --- the clerk builds and publishes through A while the worker is stopped: the job waits in RabbitMQ -----------
    clerk_a = sign_in(a, clerk.username, device)
    status, _, _ = clerk_a.submit(f"/admin/meetings/meeting/{meeting.pk}/pack/publish/")
    assert status == 302
    pack = public_pack(meeting)
    assert pack.status == AgendaPack.Status.QUEUED
    assert pack.publish_when_built

    # --- hold the meeting's lock: a worker can build, but not finish; kill it while it waits ----------------------
    holder = psycopg2.connect(live.database_url())
    try:
        cursor = holder.cursor()
        cursor.execute("SELECT id FROM meetings_meeting WHERE id = %s FOR UPDATE", [meeting.pk])
        first = start_worker(stack)
        live.wait_for(lambda: public_pack(meeting).status == AgendaPack.Status.BUILDING, what="the worker to start building")
        live.wait_for(waiting_for_a_lock, what="the build to reach its last step")
        first.kill()
        holder.rollback()
    finally:
        holder.close()
    pack = public_pack(meeting)
    assert pack.status == AgendaPack.Status.BUILDING
    assert pack.published_at is None
    assert b"Agenda pack (PDF" not in anonymous_b.get(f"/meetings/{meeting.pk}/")[2]

    # --- a new worker: the broker hands the job back, the pack is built and published ---------------------------
    start_worker(stack)
    live.wait_for(lambda: public_pack(meeting).published_at is not None, what="the pack to be published")
    pack = public_pack(meeting)
    assert pack.status == AgendaPack.Status.READY
    assert pack.is_current
    assert pack.attempts == 2  # the killed try, then the one that finished
    assert pack.published_by == clerk
    restricted = AgendaPack.objects.get(meeting=meeting, version=pack.version, audience=AgendaPack.Audience.RESTRICTED)
    assert restricted.status == AgendaPack.Status.READY
    assert restricted.is_current

    # --- built through A's request, served by B -----------------------------------------------------------------
    status, _, page = anonymous_b.get(f"/meetings/{meeting.pk}/")
    assert status == 200
    assert b"Agenda pack (PDF" in page
    status, headers, data = anonymous_b.get(f"/packs/{pack.pk}/")
    assert status == 200
    assert headers["Content-Type"] == "application/pdf"
    with pack.file.open("rb") as stored:
        assert data == stored.read()
    assert anonymous_b.get(f"/packs/{restricted.pk}/")[0] == 404  # the members' pack is never the public's
    assert live.Browser(b).json("/readyz/") == (200, {"status": "ok", "database": "ok", "cache": "ok", "queue": "ok"})


def test_a_pdf_asked_for_through_one_server_is_built_by_the_worker_and_served_by_the_other(stack, world):  # noqa: F811 (fixture)
    from meetings import services

    services.minutes_publish_draft(meeting=world["july"], by=world["clerk"])
    a, b = stack["ports"]
    start_worker(stack)
    url = f"/meetings/{world['july'].pk}/minutes.pdf"
    status, headers, page = live.Browser(a).get(url)
    assert status == 202
    assert b"This PDF is being prepared" in page
    assert headers["Refresh"]

    def served_by_b():
        status, headers, data = live.Browser(b).get(url)
        return status == 200 and data.startswith(b"%PDF") and data

    data = live.wait_for(served_by_b, what="the minutes PDF to be built")
    assert b"EXEMPT-MINUTE-TEXT" not in data  # the public's copy (the exempt minute is left out of its text too)


# ---------------------------------------------------------------------------
# Backups: every table's rows and every stored file come back
# ---------------------------------------------------------------------------
@pytest.fixture
def scratch_database():
    """An empty database beside the test database, for the restore (dropped afterwards)."""
    name = f"{connection.settings_dict['NAME']}_restore"[:63]
    admin = psycopg2.connect(live.database_url().rsplit("/", 1)[0] + "/postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        yield name
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def test_backup_and_restore_bring_back_every_row_and_every_file(world, scratch_database, tmp_path, settings):  # noqa: F811 (fixture)
    import hashlib
    import subprocess
    import sys

    from committee.backup import backup, table_counts
    from committee.media import stored_files
    from meetings import packs

    # given a record with built packs, an uploaded paper and a deleted paper's left-over file
    packs.pack_build(meeting=world["meeting"], background=False, by=SYSTEM)
    assert stored_files()
    # when it is backed up, and restored into an empty database and an empty media folder (a new machine)
    archive = tmp_path / "scrutiny.tar"
    manifest = backup(archive)
    restored_media = tmp_path / "restored-media"
    env = live.environment(restored_media, DATABASE_URL=live.database_url().rsplit("/", 1)[0] + f"/{scratch_database}")
    result = subprocess.run(
        [sys.executable, "manage.py", "restore", str(archive), "--yes"], cwd=live.ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr
    # then every table has the same number of rows as the original
    with psycopg2.connect(env["DATABASE_URL"]) as restored:
        assert table_counts(using=restored) == table_counts() == manifest["tables"]
    assert sum(manifest["tables"].values()) > 100
    # and every stored file is back, byte for byte
    original = {name: hashlib.sha256((settings.MEDIA_ROOT / name).read_bytes()).hexdigest() for name in stored_files()}
    copied = {
        str(path.relative_to(restored_media)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in restored_media.rglob("*")
        if path.is_file()
    }
    assert copied == original
    assert len(original) >= 3  # the uploaded strategy and the public and restricted packs


def test_orphaned_files_are_removed_and_referenced_ones_kept(world, settings):  # noqa: F811 (fixture)
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from committee.media import remove_orphaned_media, stored_files
    from meetings.models import Document

    # given a paper deleted after its upload, and a stray file
    paper = Document.objects.filter(file__gt="").first()
    kept = paper.file.name
    stray = default_storage.save("uploads/stray.pdf", ContentFile(b"%PDF-1.4 stray"))
    other = Document.objects.create(
        agenda_item=paper.agenda_item, title="Withdrawn appendix", file=ContentFile(b"%PDF-1.4 x", name="gone.pdf")
    )
    gone = other.file.name
    other.delete()
    # when the orphans are removed (no grace period, so this run's files count)
    result = remove_orphaned_media(dry_run=False, grace=datetime.timedelta(0))
    # then the deleted paper's file and the stray one are gone, the live paper's file kept
    assert set(result["files"]) == {stray, gone}
    assert kept in stored_files()
    assert stray not in stored_files()
    assert gone not in stored_files()
