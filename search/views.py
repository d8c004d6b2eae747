"""The search page: one box in every page's header, results ranked and highlighted, filters, counts per kind, CSV."""

from collections import Counter
from urllib.parse import urlencode

from django.db import connection, transaction
from django.http import QueryDict
from django.template.loader import render_to_string
from django.utils.decorators import method_decorator
from django.views.generic import ListView

from meetings.csv_export import CSVExportMixin
from search.filters import SearchFilter
from search.models import SearchEntry
from search.query import best_first, highlight, highlighted, matching, newest_first, newest_page, parse, ranked

# The top set: up to this many matches are counted exactly and ranked by relevance. Beyond it the page says there are
# more than this many, lists the newest first, and asks for more words or a filter. What a first search costs is
# reading each match's row (about one table page each: at a decade's data, 5,000 matches took ~30 ms on their own,
# computing the rank for them ~1 ms), so the set is kept to what someone reads: fifty pages of twenty.
# Measured in bench/suites/search.py.
RANK_LIMIT = 1000
# The parameters the page reads; any others are dropped before it is computed, so they can neither split the kept
# pages (search/apps.py) nor turn up in a kept page's links.
PARAMS = ("q", "committee", "kind", "date_from", "date_to", "page")


def capped_counts(queryset, limit: int) -> dict[str, int]:
    """{kind: n} over at most `limit` + 1 of the matches: one grouped aggregate query over a LIMITed subquery."""
    sql, params = queryset.order_by().values("kind")[: limit + 1].query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT capped.kind, COUNT(*) FROM ({sql}) capped GROUP BY capped.kind", params)  # noqa: S608 - Django's own SQL
        return dict(cursor.fetchall())


def known_params(query) -> QueryDict:
    """The query string with only the parameters the page reads (first value of each)."""
    return QueryDict(urlencode([(name, query[name]) for name in PARAMS if query.get(name)]))


# Read-only: no transaction to open and commit around it.
@method_decorator(transaction.non_atomic_requests, name="dispatch")
class SearchView(CSVExportMixin, ListView):
    template_name = "search/search.html"
    body_template_name = "search/_body.html"
    context_object_name = "results"
    paginate_by = 20
    csv_filename = "search-results"

    def get(self, request, *args, **kwargs):
        if self.wants_csv():
            return super().get(request, *args, **kwargs)
        # Counting and ranking thousands of matches costs tens of milliseconds: the page is kept (committee/keep.py,
        # registered in search/apps.py) against the index's version and the reader's access scope.
        request.GET = known_params(request.GET)
        self.object_list = self.get_queryset()
        context = self.get_context_data()  # paginates: a page number out of range is a 404, never kept
        context["body_html"] = render_to_string(self.body_template_name, context, request)
        return self.render_to_response(context)

    def get_queryset(self):
        self.parsed = parse(self.request.GET.get("q", ""))
        # Committees are prefetched for the page's rows, not joined to every match before ranking.
        entries = self.visible = SearchEntry.objects.visible_to(self.request.user).prefetch_related("committee")
        self.filterset = SearchFilter(self.request.GET or None, queryset=entries, request=self.request)
        valid = self.filterset.is_valid()
        cleaned = self.filterset.form.cleaned_data if valid else {}
        self.kind_counts, self.total, self.capped, self.ranked_pks, self.newest_of = [], 0, False, None, None
        self.searched = bool(self.parsed.required) or any(v not in (None, "") for v in cleaned.values())
        if not self.searched:
            return SearchEntry.objects.none()
        # Invalid filter values (a typed-in URL) are ignored; the form shows why.
        others = self.filterset.queryset_without(entries, "kind") if valid else entries
        matched = matching(others, self.parsed) if self.parsed.required else others
        # Counts per kind across the other filters (so they can switch kind). With words on PostgreSQL the same
        # statement ranks the matches, and every page of them is a slice of its rows.
        best = best_first(matched, self.parsed, RANK_LIMIT) if self.parsed.required else None
        counts = Counter(kind for _, kind in best) if best is not None else capped_counts(matched, RANK_LIMIT)
        over = sum(counts.values()) > RANK_LIMIT
        self.kind_counts = [(v, label, None if over else counts[v]) for v, label in SearchEntry.Kind.choices if counts.get(v)]
        kind = cleaned.get("kind")
        results = matched.filter(kind=kind) if kind else matched
        if not over:
            self.total = counts.get(kind, 0) if kind else sum(counts.values())
        elif kind:
            self.total = sum(capped_counts(results, RANK_LIMIT).values())
        else:
            self.total = RANK_LIMIT + 1
        self.capped = self.total > RANK_LIMIT
        self.total = min(self.total, RANK_LIMIT)
        if self.parsed.required and not self.capped:
            if best is not None and not over:
                self.ranked_pks = [pk for pk, k in best if not kind or k == kind]
            return ranked(results, self.parsed)  # what the CSV lists; the page is a slice of ranked_pks when known
        # Looked for among the newest entries first (search.query.newest_page), unless an end date rules them out.
        self.newest_of = None if cleaned.get("date_to") else results
        return newest_first(results)

    def paginate_queryset(self, queryset, page_size):
        if self.ranked_pks is None:
            paginator, page, _, is_paginated = super().paginate_queryset(queryset, page_size)
            if self.newest_of is not None and paginator.count:  # listed newest first: looked for among the newest first
                page.object_list = newest_page(self.newest_of, page.start_index() - 1, page.end_index())
            return paginator, page, page.object_list, is_paginated
        paginator, page, _, is_paginated = super().paginate_queryset(self.ranked_pks, page_size)
        page.object_list = highlighted(self.visible, list(page.object_list), self.parsed)
        return paginator, page, page.object_list, is_paginated

    def get_paginator(self, queryset, per_page, **kwargs):
        paginator = super().get_paginator(queryset, per_page, **kwargs)
        paginator.count = self.total  # already counted per kind: saves a COUNT(*) over the matches
        return paginator

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        results = list(context["results"])
        if self.parsed.required and self.ranked_pks is None:
            highlight(self.visible, results, self.parsed)
        query = self.request.GET.copy()
        query.pop("page", None)
        selected_kind = self.filterset.form.cleaned_data.get("kind") if self.filterset.is_valid() else ""
        kinds = []
        for value, label, n in self.kind_counts:
            query["kind"] = value
            kinds.append({"value": value, "label": label, "count": n, "url": f"?{query.urlencode()}", "selected": value == selected_kind})
        query.pop("kind", None)
        context.update(
            results=results,
            q=self.parsed.text,
            searched=self.searched,
            total=self.total,
            capped=self.capped,
            rank_limit=RANK_LIMIT,
            kinds=kinds,
            all_kinds_url=f"?{query.urlencode()}",
            selected_kind=selected_kind,
            filter=self.filterset,
            query_string=_without_page(self.request.GET),
        )
        return context


def _without_page(params) -> str:
    query = params.copy()
    query.pop("page", None)
    return query.urlencode()
