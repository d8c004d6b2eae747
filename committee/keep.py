"""Kept pages: a public page's HTML, rendered once per state of the data it shows and per access scope, then kept.

A page is kept in the shared cache (settings.CACHES) under a key of
- the versions of the bodies of data it shows (committee.models.DataVersion, named below: one committee's meetings, a
  municipal year's, one plan's, …), so no kept page outlives a change to what it shows;
- the reader's access scope: "public" for anyone not signed in; otherwise the committees whose drafts and exempt items
  the reader sees (committee.access.restricted_committee_ids), so a page is shared only by readers who see the same
  records, and never between someone signed in and someone who is not;
- the request's host (absolute links name it), full path with its query string, and today's date (pages say what is
  upcoming and overdue).

Which pages are kept, and what each depends on, is registered by the app that owns them (`register`, from its
AppConfig.ready, e.g. meetings/kept.py); `KeptPagesMiddleware` does the rest, so views are unchanged. Pages with
personal data (complainants, the complaints work list) are never registered. What differs per request is rendered per
request: the header (who is signed in, the sign-out form's CSRF token, the current page in the menu), messages and the
footer are left as markers in a kept page (`{% per_request %}` in base.html) and filled in for each reader.

Versions are bumped by receivers once a write's transaction commits (infrastructure, like the search index: no rule
rides on them): each saved or deleted record bumps only the versions of what it belongs to — its committee and the
municipal year of its meeting, or its improvement plan — and the wider versions the cross-committee lists depend on.
Writes that bypass signals (QuerySet.update, bulk_create) are caught by the next save in the same write, which every
service makes, or at worst after KEPT_SECONDS.
"""

import datetime
import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from asgiref.local import Local
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

from committee.access import restricted_committee_ids
from committee.dates import municipal_year
from committee.models import DataVersion
from committee.scoping import committee_id_of, committee_path_of, follow
from committee.services import data_changed

logger = logging.getLogger(__name__)

# A bound on staleness only for writes that bypass the receivers below (any save bumps the versions a page is keyed on).
KEPT_SECONDS = 600

# ---------------------------------------------------------------------------
# Names of versions
# ---------------------------------------------------------------------------
EVERY_PAGE = "pages"  # every kept page depends on it: bumped by `forget_kept_pages` and the benchmarks' "first view"
PEOPLE = "pages:people"  # committees, people and seats: names and roles print on nearly every page
MEETINGS = "pages:meetings"  # any meeting record of any committee: the cross-committee lists and the home page
MEETING_ROWS = "pages:meeting-rows"  # meetings, agenda items and papers themselves (dates, titles): what plan pages print
IMPROVEMENT = "pages:improvement"  # any improvement record: the improvement home page, inspections and KPI lists
IMPROVEMENT_SHARED = "pages:improvement-shared"  # improvement records of no one plan (inspections, KPIs, boards)
PLAN_LINKS = "pages:plan-links"  # plans as named on paper pages: their names, status and impact measures
# Improvement records that a paper's page prints (improvement_tags.plans_for_document).
PLAN_LINK_MODELS = ("ImprovementPlan", "ImpactMeasure")


def committee_pages(committee_id) -> str:
    """One committee's meetings, minutes, decisions, actions, questions and work programme."""
    return f"pages:committee:{committee_id}"


def year_pages(label: str) -> str:
    """The meeting records of one municipal year ("2025-26"), of every committee."""
    return f"pages:year:{label}"


def plan_pages(plan_id) -> str:
    """One improvement plan: its priorities, actions, updates, ratings and presentations."""
    return f"pages:plan:{plan_id}"


# ---------------------------------------------------------------------------
# Which pages are kept
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class KeptPage:
    # (request, view kwargs) -> the names of the versions the page shows; None: not kept for this request.
    versions: Callable
    # The query parameters the page reads, if it says (the others then neither split the cache nor change the page).
    params: tuple[str, ...] | None = None


PAGES: dict[str, KeptPage] = {}


def register(pages: dict[str, Callable]) -> None:
    """Keep each page named ("app:name") in `pages`; its `versions(request, **view_kwargs)` names the data it shows
    (None: this request's page is not kept, e.g. a record that is not there)."""
    for url_name, page in pages.items():
        PAGES[url_name] = page if isinstance(page, KeptPage) else KeptPage(page)


