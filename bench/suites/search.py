"""Site search over 150,000 minute items, against the floor view (goal: p95 within 5× the floor's).

Each search is timed twice: as served (a page of results is computed once per query and state of the index, then
kept: committee/keep.py), and asked for the first time, with the index's version bumped before every request so that
nothing computed earlier can be reused: the cost of counting, ranking and highlighting itself.
"""

from urllib.parse import urlencode

from bench.harness import time_page

SIZE = {"committees": 10, "years": 15, "meetings_per_year": 10, "minutes_per_meeting": 100}
N = 60
TARGET = "≤3× / ≤10×"


def prepare():
    from django.core.management import call_command

    call_command("generate_search_bench_data", **SIZE)


def index_changed():
    from committee.services import data_changed
    from search.models import INDEX_DATA

    data_changed(INDEX_DATA)


def run():
    from committee.models import Committee
    from search.models import SearchEntry

    entries = SearchEntry.objects.count()
    minutes = SearchEntry.objects.filter(kind="minute").count()
    committee = Committee.objects.filter(slug="searchbench-3").values_list("pk", flat=True).first()
    size = f"{minutes:,} minutes ({entries:,} entries)"
    searches = [
        ("rare word", {"q": "Falton"}, ""),
        ("topic word", {"q": "kinship"}, ""),
        ("two words", {"q": "fostering retention"}, ""),
        ("phrase", {"q": '"school places"'}, ""),
        ("prefix", {"q": "safeguard*"}, ""),
        ("filtered", {"q": "adoption", "committee": committee, "kind": "minute", "date_from": "1/1/2020"}, ""),
        ("topic word, page 5", {"q": "kinship", "page": 5}, ""),
        ("word in most minutes", {"q": "members"}, "over search.views.RANK_LIMIT matches: counted to the limit, newest first"),
    ]
    results = []
    for name, params, notes in searches:
        path = f"/search/?{urlencode(params)}"
        notes = notes or (COLD if name == searches[0][0] else "")
        results.append(time_page(f"Search: {name}", size, path, N, target=TARGET, notes=notes, changed=index_changed))
    return results


COLD = "after a change = first asked: the index's version is bumped before each request, so every one counts, ranks and highlights afresh"
