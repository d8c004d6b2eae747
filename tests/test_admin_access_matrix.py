"""The write-side access matrix (issue 14): the admin is scoped everywhere, for every staff role.

Two committees, A and B (tests/admin_matrix_world.py). Each staff user under test (Officer, Clerk, Complaints officer,
Administrator as a non-superuser member of its group, superuser) supports committee A only. Every text field of every
record of B, and of every version in its history, holds a marker "ZQB-<model>.<field>.<id>" (committee A's "ZQA-…",
which they may read); a complainant's personal data holds "ZQC-…". The matrix tries every admin URL against B's
records and checks that

- a GET returns none of B's markers, and an object URL of B's records answers 302, 403 or 404;
- no POST changes anything (a fingerprint of every table, history tables included, is the same before and after);
- no choice on any admin form, inline form, list filter or autocomplete offers a record of B;
- a form posted with one of B's ids in a choice field is refused next to that field, nothing saved.

ENUMERATED cases are generated from the admin site's registry (`admin.site._registry`), the URL resolver, each
ModelAdmin's declared steps, actions and autocomplete fields, and the forms the admin renders. A newly registered
model or custom admin view is therefore tried automatically, or `test_every_admin_url_and_model_is_declared` fails
naming it. HAND-WRITTEN cases (the regressions the issue names) are at the end, under their own heading.

Declared exceptions (each with its reason) are in ALLOWED_*; known holes are marked xfail(strict=True) with
"HOLE:" in the reason, so a fix shows up as an XPASS to remove the mark.
"""

import functools
import re
from html.parser import HTMLParser
from urllib.parse import urlencode

import pytest
from django import forms
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.filters import RelatedFieldListFilter
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.test import Client, RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from committee.models import Committee
from committee.roles import declared_permissions
from complaints.models import Complaint, ComplaintPersonalData
from improvement.models import ImprovementPlan
from meetings import services
from meetings.admin.packs import PACK_STEPS
from meetings.models import AgendaPack, Meeting, MinuteItem
from tests.admin_matrix_world import HELD, ROLES, build_world, committee_models

pytestmark = pytest.mark.django_db

# ---------------------------------------------------------------------------
# Holes this module finds (main at 9d617bb). Each case that shows one is marked xfail(strict=True): when the fix
# lands, the case passes, pytest reports it as XPASS(strict), a failure, and its entry here is to be removed.
# ---------------------------------------------------------------------------
PLAN_PRESENTATION = (
    "HOLE: improvement.PlanPresentation (a plan on a committee's agenda item) is not scoped to committees: its list shows "
    "another committee's draft agenda item titles, its pages and history open, its note shows, and its delete and "
    "'retake the snapshot' action change another committee's record (improvement/admin.py PlanPresentationAdmin and "
    "PlanPresentationInline, improvement/models/plans.py PlanPresentationQuerySet)"
)
COMMITTEE_PARTICULARS = (
    "HOLE: an Administrator (or superuser) who does not support a committee changes its default venue and start time "
    "from its page: committee/admin.py CommitteeAdmin.get_readonly_fields lists the fieldsets' entries, and the "
    "('default_venue', 'default_start_time') row is a tuple, so neither field is read-only (flatten_fieldsets); "
    "committee/services.py committee_save lets whoever manages access save every field"
)
SHARED_RECORDS = (
    "HOLE: changing or deleting a record every committee shares changes another committee's records: saving an "
    "inspection's page drops its links to agenda items the user cannot see (improvement/admin.py InspectionAdmin); "
    "deleting a person empties another committee's action owners and presenters (committee/services.py record_delete); "
    "deleting a plan or inspection takes another committee's presentations and links with it"
)
HOLES: dict[str, dict[str, str]] = {}  # none open: each found was fixed (see git log)


def cases(test: str, params: list) -> list:
    """`params` (pytest.param) with the known holes of `test` marked."""
    known = HOLES.get(test, {})
    return [
        pytest.param(*p.values, id=p.id, marks=[*p.marks, pytest.mark.xfail(strict=True, reason=known[p.id])]) if p.id in known else p
        for p in params
    ]


# ---------------------------------------------------------------------------
# The world: built once for the module inside a transaction rolled back at the end; each test runs in a savepoint
# ---------------------------------------------------------------------------
# Each user signs in once, for the module: a test takes the session cookie (a session's row is the module's, so a
# test's changes to it are rolled back with the test).
_SESSIONS: dict[int, str] = {}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            built = build_world()
            for user in [*built.users.values(), built.officer_of_b, built.clerk_of_b, built.superuser_of_nothing]:
                client = Client()
                client.force_login(user)
                _SESSIONS[user.pk] = client.cookies[settings.SESSION_COOKIE_NAME].value
            yield built
        finally:
            _SESSIONS.clear()
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def login(client, user):
    """Sign `client` in as `user` (with the module's session), with no messages left from another request."""
    client.cookies.clear()
    if user.pk in _SESSIONS:
        client.cookies[settings.SESSION_COOKIE_NAME] = _SESSIONS[user.pk]
    else:
        client.force_login(user)
    return client


@pytest.fixture
def http():
    """A test client that answers a server error as a browser sees it (500), so one error does not hide the rest."""
    return Client(raise_request_exception=False)


# ---------------------------------------------------------------------------
# What a response may carry
# ---------------------------------------------------------------------------
MARKER = re.compile(r"zq[abc]-[a-z0-9_.]*", re.IGNORECASE)
FILTER_NAV = re.compile(r'<nav id="changelist-filter".*?</nav>', re.DOTALL)
# A committee's name is public (/committees/ lists every one); the admin's related-field list filters list every
# committee, which lets nobody see or change anything of it.
ALLOWED_IN_FILTERS = {"zqa-committee.name.", "zqb-committee.name."}  # (followed by the committee's id)
# Administrators decide who supports every committee (README, "Roles"): they open any committee's page, whose
# particulars are public, to set its supporting officers, and nothing else of it (its inlines are hidden).
ALLOWED_COMMITTEE_PARTICULARS = {"administrator", "superuser"}
# Both committees met that day (HELD): the admin finds a meeting's records by a date typed as the pages print it.
SHARED_DATE = f"{HELD:%-d %B %Y}"


def body_of(response) -> str:
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    return raw.decode(errors="replace")


def leaks(response, role: str, *, url_name: str = "") -> list[str]:
    """Markers in the response that `role` may not receive."""
    body = body_of(response)
    in_filters = set()
    for nav in FILTER_NAV.findall(body):
        in_filters |= {m.lower() for m in MARKER.findall(nav)}
    outside = {m.lower() for m in MARKER.findall(FILTER_NAV.sub("", body))}
    found = outside | {m for m in in_filters if not m.startswith(tuple(ALLOWED_IN_FILTERS))}
    allowed_prefixes = {"zqa-"} if role in ROLES else set()
    if role == "complaints officer":
        allowed_prefixes.add("zqc-")
    if role == "clerk of b" or role == "officer of b":
        allowed_prefixes = {"zqb-"}
    found = {m for m in found if m[:4] not in allowed_prefixes}
    if role in ALLOWED_COMMITTEE_PARTICULARS and url_name.startswith("committee_committee_"):
        found = {m for m in found if not m.startswith("zqb-committe")}  # (a short field holds the marker cut short)
    return sorted(found)


# ---------------------------------------------------------------------------
# What the database holds: one fingerprint of every table (history tables and the admin's log included)
# ---------------------------------------------------------------------------
IGNORED_TABLES = ("django_session", "axes_")  # a sign-in's own bookkeeping, not the committee record


@functools.cache
def _state_sql() -> str:
    qn = connection.ops.quote_name
    tables = sorted(t for t in connection.introspection.table_names() if not t.startswith(IGNORED_TABLES))
    return " UNION ALL ".join(f"SELECT '{t}', md5(coalesce(string_agg(r::text, '|' ORDER BY r::text), '')) FROM {qn(t)} r" for t in tables)


def db_state() -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute(_state_sql())
        return dict(cursor.fetchall())


def changed_tables(before: dict, after: dict) -> list[str]:
    return sorted(t for t in before if before[t] != after.get(t))


