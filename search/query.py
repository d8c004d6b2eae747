"""Turning what someone typed into a ranked, highlighted search: PostgreSQL full-text search, or icontains on SQLite.

Query syntax (as on most search engines): words are all required; "a phrase" in quotes; OR between alternatives;
-word to exclude; word* for anything starting with "word". Without a *, PostgreSQL's websearch_to_tsquery reads the
query; with one, it is translated to to_tsquery syntax here (websearch has no prefix matching) from sanitised words
only, so nothing the user types can make a syntax error.
"""

import re
from dataclasses import dataclass

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db import connection
from django.db.models import BooleanField, ExpressionWrapper, F, Q, prefetch_related_objects
from django.db.models.functions import Left, Lower
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from search.models import SEARCH_CONFIG

MAX_QUERY_LENGTH = 200
# Title matches count ten times body matches (weights are D, C, B, A; titles are A, bodies B).
RANK_WEIGHTS = [0.0, 0.0, 0.1, 1.0]
# Private-use characters mark matches in ts_headline output, so the text can be HTML-escaped before <mark> goes in.
START, STOP = "\ue000", "\ue001"
# ts_headline reads the whole text it is given; a long report's snippet comes from its first part.
HEADLINE_CHARS = 60_000

WORD = re.compile(r"[^\W_]+")
TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')


@dataclass(frozen=True)
class ParsedQuery:
    text: str
    required: list[str]  # words and phrases that must appear (for the SQLite fallback and highlighting)
    excluded: list[str]
    prefix: bool  # a word* term is present

    @property
    def plain(self) -> str:
        """The words without operators, lower case (to spot an exact title match)."""
        return " ".join(WORD.findall(" ".join(self.required))).lower()


def parse(text: str) -> ParsedQuery:
    """Split a typed query into required and excluded terms."""
    # A NUL character cannot reach PostgreSQL (it refuses it in any string): a typed one is a space.
    text = " ".join((text or "").replace("\x00", " ").split())[:MAX_QUERY_LENGTH]
    required, excluded = [], []
    for match in TOKEN.finditer(text):
        negated, phrase, word = match.groups()
        if word == "OR":
            continue
        if word is not None:
            negated, term = ("-", word[1:]) if word.startswith("-") else ("", word)
        else:
            term = phrase
        term = " ".join(WORD.findall(term))
        if term:
            (excluded if negated else required).append(term)
    return ParsedQuery(text=text, required=required, excluded=excluded, prefix="*" in text)


def to_tsquery_text(text: str) -> str:
    """to_tsquery syntax for a typed query with prefix terms: `ofsted insp*` -> `ofsted & insp:*`."""
    parts: list[str] = []
    pending_or = False
    for match in TOKEN.finditer(text):
        negated, phrase, word = match.groups()
        if word == "OR":
            pending_or = bool(parts)
            continue
        if word is not None:
            negated, word = ("!", word[1:]) if word.startswith("-") else ("", word)
            words, prefix = WORD.findall(word), word.endswith("*")
        else:
            negated = "!" if negated else ""
            words, prefix = WORD.findall(phrase), phrase.rstrip().endswith("*")
        if not words:
            continue
        term = " <-> ".join(words) + (":*" if prefix else "")
        term = f"{negated}({term})" if len(words) > 1 or negated else term
        if parts:
            parts.append("|" if pending_or else "&")
        parts.append(term)
        pending_or = False
    return " ".join(parts)


def search_query(parsed: ParsedQuery) -> SearchQuery | None:
    """The PostgreSQL query for a parsed query (None if nothing searchable was typed)."""
    if not parsed.required and not parsed.excluded:
        return None
    if parsed.prefix:
        raw = to_tsquery_text(parsed.text)
        return SearchQuery(raw, search_type="raw", config=SEARCH_CONFIG) if raw else None
    return SearchQuery(parsed.text, search_type="websearch", config=SEARCH_CONFIG)


def uses_full_text() -> bool:
    return connection.vendor == "postgresql"


