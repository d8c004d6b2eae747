"""The search page: one box in every page's header, results ranked and highlighted, filters, counts per kind, CSV."""

from django.db import connection
from django.views.generic import ListView

from meetings.csv_export import CSVExportMixin
from search.filters import SearchFilter
from search.models import SearchEntry
from search.query import highlight, matching, newest_first, parse, ranked

# Up to this many matches are counted exactly and ranked by relevance. Beyond it, ranking every match (and counting
# them) costs a heap visit per match: the page says there are more than this many, lists the newest first, and asks
# for more words or a filter. Measured in bench/suites/search.py.
RANK_LIMIT = 5000


def capped_counts(queryset, limit: int) -> dict[str, int]:
    """{kind: n} over at most `limit` + 1 of the matches: one grouped aggregate query over a LIMITed subquery."""
    sql, params = queryset.order_by().values("kind")[: limit + 1].query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT capped.kind, COUNT(*) FROM ({sql}) capped GROUP BY capped.kind", params)  # noqa: S608 - Django's own SQL
        return dict(cursor.fetchall())


class SearchView(CSVExportMixin, ListView):
    template_name = "search/search.html"
    context_object_name = "results"
    paginate_by = 20
    csv_filename = "search-results"

    def get_queryset(self):
        self.parsed = parse(self.request.GET.get("q", ""))
        # Committees are prefetched for the page's rows, not joined to every match before ranking.
        entries = SearchEntry.objects.visible_to(self.request.user).prefetch_related("committee")
        self.filterset = SearchFilter(self.request.GET or None, queryset=entries, request=self.request)
        valid = self.filterset.is_valid()
        cleaned = self.filterset.form.cleaned_data if valid else {}
        self.kind_counts, self.total, self.capped = [], 0, False
        self.searched = bool(self.parsed.required) or any(v not in (None, "") for v in cleaned.values())
        if not self.searched:
            return SearchEntry.objects.none()
        # Invalid filter values (a typed-in URL) are ignored; the form shows why.
        others = self.filterset.queryset_without(entries, "kind") if valid else entries
        matched = matching(others, self.parsed) if self.parsed.required else others
        # Counts per kind across the other filters (so they can switch kind): one grouped query.
        counts = capped_counts(matched, RANK_LIMIT)
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
            return ranked(results, self.parsed)
        return newest_first(results)

    def get_paginator(self, queryset, per_page, **kwargs):
        paginator = super().get_paginator(queryset, per_page, **kwargs)
        paginator.count = self.total  # already counted per kind: saves a COUNT(*) over the matches
        return paginator

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        results = list(context["results"])
        if self.parsed.required:
            highlight(results, self.parsed)
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