# ---------------------------------------------------------------------------
# Forms as a browser posts them
# ---------------------------------------------------------------------------
class _BrowserForm(HTMLParser):
    """The name/value pairs a browser submits for the form with id `form_id` (or the page's own form, if None), disabled
    fields and buttons left out."""

    def __init__(self, form_id: str | None):
        super().__init__(convert_charrefs=True)
        self.form_id, self.inside, self.found, self.pairs = form_id, False, False, []
        self._select = self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            if self.form_id is not None:
                self.inside = a.get("id") == self.form_id
            else:  # the page's own form: the first that posts, other than the header's sign-out
                self.inside = not self.found and (a.get("method") or "").lower() == "post" and a.get("id") != "logout-form"
                self.found |= self.inside
        if not self.inside:
            return
        if tag == "input" and a.get("name") and "disabled" not in a:
            kind = (a.get("type") or "text").lower()
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.pairs.append((a["name"], a.get("value") or "on"))
            elif kind not in ("submit", "button", "image", "reset", "file"):
                self.pairs.append((a["name"], a.get("value") or ""))
        elif tag == "select":
            self._select = {"name": a.get("name"), "multiple": "multiple" in a, "selected": [], "first": None, "off": "disabled" in a}
        elif tag == "option" and self._select is not None:
            value = a.get("value") or ""
            if self._select["first"] is None:
                self._select["first"] = value
            if "selected" in a:
                self._select["selected"].append(value)
        elif tag == "textarea" and "disabled" not in a:
            self._textarea = [a.get("name"), ""]

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select" and self._select is not None:
            s, self._select = self._select, None
            if not s["name"] or s["off"]:
                return
            if s["multiple"]:
                values = s["selected"]
            else:
                values = s["selected"][-1:] or ([s["first"]] if s["first"] is not None else [])
            self.pairs += [(s["name"], v) for v in values]
        elif tag == "textarea" and self._textarea is not None:
            name, text = self._textarea
            self._textarea = None
            self.pairs.append((name, text[1:] if text.startswith("\n") else text))  # browsers drop that first newline

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data


def browser_post_data(response, model) -> dict[str, list[str]]:
    """What submitting the admin form of `model` on this page posts (its "Save" button included), or the page's own
    form if `model` is None."""
    parser = _BrowserForm(f"{model._meta.model_name}_form" if model else None)
    parser.feed(body_of(response))
    data: dict[str, list[str]] = {}
    for name, value in parser.pairs:
        data.setdefault(name, []).append(value)
    if model:
        data["_save"] = ["Save"]
    return data


def tampered(data: dict) -> dict:
    """The same post with every marked text changed, so that accepting it would change the record."""
    return {k: [MARKER.sub("CHANGED", v) for v in values] for k, values in data.items()}


# ---------------------------------------------------------------------------
# The admin's URLs, from the resolver
# ---------------------------------------------------------------------------
MODEL_URL_KINDS = ("changelist", "add", "change", "history", "delete", "simple_history", "step")
# Admin-site views that read or change no committee record (the autocomplete and "view on site" are tried per record).
SITE_URLS = {"index", "login", "logout", "password_change", "password_change_done", "autocomplete", "jsi18n", "view_on_site", "app_list"}


def pack_args(world, pk):
    return [(step,) for step in PACK_STEPS]


def pack_version_args(world, pk):
    return [(p,) for p in AgendaPack.objects.filter(meeting_id=pk).values_list("pk", flat=True)]


def no_args(world, pk):
    return [()]


def confirm(world, url) -> dict:
    """A confirmation page's post: its button only."""
    return {}


def page_form(world, url) -> dict:
    """What committee B's own clerk would post from the page's form (marked text changed)."""
    key = ("page", url)
    if key not in world.payloads:
        response = login(Client(), world.clerk_of_b).get(url)
        world.payloads[key] = tampered(browser_post_data(response, None)) if response.status_code == 200 else {}
    return world.payloads[key]


# Custom object views of a model's admin: the extra URL arguments to try for one record, and what to post there.
CUSTOM_OBJECT_URLS = {
    "meetings_meeting_pack": (pack_args, confirm),
    "meetings_meeting_pack_version": (pack_version_args, confirm),
    "meetings_meeting_pack_retry": (pack_version_args, confirm),
    "meetings_meeting_roll_call": (no_args, page_form),
    # The record checks' findings (issue 18): read-only pages, for those who keep the committee's record.
    "meetings_meeting_checks": (no_args, confirm),
    "committee_committee_checks": (no_args, confirm),
}
# Custom views of admins of records that belong to no committee, and why they are outside the committee matrix.
CUSTOM_OTHER_URLS = {
    "committee_check_rules": "the list of checks: rules only, never a record or finding",
    "auth_user_password_change": "a login's password: the Administrator's job, no committee record",
    "otp_totp_totpdevice_config": "an authenticator's secret: tried in test_authenticator_secrets_are_never_shown",
    "otp_totp_totpdevice_qrcode": "an authenticator's secret: tried in test_authenticator_secrets_are_never_shown",
}
# Models registered in the admin whose records belong to no committee, and why.
SHARED_MODELS = {
    "auth.group": "roles: the Administrator's",
    "auth.user": "logins: the Administrator's",
    "axes.accessattempt": "sign-in attempts",
    "axes.accesslog": "sign-in attempts",
    "axes.accessfailurelog": "sign-in attempts",
    "otp_totp.totpdevice": "authenticators (secrets tried on their own)",
    "committee.person": "people serve and report to any committee; their names are public",
    "complaints.complaint": "children's social care complaints belong to the service; personal data tried on its own",
    "complaints.stage": "complaints",
    "complaints.team": "complaints",
    "complaints.theme": "complaints",
    "complaints.ombudsmancase": "complaints",
    "complaints.compliment": "complaints",
    "complaints.learningaction": "complaints",
    "complaints.annualreport": "complaints",
    "improvement.board": "improvement plans belong to boards, not committees",
    "improvement.inspection": "inspections are the council's; links to a committee's agenda items are tried",
    "improvement.recommendation": "inspections",
    "improvement.improvementplan": "plans are the council's; presentations at a committee's meeting are tried",
    "improvement.priority": "plans",
    "improvement.outcome": "plans",
    "improvement.improvementaction": "plans",
    "improvement.progressupdate": "plans",
    "improvement.measure": "KPIs",
    "improvement.measurement": "KPIs",
}


# Logins, roles and sign-in records: the Administrator's to manage (a deleted login takes its subscriptions with it).
SHARED_MODELS_OUTSIDE_THE_RECORD = {"auth.user", "auth.group", "axes.accessattempt", "axes.accesslog", "axes.accessfailurelog"}


