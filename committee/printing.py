"""PDFs built by the worker, once per version of the data they print, and served as stored files.

A request for a PDF (the complaints report, an improvement plan, printed minutes, a paper) first decides, as its page
does, whether the reader may have it and which copy (public, or the members' copy with exempt and draft content).
Then `built_pdf_response` serves the copy built from the data as it is now, or, if there is none yet, queues its build
(committee.jobs) and answers with a page saying it is being prepared, which refreshes itself until the file is there.
Nothing is laid out in a request. A copy built from older data is never served: it may hold what has since been
withdrawn.

Which data a PDF prints is versioned (committee.models.DataVersion): each app's saves and deletes bump its
"print:<app>" version once their transaction commits (infrastructure kept by receivers, as the search index is; no
rule rides on them), and the date is part of every version because the PDFs print it. Builders are registered by the
apps that own them (`register_builder` in AppConfig.ready), so this module never imports them.
"""

import datetime
import hashlib
import logging
import threading
import time
from collections import OrderedDict
from urllib.parse import quote

from asgiref.local import Local
from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, InterfaceError, OperationalError, transaction
from django.db.models.signals import post_delete, post_save
from django.http import FileResponse, Http404, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.utils.module_loading import import_string

from committee import jobs
from committee.models import BuiltPdf, DataVersion
from committee.services import data_changed

logger = logging.getLogger(__name__)

# kind → dotted path of a function (key: str, audience: str) -> bytes that lays the PDF out (run by the worker only).
BUILDERS: dict[str, str] = {}
# kind → dotted path of a function () -> str giving the version its PDFs are built from now (what the views pass).
VERSIONS: dict[str, str] = {}
# Seconds the "being prepared" page waits before asking again.
REFRESH_SECONDS = 3
# A failed build is tried again by the next request after this long (the data may have been put right meanwhile).
RETRY_FAILED_AFTER = datetime.timedelta(minutes=10)


class NothingToPrint(Exception):
    """What the PDF would print is gone or no longer visible to its audience (the build fails with this reason)."""


def register_builder(kind: str, path: str, *, version: str | None = None) -> None:
    """Say which function lays out PDFs of `kind` (called from the owning app's AppConfig.ready), and which gives the
    version of the data they print now: with it, public copies are served on the lean path (KeptFilesMiddleware)."""
    BUILDERS[kind] = path
    if version:
        VERSIONS[kind] = version


# ---------------------------------------------------------------------------
# Versions of what is printed
# ---------------------------------------------------------------------------
def print_version_name(app_label: str) -> str:
    return f"print:{app_label}"


def data_version(*names: str, today: datetime.date | None = None) -> str:
    """A short digest of the named data versions and today's date: a PDF built under it prints exactly that data."""
    today = today or timezone.localdate()
    raw = f"{today.isoformat()}|{DataVersion.objects.keys(list(names))}"
    return hashlib.sha256(raw.encode()).hexdigest()[:24]


_pending = Local()

# Rows that are themselves derived (packs, built PDFs, versions, history) change nothing a PDF prints.
NOT_PRINTED = {"committee.BuiltPdf", "committee.DataVersion", "meetings.AgendaPack"}


def _changed(sender, **kwargs):
    if kwargs.get("raw") or sender._meta.label in NOT_PRINTED or sender.__name__.startswith("Historical"):
        return
    if not hasattr(_pending, "apps"):
        _pending.apps = set()
    _pending.apps.add(sender._meta.app_label)
    # One callback per save; the first to run bumps every app noted and empties the set, so a transaction bumps each
    # version once (a rolled-back transaction's notes only cost the next commit an extra bump).
    transaction.on_commit(_bump, robust=True)


def _bump():
    changed, _pending.apps = getattr(_pending, "apps", set()), set()
    for app_label in sorted(changed):
        data_changed(print_version_name(app_label))


