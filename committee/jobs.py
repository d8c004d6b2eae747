"""Jobs whose database row is the truth: queued → building → built (ready) or failed, with attempts and a lease.

The broker (config/celery.py) only carries "build row N". Whoever runs a job first *claims* its row with one UPDATE
that succeeds only if the row is queued, or building under a lease that has run out (or whose message came back from
the broker because its worker died): two deliveries of one message never build twice at once. The claim returns a
token (the attempt number); finishing or failing is written only by the holder of the current token, so a worker that
was given up for dead and finishes late changes nothing. While a job runs, a heartbeat renews its lease. The
scheduler's reconciler (committee.tasks.jobs_reconcile, every minute) sends again whatever is queued but not picked
up, and whatever is building past its lease; after JOB_MAX_ATTEMPTS interrupted tries it fails with a reason.
Jobs are idempotent: running one twice leaves the same result.
"""

import datetime
import logging
import threading
from contextlib import contextmanager

from django.conf import settings
from django.db import connection, models, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

# model label ("meetings.AgendaPack") → dotted path of the Celery task that runs one row of it (takes the pk).
RUNNERS: dict[str, str] = {}


class JobStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    BUILDING = "building", "Building"
    READY = "ready", "Built"
    FAILED = "failed", "Failed"


class Job(models.Model):
    """The fields every job row carries (abstract): its state, why it failed, how often it was tried, its lease."""

    status = models.CharField(max_length=20, choices=JobStatus.choices, default=JobStatus.QUEUED, db_index=True)
    error = models.TextField(blank=True, help_text="Why the build failed, in words the clerk can act on.")
    attempts = models.PositiveSmallIntegerField(default=0, help_text="How many times a worker has started this job.")
    queued_at = models.DateTimeField(default=timezone.now, help_text="When the job was last sent to the queue.")
    started_at = models.DateTimeField(null=True, blank=True, help_text="When a worker last started it.")
    lease_until = models.DateTimeField(
        null=True, blank=True, help_text="While building: the worker renews this; once it passes, the job is tried again."
    )

    class Meta:
        abstract = True


def register(model_label: str, task_path: str) -> None:
    """Say which task runs rows of `model_label` (each app's AppConfig.ready); the reconciler looks it up here."""
    RUNNERS[model_label] = task_path


def redelivered(task) -> bool:
    """Whether the broker handed a task's message back because the worker that had it died before acknowledging it."""
    return bool((task.request.delivery_info or {}).get("redelivered"))


def lease_seconds() -> int:
    return settings.JOB_LEASE_SECONDS


def _send(task_path: str, pk: int) -> None:
    try:
        import_string(task_path).apply_async(args=[pk])
    except Exception:  # the broker is down: the row stays queued and the reconciler sends it again
        logger.exception("Could not send job %s(%s) to the queue; the reconciler will send it again", task_path, pk)


def enqueue(instance) -> None:
    """Send the job of `instance` (a saved, queued row) once the current transaction commits."""
    task_path = RUNNERS[instance._meta.label]
    transaction.on_commit(lambda: _send(task_path, instance.pk), robust=True)


def claim(model, pk: int, *, redelivered: bool = False) -> int | None:
    """Take the job of row `pk` for this worker: its token (the attempt number), or None if it is not ours to run."""
    now = timezone.now()
    takeable = Q(status=JobStatus.QUEUED) | Q(status=JobStatus.BUILDING, lease_until__lt=now)
    if redelivered:
        # The broker gave the message back because the worker holding it is gone (its connection closed unacked).
        takeable |= Q(status=JobStatus.BUILDING)
    claimed = model.objects.filter(takeable, pk=pk).update(
        status=JobStatus.BUILDING,
        attempts=F("attempts") + 1,
        started_at=now,
        lease_until=now + datetime.timedelta(seconds=lease_seconds()),
        error="",
    )
    if not claimed:
        return None
    return model.objects.filter(pk=pk).values_list("attempts", flat=True).first()


def mine(model, pk: int, token: int):
    """The row of `pk`, locked, if this worker's claim still holds (None if it was given to another)."""
    return model.objects.select_for_update().filter(pk=pk, attempts=token, status=JobStatus.BUILDING).first()


def fail(model, pk: int, token: int | None, reason: str) -> bool:
    """Record why the job failed (only by the holder of the current token, when one is given)."""
    rows = model.objects.filter(pk=pk, status=JobStatus.BUILDING)
    if token is not None:
        rows = rows.filter(attempts=token)
    return bool(rows.update(status=JobStatus.FAILED, error=reason, lease_until=None))


def retry(model, pk: int) -> bool:
    """Queue a failed job again from scratch (the clerk's "Try again"); the caller sends it with enqueue()."""
    return bool(
        model.objects.filter(pk=pk, status=JobStatus.FAILED).update(
            status=JobStatus.QUEUED, error="", attempts=0, queued_at=timezone.now(), lease_until=None
        )
    )


@contextmanager
def heartbeat(model, pk: int, token: int):
    """Renew the lease of a running job every third of its length, from a thread with its own connection."""
    if connection.in_atomic_block:  # inside a caller's transaction (tests, foreground builds) nobody else sees the row
        yield
        return
    stop = threading.Event()

    def beat():
        try:
            while not stop.wait(max(lease_seconds() / 3, 1)):
                until = timezone.now() + datetime.timedelta(seconds=lease_seconds())
                model.objects.filter(pk=pk, attempts=token, status=JobStatus.BUILDING).update(lease_until=until)
        except Exception:
            logger.exception("Heartbeat of %s %s stopped", model._meta.label, pk)
        finally:
            connection.close()

    thread = threading.Thread(target=beat, name=f"heartbeat-{model._meta.label}-{pk}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=10)


def reconcile(*, now: datetime.datetime | None = None, queued_grace: int | None = None) -> dict[str, int]:
    """Send again every job queued longer than `queued_grace` seconds or building past its lease; fail those tried too often.

    Returns how many rows of each model were sent again. Safe to run at any time, on any number of machines.
    """
    from django.apps import apps

    now = now or timezone.now()
    grace = settings.JOB_QUEUED_GRACE_SECONDS if queued_grace is None else queued_grace
    sent = {}
    for label, task_path in RUNNERS.items():
        model = apps.get_model(label)
        waiting = Q(status=JobStatus.QUEUED, queued_at__lte=now - datetime.timedelta(seconds=grace))
        lapsed = Q(status=JobStatus.BUILDING, lease_until__lt=now)
        worn_out = model.objects.filter(lapsed, attempts__gte=settings.JOB_MAX_ATTEMPTS)
        worn_out.update(
            status=JobStatus.FAILED,
            lease_until=None,
            error=f"The build stopped before finishing {settings.JOB_MAX_ATTEMPTS} times (the worker was restarted or ran out "
            "of memory). Try again; if it stops again, ask for help.",
        )
        pks = list(model.objects.filter(waiting | lapsed).values_list("pk", flat=True))
        # Back to queued (what the clerk sees) with a fresh time, so it is not sent again on the next round at once.
        model.objects.filter(pk__in=pks).filter(waiting | lapsed).update(status=JobStatus.QUEUED, queued_at=now, lease_until=None)
        for pk in pks:
            logger.warning("Reconciler: sending %s %s again", label, pk)
            _send(task_path, pk)
        sent[label] = len(pks)
    return sent
