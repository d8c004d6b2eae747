"""The job queue (Celery): pack builds, PDFs, reminders, retention and re-indexing run in the worker, never in a request.

The database row of each job (an AgendaPack, a BuiltPdf) is the source of truth, not the broker: a message only says
"look at row N". The worker claims the row (committee.jobs), so a message delivered twice does the work once, and the
scheduler's reconciler (committee.tasks.jobs_reconcile) sends again whatever sat queued or building past its lease, so
a lost message or a killed worker never leaves a row `building` for ever. Settings: CELERY_* in config/settings/base.py.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

app = Celery("scrutiny")
app.config_from_object("django.conf:settings", namespace="CELERY")
# Each app's tasks.py (committee, meetings, complaints, improvement, search).
app.autodiscover_tasks()