def matching(queryset, parsed: ParsedQuery):
    """Entries matching the query (unordered)."""
    if uses_full_text():
        query = search_query(parsed)
        return queryset.filter(vector=query) if query is not None else queryset.none()
    # SQLite fallback: every required term somewhere in the title or body; excluded terms nowhere.
    if not parsed.required:
        return queryset.none()
    for term in parsed.required:
        queryset = queryset.filter(Q(title__icontains=term) | Q(body__icontains=term))
    for term in parsed.excluded:
        queryset = queryset.exclude(Q(title__icontains=term) | Q(body__icontains=term))
    return queryset


def ranked(queryset, parsed: ParsedQuery):
    """Best first: an exact title match, then rank (titles weigh more than bodies), then the most recent."""
    exact = ExpressionWrapper(Q(title_lower=parsed.plain), output_field=BooleanField())
    queryset = queryset.alias(title_lower=Lower("title")).annotate(exact_title=exact)
    if uses_full_text() and (query := search_query(parsed)) is not None:
        # The wide columns stay behind: the snippet comes from highlight(), for the page's rows only.
        return (
            queryset.defer("body", "vector", "digest", "state")
            .annotate(rank=SearchRank(F("vector"), query, weights=RANK_WEIGHTS))
            .order_by("-exact_title", "-rank", F("date").desc(nulls_last=True), "pk")
        )
    return queryset.order_by("-exact_title", F("date").desc(nulls_last=True), "pk")


def newest_first(queryset):
    """Most recent first (undated entries last): walks the (date, id) index, so it stays cheap however many match.
    The wide columns stay behind on PostgreSQL, where snippets come from highlight(); the fallback needs the body."""
    wide = ("body", "vector", "digest", "state") if uses_full_text() else ("vector", "digest", "state")
    return queryset.defer(*wide).order_by(F("date").desc(nulls_last=True), F("pk").desc())


# How far back newest_page looks before it falls back to reading every match: this many entries per result asked
# for (up to the page's last). Deeper pages than NEWEST_WINDOW_MAX allows (past the fifth of twenty) go straight to the
# full query: a walk that long costs about what it would save.
NEWEST_WINDOW_PER_RESULT = 100
NEWEST_WINDOW_MAX = 10_000


def newest_page(queryset, start: int, stop: int) -> list:
    """`list(newest_first(queryset)[start:stop])`, read from the newest entries first.

    With thousands of matches PostgreSQL may plan to fetch every matching row from the word index and sort them all
    for a page of twenty (its estimate for two words together is often a twentieth of the truth). The page is first
    looked for among the newest entries alone (a walk down the (date, id) index, stopping at the page's last match):
    those entries come first in this order, so when the page is filled from them it is exactly the page. Otherwise
    (few recent matches, or the last page) the full query answers. Same rows, same order, either way."""
    page = newest_first(queryset)[start:stop]
    window = NEWEST_WINDOW_PER_RESULT * stop
    if not uses_full_text() or stop <= start or window > NEWEST_WINDOW_MAX:
        return list(page)
    sql, params = page.query.sql_with_params()
    table = connection.ops.quote_name(queryset.model._meta.db_table)
    if sql.count(f"FROM {table}") != 1:  # a subquery of entries too (it may come first, in a column): the full query
        return list(page)
    newest = f"{table}.{connection.ops.quote_name('date')} DESC NULLS LAST, {table}.{connection.ops.quote_name('id')} DESC"
    # The newest entries stand in for the table, under its own name, so the rest of Django's statement reads as before.
    recent = f"FROM (SELECT * FROM {table} ORDER BY {newest} LIMIT {int(window)}) AS {table}"
    found = list(queryset.model.objects.raw(sql.replace(f"FROM {table}", recent, 1), params))
    if len(found) < stop - start:
        return list(page)
    prefetch_related_objects(found, *queryset._prefetch_related_lookups)
    return found


def best_first(queryset, parsed: ParsedQuery, limit: int) -> list[tuple[int, str]] | None:
    """(pk, kind) of up to `limit` + 1 matches, best first as `ranked` orders them: one statement that reads each match
    once, for the counts per kind and every page. The rank is computed for the rows within the LIMIT only, before
    they are sorted: past `limit` matches the caller lists the newest instead. None without full-text search."""
    if not uses_full_text() or search_query(parsed) is None:
        return None
    inner = ranked(queryset, parsed).order_by().values_list("pk", "kind", "exact_title", "rank", "date")[: limit + 1]
    sql, params = inner.query.sql_with_params()
    order = "m.exact_title DESC, m.rank DESC, m.date DESC NULLS LAST, m.id"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT m.id, m.kind FROM ({sql}) AS m (id, kind, exact_title, rank, date) ORDER BY {order}", params)  # noqa: S608
        return cursor.fetchall()


