"""No page breaks, no internal link is dead, and every page's footer links the accessibility statement: crawl the site
from `/` as each kind of viewer.

The demo committee, the complaints demo and the improvement demo are loaded, then each viewer follows every internal
`<a href>` breadth-first with the Django test client (real PostgreSQL, real views, no mocks). A response of 5xx, an
exception, or a 404 (or any other 4xx) for a link that a page showed fails the test; every failure is reported
together, with the page that linked it. A redirect to the sign-in page, a 401 or a 403 is recorded, not failed: the
viewer lacks permission there. CSV, PDF, calendar and feed responses are fetched in full but not parsed for links.

The crawl is bounded so that it stays well under two minutes: at most MAX_URLS distinct URLs per viewer and at most
MAX_PER_ROUTE URLs per URL pattern (the view name the path resolves to, or its route), so that filter and page
permutations of one list, or the 67 people and 135 plan actions of the demo, do not crowd out the rest of the site.
"""

import time
import traceback
from collections import Counter, deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urldefrag, urlencode, urljoin, urlsplit

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import Resolver404, resolve, reverse

from committee.models import Committee, Membership
from search import receivers
from tests.factories import UserFactory

COMMITTEE_SLUG = "children-and-young-people-scrutiny-committee"
MAX_URLS = 300
MAX_PER_ROUTE = 10
# Paths never requested: the admin has its own tests, and signing out would end the viewer's session.
SKIPPED_PREFIXES = ("/admin/", "/accounts/logout/")
SKIPPED_SCHEMES = ("mailto:", "tel:", "javascript:", "data:")
# The hosts whose links are this site's own: the test client's, and SITE_URL (used in feeds, calendars and emails).
INTERNAL_HOSTS = {"", "testserver", urlsplit(settings.SITE_URL).netloc}


class LinkParser(HTMLParser):
    """Collects the href of every <a> in an HTML page, and separately those inside its <footer>."""

    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []
        self.footer_hrefs: list[str] = []
        self.in_footer = 0

    def handle_starttag(self, tag, attrs):
        if tag == "footer":
            self.in_footer += 1
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href.strip())
                if self.in_footer:
                    self.footer_hrefs.append(href.strip())

    def handle_endtag(self, tag):
        if tag == "footer" and self.in_footer:
            self.in_footer -= 1


def normalise(href: str, base: str) -> str | None:
    """The internal URL an href points to, as `path?sorted-query` without its fragment; None if not to be crawled."""
    if href.lower().startswith(SKIPPED_SCHEMES) or href.startswith("#"):
        return None
    url, _fragment = urldefrag(urljoin(f"http://testserver{base}", href))
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or parts.netloc not in INTERNAL_HOSTS:
        return None
    path = parts.path or "/"
    if path.startswith(SKIPPED_PREFIXES):
        return None
    query = urlencode(sorted(parse_qsl(parts.query, keep_blank_values=True)))
    return f"{path}?{query}" if query else path


def route_of(url: str) -> str:
    """The URL pattern a URL resolves to (its own path if none does, so that each dead path is still tried)."""
    try:
        match = resolve(urlsplit(url).path)
    except Resolver404:
        return urlsplit(url).path
    return match.view_name or match.route


@dataclass
class Crawl:
    viewer: str
    visited: list[str] = field(default_factory=list)
    statement_routes: set[str] = field(default_factory=set)  # page types whose footer links the accessibility statement
    failures: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)  # sign-in redirects and 403s: the viewer lacks permission
    left_out: int = 0  # links not followed because their pattern or the crawl had reached its cap
    seconds: float = 0.0


