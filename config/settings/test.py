"""Tests: PostgreSQL from DATABASE_URL (the Makefile sets it), fast hashing."""

from .base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Two-factor is tested explicitly (tests/test_security.py); elsewhere tests sign in with force_login.
REQUIRE_TWO_FACTOR = False
AXES_ENABLED = True
AGENDA_PACK_BUILD_IN_BACKGROUND = False  # a thread has its own connection and cannot see the test's transaction