def scope(request) -> str:
    """Who may see what: readers with the same scope are shown exactly the same records."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return "public"
    ids = sorted(restricted_committee_ids(user))
    # Hashed, so the key stays short however many committees a reader has restricted access to.
    return "signed-in:" + hashlib.md5(",".join(map(str, ids)).encode(), usedforsecurity=False).hexdigest()


def page_key(request, names: list[str], params: tuple[str, ...] | None = None, today: datetime.date | None = None) -> str:
    today = today or timezone.localdate()
    versions = DataVersion.objects.keys(sorted({EVERY_PAGE, *names}))
    if params is None:
        path = request.get_full_path()
    else:
        path = request.path + "?" + urlencode([(name, request.GET[name]) for name in params if request.GET.get(name)])
    # The host too: a page prints absolute addresses on it (the calendar's webcal:// link).
    raw = f"{scope(request)}|{today.isoformat()}|{request.get_host()}|{path}|{versions}"
    return "kept:" + hashlib.sha256(raw.encode()).hexdigest()


# ---------------------------------------------------------------------------
# What is rendered per request
# ---------------------------------------------------------------------------
# Only these templates are ever rendered into a kept page, each where its marker stands.
PER_REQUEST = ("includes/header.html", "includes/messages.html", "includes/footer.html")


def marker(template_name: str) -> str:
    # A comment no escaped text can contain (it would read "&lt;!--").
    return f"<!--per-request:{template_name}-->"


def per_request(context, template_name: str) -> str:
    """Render `template_name` here, or, while a page is being kept, leave a marker for each request to fill in."""
    request = context.get("request")
    if template_name in PER_REQUEST and getattr(request, "keeping", False):
        return mark_safe(marker(template_name))  # noqa: S308 - a fixed comment
    return context.template.engine.get_template(template_name).render(context)


def filled_in(html: str, request) -> str:
    for name in PER_REQUEST:
        if marker(name) in html:
            html = html.replace(marker(name), render_to_string(name, request=request))
    return html


# ---------------------------------------------------------------------------
# Serving
# ---------------------------------------------------------------------------
class KeptPagesMiddleware:
    """Serve a registered page from the cache when it is kept; keep it when it is not (HTML, 200 OK only).

    Last in MIDDLEWARE: it runs after sign-in, two-factor and CSRF have had their say, and its per-request parts are
    rendered before the CSRF and messages middleware finish the response.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        key = getattr(request, "kept_key", None)
        if key is None or not request.keeping:
            return response
        if response.status_code == 200 and response.get("Content-Type", "").startswith("text/html") and not response.streaming:
            html = response.content.decode(response.charset)
            cache.set(key, html, KEPT_SECONDS)
            response.content = filled_in(html, request)
        elif not response.streaming and response.get("Content-Type", "").startswith("text/html"):
            response.content = filled_in(response.content.decode(response.charset), request)  # an error page: never kept
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not settings.KEPT_PAGES:
            return None
        # A download (?format=csv) is not a page: never kept, and never answered with a kept page.
        if request.method not in ("GET", "HEAD") or request.resolver_match is None or "format" in request.GET:
            return None
        page = PAGES.get(request.resolver_match.view_name)
        names = page.versions(request, **view_kwargs) if page else None
        if names is None:
            return None
        key = request.kept_key = page_key(request, names, page.params)
        html = cache.get(key)
        if html is None:
            request.keeping = True
            return None
        request.keeping = False
        return HttpResponse(filled_in(html, request))


# ---------------------------------------------------------------------------
# Bumping: what a write touches
# ---------------------------------------------------------------------------
_pending = Local()
# Derived rows, caches and history change nothing a page shows.
NOT_SHOWN = {"committee.BuiltPdf", "committee.DataVersion"}
ALSO_AT = ("due_meeting", "refers_to_meeting")


def _meeting_of(record):
    """The meeting `record` hangs off (following its path to its committee), or None."""
    path = committee_path_of(type(record))
    if not path or not path.endswith("committee"):
        return None
    target = follow(record, path.split("__")[:-1])
    return target if type(target).__name__ == "Meeting" else None


def _plan_id_of(record):
    for path in ("plan_id", "priority__plan_id", "action__plan_id"):
        target = record
        for step in path.split("__"):
            target = getattr(target, step, None)
            if target is None:
                break
        if target is not None:
            return target
    if type(record).__name__ == "ImprovementPlan":
        return record.pk
    return None


