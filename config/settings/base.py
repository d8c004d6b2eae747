"""Settings shared by every environment. Environment-specific files only override values."""

from pathlib import Path

from celery.schedules import crontab
from csp.constants import NONE, SELF

from config.env import BASE_DIR, env

# ---------------------------------------------------------------------------
# Core  (https://docs.djangoproject.com/en/5.2/ref/settings/#core-settings)
# ---------------------------------------------------------------------------
SECRET_KEY = env("SECRET_KEY", default="insecure-local-development-key-change-me")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])

INSTALLED_APPS = [
    "config.apps.ScrutinyAdminConfig",  # django.contrib.admin with the two-factor-aware admin site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "csp",
    "adminsortable2",  # drag-to-order agenda items in the admin
    "django_guid",  # before our apps: committee's post_migrate work waits for the last app with models (api)
    "committee",
    "meetings",
    "complaints",
    "improvement",
    "search",  # depends on the apps above; nothing depends on it
    "api",
]

MIDDLEWARE = [
    # First, so every log line of the request (and the access line written when it ends) carries its id.
    "django_guid.middleware.guid_middleware",
    "committee.logging.RequestLogMiddleware",
    "committee.request_checks.RejectNulMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Public PDFs the views already cleared for everyone at the current data version, sent before the rest
    # (committee/printing.py): sessions, sign-in and pages do not apply to a file for someone not signed in.
    "committee.printing.KeptFilesMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "committee.two_factor.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, so it sees the outcome of authentication (django-axes docs).
    "axes.middleware.AxesMiddleware",
    # After everything that decides who the reader is and may refuse them: serves and keeps public pages
    # (committee/keep.py), its per-request parts rendered before CSRF and messages finish the response.
    "committee.keep.KeptPagesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "committee.context_processors.site",
            ],
        },
    },
]

# ---------------------------------------------------------------------------
# Database: DATABASE_URL (PostgreSQL in CI and production); unset → SQLite under var/
# ---------------------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'scrutiny.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL's planner assumes spinning disks (a random read costs 4× a sequential one) unless told otherwise, and
    # then reads whole wide tables (the minutes) to join a few thousand rows. On SSD storage, as any current server
    # has, 1.1 is the usual figure, set here on each connection so no server change is needed. A cost already in
    # DATABASE_URL's options wins; DB_RANDOM_PAGE_COST= (empty) sends nothing, for connection poolers such as
    # PgBouncer that refuse startup options (then: ALTER DATABASE … SET random_page_cost = 1.1).
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _cost = env("DB_RANDOM_PAGE_COST", default="1.1").strip()
    if _cost and "random_page_cost" not in _options.get("options", ""):
        _options["options"] = f"{_options.get('options', '')} -c random_page_cost={float(_cost)}".strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# What is computed from data and cached against its version (committee.models.DataVersion: the annual complaints
# report, kept pages and search results: committee/keep.py) lives here. Per process by default; with several web
# processes point CACHE_URL at a shared cache so they share the work: redis://127.0.0.1:6379/1 in production (Django's
# own Redis backend), or dbcache://scrutiny_cache (its table is made by `migrate`: committee/migrations/0004_cache_table.py).
# A cache never decides what is current: the version, read from the database on each use, does.
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://scrutiny")}
if CACHES["default"]["BACKEND"] != "django.core.cache.backends.redis.RedisCache":  # Redis evicts by its own maxmemory policy
    CACHES["default"].setdefault("OPTIONS", {}).setdefault("MAX_ENTRIES", 2000)  # a search page is ~25 kB
# Keeps two sites (or two test runs) sharing one cache server apart.
CACHES["default"]["KEY_PREFIX"] = env("CACHE_KEY_PREFIX", default="scrutiny")
# Public pages, lists and dashboards are rendered once per version of their data and access scope, then kept.
KEPT_PAGES = env.bool("KEPT_PAGES", default=True)

# ---------------------------------------------------------------------------
# Authentication
# ---------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # lockout after repeated failures, checked first
    "django.contrib.auth.backends.ModelBackend",
]
# django-axes: five failures lock the username+address pair for an hour.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = 1
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# People in these roles must pass TOTP two-factor (django-otp) to use the site at all once signed in: every role that
# reads exempt papers or personal data, or writes to the record (committee.two_factor; README, "Roles"). Configurable
# (TWO_FACTOR_ROLES="Clerk,Complaints officer"); demo machines may switch it off with REQUIRE_TWO_FACTOR.
TWO_FACTOR_ROLES = env.list("TWO_FACTOR_ROLES", default=["Councillor", "Officer", "Clerk", "Complaints officer", "Administrator"])
REQUIRE_TWO_FACTOR = env.bool("REQUIRE_TWO_FACTOR", default=True)
OTP_TOTP_ISSUER = f"{env('COUNCIL_NAME', default='Bury Council')} Scrutiny"  # the name authenticator apps show
# Administrators manage devices but never see their secrets (django-otp's admin would show the key and QR code).
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# Whether people set up their own authenticator at their first password sign-in (they are e-mailed when one is set
# up), or must ask an administrator to add one for them (Admin → TOTP devices).
TWO_FACTOR_SELF_ENROLMENT = env.bool("TWO_FACTOR_SELF_ENROLMENT", default=True)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "meetings:home"
LOGOUT_REDIRECT_URL = "meetings:home"
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=60 * 60 * 8)  # one working day

