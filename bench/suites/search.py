"""Site search over 150,000 minute items, against the floor view (goal: p95 within 5× the floor's)."""

from urllib.parse import urlencode

from bench.harness import FLOOR_PATH, Result, time_requests

SIZE = {"committees": 10, "years": 15, "meetings_per_year": 10, "minutes_per_meeting": 100}
N = 60
TARGET = "≤ 5×"


def prepare():
    from django.core.management import call_command

    call_command("generate_search_bench_data", **SIZE)


def run():
    from committee.models import Committee
    from search.models import SearchEntry

    entries = SearchEntry.objects.count()
    minutes = SearchEntry.objects.filter(kind="minute").count()
    committee = Committee.objects.filter(slug="searchbench-3").values_list("pk", flat=True).first()
    size = f"{minutes:,} minutes ({entries:,} entries)"
    searches = [
        ("Search: rare word", {"q": "Falton"}, ""),
        ("Search: topic word", {"q": "kinship"}, ""),
        ("Search: two words", {"q": "fostering retention"}, ""),
        ("Search: phrase", {"q": '"school places"'}, ""),
        ("Search: prefix", {"q": "safeguard*"}, ""),
        ("Search: filtered", {"q": "adoption", "committee": committee, "kind": "minute", "date_from": "1/1/2020"}, ""),
        ("Search: topic word, page 5", {"q": "kinship", "page": 5}, ""),
        ("Search: word in most minutes", {"q": "members"}, "over search.views.RANK_LIMIT matches: counted to the limit, newest first"),
    ]
    results = []
    for name, params, notes in searches:
        path = f"/search/?{urlencode(params)}"
        floor = time_requests(FLOOR_PATH, N)
        samples = time_requests(path, N)
        results.append(Result(name, size, samples, floor, target=TARGET, notes=notes))
    return results