def track_changes(*app_labels: str) -> None:
    """Bump "print:<app>" whenever a record of one of `app_labels` is saved or deleted (once per transaction)."""
    from django.apps import apps

    for label in app_labels:
        for model in apps.get_app_config(label).get_models():
            uid = f"print-version-{model._meta.label_lower}"
            post_save.connect(_changed, sender=model, dispatch_uid=uid)
            post_delete.connect(_changed, sender=model, dispatch_uid=uid)


# ---------------------------------------------------------------------------
# Serving
# ---------------------------------------------------------------------------
def protected_file_response(
    request, field_file, *, filename: str, content_type: str = "application/pdf", etag: str | None = None, last_modified=None
) -> HttpResponse:
    """A stored file, sent by the front server if it is set up for it (PROTECTED_MEDIA_SERVER), otherwise by Django.

    The caller has already decided that this reader may have it: MEDIA_ROOT is never served directly.
    """
    return stored_file_response(
        request,
        field_file.name,
        filename=filename,
        content_type=content_type,
        public=not request.user.is_authenticated,
        etag=etag,
        last_modified=last_modified,
        storage=field_file.storage,
    )


def stored_file_response(
    request, name: str, *, filename: str, public: bool, content_type: str = "application/pdf", etag=None, last_modified=None, storage=None
) -> HttpResponse:
    """The stored file `name`, whose reader has been cleared for it; a 304 if the reader's copy (ETag) is current.

    `public`: the reader is not signed in, so the copy is everyone's. It may be kept by shared caches, but only with
    revalidation every time (no-cache): a paper made exempt or minutes withdrawn must not be answered from a cache, and
    the revalidation is a cheap 304. A signed-in reader may be getting a restricted or draft copy: never stored.
    """
    headers = {
        "Content-Type": content_type,
        "Content-Disposition": f"inline; filename=\"{filename}\"; filename*=UTF-8''{quote(filename)}",
        "Cache-Control": "public, no-cache" if public else "private, no-store",
        # Signed-in readers may be given another copy (members' minutes) at the same address.
        "Vary": "Cookie",
    }
    if etag:
        headers["ETag"] = etag
    if last_modified is not None:
        headers["Last-Modified"] = http_date(last_modified.timestamp())
    if etag and request.method in ("GET", "HEAD"):
        not_modified = get_conditional_response(request, etag=etag, last_modified=last_modified and int(last_modified.timestamp()))
        if not_modified is not None:
            for header, value in headers.items():
                if header not in ("Content-Type", "Content-Disposition"):
                    not_modified[header] = value
            return not_modified
    mode = settings.PROTECTED_MEDIA_SERVER
    storage = storage or default_storage
    if mode == "x-accel-redirect":
        response = HttpResponse()
        response["X-Accel-Redirect"] = settings.PROTECTED_MEDIA_PREFIX.rstrip("/") + "/" + quote(name)
    elif mode == "x-sendfile":
        response = HttpResponse()
        response["X-Sendfile"] = storage.path(name)
    else:
        try:
            handle = storage.open(name, "rb")
        except (FileNotFoundError, ValueError) as error:
            raise Http404("The stored file is missing.") from error
        # A real file: the WSGI server's file_wrapper sends it with sendfile(2), outside Python (and its lock).
        response = FileResponse(handle)
    for header, value in headers.items():
        response[header] = value
    return response


def built_pdf_etag(built: BuiltPdf) -> str:
    # The stored name holds the kind, key, audience and data version: one name, one content.
    return '"' + hashlib.sha256(built.file.name.encode()).hexdigest()[:32] + '"'