def names_touched(record) -> set[str]:
    """The versions a save or delete of `record` bumps: only what it belongs to, and the lists of everything."""
    app = record._meta.app_label
    names = set()
    if app == "committee":
        names.add(PEOPLE)
    committee_id = committee_id_of(record)
    if app == "meetings" or committee_path_of(type(record)) and app != "committee":
        names.add(MEETINGS)
        if committee_id is not None:
            names.add(committee_pages(committee_id))
        meeting = _meeting_of(record)
        if meeting is not None and meeting.date:
            names.add(year_pages(municipal_year(meeting.date)))
        # A paper too: a plan's page lists its papers (a deleted or retitled one must leave it).
        if type(record).__name__ in ("Meeting", "AgendaItem", "Document"):
            names.add(MEETING_ROWS)
        # Shown on another meeting's page too: commitments due at it, questions referring to it.
        for field in ALSO_AT:
            other = getattr(record, field, None) if getattr(record, f"{field}_id", None) is not None else None
            if other is not None:
                names.add(committee_pages(other.committee_id))
    if app == "improvement":
        names.add(IMPROVEMENT)
        plan_id = _plan_id_of(record)
        names.add(plan_pages(plan_id) if plan_id is not None else IMPROVEMENT_SHARED)
        if type(record).__name__ in PLAN_LINK_MODELS:
            names.add(PLAN_LINKS)
    return names


def note(names) -> None:
    if not hasattr(_pending, "names"):
        _pending.names = set()
    _pending.names |= set(names)
    # The first callback of the commit bumps every version noted and empties the set: each once per transaction.
    transaction.on_commit(_bump, robust=True)


def _bump():
    names, _pending.names = getattr(_pending, "names", set()), set()
    for name in sorted(names):
        data_changed(name)


def _saved(sender, instance, raw=False, **kwargs):
    if raw or sender._meta.label in NOT_SHOWN or sender.__name__.startswith("Historical"):
        return
    try:
        names = names_touched(instance)
    except Exception:  # never fail the write: every kept page is rendered afresh instead
        logger.exception("Could not tell which kept pages a change to %s touches", sender._meta.label)
        names = {EVERY_PAGE}
    note(names)


def _links_changed(sender, instance, action, model, pk_set, **kwargs):
    """Links made or undone (a plan's papers): no save is sent, so both ends' pages are noted here."""
    if action == "pre_clear":
        # What is cleared is known only before: the other ends still linked, read from the link table.
        links = [f for f in sender._meta.fields if f.is_relation]
        mine = next(f for f in links if isinstance(instance, f.related_model))
        theirs = next(f for f in links if f is not mine and f.related_model is model)
        pk_set = set(sender._base_manager.filter(**{mine.attname: instance.pk}).values_list(theirs.attname, flat=True))
    elif action not in ("post_add", "post_remove"):
        return
    try:
        names = names_touched(instance)
        for other in model._base_manager.filter(pk__in=pk_set or ()):
            names |= names_touched(other)
    except Exception:  # never fail the write: every kept page is rendered afresh instead
        logger.exception("Could not tell which kept pages a change of links of %s touches", type(instance)._meta.label)
        names = {EVERY_PAGE}
    note(names)


def _before_save(sender, instance, raw=False, **kwargs):
    """A record moved (a meeting to another committee or municipal year; a minute, item or paper to another meeting)
    leaves the pages it was on too: the versions of where it was are noted as well as of where it is."""
    if raw or instance.pk is None:
        return
    if sender._meta.app_label == "committee":  # names and seats: PEOPLE, wherever the record points
        return
    # What a record's pages follow from: the records it hangs off (and a meeting's date, its municipal year).
    fields = [f.attname for f in sender._meta.concrete_fields if f.many_to_one] + (["date"] if sender.__name__ == "Meeting" else [])
    if not fields:
        return
    old = sender._base_manager.filter(pk=instance.pk).values(*fields).first()
    if old is None or all(old[field] == getattr(instance, field) for field in fields):
        return
    where_it_was = sender(pk=instance.pk, **old)
    try:
        names = names_touched(where_it_was)
    except Exception:  # never fail the write: every kept page is rendered afresh instead
        logger.exception("Could not tell which kept pages a move of %s leaves", sender._meta.label)
        names = {EVERY_PAGE}
    note(names)


def track_changes(*app_labels: str) -> None:
    """Bump the versions of what each saved or deleted record of `app_labels` belongs to, once its write commits."""
    from django.apps import apps

    for label in app_labels:
        for model in apps.get_app_config(label).get_models():
            uid = f"kept-pages-{model._meta.label_lower}"
            post_save.connect(_saved, sender=model, dispatch_uid=uid)
            post_delete.connect(_saved, sender=model, dispatch_uid=uid)
            for field in model._meta.local_many_to_many:
                m2m_changed.connect(_links_changed, sender=field.remote_field.through, dispatch_uid=f"kept-pages-{uid}-{field.name}")
            pre_save.connect(_before_save, sender=model, dispatch_uid=f"{uid}-moved")


def forget_kept_pages() -> None:
    """Make every kept page be rendered afresh on its next view (after a deploy that changes templates, say)."""
    data_changed(EVERY_PAGE)
