"""Benchmarks: production-like (DEBUG off, cached templates) on a dedicated PostgreSQL database."""

from .base import *  # noqa: F403
from .base import BASE_DIR, DATABASES, env

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
# BENCH_DATABASE lets two benchmark runs share a server without sharing data.
DATABASES["default"]["NAME"] = env("BENCH_DATABASE", default="scrutiny_bench")
DATABASES["default"]["CONN_MAX_AGE"] = 60
# The floor: a minimal Django view on the same server and database, mounted only here.
BENCHMARK_FLOOR_VIEW = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "ERROR"}}
# Built PDFs and packs of the benchmark data, apart from `make run`'s.
MEDIA_ROOT = BASE_DIR / "var" / "bench-media"