def built_pdf_response(request, *, kind: str, key: str, audience: str, version: str, filename: str, title: str):
    """The stored PDF of `kind`/`key` for `audience` built from `version`; if not built yet, queue it and say so."""
    built = BuiltPdf.objects.of(kind=kind, key=key, audience=audience, version=version).first()
    if built is None:
        try:
            with transaction.atomic():
                built = BuiltPdf.objects.create(kind=kind, key=key, audience=audience, version=version, filename=filename)
        except IntegrityError:  # asked for at the same moment by someone else, who queued it
            built = BuiltPdf.objects.of(kind=kind, key=key, audience=audience, version=version).get()
        else:
            jobs.enqueue(built)
    elif built.status == BuiltPdf.Status.FAILED and built.started_at and timezone.now() - built.started_at > RETRY_FAILED_AFTER:
        if jobs.retry(BuiltPdf, built.pk):
            jobs.enqueue(built)
            built.status = BuiltPdf.Status.QUEUED
    if built.status == BuiltPdf.Status.READY:
        etag = built_pdf_etag(built)
        if audience == BuiltPdf.Audience.PUBLIC and not request.user.is_authenticated and kind in VERSIONS:
            keep_public_file(
                request, kind=kind, version=version, name=built.file.name, filename=built.filename, etag=etag, built_at=built.built_at
            )
        return protected_file_response(request, built.file, filename=built.filename, etag=etag, last_modified=built.built_at)
    failed = built.status == BuiltPdf.Status.FAILED
    response = TemplateResponse(
        request,
        "committee/pdf_being_prepared.html",
        {"title": title, "failed": failed, "refresh": REFRESH_SECONDS},
        status=503 if failed else 202,
    )
    if not failed:
        response["Refresh"] = str(REFRESH_SECONDS)
    else:
        response["Retry-After"] = str(int(RETRY_FAILED_AFTER.total_seconds()))
    response["Cache-Control"] = "no-store"
    return response


# ---------------------------------------------------------------------------
# The lean path: public copies answered before the rest of the middleware
# ---------------------------------------------------------------------------
# An entry is trusted only while its data version is current; this bounds it for writes that bypass the receivers
# (QuerySet.update), as kept pages are bounded (committee.keep.KEPT_SECONDS).
KEPT_FILE_SECONDS = 600


def kept_file_key(full_path: str) -> str:
    return "kept-file:" + hashlib.sha256(full_path.encode()).hexdigest()


# The same entries, kept in each process too (most recently used first out), so a kept copy costs no cache round trip;
# the data version is still read from the database on every request.
_in_process: OrderedDict[str, tuple[float, dict]] = OrderedDict()
_in_process_lock = threading.Lock()
IN_PROCESS_FILES = 256


def _remember(key: str, entry: dict, *, until: float) -> None:
    with _in_process_lock:
        _in_process[key] = (until, entry)
        _in_process.move_to_end(key)
        while len(_in_process) > IN_PROCESS_FILES:
            _in_process.popitem(last=False)


def forget_kept_files() -> None:
    """Drop this process's kept entries (tests; the shared cache is cleared with the rest of the cache)."""
    with _in_process_lock:
        _in_process.clear()


def keep_public_file(request, *, kind: str, version: str, name: str, filename: str, etag: str, built_at) -> None:
    """Note that this address, asked for by a reader who is not signed in, is answered with the public copy `name` for
    as long as the data of `kind` stays at `version`: the checks the view has just made cannot change until it moves."""
    key = kept_file_key(request.get_full_path())
    entry = {"kind": kind, "version": version, "name": name, "filename": filename, "etag": etag, "built_at": built_at}
    cache.set(key, entry, KEPT_FILE_SECONDS)
    _remember(key, entry, until=time.monotonic() + KEPT_FILE_SECONDS)


def kept_public_file(request) -> dict | None:
    """The kept entry for this address, if its data has not changed since the view cleared it for everyone."""
    key = kept_file_key(request.get_full_path())
    until, entry = _in_process.get(key, (0.0, None))
    if entry is None or until < time.monotonic():
        entry = cache.get(key)
        if entry:
            # Trusted no longer here than it may be in the shared cache, where it was kept at most this long ago.
            _remember(key, entry, until=time.monotonic() + KEPT_FILE_SECONDS / 10)
    if not entry or entry["kind"] not in VERSIONS:
        return None
    if import_string(VERSIONS[entry["kind"]])() != entry["version"]:
        return None  # the data changed: the view decides again (the document may be exempt or withdrawn now)
    return entry