def _walk(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern.name


@functools.cache
def admin_url_patterns() -> list[tuple[str, str | None]]:
    """(route, name) of every URL pattern of the admin site, as the project's resolver has them."""
    for pattern in get_resolver().url_patterns:
        if isinstance(pattern, URLResolver) and pattern.namespace == admin.site.name:
            return list(_walk(pattern.url_patterns))
    raise AssertionError("the admin site is not in the URL configuration")


def model_url_names(model) -> dict[str, str]:
    """kind -> URL name of the admin's views of `model` found in the resolver (custom views under their own name)."""
    stem = f"{model._meta.app_label}_{model._meta.model_name}_"
    found = {}
    for _route, name in admin_url_patterns():
        if name and name.startswith(stem):
            kind = name[len(stem) :]
            found[kind if kind in MODEL_URL_KINDS else name] = name
    return found


def label(model) -> str:
    return model._meta.label_lower


REGISTRY = sorted(admin.site._registry, key=label)
COMMITTEE_MODELS = [m for m in REGISTRY if m in set(committee_models())]


# ---------------------------------------------------------------------------
# ENUMERATED: nothing undeclared
# ---------------------------------------------------------------------------
def test_every_admin_url_and_model_is_declared(world):
    # given every admin URL pattern and every registered model
    models = {label(m): m for m in REGISTRY}
    undeclared_models = sorted(name for name, m in models.items() if m not in COMMITTEE_MODELS and name not in SHARED_MODELS)
    known = set(SITE_URLS) | set(CUSTOM_OBJECT_URLS) | set(CUSTOM_OTHER_URLS)
    known |= {f"{m._meta.app_label}_{m._meta.model_name}_{kind}" for m in REGISTRY for kind in MODEL_URL_KINDS}
    undeclared_urls = sorted({name for _route, name in admin_url_patterns() if name and name not in known})
    unnamed = sorted(
        {route for route, name in admin_url_patterns() if not name and not route.endswith("<path:object_id>/") and "(?P<url>" not in route}
    )
    # then each is tried by the matrix below, or declared outside it with a reason
    assert not undeclared_models, f"admin models neither of a committee nor declared in SHARED_MODELS: {undeclared_models}"
    assert not undeclared_urls, f"admin URLs not declared in tests/test_admin_access_matrix.py: {undeclared_urls}"
    assert not unnamed, f"unnamed admin URLs not declared: {unnamed}"
    # and committee B has at least one record of every committee model, with markers in it
    empty = sorted(label(m) for m in COMMITTEE_MODELS if not world.b_records.get(m))
    assert not empty, f"plant a record of committee B for: {empty} (tests/admin_matrix_world.py)"


def test_the_markers_show_where_they_may(client, world):
    """The checks below look for markers: prove they are rendered where they may be read (a check that finds nothing
    because nothing is ever rendered proves nothing)."""
    login(client, world.clerk_of_b)
    exempt = reverse("admin:meetings_minuteitem_change", args=[world.ids["b.exempt_minute"]])
    assert f"zqb-minuteitem.body.{world.ids['b.exempt_minute']}" in leaks(client.get(exempt), "superuser")
    login(client, world.users["clerk"])
    exempt = reverse("admin:meetings_minuteitem_change", args=[world.ids["a.exempt_minute"]])
    assert f"zqa-minuteitem.body.{world.ids['a.exempt_minute']}" in leaks(client.get(exempt), "")
    login(client, world.complaints_officer)
    page = client.get(reverse("admin:complaints_complaint_change", args=[world.complaint]))
    assert any(m.startswith("zqc-complaintpersonaldata.complainant_name") for m in leaks(page, "clerk"))


# ---------------------------------------------------------------------------
# ENUMERATED: every object URL of every record of committee B, GET and POST, for every role
# ---------------------------------------------------------------------------
def legitimate_post(world, model, pk) -> dict:
    """What committee B's own clerk would post from the record's change page, marked text changed: a post that saves
    when they send it (test_the_posts_tried_are_ones_that_save), so a refusal below is the scope's doing."""
    key = (label(model), pk)
    cache = world.payloads
    if key not in cache:
        client = login(Client(), world.clerk_of_b)
        response = client.get(reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[pk]))
        cache[key] = tampered(browser_post_data(response, model)) if response.status_code == 200 else {"_save": ["Save"]}
    return cache[key]


def object_requests(world, model, pk):
    """(url name, method, url, data) for every admin URL of one record, from the resolver and the admin's declarations."""
    model_admin = admin.site._registry[model]
    names = model_url_names(model)
    info = f"{model._meta.app_label}_{model._meta.model_name}"
    post = legitimate_post(world, model, pk)
    changelist = reverse(f"admin:{info}_changelist")
    yield "redirect", "get", f"{changelist}{pk}/", None
    content_type = ContentType.objects.get_for_model(model)
    yield "view_on_site", "get", reverse("admin:view_on_site", args=[content_type.pk, pk]), None
    for kind, name in names.items():
        if kind in ("changelist", "add"):
            continue
        if kind in ("change", "history", "delete"):
            url = reverse(f"admin:{name}", args=[pk])
            yield name, "get", url, None
            if kind != "history":
                yield name, "post", url, post if kind == "change" else {"post": "yes"}
        elif kind == "simple_history":
            history = (
                model.history.filter(**{model._meta.pk.attname: pk}) if hasattr(model._meta, "simple_history_manager_attribute") else None
            )
            versions = list(history.order_by("history_id").values_list("history_id", flat=True)) if history is not None else []
            for version in sorted(set(versions[:1] + versions[-1:])):  # the first version and the latest
                url = reverse(f"admin:{name}", args=[pk, version])
                yield name, "get", url, None
                yield name, "post", url, post  # a revert
        elif kind == "step":
            # The steps the process allows for this record now (its buttons), or any name where it has none.
            obj = model._default_manager.get(pk=pk)
            steps = getattr(model_admin, "steps", {})
            for step in [step_name for step_name, step in steps.items() if step.shown is None or step.shown(obj)] or ["nonesuch"]:
                url = reverse(f"admin:{name}", args=[pk, step])
                yield name, "get", url, None
                yield name, "post", url, {"reason": "matrix", "on": "2025-03-10", "note": "matrix"}
        elif name in CUSTOM_OBJECT_URLS:
            arguments, payload = CUSTOM_OBJECT_URLS[name]
            for args in arguments(world, pk):
                url = reverse(f"admin:{name}", args=[pk, *args])
                yield name, "get", url, None
                yield name, "post", url, payload(world, url)
        else:
            raise AssertionError(f"admin URL {name} of {label(model)} has no rule in the matrix")


def action_names(model_admin) -> list[str]:
    """Every changelist action the admin declares, whoever may use it (the site-wide delete included)."""
    names = {name for _func, name, _desc in model_admin._get_base_actions()}
    return sorted(names | {name for name, _func in admin.site.actions})


def _role_params(models):
    return [pytest.param(role, m, id=f"{role}-{label(m)}") for role in ROLES for m in models]


def run_requests(client, requests, role, allow_changes=lambda name: ()) -> list[str]:
    """Send each (url name, method, url, data); report what leaked, a GET of an object not refused, and any change to
    the database. The database is compared once over the whole run (a GET must not write either); only if it changed
    is each request replayed alone, from the same starting point, to name the one that wrote."""
    problems = []
    with transaction.atomic():
        before = db_state()
        for name, method, url, data, may_open in requests:
            response = client.post(url, data) if method == "post" else client.get(url)
            if response.status_code >= 500 or (method == "get" and not may_open and response.status_code not in (302, 403, 404)):
                problems.append(f"{method.upper()} {url}: {response.status_code}")
            if leaked := leaks(response, role, url_name=name):
                problems.append(f"{method.upper()} {url} {data or ''}: leaked {leaked}")
        changed = changed_tables(before, db_state())
        transaction.set_rollback(True)
    if changed:
        for name, method, url, data, _may_open in requests:
            with transaction.atomic():
                before = db_state()
                response = client.post(url, data) if method == "post" else client.get(url)
                if wrote := [t for t in changed_tables(before, db_state()) if t not in allow_changes(name)]:
                    problems.append(f"{method.upper()} {url} {data or ''}: {response.status_code}, changed {wrote}")
                transaction.set_rollback(True)
    return problems


@pytest.mark.parametrize(
    ("role", "model"), cases("test_no_url_reads_or_changes_another_committees_records", _role_params(COMMITTEE_MODELS))
)
def test_no_url_reads_or_changes_another_committees_records(http, world, role, model):
    """Every object URL (change, its redirect, history, each version, delete, steps, custom views, view on site) and
    every changelist action, for each record of committee B: nothing of it shown, nothing changed."""
    login(http, world.users[role])
    info = f"{model._meta.app_label}_{model._meta.model_name}"
    # Administrators open any committee's page to set who supports it (README, "Roles"); the admin logs the save.
    particulars = role in ALLOWED_COMMITTEE_PARTICULARS and model is Committee
    requests = [
        (name, method, url, data, particulars and name in (f"{info}_change", f"{info}_history"))
        for pk in world.b_records[model]
        for name, method, url, data in object_requests(world, model, pk)
    ]
    # Changelist actions on B's records, each tried whether or not the role is offered it ("post": the confirmation).
    changelist = reverse(f"admin:{info}_changelist")
    selected = {"_selected_action": [str(pk) for pk in world.b_records[model]], "index": "0", "select_across": "0"}
    for action in action_names(admin.site._registry[model]):
        requests.append((f"{info}_changelist", "post", changelist, {"action": action, **selected}, False))
        if action == "delete_selected":
            requests.append((f"{info}_changelist", "post", changelist, {"action": action, "post": "yes", **selected}, False))
    problems = run_requests(
        http, requests, role, allow_changes=lambda name: ("django_admin_log",) if particulars and name == f"{info}_change" else ()
    )
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("model", COMMITTEE_MODELS, ids=label)
def test_the_posts_tried_are_ones_that_save(client, world, model):
    """Control for the test above: the change form posted there, sent by committee B's own clerk, saves (302) where
    the clerk may change the record at all; so its refusal to others is the scope's doing, not bad data."""
    login(client, world.clerk_of_b)
    info = f"{model._meta.app_label}_{model._meta.model_name}"
    problems = []
    for pk in world.b_records[model]:
        response = client.get(reverse(f"admin:{info}_change", args=[pk]))
        editable = response.status_code == 200 and response.context["has_change_permission"]
        if not editable:
            continue
        with transaction.atomic():
            before = db_state()
            posted = client.post(reverse(f"admin:{info}_change", args=[pk]), legitimate_post(world, model, pk))
            changed = changed_tables(before, db_state())
            transaction.set_rollback(True)
        if posted.status_code != 302 or not changed:
            errors = posted.context and [posted.context["adminform"].form.errors, posted.context.get("errors")]
            problems.append(f"{label(model)} {pk}: {posted.status_code}, changed {changed} {errors}")
    # and the forms of custom pages (the roll call) are ones their clerk's post is accepted from
    for name, (arguments, payload) in CUSTOM_OBJECT_URLS.items():
        if payload is not page_form or name not in model_url_names(model).values():
            continue
        for pk in world.b_records[model]:
            for args in arguments(world, pk):
                url = reverse(f"admin:{name}", args=[pk, *args])
                with transaction.atomic():
                    posted = client.post(url, page_form(world, url))
                    transaction.set_rollback(True)
                if posted.status_code != 302:
                    problems.append(f"POST {url}: {posted.status_code} {posted.context and posted.context['form'].errors}")
    assert not problems, "\n".join(problems)


