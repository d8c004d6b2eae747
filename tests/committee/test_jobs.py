"""Jobs whose row is the truth (committee.jobs): claimed once, taken over when their worker dies, sent again by the
reconciler, failed with a reason after too many interruptions, retried by the clerk; packs published in the order their
builds started; PDFs prepared by the worker and served as files.

These run the job code in the test's process (the real worker and broker: tests/test_production.py).
"""

import datetime

import pytest
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from committee import jobs
from committee.access import SYSTEM
from committee.models import BuiltPdf
from meetings import packs
from meetings.models import AgendaPack
from tests.meetings.test_packs import _packs_in_tmp, page_texts, world  # noqa: F401 (fixtures)
from tests.pdfs import body

pytestmark = pytest.mark.django_db


def queued(meeting, **kwargs) -> list[AgendaPack]:
    """Start a build as the admin does: rows queued, the job sent to the worker when the transaction commits."""
    built = packs.pack_build(meeting=meeting, background=True, by=SYSTEM, **kwargs)
    assert {pack.status for pack in built} == {AgendaPack.Status.QUEUED}
    return built


def fresh(pack) -> AgendaPack:
    return AgendaPack.objects.get(pk=pack.pk)


def test_a_second_delivery_of_a_job_builds_nothing(world):  # noqa: F811
    public, _restricted = queued(world["meeting"])
    assert packs.pack_run(pack_id=public.pk) is not None
    built = fresh(public)
    assert built.status == AgendaPack.Status.READY
    assert built.attempts == 1
    # the broker delivers the same message again (at-least-once): nothing is built or changed
    assert packs.pack_run(pack_id=public.pk) is None
    assert packs.pack_run(pack_id=public.pk, redelivered=True) is None
    assert fresh(public).file.name == built.file.name
    assert fresh(public).attempts == 1


def test_a_job_held_by_a_live_worker_is_left_alone_but_a_dead_workers_is_taken_over(world):  # noqa: F811
    public, _restricted = queued(world["meeting"])
    token = jobs.claim(AgendaPack, public.pk)  # a worker starts it...
    assert token == 1
    assert fresh(public).status == AgendaPack.Status.BUILDING
    assert packs.pack_run(pack_id=public.pk) is None  # ...so a second copy of the message waits its lease out
    # the broker hands the message back because that worker's connection closed unacknowledged: it died
    assert packs.pack_run(pack_id=public.pk, redelivered=True) is not None
    assert fresh(public).status == AgendaPack.Status.READY
    assert fresh(public).attempts == 2


def test_a_worker_given_up_for_dead_that_finishes_late_changes_nothing(world):  # noqa: F811
    from meetings import pdf

    public, _restricted = queued(world["meeting"])
    slow_token = jobs.claim(AgendaPack, public.pk)
    rendered = pdf.render_pack(packs.pack_spec(pack=fresh(public)))
    AgendaPack.objects.filter(pk=public.pk).update(lease_until=timezone.now() - datetime.timedelta(seconds=1))
    jobs.reconcile(queued_grace=0)  # sends it again: another worker (this process, eagerly) builds it
    winner = fresh(public)
    assert winner.status == AgendaPack.Status.READY
    assert winner.attempts == 2
    # the first worker wakes up and tries to finish: its token is stale
    assert packs._pack_finish(pack_id=public.pk, token=slow_token, name="packs/late.pdf", rendered=rendered) is None
    assert fresh(public).file.name == winner.file.name


