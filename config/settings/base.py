"""Settings shared by every environment. Environment-specific files only override values."""

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
    "committee",
    "meetings",
    "complaints",
    "improvement",
    "search",  # depends on the apps above; nothing depends on it
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
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
# report, search result pages) lives here. Per process by default; with several web processes point CACHE_URL at a
# shared cache (for example dbcache://scrutiny_cache, after `manage.py createcachetable`) so they share the work.
# A cache never decides what is current: the version, read from the database on each use, does.
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://scrutiny")}
CACHES["default"].setdefault("OPTIONS", {}).setdefault("MAX_ENTRIES", 2000)  # a search page is ~25 kB

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
# Agenda packs are built in a background thread once the request commits (meetings.packs).
AGENDA_PACK_BUILD_IN_BACKGROUND = env.bool("AGENDA_PACK_BUILD_IN_BACKGROUND", default=True)
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