class KeptFilesMiddleware:
    """Answer a public PDF that the view already cleared for everyone at this data version, before sessions, CSRF,
    sign-in, two-factor, messages, CSP, history and kept pages run: none of them applies to a file sent to someone who
    is not signed in. Costs one query (the data version, which every change to what the PDF prints or who may read it
    moves), and a cache read the first time a process sees the address. Anything else — a reader with a session, a
    changed version, a missing file — goes on to the view, which checks access as always.

    Placed after the security middleware (HTTPS redirect, security headers) and before the session middleware.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        signed_in = settings.SESSION_COOKIE_NAME in request.COOKIES  # or may be: only the view can tell
        if request.method not in ("GET", "HEAD") or signed_in or not is_pdf_address(request.path_info):
            return self.get_response(request)
        request.get_host()  # the host is checked as for any other request (DisallowedHost: 400)
        entry = kept_public_file(request)
        if entry is None:
            return self.get_response(request)
        try:
            return stored_file_response(
                request, entry["name"], filename=entry["filename"], public=True, etag=entry["etag"], last_modified=entry["built_at"]
            )
        except Http404:
            return self.get_response(request)  # the file is gone (pruned): the view finds the current one


def is_pdf_address(path: str) -> bool:
    """Every PDF address ends so (minutes.pdf, report/2024-25.pdf, documents/1/pdf/, plans/x/pdf/)."""
    return path.endswith((".pdf", "/pdf/"))


# ---------------------------------------------------------------------------
# Building (the worker: committee.tasks.pdf_build_task)
# ---------------------------------------------------------------------------
def pdf_build(*, pdf_id: int, redelivered: bool = False) -> BuiltPdf | None:
    """Lay out and store one queued PDF: claim it, run its kind's builder, store the file, mark it built."""
    token = jobs.claim(BuiltPdf, pdf_id, redelivered=redelivered)
    if token is None:
        return None  # built already, failed, or another worker has it
    built = BuiltPdf.objects.get(pk=pdf_id)
    with jobs.heartbeat(BuiltPdf, pdf_id, token):
        try:
            data = import_string(BUILDERS[built.kind])(built.key, built.audience)
        except NothingToPrint as error:
            jobs.fail(BuiltPdf, pdf_id, token, str(error))
            return None
        except (OperationalError, InterfaceError):
            raise  # the database went away: the lease runs out and the reconciler tries again
        except Exception as error:
            logger.exception("Building PDF %s (%s %s) failed", pdf_id, built.kind, built.key)
            jobs.fail(BuiltPdf, pdf_id, token, f"The PDF could not be built ({error.__class__.__name__}: {error}).")
            return None
        name = built.file.storage.save(built_pdf_name(built), ContentFile(data))
    with transaction.atomic():
        mine = jobs.mine(BuiltPdf, pdf_id, token)
        if mine is None:
            built.file.storage.delete(name)
            return None
        mine.file.name = name
        mine.size_bytes = len(data)
        mine.status = BuiltPdf.Status.READY
        mine.lease_until = None
        mine.built_at = timezone.now()
        mine.save(update_fields=["file", "size_bytes", "status", "lease_until", "built_at"])
    return mine


def built_pdf_name(built: BuiltPdf) -> str:
    from committee.models import built_pdf_upload_to

    return built_pdf_upload_to(built, built.filename)


def built_pdfs_prune(*, older_than: datetime.timedelta = datetime.timedelta(hours=1)) -> int:
    """Delete built PDFs (rows and files) that a newer build of the same thing replaced more than `older_than` ago, and
    failed ones of old versions. Returns how many were deleted."""
    cutoff = timezone.now() - older_than
    stale = list(BuiltPdf.objects.superseded().filter(created_at__lt=cutoff)) + list(
        BuiltPdf.objects.filter(status=BuiltPdf.Status.FAILED, created_at__lt=cutoff - datetime.timedelta(days=1))
    )
    for built in stale:
        if built.file:
            built.file.storage.delete(built.file.name)
        built.delete()
    return len(stale)