# ---------------------------------------------------------------------------
# ENUMERATED: every changelist (with its search and list filters) and every add form, for every role
# ---------------------------------------------------------------------------
def b_choices(response, world) -> list[str]:
    """Choice fields on the page's forms (the main form, every inline form and each inline's blank form) that offer a
    record of committee B, as "<form>.<field>"."""
    context = response.context
    pages = []
    if context.get("adminform") is not None:
        pages.append(("form", context["adminform"].form))
    for inline in context.get("inline_admin_formsets") or []:
        formset = inline.formset
        pages += [(formset.prefix, form) for form in formset.forms] + [(f"{formset.prefix} (blank)", formset.empty_form)]
    found = []
    for where, form in pages:
        for name, form_field in form.fields.items():
            queryset = getattr(form_field, "queryset", None)
            if isinstance(form_field.widget, forms.HiddenInput):
                continue  # an inline row's own id, not a choice: B's ids posted there are tried below (inline row ids)
            theirs = world.b_records.get(queryset.model) if queryset is not None else None
            if theirs and queryset.filter(pk__in=theirs).exists():
                found.append(f"{where}.{name}")
    return sorted(set(found))


def b_filter_choices(response, world) -> list[str]:
    """List filters of the changelist offering a record of committee B (committees themselves are public: see
    ALLOWED_IN_FILTERS)."""
    found = []
    for spec in response.context["cl"].filter_specs:
        if isinstance(spec, RelatedFieldListFilter):
            model = spec.field.remote_field.model
            theirs = set(world.b_records.get(model, [])) if model is not Committee else set()
            if theirs & {pk for pk, _label in spec.lookup_choices}:
                found.append(spec.field_path)
    return found


@pytest.mark.parametrize(
    ("role", "model"), cases("test_lists_searches_filters_and_add_forms_hold_nothing_of_another_committee", _role_params(REGISTRY))
)
def test_lists_searches_filters_and_add_forms_hold_nothing_of_another_committee(http, world, role, model):
    """Every registered model's changelist (and its search for B's markers) lists none of B's records and no marker,
    its related list filters offer none of B's records, and its add form (with its inlines) offers none as a choice."""
    login(http, world.users[role])
    info = f"{model._meta.app_label}_{model._meta.model_name}"
    model_admin = admin.site._registry[model]
    theirs = set(world.b_records.get(model, []))
    particulars = role in ALLOWED_COMMITTEE_PARTICULARS and model is Committee
    problems = []
    changelist = reverse(f"admin:{info}_changelist")
    searchable = model_admin.search_fields and model in COMMITTEE_MODELS  # shared records hold no marker to search for
    urls = [changelist] + ([f"{changelist}?{urlencode({'q': term})}" for term in ("ZQB", SHARED_DATE)] if searchable else [])
    for url in urls:
        response = http.get(url)
        if response.status_code not in (200, 403):
            problems.append(f"GET {url}: {response.status_code}")
        if leaked := leaks(response, role, url_name=f"{info}_changelist"):
            problems.append(f"GET {url}: leaked {leaked}")
        if response.status_code == 200:
            listed = {obj.pk for obj in response.context["cl"].result_list}
            if (listed & theirs) and not particulars:
                problems.append(f"GET {url}: lists records of committee B {sorted(listed & theirs)}")
            if offered := b_filter_choices(response, world):
                problems.append(f"GET {url}: list filters offer records of committee B: {offered}")
    add = reverse(f"admin:{info}_add")
    response = http.get(add)
    if response.status_code not in (200, 403):
        problems.append(f"GET {add}: {response.status_code}")
    if leaked := leaks(response, role, url_name=f"{info}_add"):
        problems.append(f"GET {add}: leaked {leaked}")
    if response.status_code == 200 and (offered := b_choices(response, world)):
        problems.append(f"GET {add}: choices offer records of committee B: {offered}")
    assert not problems, "\n".join(problems)


# ---------------------------------------------------------------------------
# ENUMERATED: the change forms of records the user may open offer nothing of committee B, and refuse B's ids
# ---------------------------------------------------------------------------
# The record whose page is tried, where a committee model has several (the one with rows in every inline).
REPRESENTATIVE = {"meetings.meeting": "a.held", "meetings.minuteitem": "a.public_minute", "meetings.action": "a.action"}
# Who opens change forms: the officer (the clerk's forms are the same, with deletions) and the superuser (every
# permission); the other roles' add forms and refusals are tried above. The officer posts B's ids.
FORM_ROLES = ("officer", "superuser")
POST_ROLES = ("officer",)


def page_record(world, model):
    """A record of committee A, or a shared record, whose change page the matrix opens (None if there is none)."""
    if label(model) in REPRESENTATIVE:
        return world.ids[REPRESENTATIVE[label(model)]]
    if model in COMMITTEE_MODELS:
        return world.a_records[model][0] if world.a_records[model] else None
    return model._default_manager.order_by("pk").values_list("pk", flat=True).first()


def foreign_choices(response, world):
    """(post key, form prefix or None, field name, B's value) for every choice field on the page whose records belong
    to committees: the main form's and the first row of each inline's."""
    context = response.context
    candidates = [(None, context["adminform"].form)]
    for inline in context.get("inline_admin_formsets") or []:
        if inline.formset.forms:
            candidates.append((inline.formset.prefix, inline.formset.forms[0]))
    for prefix, form in candidates:
        for name, form_field in form.fields.items():
            queryset = getattr(form_field, "queryset", None)
            if queryset is None or isinstance(form_field.widget, forms.HiddenInput) or not world.b_records.get(queryset.model):
                continue
            key = f"{prefix}-0-{name}" if prefix else name
            yield key, prefix, name, str(world.b_records[queryset.model][0])


def refusal_of(response, prefix, name) -> str | None:
    """The error the re-shown form gives for the field (or at the top of the page), or None if it shows none."""
    if response.status_code != 200 or not response.context or response.context.get("adminform") is None:
        return None
    if prefix is None:
        form = response.context["adminform"].form
        errors = form.errors.get(name) or form.non_field_errors()
    else:
        formset = next(i.formset for i in response.context["inline_admin_formsets"] if i.formset.prefix == prefix)
        errors = formset.forms[0].errors.get(name) or formset.non_form_errors() or formset.forms[0].non_field_errors()
    errors = errors or response.context["adminform"].form.non_field_errors()
    return "; ".join(errors) if errors else None


def rows_of_b(world) -> dict:
    """Committee B's records as stored, the number of versions in their history, and every many-to-many link to them."""
    state = {}
    for model, pks in world.b_records.items():
        state[label(model)] = list(model._default_manager.filter(pk__in=pks).order_by("pk").values())
        if hasattr(model._meta, "simple_history_manager_attribute"):
            state[f"{label(model)} history"] = model.history.filter(**{f"{model._meta.pk.attname}__in": pks}).count()
    for model in apps.get_models():
        for m2m in model._meta.many_to_many:
            target = m2m.remote_field.model
            if target in world.b_records:
                through = m2m.remote_field.through
                source, column = m2m.m2m_field_name(), m2m.m2m_reverse_field_name()
                rows = through.objects.filter(**{f"{column}__in": world.b_records[target]}).values_list(source, column)
                state[f"{label(model)}.{m2m.name}"] = sorted(rows)  # the links, whatever the rows' own ids
    return state


