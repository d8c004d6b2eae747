"""Every URL pattern the resolver knows, the API included, answers hostile input with a 4xx or a page, never a 500.

The concrete URLs come from the access matrix (tests/test_access_matrix.py: every named pattern must be declared there),
so a new page is fuzzed as soon as it is declared. Each URL is asked for with hypothesis-chosen query parameters: NUL
bytes, markup, huge and negative numbers, unknown enum values, dates that do not exist, and repeated parameters; and
with its path's numbers and slugs swapped for absurd ones. The admin's add forms are fuzzed in tests/test_fuzz.py.
"""

import re
from urllib.parse import urlencode, urlsplit

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.test_access_matrix import url_cases, world  # noqa: F401 (fixture)
from tests.test_fuzz import HOSTILE, SCRIPT

pytestmark = pytest.mark.django_db

# Deterministic (the same examples every run, in any order) and small enough for CI: ~70 patterns × 8 requests.
URL_FUZZ = settings(
    max_examples=8,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Parameter names the pages, filters and API read, plus a few no page knows.
PARAMS = [
    "q",
    "page",
    "format",
    "table",
    "committee",
    "year",
    "status",
    "kind",
    "state",
    "owner",
    "date_from",
    "date_to",
    "limit",
    "offset",
    "plan",
    "rag",
    "priority",
    "organization_id",
    "event_id",
    "person_id",
    "next",
    "unknown",
]
NUMBERS = st.sampled_from(["-1", "0", "99999999999999999999", "1e309", "NaN", "-99999999999999999999", "2147483648", "1.5"])
VALUES = st.one_of(HOSTILE, NUMBERS)
# Repeated names are allowed: ?page=1&page=x is a list the views must not trip over.
QUERIES = st.lists(st.tuples(st.sampled_from(PARAMS), VALUES), min_size=1, max_size=6)
PATH_NUMBERS = ["0", "99999999999999999999", "2147483648"]
PATH_SLUGS = ["-", "a" * 300, "--", "0", "x-" * 40]


def named_patterns(patterns=None, namespace=""):
    """Every named URL pattern outside the admin, as "namespace:name"."""
    patterns = get_resolver().url_patterns if patterns is None else patterns
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.app_name == "admin":
                continue
            ns = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from named_patterns(pattern.url_patterns, ns)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}"


NAMES = sorted(set(named_patterns()))
# Patterns the matrix fills only in some worlds (packs are built in world_with_packs): a plain example is enough here.
FALLBACK = {"meetings:pack": "/packs/1/", "logout": "/accounts/logout/"}


def example_url(world, name) -> str:  # noqa: F811 (fixture)
    cases = url_cases(world).get(name) or [(FALLBACK.get(name), None)]
    assert cases[0][0], f"{name} has no example URL in the access matrix"
    return urlsplit(cases[0][0]).path


def mangled_paths(path: str) -> list[str]:
    """`path` with each number, then each slug-like segment, swapped for absurd ones."""
    segments = path.strip("/").split("/")
    out = []
    for index, segment in enumerate(segments):
        if not segment:
            continue
        swaps = PATH_NUMBERS if segment.isdigit() else PATH_SLUGS if re.fullmatch(r"[-a-z0-9]+", segment) else []
        for swap in swaps:
            out.append("/" + "/".join([*segments[:index], swap, *segments[index + 1 :]]) + ("/" if path.endswith("/") else ""))
    return out


def assert_handled(response, url):
    assert response.status_code < 500, f"{url}: {response.status_code}"
    if "text/html" in response.get("Content-Type", "") and not response.streaming:
        assert SCRIPT.encode() not in response.content, f"{url} echoed markup unescaped"


@pytest.mark.parametrize("name", NAMES)
@URL_FUZZ
@given(query=QUERIES)
def test_every_url_answers_hostile_parameters_without_a_server_error(client, world, name, query):  # noqa: F811 (fixture)
    target = f"{example_url(world, name)}?{urlencode(query)}"
    assert_handled(client.get(target), target)


@pytest.mark.parametrize("name", NAMES)
def test_every_url_answers_absurd_path_values_without_a_server_error(client, world, name):  # noqa: F811 (fixture)
    for mangled in mangled_paths(example_url(world, name)):
        assert_handled(client.get(mangled), mangled)