def _headlines(query) -> dict:
    options = {"config": SEARCH_CONFIG, "start_sel": START, "stop_sel": STOP}
    return {
        "title_headline": SearchHeadline("title", query, highlight_all=True, **options),
        "snippet_headline": SearchHeadline(Left("body", HEADLINE_CHARS), query, max_words=35, min_words=15, **options),
    }


def highlighted(visible, pks: list[int], parsed: ParsedQuery) -> list:
    """The entries with these pks among `visible` (the user's visible entries: read again, so an entry made restricted
    since it was ranked drops out), in this order, with committees and matches marked: one query (PostgreSQL)."""
    entries = visible.prefetch_related(None).filter(pk__in=pks).select_related("committee").defer("vector", "digest", "state")
    query = search_query(parsed)
    by_pk = {e.pk: e for e in entries.annotate(**_headlines(query)).defer("body")} if query is not None else {}
    found = [by_pk[pk] for pk in pks if pk in by_pk]
    for entry in found:
        entry.title_html = _marked(entry.title_headline)
        entry.snippet_html = _marked(entry.snippet_headline)
    return found


def highlight(visible, entries, parsed: ParsedQuery) -> None:
    """Set `title_html` and `snippet_html` on each entry (one query on PostgreSQL, none on SQLite): matches in <mark>.
    Snippets come from `visible` (the user's visible entries), so text made restricted meanwhile is not shown."""
    entries = list(entries)
    if not entries:
        return
    query = search_query(parsed) if uses_full_text() else None
    if query is None:
        for entry in entries:
            entry.title_html = _mark_terms(entry.title, parsed)
            entry.snippet_html = _mark_terms(_window(entry.body, parsed), parsed)
        return
    rows = visible.filter(pk__in=[e.pk for e in entries]).values_list("pk", *_headlines(query).values())
    found = {pk: (title, snippet) for pk, title, snippet in rows}
    for entry in entries:
        title, snippet = found.get(entry.pk, (entry.title, ""))
        entry.title_html = _marked(title)
        entry.snippet_html = _marked(snippet)


# A word with hyphens ("MARKER-DRAFT-AGENDA", "well-being") holding a match is marked whole, not split into pieces.
MARKED_WORD = re.compile(rf"[\w{START}{STOP}]+(?:-[\w{START}{STOP}]+)*")


def _widen(match: re.Match) -> str:
    word = match.group()
    return f"{START}{word.replace(START, '').replace(STOP, '')}{STOP}" if START in word else word


def _marked(text: str) -> SafeString:
    """Escape the text, then turn the sentinels round matches into <mark> elements."""
    text = MARKED_WORD.sub(_widen, text or "")
    return mark_safe(escape(text).replace(START, "<mark>").replace(STOP, "</mark>"))  # noqa: S308 - escaped first


def _terms_pattern(parsed: ParsedQuery) -> re.Pattern | None:
    terms = sorted({t for t in parsed.required if t}, key=len, reverse=True)
    if not terms:
        return None
    return re.compile("|".join(r"\W+".join(map(re.escape, t.split())) for t in terms), re.IGNORECASE)


def _window(body: str, parsed: ParsedQuery, width: int = 240) -> str:
    """About `width` characters of `body` around the first match (SQLite fallback)."""
    pattern = _terms_pattern(parsed)
    match = pattern.search(body) if pattern else None
    start = max(0, match.start() - width // 3) if match else 0
    text = body[start : start + width]
    return ("… " if start else "") + text + (" …" if start + width < len(body) else "")


def _mark_terms(text: str, parsed: ParsedQuery) -> SafeString:
    """Mark matches of the query's terms (SQLite fallback), as ts_headline does on PostgreSQL."""
    pattern = _terms_pattern(parsed)
    text = text or ""
    return _marked(pattern.sub(lambda m: f"{START}{m.group()}{STOP}", text) if pattern else text)
