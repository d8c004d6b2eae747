"""CSV downloads of list pages: `?format=csv` on the same URL keeps the filters and gives exactly the rows the page would.

Add `CSVExportMixin` first in a list view's bases. The rows come from the view's own `get_queryset()`, so the
download follows the same `visible_to(user)` and the same filters as the page; pagination is ignored. A dashboard
table held in the context as rows of dicts (a grouped `values()` query) downloads with `?format=csv&table=<name>`.

Cells that a spreadsheet would run as a formula (starting =, +, -, @) are prefixed with an apostrophe (OWASP
"CSV injection"); the file starts with a byte-order mark so Excel reads UTF-8 (the £ sign, curly quotes).
"""

import csv
import datetime
from collections.abc import Callable, Iterable
from decimal import Decimal

from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.text import slugify

from committee.provenance import csv_value

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
Accessor = str | Callable


def absolute(path: str) -> Callable:
    """An accessor giving the absolute URL of `path` (a dotted accessor ending in get_absolute_url)."""

    def accessor(row, request):
        url = resolve(row, path)
        return request.build_absolute_uri(url) if url else ""

    return accessor


# Default columns per model, used when a view declares no `csv_columns`. Mirrors what the list pages show.
COLUMNS: dict[str, list[tuple[str, Accessor]]] = {
    "meetings.meeting": [
        ("Date", "date"),
        # "19:00 (illustrative)" where the council's record does not give the value (committee.provenance).
        ("Time", lambda m, request: csv_value(cell(m.start_time), m.start_time_provenance)),
        ("Committee", "committee.name"),
        ("Venue", lambda m, request: csv_value(m.venue, m.venue_provenance)),
        ("Status", "get_status_display"),
        ("Agenda is", "get_agenda_provenance_display"),
        ("Agenda items", "agenda_item_count"),
        ("Minute items", "minute_item_count"),
        ("Link", absolute("get_absolute_url")),
    ],
    "meetings.resolution": [
        ("Meeting date", "minute_item.meeting.date"),
        ("Committee", "minute_item.meeting.committee.name"),
        ("Minute", "minute_item.reference"),
        ("Minute title", "minute_item.title"),
        ("Decision number", "number"),
        ("Type", "get_kind_display"),
        ("Decision", "text"),
        ("Link", absolute("minute_item.get_absolute_url")),
    ],
    "meetings.action": [
        ("Action", "description"),
        ("Owner", "owner_label"),
        ("Owed to", "owed_to"),
        ("Type", "get_kind_display"),
        ("Due", "due_date"),
        ("Status", "get_status_display"),
        ("Overdue", "is_overdue"),
        ("Completed", "completed_date"),
        ("Meeting date", "minute_item.meeting.date"),
        ("Committee", "minute_item.meeting.committee.name"),
        ("Minute", "minute_item.reference"),
        ("Link", absolute("minute_item.get_absolute_url")),
    ],
    "meetings.question": [
        ("Meeting date", "meeting.date"),
        ("Committee", "meeting.committee.name"),
        ("Type", "get_kind_display"),
        ("Asked by", lambda q, request: csv_value(q.asker_name)),
        ("Question", lambda q, request: csv_value(q.question)),
        ("Answer", "answer"),
        ("Answered by", "answered_by"),
        ("Written response owed", "written_response_owed"),
        ("Written response sent", "written_response_date"),
    ],
    "meetings.recommendation": [
        ("Committee", "committee.name"),
        ("Meeting date", "minute_item.meeting.date"),
        ("Minute", "minute_item.reference"),
        ("Recommendation", "text"),
        ("To", "to_body"),
        ("Sent", "sent_date"),
        ("Response due", "response_due_date"),
        ("Response", "get_response_display"),
        ("Response date", "response_date"),
        ("Implementation", "get_implementation_display"),
        ("Link", absolute("minute_item.get_absolute_url")),
    ],
    "search.searchentry": [
        ("Type", "get_kind_display"),
        ("Title", "title"),
        ("Committee", "committee.name"),
        ("Date", "date"),
        ("Access", "get_visibility_display"),
        ("Link", absolute("url")),
    ],
}


