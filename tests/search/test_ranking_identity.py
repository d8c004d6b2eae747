"""The results page lists exactly what ranking every match would: for the queries the search tests use (words, two
words, a phrase, a prefix, a prefix in a phrase, OR, minus), every page in order, and the counts per kind."""

import datetime
from collections import Counter

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from search import views
from search.models import SearchEntry
from search.query import matching, parse, ranked
from tests.factories import DocumentFactory, MeetingFactory, MinuteItemFactory

pytestmark = pytest.mark.django_db
URL = reverse("search:index")
QUERIES = [
    "fostering",
    "kinship",
    "corporate parenting strategy",
    '"children in care"',
    "safegu*",
    '"safeguarding partner*"',
    "adoption OR fostering",
    "adoption -fostering",
    "adopt* OR foster*",
    "respite",
]
BODIES = [
    "Corporate parenting strategy. " * 3,
    "Fostering was mentioned once, in passing.",
    "Support for children in care was discussed, with kinship carers.",
    "Children were discussed; care leavers later. Respite provision.",
    "The safeguarding partnership's annual report on adoption.",
    "Adoption and fostering figures; kinship care arrangements.",
    "Respite. Respite. Fostering sufficiency and adoption.",
]
TITLES = ["Fostering sufficiency", "Kinship care", "Corporate parenting strategy", "Respite report", "Budget monitoring"]


@pytest.fixture
def corpus(flush_index):
    """Enough matches for three pages, on several dates (some the same day), in two kinds."""
    for n in range(45):
        meeting = MeetingFactory(date=datetime.date(2024, 1, 1) + datetime.timedelta(days=7 * (n % 9)))
        MinuteItemFactory(meeting=meeting, title=f"ITEM {n}", body=BODIES[n % len(BODIES)] * (1 + n % 3))
        if n % 4 == 0:
            DocumentFactory(agenda_item__meeting=meeting, title=TITLES[n % len(TITLES)], body=BODIES[(n + 2) % len(BODIES)])
    flush_index()


def every_match_ranked(q: str) -> list[int]:
    """Today's order, by definition: every visible match ranked (exact title, rank, newest, id), no limit."""
    parsed = parse(q)
    return list(ranked(matching(SearchEntry.objects.visible_to(AnonymousUser()), parsed), parsed).values_list("pk", flat=True))


def listed(client, q: str) -> tuple[list[int], dict]:
    pks, page, counts = [], 1, None
    while True:
        response = client.get(URL, {"q": q, "page": page})
        assert response.status_code == 200
        pks += [r.pk for r in response.context["results"]]
        counts = counts or {k["value"]: k["count"] for k in response.context["kinds"]}
        if not response.context["page_obj"].has_next():
            return pks, counts
        page += 1


@pytest.mark.parametrize("q", QUERIES)
def test_every_page_lists_what_ranking_every_match_would(client, corpus, q):
    expected = every_match_ranked(q)
    assert 0 < len(expected) <= views.RANK_LIMIT  # the test queries are ranked, not listed newest first
    pks, counts = listed(client, q)
    assert pks == expected
    assert counts == dict(Counter(SearchEntry.objects.filter(pk__in=expected).values_list("kind", flat=True)))