def relates_to_committees(model) -> bool:
    """Whether the admin's change page of `model` (its form or an inline) can offer records that belong to committees."""
    committee_models_ = set(committee_models())
    owners = [model, *(inline.model for inline in admin.site._registry[model].inlines)]
    return model in committee_models_ or any(
        f.is_relation and f.concrete and f.related_model in committee_models_ for owner in owners for f in owner._meta.get_fields()
    )


# Change pages that can offer committee records (every add page, for every role, is tried above).
FORM_MODELS = [m for m in REGISTRY if relates_to_committees(m) and label(m) not in SHARED_MODELS_OUTSIDE_THE_RECORD]


@pytest.mark.parametrize(
    ("role", "model"),
    cases(
        "test_change_forms_offer_nothing_of_another_committee_and_refuse_its_ids",
        [pytest.param(r, m, id=f"{r}-{label(m)}") for r in FORM_ROLES for m in FORM_MODELS],
    ),
)
def test_change_forms_offer_nothing_of_another_committee_and_refuse_its_ids(http, world, role, model):
    """On the change page of a record the user may open (committee A's, or one shared by every committee): no choice
    offers a record of B; posting B's id in any committee choice (main form or an inline row) is refused next to the
    field with nothing saved, on the change form and on the add form; and an inline row posted with the id of one of
    B's records leaves that record as it was."""
    pk = page_record(world, model)
    assert pk is not None, f"no record of {label(model)} to open: add one to tests/admin_matrix_world.py"
    login(http, world.users[role])
    info = f"{model._meta.app_label}_{model._meta.model_name}"
    change, add = reverse(f"admin:{info}_change", args=[pk]), reverse(f"admin:{info}_add")
    page = http.get(change)
    assert page.status_code in (200, 302, 403)
    if page.status_code != 200:
        return
    problems = []
    if leaked := leaks(page, role, url_name=f"{info}_change"):
        problems.append(f"GET {change}: leaked {leaked}")
    if offered := b_choices(page, world):
        problems.append(f"GET {change}: choices offer records of committee B: {offered}")
    if role not in POST_ROLES or not page.context["has_change_permission"]:
        assert not problems, "\n".join(problems)
        return
    base = browser_post_data(page, model)
    main_only = {k: v for k, v in base.items() if "-" not in k or k.startswith("_")}
    for inline in page.context.get("inline_admin_formsets") or []:
        p = inline.formset.prefix
        main_only.update(
            {f"{p}-TOTAL_FORMS": ["0"], f"{p}-INITIAL_FORMS": ["0"], f"{p}-MIN_NUM_FORMS": ["0"], f"{p}-MAX_NUM_FORMS": ["1000"]}
        )
    choices = list(foreign_choices(page, world))
    attempts = [(change, base, *choice) for choice in choices]
    attempts += [(add, main_only, *choice) for choice in choices if choice[1] is None]  # the add form: its main form
    for url, data, key, prefix, name, value in attempts:
        with transaction.atomic():
            before = db_state()
            response = http.post(url, {**data, key: [value]})
            changed = changed_tables(before, db_state())
            transaction.set_rollback(True)
        if response.status_code >= 500 or changed or not (refused := refusal_of(response, prefix, name)):
            problems.append(f"POST {url} with B's {key}={value}: {response.status_code}, changed {changed}, error shown: {refused!r}")
    # An inline row carrying the id of one of B's records (with its text changed) must not reach that record.
    for inline in page.context.get("inline_admin_formsets") or []:
        formset = inline.formset
        theirs = world.b_records.get(formset.model)
        if not formset.initial_forms or not theirs:
            continue
        pk_name = formset.model._meta.pk.name
        data = tampered({**base, f"{formset.prefix}-0-{pk_name}": [str(theirs[0])]})
        with transaction.atomic():
            before = rows_of_b(world)
            response = http.post(change, data)
            after = rows_of_b(world)
            transaction.set_rollback(True)
        if response.status_code >= 500 or before != after:
            problems.append(f"POST {change} with {formset.prefix}-0-{pk_name}={theirs[0]}: {response.status_code}, B's records changed")
    assert not problems, "\n".join(problems)


# ---------------------------------------------------------------------------
# ENUMERATED: every autocomplete field of every admin and inline, for every role
# ---------------------------------------------------------------------------
def autocomplete_fields() -> list[tuple[str, str, str]]:
    """(app label, model name, field name) of every autocomplete field of every registered admin and its inlines."""
    found = set()
    for model, model_admin in admin.site._registry.items():
        for owner, fields in [(model, model_admin.autocomplete_fields)] + [(i.model, i.autocomplete_fields) for i in model_admin.inlines]:
            found |= {(owner._meta.app_label, owner._meta.model_name, name) for name in fields}
    return sorted(found)


@pytest.mark.parametrize("role", list(ROLES))
def test_autocomplete_offers_nothing_of_another_committee(http, world, role):
    """Every autocomplete field, with no term and with a term matching B's markers: no record of B, no marker."""
    login(http, world.users[role])
    problems, offered_any = [], False
    for app_label, model_name, field_name in autocomplete_fields():
        remote = apps.get_model(app_label, model_name)._meta.get_field(field_name).remote_field.model
        theirs = {str(pk) for pk in world.b_records.get(remote, [])}
        # No term lists everything the field offers; a term found only in B's records, and the date of a meeting both
        # committees held, try the admin's search too.
        for term in ("", "ZQB", SHARED_DATE) if theirs else ("",):
            page = 1
            while page:
                query = urlencode({"app_label": app_label, "model_name": model_name, "field_name": field_name, "term": term, "page": page})
                response = http.get(f"{reverse('admin:autocomplete')}?{query}")
                if response.status_code not in (200, 403):
                    problems.append(f"autocomplete {query}: {response.status_code}")
                if leaked := leaks(response, role):
                    problems.append(f"autocomplete {query}: leaked {leaked}")
                if response.status_code != 200:
                    break
                found = response.json()
                if offered := theirs & {r["id"] for r in found["results"]}:
                    problems.append(f"autocomplete {query}: offers records of committee B {sorted(offered)}")
                offered_any |= bool(found["results"])
                page = page + 1 if found["pagination"]["more"] else 0
    assert not problems, "\n".join(problems)
    # and the fields do offer something to those who enter records (committee A's meetings, people …)
    assert offered_any or role in ("complaints officer", "administrator")


# ---------------------------------------------------------------------------
# ENUMERATED: the committee's own officer, without the publish permission, cannot publish by any admin route
# ---------------------------------------------------------------------------
# States the world does not hold, made for a step that needs them (in the test's own savepoint).
PREPARE_FOR_STEP = {
    "unpublish_draft_minutes": lambda world: services.minutes_publish_draft(
        meeting=Meeting.objects.get(pk=world.ids["b.draft_minutes"]), by=services.SYSTEM
    ),
}


def _step_params():
    """Steps of committee records needing a permission the Officer role does not hold (committee.roles, as declared);
    the complaints admin's steps are tried with the personal data below."""
    officer = set(declared_permissions()["Officer"])
    return [
        pytest.param(model, name, id=f"{label(model)}-{name}")
        for model in COMMITTEE_MODELS
        for name, step in getattr(admin.site._registry[model], "steps", {}).items()
        if step.permission and step.permission not in officer
    ]


def _open_for(world, model, name):
    """A record of committee B whose state lets the step be taken (prepared if the world holds none)."""
    step = admin.site._registry[model].steps[name]
    for attempt in range(2):
        for obj in model._default_manager.filter(pk__in=world.b_records[model]):
            if step.shown is None or step.shown(obj):
                return obj
        if attempt == 0 and name in PREPARE_FOR_STEP:
            PREPARE_FOR_STEP[name](world)
    pytest.fail(f"no record of committee B where the step {name} is open: add one, or a way to make one (PREPARE_FOR_STEP)")