def resolve(row, accessor: str):
    """Follow a dotted accessor through attributes and dict keys, calling methods (as templates do)."""
    value = row
    for part in accessor.split("."):
        if value is None:
            return None
        value = value[part] if isinstance(value, dict) else getattr(value, part)
        if callable(value):
            value = value()
    return value


def cell(value) -> str:
    """One value as spreadsheet-safe text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).isoformat(timespec="minutes") if timezone.is_aware(value) else value.isoformat()
    if isinstance(value, datetime.date | datetime.time):
        return value.strftime("%H:%M") if isinstance(value, datetime.time) else value.isoformat()
    if isinstance(value, Decimal | int | float):
        return str(value)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def csv_response(filename: str, headers: list[str], rows: Iterable[list]) -> HttpResponse:
    """A CSV attachment: a byte-order mark, the headers, then the rows."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(headers)
    for row in rows:
        writer.writerow([cell(v) for v in row])
    return response


class CSVExportMixin:
    """`?format=csv` on a list view downloads its (filtered, visible) rows; `&table=<name>` a dashboard table."""

    csv_columns: list[tuple[str, Accessor]] | None = None
    csv_filename: str | None = None
    # Context names that may be downloaded as tables (rows of dicts); None means any context value of dict rows.
    csv_tables: Iterable[str] | None = None

    def wants_csv(self) -> bool:
        return self.request.GET.get("format") == "csv"

    def get(self, request, *args, **kwargs):
        if not self.wants_csv():
            return super().get(request, *args, **kwargs)
        table = request.GET.get("table")
        if table:
            return self.table_csv_response(table, **kwargs)
        if not hasattr(self, "get_queryset"):
            raise Http404("No CSV download for this page without a table.")
        return self.list_csv_response()

    def get_csv_columns(self, queryset) -> list[tuple[str, Accessor]]:
        if self.csv_columns is not None:
            return self.csv_columns
        try:
            return COLUMNS[queryset.model._meta.label_lower]
        except KeyError:
            raise Http404("No CSV download for this page.") from None

    def get_csv_filename(self, suffix: str = "") -> str:
        base = self.csv_filename or slugify(getattr(self.request.resolver_match, "url_name", None) or "export")
        return f"{base}{'-' + slugify(suffix) if suffix else ''}-{datetime.date.today():%Y-%m-%d}.csv"

    def list_csv_response(self) -> HttpResponse:
        queryset = self.get_queryset()
        columns = self.get_csv_columns(queryset)
        request = self.request

        def rows():
            items = queryset.iterator(chunk_size=2000) if isinstance(queryset, QuerySet) else queryset
            for row in items:
                yield [accessor(row, request) if callable(accessor) else resolve(row, accessor) for _, accessor in columns]

        return csv_response(self.get_csv_filename(), [header for header, _ in columns], rows())

    def table_csv_response(self, name: str, **kwargs) -> HttpResponse:
        if self.csv_tables is not None and name not in self.csv_tables:
            raise Http404("No such table.")
        if hasattr(self, "get_queryset") and hasattr(self, "paginate_queryset"):
            self.object_list = self.get_queryset()  # ListView.get_context_data expects it
        context = self.get_context_data(**kwargs)
        rows = context.get(name)
        if isinstance(rows, QuerySet | list | tuple):
            rows = list(rows)
        else:
            rows = None
        if rows is None or (rows and not isinstance(rows[0], dict)):
            raise Http404("No such table.")
        keys = list(rows[0]) if rows else []
        headers = [k.replace("__", " ").replace("_", " ") for k in keys]
        return csv_response(self.get_csv_filename(name), headers, ([r[k] for k in keys] for r in rows))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        query["format"] = "csv"
        context["csv_url"] = f"?{query.urlencode()}"
        return context