def test_the_reconciler_sends_again_what_sat_queued_or_building_past_its_lease(world, django_capture_on_commit_callbacks):  # noqa: F811
    public, restricted = queued(world["meeting"], publish=True)
    # the message of the public pack was lost with a broker restart; the restricted pack's worker died mid-build
    jobs.claim(AgendaPack, restricted.pk)
    long_ago = timezone.now() - datetime.timedelta(hours=1)
    AgendaPack.objects.filter(pk=public.pk).update(queued_at=long_ago)
    AgendaPack.objects.filter(pk=restricted.pk).update(lease_until=long_ago)
    # a build still within its lease, or queued a moment ago, is not touched
    assert jobs.reconcile(now=long_ago - datetime.timedelta(hours=1))["meetings.AgendaPack"] == 0
    sent = jobs.reconcile()
    assert sent["meetings.AgendaPack"] == 2
    assert fresh(public).status == fresh(restricted).status == AgendaPack.Status.READY
    assert fresh(public).is_current
    assert fresh(public).published_at


def test_a_build_interrupted_too_often_fails_with_a_reason_and_the_clerk_can_try_again(client, world, settings):  # noqa: F811
    public, restricted = queued(world["meeting"])
    AgendaPack.objects.filter(pk=public.pk).update(
        status=AgendaPack.Status.BUILDING, attempts=settings.JOB_MAX_ATTEMPTS, lease_until=timezone.now() - datetime.timedelta(minutes=1)
    )
    jobs.reconcile()
    failed = fresh(public)
    assert failed.status == AgendaPack.Status.FAILED
    assert "stopped before finishing 3 times" in failed.error
    # the clerk sees it on the meeting's page, with the reason and a way to try again
    client.force_login(world["clerk"])
    page = client.get(reverse("admin:meetings_meeting_change", args=[world["meeting"].pk])).content.decode()
    assert "<strong>failed</strong>: The build stopped before finishing 3 times" in page
    retry = reverse("admin:meetings_meeting_pack_retry", args=[world["meeting"].pk, public.pk])
    assert f'href="{retry}"' in page
    assert "The last try failed" in client.get(retry).content.decode()
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(retry)
    again = fresh(public)
    assert again.status == AgendaPack.Status.READY
    assert again.attempts == 1
    assert not again.error


def test_the_meeting_page_shows_queued_and_building_packs(client, world):  # noqa: F811
    public, restricted = queued(world["meeting"], publish=True)
    jobs.claim(AgendaPack, restricted.pk)
    client.force_login(world["clerk"])
    page = client.get(reverse("admin:meetings_meeting_change", args=[world["meeting"].pk])).content.decode()
    assert "<strong>queued</strong>, waiting for the worker since" in page
    assert "<strong>building</strong> since" in page
    assert "It will be published once it is built." in page


def test_an_older_build_finishing_after_a_newer_one_was_published_never_replaces_it(world):  # noqa: F811
    # given two builds to be published, the first started before the second
    first = queued(world["meeting"], publish=True)
    second = queued(world["meeting"], publish=True)
    assert (first[0].version, second[0].version) == (1, 2)
    # when the newer build finishes (and is published) first, and the older one after it
    for pack in second:
        packs.pack_run(pack_id=pack.pk)
    for pack in first:
        packs.pack_run(pack_id=pack.pk)
    # then the newer build stays the current pack; the older one is built, not published, and says why
    assert fresh(second[0]).is_current
    assert fresh(second[1]).is_current
    older = fresh(first[0])
    assert older.status == AgendaPack.Status.READY
    assert older.published_at is None
    assert not older.is_current
    assert older.error == "Built but not published: version 2, started later, was published first."
    assert AgendaPack.objects.filter(meeting=world["meeting"], is_current=True).count() == 2  # public and restricted of v2


def test_builds_finishing_in_order_publish_in_order(world):  # noqa: F811
    first = queued(world["meeting"], publish=True)
    second = queued(world["meeting"], publish=True)
    for pack in [*first, *second]:
        packs.pack_run(pack_id=pack.pk)
    assert fresh(first[0]).published_at
    assert not fresh(first[0]).is_current
    assert fresh(second[0]).is_current


