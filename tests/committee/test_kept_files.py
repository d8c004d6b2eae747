"""Public PDFs on the lean path (committee.printing.KeptFilesMiddleware): conditional GETs, one query for a kept public
copy, and never a restricted, withdrawn or newly exempt copy to someone who may not read it."""

import pytest
from django.core.cache import cache
from django.test import TestCase
from django.urls import reverse

from committee.printing import forget_kept_files, kept_file_key
from meetings import services
from meetings.models import AgendaItem, Document, Meeting
from tests.meetings.test_packs import _packs_in_tmp, page_texts, world  # noqa: F401 (fixtures)
from tests.pdfs import body, get_pdf

pytestmark = pytest.mark.django_db


def published_minutes(world):  # noqa: F811
    with TestCase.captureOnCommitCallbacks(execute=True):  # the transaction commits: the printed version moves on
        services.minutes_publish_draft(meeting=world["july"], by=world["clerk"])
    return reverse("meetings:minutes_pdf", args=[world["july"].pk])


def text_of(response) -> str:
    return "\n".join(page_texts(body(response)))


def test_a_public_pdf_carries_its_etag_and_a_current_copy_is_answered_304(client, world):  # noqa: F811
    url = published_minutes(world)
    response = get_pdf(client, url)
    assert response.status_code == 200
    etag = response["ETag"]
    assert response["Last-Modified"]
    # Shared caches may keep it, but must ask every time: a withdrawn document is never answered from a cache.
    assert response["Cache-Control"] == "public, no-cache"
    assert "Cookie" in response["Vary"]
    for _ in range(2):  # from the view, then from the lean path
        again = client.get(url, HTTP_IF_NONE_MATCH=etag)
        assert again.status_code == 304
        assert again.content == b""
        assert again["ETag"] == etag
        assert again["Cache-Control"] == "public, no-cache"
    assert client.get(url, HTTP_IF_NONE_MATCH='"an-older-copy"').status_code == 200
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=response["Last-Modified"]).status_code == 304


def test_a_kept_public_copy_is_served_with_one_query(client, world, django_assert_num_queries):  # noqa: F811
    url = published_minutes(world)
    first = body(get_pdf(client, url))
    assert cache.get(kept_file_key(url))
    with django_assert_num_queries(1):  # the data version: no session, user, meeting or minutes queries
        response = client.get(url)
    assert response.status_code == 200
    assert body(response) == first
    assert response["Cache-Control"] == "public, no-cache"
    forget_kept_files()  # as another worker process would find it: in the shared cache only
    with django_assert_num_queries(1):
        assert body(client.get(url)) == first


def test_withdrawn_minutes_are_never_served_from_the_lean_path(client, world):  # noqa: F811
    url = published_minutes(world)
    assert get_pdf(client, url).status_code == 200
    assert client.get(url).status_code == 200  # kept
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.minutes_unpublish(meeting=world["july"], by=world["clerk"])
    assert client.get(url).status_code == 404


def test_a_paper_made_exempt_is_never_served_from_the_lean_path(client, world):  # noqa: F811
    meeting = world["meeting"]
    Meeting.objects.filter(pk=meeting.pk).update(agenda_status=Meeting.AgendaStatus.PUBLISHED)
    report = Document.objects.get(agenda_item__meeting=meeting, agenda_item__number=6)
    url = reverse("meetings:document_pdf", args=[report.pk])
    assert get_pdf(client, url).status_code == 200
    assert cache.get(kept_file_key(url))
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.agenda_item_set_exemption(item=AgendaItem.objects.get(pk=report.agenda_item_id), paragraph=3, by=world["clerk"])
    assert client.get(url).status_code == 404


def test_restricted_copies_are_never_kept_and_signed_in_readers_get_their_own(client, world):  # noqa: F811
    draft = reverse("meetings:minutes_pdf", args=[world["july"].pk])  # draft minutes, not published
    client.force_login(world["member"])
    member = get_pdf(client, draft)
    assert "EXEMPT-MINUTE-TEXT" in text_of(member)
    assert member["Cache-Control"] == "private, no-store"
    assert cache.get(kept_file_key(draft)) is None
    client.logout()
    assert client.get(draft).status_code == 404
    # An exempt paper is one copy for everyone allowed to open it: a member's download keeps nothing for the public.
    Meeting.objects.filter(pk=world["meeting"].pk).update(agenda_status=Meeting.AgendaStatus.PUBLISHED)
    exempt = Document.objects.get(agenda_item__meeting=world["meeting"], agenda_item__number=8)
    paper = reverse("meetings:document_pdf", args=[exempt.pk])
    client.force_login(world["member"])
    assert "EXEMPT-REPORT-TEXT" in text_of(get_pdf(client, paper))
    assert cache.get(kept_file_key(paper)) is None
    client.logout()
    assert client.get(paper).status_code == 404
    # Once public minutes are kept, a member still gets the members' copy at the same address, not the kept one.
    url = published_minutes(world)
    assert "EXEMPT-MINUTE-TEXT" not in text_of(get_pdf(client, url))
    client.force_login(world["member"])
    member = get_pdf(client, url)
    assert "EXEMPT-MINUTE-TEXT" in text_of(member)
    assert member["Cache-Control"] == "private, no-store"