def crawl(client: Client, viewer: str, start: str = "/") -> Crawl:
    """Breadth-first from `start` over internal links, recording every broken response with the page that linked it."""
    result = Crawl(viewer)
    login_path = reverse("login")
    statement_path = reverse("meetings:accessibility")
    queue = deque([(start, "(start)")])
    seen = {start}
    queued = 1
    per_route = Counter({route_of(start): 1})
    started = time.monotonic()
    while queue:
        url, linked_from = queue.popleft()
        result.visited.append(url)
        try:
            with transaction.atomic():  # a failed request must not poison the test's transaction for the next one
                response = client.get(url)
                content = b"".join(response.streaming_content) if response.streaming else response.content
        except Exception as error:  # every exception is a finding, reported with the others
            frames = traceback.extract_tb(error.__traceback__)
            where = " <- ".join(f"{f.filename.removeprefix(str(settings.BASE_DIR) + '/')}:{f.lineno}" for f in frames[-3:][::-1])
            result.failures.append(f"{url} (linked from {linked_from}): {type(error).__name__}: {error} at {where}")
            continue
        status = response.status_code
        if status in (401, 403):
            result.refused.append(f"{url} (linked from {linked_from}): {status}")
            continue
        if status >= 400:
            result.failures.append(f"{url} (linked from {linked_from}): {status}")
            continue
        links: list[str] = []
        if status in (301, 302, 303, 307, 308):
            location = response["Location"]
            if urlsplit(location).path == login_path:
                result.refused.append(f"{url} (linked from {linked_from}): sign-in")
                continue
            links = [location]
            linked_from = f"{url} (redirect)"
        elif response.get("Content-Type", "").startswith("text/html"):
            parser = LinkParser()
            parser.feed(content.decode(response.charset or "utf-8"))
            links = parser.hrefs
            linked_from = url
            # Every page links the accessibility statement from its footer (the 2018 accessibility regulations).
            if statement_path in {urlsplit(href).path for href in parser.footer_hrefs}:
                result.statement_routes.add(route_of(url))
            else:
                result.failures.append(f"{url}: no link to the accessibility statement in the page's footer")
        for href in links:
            target = normalise(href, urlsplit(url).path)
            if target is None or target in seen:
                continue
            seen.add(target)
            route = route_of(target)
            if per_route[route] >= MAX_PER_ROUTE or queued >= MAX_URLS:
                result.left_out += 1
                continue
            per_route[route] += 1
            queued += 1
            queue.append((target, linked_from))
    result.seconds = time.monotonic() - started
    return result


@pytest.fixture
def site(demo, settings):
    """The demo committee with its complaints and improvement demos, indexed for search."""
    settings.REQUIRE_TWO_FACTOR = False  # as in config/settings/test.py; the viewers sign in with force_login
    call_command("load_complaints_demo", verbosity=0)
    call_command("load_improvement_demo", verbosity=0)
    receivers.flush()  # index what was saved: indexing runs when a transaction commits, which a test never does
    return Committee.objects.get(slug=COMMITTEE_SLUG)


def viewers(committee: Committee) -> dict[str, Client]:
    """A signed-in client per viewer: the public, a member councillor, a supporting clerk, a complaints officer."""
    clients = {"public": Client()}

    councillor = UserFactory(username="crawl-councillor", role="Councillor")
    seats = Membership.objects.current().filter(committee=committee, person__user__isnull=True).select_related("person")
    seat = seats.order_by("pk").first()  # a demo councillor (seats are open-ended) now signs in as this user
    seat.person.user = councillor
    seat.person.save(update_fields=["user"])
    clerk = UserFactory(username="crawl-clerk", role="Clerk")
    committee.supporting_officers.add(clerk)
    complaints_officer = UserFactory(username="crawl-complaints-officer", role="Complaints officer")

    for name, user in [("councillor (member)", councillor), ("clerk (supports)", clerk), ("complaints officer", complaints_officer)]:
        client = Client()
        client.force_login(user)
        clients[name] = client
    return clients


def test_crawl_finds_no_broken_page_or_dead_link(site):
    # given: the demo site and four viewers
    clients = viewers(site)

    # when: each viewer follows every internal link from the home page
    results = [crawl(client, name) for name, client in clients.items()]

    # then: nothing broke, and no link shown led nowhere
    summary = "\n".join(
        f"{r.viewer}: {len(r.visited)} URLs in {r.seconds:.1f}s, {len(r.refused)} refused, {r.left_out} links left out by the caps"
        for r in results
    )
    print(summary)
    for r in results:
        for line in r.refused:
            print(f"  refused to {r.viewer}: {line}")
    failures = [f"[{r.viewer}] {line}" for r in results for line in r.failures]
    assert not failures, f"{len(failures)} broken pages or dead links:\n" + "\n".join(failures) + "\n\n" + summary
    assert all(len(r.visited) > 50 for r in results), summary
    # and: the accessibility statement was reached from the footer, by every viewer, on every type of page they saw
    for r in results:
        assert "meetings:accessibility" in {route_of(url) for url in r.visited}, r.viewer
        assert len(r.statement_routes) > 15, (r.viewer, sorted(r.statement_routes))