# ---------------------------------------------------------------------------
# Built PDFs: prepared by the worker, served as files, once per version of the data
# ---------------------------------------------------------------------------
def test_a_pdf_not_built_yet_is_queued_and_said_to_be_prepared_then_served_from_its_file(client, world):  # noqa: F811
    from meetings import services

    services.minutes_publish_draft(meeting=world["july"], by=world["clerk"])
    url = reverse("meetings:minutes_pdf", args=[world["july"].pk])
    with TestCase.captureOnCommitCallbacks() as callbacks:
        response = client.get(url)
    # nothing is laid out in the request: the build is queued for the worker
    assert response.status_code == 202
    assert response["Refresh"] == "3"
    assert response["Cache-Control"] == "no-store"
    assert "This PDF is being prepared" in response.content.decode()
    built = BuiltPdf.objects.get(kind="minutes", key=str(world["july"].pk))
    assert built.status == BuiltPdf.Status.QUEUED
    assert built.audience == BuiltPdf.Audience.PUBLIC
    # asking again before it is built queues nothing more
    with TestCase.captureOnCommitCallbacks() as again:
        assert client.get(url).status_code == 202
    assert not [c for c in again if "pdf_build" in repr(c)]
    assert BuiltPdf.objects.filter(kind="minutes").count() == 1
    # once the worker has run the job, the stored file is served
    for callback in callbacks:
        callback()
    built.refresh_from_db()
    assert built.status == BuiltPdf.Status.READY
    assert built.file
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    with built.file.open("rb") as stored:
        assert body(response) == stored.read()


def test_a_change_to_what_is_printed_makes_a_new_pdf_and_members_get_their_own_copy(client, world):  # noqa: F811
    from meetings import services
    from tests.pdfs import get_pdf

    services.minutes_publish_draft(meeting=world["july"], by=world["clerk"])
    url = reverse("meetings:minutes_pdf", args=[world["july"].pk])
    assert get_pdf(client, url).status_code == 200
    minute = world["july"].minute_items.get(number=60)
    minute.body = "Janet Lloyd provided REVISED detail."
    with TestCase.captureOnCommitCallbacks(execute=True):
        minute.save()  # its transaction commits: the printed version moves on
    response = client.get(url)
    assert response.status_code == 202  # the old file is never served for the new data
    assert "REVISED" in " ".join(page_texts(body(get_pdf(client, url))))
    client.force_login(world["member"])
    assert get_pdf(client, url).status_code == 200
    audiences = set(BuiltPdf.objects.filter(kind="minutes").values_list("audience", flat=True))
    assert audiences == {BuiltPdf.Audience.PUBLIC, BuiltPdf.Audience.RESTRICTED}


def test_protected_files_can_be_handed_to_the_front_server(client, world, settings):  # noqa: F811
    public, _restricted = packs.pack_build(meeting=world["meeting"], background=False, by=SYSTEM)
    packs.pack_publish(pack=public, by=SYSTEM)
    settings.PROTECTED_MEDIA_SERVER = "x-accel-redirect"
    response = client.get(public.get_absolute_url())
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == f"/protected-media/{public.file.name}"
    assert response.content == b""
    settings.PROTECTED_MEDIA_SERVER = "x-sendfile"
    assert client.get(public.get_absolute_url())["X-Sendfile"] == public.file.path


def test_a_bulk_change_is_re_indexed_for_search_by_the_worker(settings):
    from search.models import SearchEntry
    from tests.factories import CommitteeFactory

    settings.SEARCH_INDEX_IN_REQUEST_LIMIT = 1
    with TestCase.captureOnCommitCallbacks(execute=True) as callbacks:
        CommitteeFactory(name="Bulk Quokka Committee", slug="bulk-quokka")
        CommitteeFactory(name="Bulk Numbat Committee", slug="bulk-numbat")
    # the commit queued one job (search.index_records) instead of indexing in the request; the worker indexed both
    assert SearchEntry.objects.filter(title__in=["Bulk Quokka Committee", "Bulk Numbat Committee"]).count() == 2
    assert callbacks
