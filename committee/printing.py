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
from urllib.parse import quote

from asgiref.local import Local
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, InterfaceError, OperationalError, transaction
from django.db.models.signals import post_delete, post_save
from django.http import FileResponse, Http404, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.module_loading import import_string

from committee import jobs
from committee.models import BuiltPdf, DataVersion
from committee.services import data_changed

logger = logging.getLogger(__name__)

# kind → dotted path of a function (key: str, audience: str) -> bytes that lays the PDF out (run by the worker only).
BUILDERS: dict[str, str] = {}
# Seconds the "being prepared" page waits before asking again.
REFRESH_SECONDS = 3
# A failed build is tried again by the next request after this long (the data may have been put right meanwhile).
RETRY_FAILED_AFTER = datetime.timedelta(minutes=10)


class NothingToPrint(Exception):
    """What the PDF would print is gone or no longer visible to its audience (the build fails with this reason)."""


def register_builder(kind: str, path: str) -> None:
    """Say which function lays out PDFs of `kind` (called from the owning app's AppConfig.ready)."""
    BUILDERS[kind] = path


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
def protected_file_response(request, field_file, *, filename: str, content_type: str = "application/pdf") -> HttpResponse:
    """A stored file, sent by the front server if it is set up for it (PROTECTED_MEDIA_SERVER), otherwise by Django.

    The caller has already decided that this reader may have it: MEDIA_ROOT is never served directly.
    """
    mode = settings.PROTECTED_MEDIA_SERVER
    if mode == "x-accel-redirect":
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = settings.PROTECTED_MEDIA_PREFIX.rstrip("/") + "/" + quote(field_file.name)
    elif mode == "x-sendfile":
        response = HttpResponse(content_type=content_type)
        response["X-Sendfile"] = field_file.path
    else:
        try:
            handle = field_file.open("rb")
        except (FileNotFoundError, ValueError) as error:
            raise Http404("The stored file is missing.") from error
        response = FileResponse(handle, content_type=content_type)
    response["Content-Disposition"] = f"inline; filename=\"{filename}\"; filename*=UTF-8''{quote(filename)}"
    # A signed-in user may be getting a restricted or draft paper: keep it out of shared caches.
    response["Cache-Control"] = "private, no-store" if request.user.is_authenticated else "public, max-age=300"
    return response


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
        return protected_file_response(request, built.file, filename=built.filename)
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