# ---------------------------------------------------------------------------
# Security headers (https://django-csp.readthedocs.io/): no inline script or style anywhere
# ---------------------------------------------------------------------------
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True

# ---------------------------------------------------------------------------
# Internationalisation: a UK council, UK dates, UK time
# ---------------------------------------------------------------------------
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# ---------------------------------------------------------------------------
# Static and uploaded files (GOV.UK Frontend is compiled into static/build by `make assets`)
# ---------------------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Uploaded papers, packs and built PDFs on S3-compatible storage instead of MEDIA_ROOT: MEDIA_STORAGE=s3, with
# requirements-s3.txt installed (django-storages) and its AWS_* settings in the environment. Files stay private
# (no public ACL): views check access, then stream the file (or redirect with X-Accel-Redirect to a proxied bucket).
if env("MEDIA_STORAGE", default="filesystem") == "s3":
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env("AWS_STORAGE_BUCKET_NAME"),
            "endpoint_url": env("AWS_S3_ENDPOINT_URL", default=None),
            "region_name": env("AWS_S3_REGION_NAME", default=None),
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }

# ---------------------------------------------------------------------------
# Scrutiny
# ---------------------------------------------------------------------------
COUNCIL_NAME = env("COUNCIL_NAME", default="Bury Council")
SERVICE_NAME = "Scrutiny"
# The municipal year runs from the annual meeting in May; we take 1 May as its start.
MUNICIPAL_YEAR_START_MONTH = 5
# Where links in e-mails point.
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")
# Owners are reminded this many working days before a commitment is due (and again once it is overdue).
REMINDER_WORKING_DAYS = env.int("REMINDER_WORKING_DAYS", default=5)
# Uploaded papers (Document.file) must be readable PDFs no larger than this; the web server must accept bodies this large.
DOCUMENT_UPLOAD_MAX_BYTES = env.int("DOCUMENT_UPLOAD_MAX_BYTES", default=20 * 1024 * 1024)
# The accessibility statement (/accessibility/) prints these as given, e.g. "23 September 2026"; unset, it says they are
# not recorded. The council's own dates: when it prepared the statement, and when it last reviewed it.
ACCESSIBILITY_STATEMENT_PREPARED_ON = env("ACCESSIBILITY_STATEMENT_PREPARED_ON", default="")
ACCESSIBILITY_STATEMENT_REVIEWED_ON = env("ACCESSIBILITY_STATEMENT_REVIEWED_ON", default="")
# Agenda packs are built by the job queue's worker once the request commits (meetings.packs); False builds in the caller.
AGENDA_PACK_BUILD_IN_BACKGROUND = env.bool("AGENDA_PACK_BUILD_IN_BACKGROUND", default=True)
# Stored files that only some may read (restricted packs, built PDFs, uploaded papers) are always served through a view
# that checks access. With a front server, the view can hand the sending over to it: "x-accel-redirect" (nginx: an
# `internal` location PROTECTED_MEDIA_PREFIX aliased to MEDIA_ROOT) or "x-sendfile" (Apache mod_xsendfile, lighttpd).
PROTECTED_MEDIA_SERVER = env("PROTECTED_MEDIA_SERVER", default="")
PROTECTED_MEDIA_PREFIX = env("PROTECTED_MEDIA_PREFIX", default="/protected-media/")
# Saves touching more records than this in one transaction are re-indexed for search by the worker, not the request.
SEARCH_INDEX_IN_REQUEST_LIMIT = env.int("SEARCH_INDEX_IN_REQUEST_LIMIT", default=500)
# Closed complaints are anonymised this long after closure by `manage.py anonymise_complaints` (six years).
COMPLAINTS_RETENTION_DAYS = env.int("COMPLAINTS_RETENTION_DAYS", default=2192)