@pytest.mark.parametrize(("model", "name"), _step_params())
def test_a_step_is_refused_to_the_committees_own_officer_without_its_permission(http, world, model, name):
    step = admin.site._registry[model].steps[name]
    assert not world.officer_of_b.has_perm(step.permission)
    obj = _open_for(world, model, name)
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_step", args=[obj.pk, name])
    data = {"reason": "matrix", "on": "2025-03-10", "note": ""}
    login(http, world.officer_of_b)
    before = db_state()
    page, posted = http.get(url), http.post(url, data)
    changed = changed_tables(before, db_state())
    assert (page.status_code, posted.status_code, changed) == (403, 403, [])
    # Control: the committee's clerk, who holds the permission, takes the same step with the same post.
    login(http, world.clerk_of_b)
    with transaction.atomic():
        posted = http.post(url, data)
        assert posted.status_code == 302, posted.context and posted.context["form"].errors
        assert changed_tables(before, db_state())
        transaction.set_rollback(True)


PUBLISH_PACK_URLS = [("meetings_meeting_pack", (step,)) for step in PACK_STEPS if step != "build"]


@pytest.mark.parametrize(("name", "args"), [*PUBLISH_PACK_URLS, ("meetings_meeting_pack_version", None)])
def test_pack_publication_is_refused_to_the_committees_own_officer(http, world, name, args):
    pack = AgendaPack.objects.get(pk=world.ids["b.pack"])
    url = reverse(f"admin:{name}", args=[pack.meeting_id, *(args or (pack.pk,))])
    login(http, world.officer_of_b)
    before = db_state()
    assert (http.get(url).status_code, http.post(url, {}).status_code) == (403, 403)
    assert changed_tables(before, db_state()) == []


def _actions_for(user, model):
    request = RequestFactory().get("/")
    request.user = user
    return set(admin.site._registry[model].get_actions(request))


@pytest.mark.parametrize("model", COMMITTEE_MODELS, ids=label)
def test_changelist_actions_beyond_the_officers_role_change_nothing(http, world, model):
    """Every action B's clerk is offered and B's officer is not (publishing packs, deleting), posted by the officer."""
    denied = sorted(_actions_for(world.clerk_of_b, model) - _actions_for(world.officer_of_b, model))
    info = f"{model._meta.app_label}_{model._meta.model_name}"
    login(http, world.officer_of_b)
    problems = []
    for action in denied:
        data = {"action": action, "_selected_action": [str(pk) for pk in world.b_records[model]], "index": "0", "post": "yes"}
        before = db_state()
        response = http.post(reverse(f"admin:{info}_changelist"), data)
        if response.status_code >= 500 or (changed := changed_tables(before, db_state())):
            problems.append(f"{action}: {response.status_code}, changed {changed}")
    assert not problems, "\n".join(problems)


def _workflow_values(world, model) -> dict:
    """For each status field only an action may move (meetings.services.WORKFLOW_FIELDS), a value a form could post."""
    values = {
        "status": {Meeting: Meeting.Status.CANCELLED}.get(model, "done"),
        "agenda_status": Meeting.AgendaStatus.PUBLISHED,
        "agenda_published_at_0": "01/03/2025",
        "agenda_published_at_1": "10:00",
        "agenda_published_provenance": "illustrative",
        "minutes_status": Meeting.MinutesStatus.APPROVED,
        "minutes_published": "on",
        "minutes_approved_by": str(world.ids["b.public_resolution"]),
        "minutes_approval_provenance": "inferred",
        "completed_date": "01/04/2025",
        "flagged_at_0": "01/03/2025",
        "flagged_at_1": "10:00",
    }
    fields = {name.removesuffix("_id") for name in services.WORKFLOW_FIELDS[model]}
    missing = fields - {k.removesuffix("_0").removesuffix("_1") for k in values}
    assert not missing, f"say what a form would post for {sorted(missing)}"
    return {k: v for k, v in values.items() if k.removesuffix("_0").removesuffix("_1") in fields}


@pytest.mark.parametrize("who", ["officer of b", "clerk of b"])
@pytest.mark.parametrize("model", list(services.WORKFLOW_FIELDS), ids=label)
def test_statuses_do_not_move_by_posting_the_form(http, world, model, who):
    """Minutes approved, agenda or draft minutes published, a meeting cancelled, an action done: by their buttons
    only. Posting the record's own form with those fields set changes none of them, whoever posts it."""
    user = world.officer_of_b if who == "officer of b" else world.clerk_of_b
    login(http, user)
    info = f"{model._meta.app_label}_{model._meta.model_name}"
    fields = list(services.WORKFLOW_FIELDS[model])
    problems = []
    for pk in world.b_records[model]:
        url = reverse(f"admin:{info}_change", args=[pk])
        data = {**browser_post_data(http.get(url), model), **_workflow_values(world, model)}
        before = list(model._default_manager.filter(pk=pk).values(*fields))
        response = http.post(url, data)
        after = list(model._default_manager.filter(pk=pk).values(*fields))
        if before != after:
            problems.append(f"POST {url}: {response.status_code}, {before} -> {after}")
        elif response.status_code != 302:  # the rest of the form saves: the statuses are ignored, not the post refused
            problems.append(f"POST {url}: {response.status_code} {response.context and response.context['adminform'].form.errors}")
    assert not problems, "\n".join(problems)


# ---------------------------------------------------------------------------
# ENUMERATED: a complainant's personal data reaches the Complaints officer only (not the superuser either)
# ---------------------------------------------------------------------------
NAME = "ZQC-complaintpersonaldata.complainant_name"  # (the record's id follows: a search for this finds it)
CHILD = "ZQC-complaintpersonaldata.child_name"


def personal_data_state() -> dict:
    return {
        "rows": list(ComplaintPersonalData.objects.order_by("pk").values()),
        "history": list(ComplaintPersonalData.history.order_by("history_id").values()),
    }


@pytest.mark.parametrize("role", [r for r in ROLES if r != "complaints officer"] + ["superuser of nothing"])
def test_personal_data_reaches_nobody_but_the_complaints_officer(http, world, role):
    user = world.superuser_of_nothing if role == "superuser of nothing" else world.users[role]
    login(http, user)
    complaint = Complaint.objects.get(pk=world.complaint)
    versions = list(complaint.history.order_by("history_id").values_list("history_id", flat=True))
    urls = [reverse("admin:complaints_complaint_changelist")]
    urls += [
        f"{reverse(f'admin:complaints_{m}_changelist')}?{urlencode({'q': term})}" for m in ("complaint", "stage") for term in (NAME, CHILD)
    ]
    urls += [reverse(f"admin:complaints_complaint_{kind}", args=[complaint.pk]) for kind in ("change", "history", "delete")]
    urls += [reverse("admin:complaints_complaint_simple_history", args=[complaint.pk, v]) for v in versions]
    steps = [reverse("admin:complaints_complaint_step", args=[complaint.pk, name]) for name in admin.site._registry[Complaint].steps]
    urls += steps
    urls += [reverse("admin:complaints_stage_change", args=[s]) for s in complaint.stages.values_list("pk", flat=True)]
    urls += [
        f"{reverse('admin:autocomplete')}?{urlencode({'app_label': 'complaints', 'model_name': m, 'field_name': 'complaint', 'term': t})}"
        for m in ("stage", "learningaction", "ombudsmancase")
        for t in ("", NAME)
    ]
    problems = []
    for url in urls:
        response = http.get(url)
        searched = (NAME.lower(), CHILD.lower()) if "q=" in url or "term=ZQC" in url else ()
        leaked = (
            {m for m in leaks(response, role if role in ROLES else "") if not m.startswith(searched)}
            if response.status_code < 500
            else set()
        )
        if response.status_code >= 500 or leaked:
            problems.append(f"GET {url}: {response.status_code}, leaked {sorted(leaked) if response.status_code < 500 else ''}")
        if "q=" in url and response.status_code == 200 and response.context["cl"].result_count:
            problems.append(f"GET {url}: a search by name found the complaint")
        if "term=ZQC" in url and response.status_code == 200 and response.json()["results"]:
            problems.append(f"GET {url}: a search by name found the complaint")
    # Posting the complaint's form with the personal data section filled in changes no personal data.
    officer = login(Client(), world.complaints_officer)
    change = reverse("admin:complaints_complaint_change", args=[complaint.pk])
    data = tampered(browser_post_data(officer.get(change), Complaint))
    assert data.get("personal_data-0-complainant_name") == ["CHANGED"]  # the post does carry the section (changed)
    before = personal_data_state()
    for url in (change, reverse("admin:complaints_complaint_simple_history", args=[complaint.pk, versions[-1]]), *steps):
        response = http.post(url, {**data, "opened_date": "2025-07-01", "reason": "matrix"} if url in steps else data)
        if response.status_code >= 500 or personal_data_state() != before:
            problems.append(f"POST {url}: {response.status_code}, personal data changed: {personal_data_state() != before}")
    assert not problems, "\n".join(problems)


