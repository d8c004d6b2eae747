"""Tests: PostgreSQL from DATABASE_URL (the Makefile sets it), fast hashing."""

import atexit
import shutil
import tempfile
from pathlib import Path

from .base import *  # noqa: F403

# Each test run stores its uploads, packs and built PDFs in a fresh folder of its own: never the demo's var/media, and
# never a file left by an earlier run (a name already taken would be stored under another one).
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="scrutiny-test-media-"))
atexit.register(shutil.rmtree, MEDIA_ROOT, ignore_errors=True)

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Two-factor is tested explicitly (tests/test_security.py); elsewhere tests sign in with force_login.
REQUIRE_TWO_FACTOR = False
AXES_ENABLED = True
AGENDA_PACK_BUILD_IN_BACKGROUND = False  # packs build in the caller, inside the test's transaction
# The job queue runs each job in the caller once the transaction commits (Celery's eager mode): ordinary tests see a
# job's effect at once. The real worker on a real broker is tested in tests/test_production.py.
CELERY_BROKER_URL = "memory://"
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
# A test's writes never commit, so the versions kept pages are keyed on never move: tests/test_kept_pages.py (and the
# search tests) turn keeping on and run the commit callbacks themselves.
KEPT_PAGES = False
LOGGING["root"]["level"] = "WARNING"  # noqa: F405 (from base)