# ---------------------------------------------------------------------------
# E-mail: console by default; SMTP when EMAIL_URL is set (e.g. smtp+tls://user:pass@host:587)
# ---------------------------------------------------------------------------
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="democratic.services@example.gov.uk")
if env("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

# ---------------------------------------------------------------------------
# Job queue: Celery (config/celery.py, committee/jobs.py). RabbitMQ in production (CELERY_BROKER_URL=amqp://…); without
# it, a folder under var/ on this machine (kombu's filesystem transport: one machine only, which `make run` is).
# ---------------------------------------------------------------------------
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="filesystem://")
if CELERY_BROKER_URL.startswith("filesystem"):
    _queue = Path(env("JOB_QUEUE_DIR", default=str(BASE_DIR / "var" / "queue")))
    for _folder in ("messages", "processed"):
        (_queue / _folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue / "messages"),
        "data_folder_out": str(_queue / "messages"),
        "processed_folder": str(_queue / "processed"),
        "store_processed": False,
    }
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_QUEUE", default="scrutiny")  # durable, as Celery declares queues by default
CELERY_TASK_ACKS_LATE = True  # a message is acknowledged when its job is done, so a dead worker's job goes back
CELERY_TASK_REJECT_ON_WORKER_LOST = True  # …also when only the child process running it died
CELERY_WORKER_PREFETCH_MULTIPLIER = 1  # a worker holds one job at a time; the others stay for other workers
CELERY_TASK_IGNORE_RESULT = True  # results live in the database rows, not in a result backend
CELERY_WORKER_HIJACK_ROOT_LOGGER = False  # LOGGING below applies to the worker too
CELERY_WORKER_MAX_TASKS_PER_CHILD = 50  # WeasyPrint's memory is returned to the system now and then
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_TIMEOUT = 3
# A request never waits long for the broker: a job that could not be sent stays queued for the reconciler.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.5, "interval_max": 0.5}
CELERY_TIMEZONE = "Europe/London"
CELERY_BEAT_SCHEDULE_FILENAME = env("CELERY_BEAT_SCHEDULE_FILENAME", default=str(BASE_DIR / "var" / "celerybeat-schedule"))
CELERY_BEAT_SCHEDULE = {
    # Nothing stays queued or building: jobs whose message was lost or whose worker died are sent again.
    "reconcile-jobs": {"task": "committee.jobs_reconcile", "schedule": 60.0},
    # Commitments due soon or overdue (as `manage.py send_reminders`); safe to run twice.
    "send-reminders": {"task": "meetings.send_reminders", "schedule": crontab(hour=7, minute=0)},
    # Personal data of complaints closed more than COMPLAINTS_RETENTION_DAYS ago (as `manage.py anonymise_complaints`).
    "anonymise-complaints": {"task": "complaints.anonymise_closed", "schedule": crontab(hour=2, minute=30)},
    # Built PDFs of superseded data versions, and files nothing points to (as `manage.py remove_orphaned_media`).
    "remove-orphaned-media": {"task": "committee.remove_orphaned_media", "schedule": crontab(hour=3, minute=15)},
}
# A building job's lease (renewed by its worker every third of it); past it, the reconciler sends the job again.
JOB_LEASE_SECONDS = env.int("JOB_LEASE_SECONDS", default=120)
# A queued job not picked up within this is sent again (its message may have been lost with a broker restart).
JOB_QUEUED_GRACE_SECONDS = env.int("JOB_QUEUED_GRACE_SECONDS", default=120)
# Builds interrupted this many times (the worker killed each time) fail with a reason instead of looping.
JOB_MAX_ATTEMPTS = env.int("JOB_MAX_ATTEMPTS", default=3)

# ---------------------------------------------------------------------------
# Logs: one line per request with its id (django-guid; X-Request-ID from the front server is kept), every error with its
# traceback, to standard output (the process manager or container keeps them). LOG_LEVEL changes the level.
# ---------------------------------------------------------------------------
DJANGO_GUID = {"GUID_HEADER_NAME": "X-Request-ID", "VALIDATE_GUID": True, "RETURN_HEADER": True, "EXPOSE_HEADER": False}
LOG_LEVEL = env("LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "committee.logging.RequestIdFilter"}},
    "formatters": {
        "line": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"},
    },
    "handlers": {
        "stdout": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout", "filters": ["request_id"], "formatter": "line"},
    },
    "root": {"handlers": ["stdout"], "level": LOG_LEVEL},
    "loggers": {
        # The access line is ours (committee.logging); Django's own request/server loggers would repeat each error.
        "django.request": {"handlers": ["stdout"], "level": "ERROR", "propagate": False},
        "django.server": {"handlers": [], "level": "ERROR", "propagate": False},
        "django_guid": {"level": "WARNING"},
        # Layout progress, one line per step of every PDF: not news.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# Optional error reporting: SENTRY_DSN set → every unhandled error is sent there too (sentry-sdk).
SENTRY_DSN = env("SENTRY_DSN", default="")
if SENTRY_DSN:
    import sentry_sdk

    sentry_sdk.init(dsn=SENTRY_DSN, send_default_pii=False, environment=env("SENTRY_ENVIRONMENT", default="production"))