def test_the_complaints_officer_does_read_personal_data(client, world):
    """Control for the test above: the same pages do show the data to the role that may read it."""
    login(client, world.complaints_officer)
    response = client.get(f"{reverse('admin:complaints_complaint_changelist')}?{urlencode({'q': NAME})}")
    assert response.context["cl"].result_count == 1
    assert NAME.lower() in body_of(client.get(reverse("admin:complaints_complaint_change", args=[world.complaint]))).lower()


# ---------------------------------------------------------------------------
# ENUMERATED: the admin's own pages and an authenticator's secret
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("role", [*ROLES, "superuser of nothing"])
def test_the_admins_own_pages_hold_nothing_of_another_committee(http, world, role):
    user = world.superuser_of_nothing if role == "superuser of nothing" else world.users[role]
    login(http, user)
    urls = [reverse("admin:index"), reverse("admin:password_change"), reverse("admin:jsi18n"), reverse("admin:login")]
    urls += [reverse("admin:app_list", args=[app]) for app in sorted({m._meta.app_label for m in REGISTRY})]
    problems = []
    for url in urls:
        response = http.get(url)
        if response.status_code >= 500 or (leaked := leaks(response, role if role in ROLES else "")):
            problems.append(f"GET {url}: {response.status_code} {leaked if response.status_code < 500 else ''}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("role", [*ROLES, "superuser of nothing"])
def test_authenticator_secrets_are_never_shown(http, world, role):
    """The TOTP secret of B's clerk: not on the device's page, its config page or its QR code, to anyone in the admin."""
    user = world.superuser_of_nothing if role == "superuser of nothing" else world.users[role]
    login(http, user)
    device = TOTPDevice.objects.get(pk=world.device)
    problems = []
    for name in ("change", "config", "qrcode", "history"):
        url = reverse(f"admin:otp_totp_totpdevice_{name}", args=[device.pk])
        response = http.get(url)
        if response.status_code >= 500 or device.key in body_of(response) or (name in ("config", "qrcode") and response.status_code == 200):
            problems.append(f"GET {url}: {response.status_code}")
    assert not problems, "\n".join(problems)


# ===========================================================================
# HAND-WRITTEN: the regressions issue 14 names, each on its own
# ===========================================================================
def _minute(world, name):
    return MinuteItem.objects.get(pk=world.ids[name])


@pytest.mark.parametrize("role", ["officer", "clerk", "superuser"])
@pytest.mark.parametrize(
    ("model_name", "record"),
    [
        ("minuteitem", "b.exempt_minute"),
        ("document", "b.exempt_report"),
        ("question", "b.exempt_question"),
        ("agendaitem", "b.draft_item"),
        ("minuteitem", "b.draft_minute"),
    ],
)
def test_history_of_another_committees_confidential_record_is_not_shown(client, world, role, model_name, record):
    """History pages of another committee's exempt minute / exempt report / question / draft agenda item / draft
    minutes read across committees (django-simple-history fell back to the historical record)."""
    model = apps.get_model("meetings", model_name)
    pk = world.ids[record]
    login(client, world.users[role])
    versions = model.history.filter(id=pk).order_by("history_id").values_list("history_id", flat=True)
    assert versions
    for url in [reverse(f"admin:meetings_{model_name}_history", args=[pk])] + [
        reverse(f"admin:meetings_{model_name}_simple_history", args=[pk, v]) for v in versions
    ]:
        response = client.get(url)
        assert response.status_code == 404, url
        assert not leaks(response, role), url


def test_revert_of_another_committees_exempt_minute_is_refused(client, world):
    """Posting the history form of another committee's exempt minute (exempt unticked) once saved it and put its
    text on the public meeting page."""
    minute = _minute(world, "b.exempt_minute")
    version = minute.history.order_by("history_id").first().history_id
    url = reverse("admin:meetings_minuteitem_simple_history", args=[minute.pk, version])
    data = {**legitimate_post(world, type(minute), minute.pk), "is_exempt": [""]}
    other_clerk, own_clerk = login(Client(), world.users["clerk"]), login(Client(), world.clerk_of_b)
    before = db_state()
    assert other_clerk.post(url, data).status_code == 404
    # Nor may the committee's own clerk restore a version around the actions: revert is off.
    assert own_clerk.post(url, data).status_code == 403
    assert changed_tables(before, db_state()) == []
    minute.refresh_from_db()
    assert minute.is_exempt
    public = Client().get(reverse("meetings:detail", args=[minute.meeting_id]))
    assert public.status_code == 200
    assert f"zqb-minuteitem.body.{minute.pk}" not in body_of(public).lower()


def _add_form_refused(client, world, model_name, data, field):
    model = apps.get_model(*model_name.split("."))
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")
    before = db_state()
    response = client.post(url, data)
    assert response.status_code == 200, f"{url} accepted committee B's {field}"
    assert response.context["adminform"].form.errors.get(field), response.context["adminform"].form.errors
    assert changed_tables(before, db_state()) == []


def test_a_minute_item_cannot_be_added_to_another_committees_meeting(client, world):
    """Adding a minute item with another committee's meeting id once saved it into that committee's approved minutes."""
    login(client, world.users["officer"])
    data = {"meeting": world.ids["b.held"], "title": "Inserted", "body": "Inserted into B's minutes."}
    data |= {f"{p}-{k}": "0" for p in ("resolutions", "actions", "questions") for k in ("TOTAL_FORMS", "INITIAL_FORMS")}
    _add_form_refused(client, world, "meetings.minuteitem", data, "meeting")


def test_a_report_cannot_be_attached_to_another_committees_agenda_item(client, world):
    login(client, world.users["officer"])
    data = {"agenda_item": world.ids["b.exempt_item"], "order": "1", "title": "Attached", "kind": "report", "body": "Text."}
    _add_form_refused(client, world, "meetings.document", data, "agenda_item")


@pytest.mark.parametrize(
    ("model_name", "field", "data"),
    [
        (
            "meetings.action",
            "resolution",
            lambda w: {"minute_item": w.ids["a.public_minute"], "resolution": w.ids["b.public_resolution"], "description": "x"},
        ),
        (
            "meetings.question",
            "minute_item",
            lambda w: {"meeting": w.ids["a.held"], "minute_item": w.ids["b.exempt_minute"], "question": "x"},
        ),
        (
            "meetings.declarationofinterest",
            "agenda_item",
            lambda w: {"meeting": w.ids["a.held"], "agenda_item": w.ids["b.exempt_item"], "nature": "x"},
        ),
        ("improvement.planpresentation", "agenda_item", lambda w: {"plan": "", "agenda_item": w.ids["b.draft_item"], "note": "x"}),
    ],
    ids=["action-with-B-resolution", "question-with-B-minute", "declaration-with-B-item", "plan-presentation-with-B-item"],
)
def test_an_add_form_refuses_another_committees_record(client, world, model_name, field, data):
    login(client, world.users["officer"])
    payload = data(world)
    if model_name == "improvement.planpresentation":
        payload["plan"] = ImprovementPlan.objects.get(slug="matrix-plan").pk
    payload |= {f"updates-{k}": "0" for k in ("TOTAL_FORMS", "INITIAL_FORMS")}
    _add_form_refused(client, world, model_name, payload, field)


def test_an_officer_without_the_publish_permission_cannot_approve_or_publish_minutes(client, world):
    """Setting "Minutes status" to approved on the meeting form once published draft minutes (no approving
    resolution, no reason, no notice, no permission check); nor may the officer use the publish buttons."""
    meeting = Meeting.objects.get(pk=world.ids["b.draft_minutes"])
    login(client, world.officer_of_b)
    url = reverse("admin:meetings_meeting_change", args=[meeting.pk])
    data = {**browser_post_data(client.get(url), Meeting), "minutes_status": "approved", "minutes_published": "on"}
    assert client.post(url, data).status_code == 302  # the meeting's particulars save; its statuses are not fields
    step_url = reverse("admin:meetings_meeting_step", args=[meeting.pk, "publish_draft_minutes"])
    assert client.get(step_url).status_code == 403
    assert client.post(step_url, {"reason": "x"}).status_code == 403
    meeting.refresh_from_db()
    assert (meeting.minutes_status, meeting.minutes_published) == (Meeting.MinutesStatus.DRAFT, False)
    draft_minute = world.ids["b.draft_minute"]
    assert f"zqb-minuteitem.body.{draft_minute}" not in body_of(Client().get(reverse("meetings:detail", args=[meeting.pk]))).lower()


def test_a_superuser_reads_no_personal_data_and_no_exempt_papers_in_the_admin(client, world):
    """The superuser manages logins; complainants' personal data and exempt papers are for roles and committees."""
    login(client, world.superuser_of_nothing)
    complaint = reverse("admin:complaints_complaint_change", args=[world.complaint])
    page = client.get(complaint)
    assert page.status_code == 200
    assert [i.formset.model for i in page.context["inline_admin_formsets"] if i.formset.model is ComplaintPersonalData] == []
    assert not leaks(page, "")
    assert not leaks(client.get(reverse("admin:complaints_complaint_history", args=[world.complaint])), "")
    search = client.get(f"{reverse('admin:complaints_complaint_changelist')}?{urlencode({'q': NAME})}")
    assert search.context["cl"].result_count == 0
    for tag in ("a", "b"):
        exempt = client.get(reverse("admin:meetings_document_change", args=[world.ids[f"{tag}.exempt_report"]]))
        assert exempt.status_code in (302, 404)
    listed = client.get(f"{reverse('admin:meetings_document_changelist')}?q=zq")
    assert listed.context["cl"].result_count == 0
    assert not leaks(listed, "")


def test_deleting_an_exempt_minute_that_has_questions_is_refused(http, world):
    """Deleting an exempt minute once set its questions' minute to null and they became public with the asker's
    name. The committee's own clerk is told why, on the delete page, the delete button and the list action."""
    minute = _minute(world, "b.exempt_minute")
    question = minute.questions.get()
    login(http, world.clerk_of_b)
    url = reverse("admin:meetings_minuteitem_delete", args=[minute.pk])
    before = db_state()
    page = http.get(url)
    assert page.status_code == 200, f"the delete page answers {page.status_code}"
    posted = http.post(url, {"post": "yes"})
    assert posted.status_code in (200, 302)
    listed = http.post(
        reverse("admin:meetings_minuteitem_changelist"),
        {"action": "delete_selected", "_selected_action": [minute.pk], "post": "yes", "index": "0"},
    )
    assert listed.status_code in (200, 302)
    assert changed_tables(before, db_state()) == []
    question.refresh_from_db()
    assert question.minute_item_id == minute.pk
    assert f"zqb-question.asker_name.{question.pk}" not in body_of(Client().get(reverse("meetings:questions"))).lower()


@pytest.mark.parametrize(
    ("resolution", "approves", "problem"),
    [
        (None, "b.future", "Minutes can only be approved at a later meeting."),
        (None, "b.draft_minutes", "Minutes can only be approved at a later meeting."),
        (None, None, "Say which meeting's minutes this resolution approves."),
        (None, "a.held", "Select a valid choice."),  # another committee's meeting is not offered at all
        ("b.public_resolution", "b.future", "Minutes can only be approved at a later meeting."),
    ],
    ids=["later-meeting", "its-own-meeting", "no-meeting", "other-committee", "edited-into-a-bad-approval"],
)
def test_a_bad_approval_on_the_resolution_admin_is_a_message_not_a_server_error(http, world, resolution, approves, problem):
    """A bad approval on the resolution admin was a 500 while the minute-item page showed a message."""
    login(http, world.clerk_of_b)
    minute = "b.public_minute" if resolution else "b.draft_minute"
    data = {"minute_item": world.ids[minute], "text": "That the minutes be approved.", "kind": "approve_minutes", "number": ""}
    data["approves_minutes_of"] = world.ids[approves] if approves else ""
    url = (
        reverse("admin:meetings_resolution_change", args=[world.ids[resolution]])
        if resolution
        else reverse("admin:meetings_resolution_add")
    )
    before = db_state()
    response = http.post(url, data)
    assert response.status_code == 200
    errors = " ".join(response.context["adminform"].form.errors.get("approves_minutes_of", []))
    assert problem in errors, errors
    assert changed_tables(before, db_state()) == []


# ---------------------------------------------------------------------------
# ENUMERATED: records every committee shares (people, plans, inspections): changing or deleting one from committee A's
# side leaves committee B's records as they were
# ---------------------------------------------------------------------------
def shared_records_linked_to_b(world) -> list[tuple]:
    """(model, pk) of every shared record that a record of committee B points to, or that points to one of B's."""
    found = []
    for model in REGISTRY:
        if model in COMMITTEE_MODELS or label(model) in SHARED_MODELS_OUTSIDE_THE_RECORD:
            continue
        pks = set()
        for relation in model._meta.get_fields():
            # (a reverse relation's name is the lookup from this model to the records that point to it)
            if relation.is_relation and relation.related_model in world.b_records:
                theirs = world.b_records[relation.related_model]
                pks |= set(model._default_manager.filter(**{f"{relation.name}__in": theirs}).values_list("pk", flat=True))
        found += [(model, pk) for pk in sorted(pks)]
    return found


@pytest.mark.parametrize(
    "role",
    cases(
        "test_changing_or_deleting_a_shared_record_leaves_another_committees_records", [pytest.param(r, id=r) for r in ("officer", "clerk")]
    ),
)
def test_changing_or_deleting_a_shared_record_leaves_another_committees_records(http, world, role):
    """A person B's minutes name, the plan presented at B's meeting, the inspection B considered: saving their page as
    a browser posts it, or deleting them, from committee A's side, must not change B's records or their links."""
    login(http, world.users[role])
    linked = shared_records_linked_to_b(world)
    assert {label(m) for m, _pk in linked} >= {"committee.person", "improvement.improvementplan", "improvement.inspection"}
    problems = []
    for model, pk in linked:
        info = f"{model._meta.app_label}_{model._meta.model_name}"
        change, delete = reverse(f"admin:{info}_change", args=[pk]), reverse(f"admin:{info}_delete", args=[pk])
        page = http.get(change)
        attempts = [(change, browser_post_data(page, model))] if page.status_code == 200 and page.context["has_change_permission"] else []
        attempts.append((delete, {"post": "yes"}))
        for url, data in attempts:
            with transaction.atomic():
                before = rows_of_b(world)
                response = http.post(url, data)
                after = rows_of_b(world)
                transaction.set_rollback(True)
            if response.status_code >= 500 or before != after:
                what = sorted(k for k in before if before[k] != after.get(k))
                problems.append(f"POST {url}: {response.status_code}, changed committee B's {what}")
    assert not problems, "\n".join(problems)


def test_a_minute_added_on_the_meeting_page_for_an_exempt_item_is_exempt(http, world):
    """Minutes added through the meeting page's inline for an exempt agenda item were not marked exempt and went public."""
    meeting = Meeting.objects.get(pk=world.ids["b.held"])
    login(http, world.clerk_of_b)
    url = reverse("admin:meetings_meeting_change", args=[meeting.pk])
    data = browser_post_data(http.get(url), Meeting)
    n = int(data["minute_items-TOTAL_FORMS"][0])
    data |= {
        "minute_items-TOTAL_FORMS": [str(n + 1)],
        f"minute_items-{n}-number": ["90"],  # (a later meeting has taken the next numbers of the sequence)
        f"minute_items-{n}-title": ["Added on the meeting page"],
        f"minute_items-{n}-agenda_item": [str(world.ids["b.exempt_item"])],
        f"minute_items-{n}-body": ["ZQB-inline.exempt.body"],
        f"minute_items-{n}-meeting": [str(meeting.pk)],
    }
    response = http.post(url, data)
    assert response.status_code == 302, response.context and response.context["errors"]
    added = MinuteItem.objects.get(meeting=meeting, title="Added on the meeting page")
    assert added.is_exempt
    assert "zqb-inline.exempt.body" not in body_of(Client().get(meeting.get_absolute_url())).lower()
