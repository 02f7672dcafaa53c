"""Settings shared by every environment. Environment-specific modules import this."""

from datetime import timedelta
from pathlib import Path
from typing import Any

from csp.constants import NONCE, NONE, SELF
from django.utils.translation import gettext_lazy as _

from msd_planner.lib.env import (
    ConfigurationError,
    env_bool,
    env_database,
    env_file_storage,
    env_int,
    env_list,
    env_str,
)

BASE_DIR = Path(__file__).resolve().parent.parent.parent

DEBUG = False
ALLOWED_HOSTS: list[str] = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "csp",
    "guardian",
    "simple_history",
    "django_countries",
    "bootstrap",
    "django_htmx",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "governance",
    "targets",
    "interventions",
    "funding",
    "open_data",
    "action_plans",
    "portal",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Above every middleware that writes or reads the body, so that it compresses what
    # they leave; below WhiteNoise, which serves static files compressed once, by
    # collectstatic, with their own ETags. Text only: files go out as they are.
    "msd_planner.compression.TextGZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "msd_planner.middleware.PrivatePagesCacheMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A signed-in session that owes its second step (or enrolment) reaches nothing else.
    "governance.two_factor.TwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Below CSP, so that its 400 carries the same headers; before any view reads the body.
    "msd_planner.middleware.UndecodableInputMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "msd_planner.middleware.AuthorisationLogMiddleware",
    "msd_planner.middleware.RecordGoneMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "msd_planner.urls"
WSGI_APPLICATION = "msd_planner.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "action_plans.context_processors.navigation",
                "action_plans.context_processors.notifications",
            ],
            "builtins": ["msd_planner.lib.formatting"],
        },
    },
]

# Widget templates in templates/django/forms/ add the Bootstrap classes.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

DATABASES = {"default": env_database("DATABASE_URL", BASE_DIR / "db.sqlite3")}
# PostgreSQL cancels a statement that runs longer than this, so that no request holds the
# database after gunicorn (30 s worker timeout) has given up on it. Migrations and
# commands use it too: 20 s is generous for them here; 0 turns it off for a long one-off
# job. SQLite has no such setting.
DATABASE_STATEMENT_TIMEOUT = env_int("DATABASE_STATEMENT_TIMEOUT", 20)
if DATABASE_STATEMENT_TIMEOUT < 0:
    raise ConfigurationError("DATABASE_STATEMENT_TIMEOUT is in seconds: 0 or more.")
if DATABASE_STATEMENT_TIMEOUT and DATABASES["default"]["ENGINE"].endswith("postgresql"):
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _options["options"] = " ".join(
        filter(
            None,
            [
                _options.get("options", ""),
                f"-c statement_timeout={DATABASE_STATEMENT_TIMEOUT * 1000}",
            ],
        )
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "governance.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Login throttling: lock a username from one address after repeated failures, for a
# while. Never a whole IP address: a ministry's office shares one. A second, higher
# limit counts one username's failures from every address (msd_planner.lib.lockout):
# guessing one account's password from many addresses locks that account everywhere.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_ACCOUNT_FAILURE_LIMIT = env_int("AXES_ACCOUNT_FAILURE_LIMIT", 20)
if AXES_ACCOUNT_FAILURE_LIMIT <= AXES_FAILURE_LIMIT:
    raise ConfigurationError(
        f"AXES_ACCOUNT_FAILURE_LIMIT={AXES_ACCOUNT_FAILURE_LIMIT} must be above "
        f"AXES_FAILURE_LIMIT={AXES_FAILURE_LIMIT} (the limit per username and address)."
    )
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_HANDLER = "msd_planner.lib.lockout.AccountLockoutHandler"
AXES_LOCKOUT_CALLABLE = "msd_planner.lib.lockout.lockout_response"
AXES_RESET_ON_SUCCESS = True
# Axes' own defaults, said here because msd_planner.lib.lockout and the second step's
# lockout page read them (and so that they are typed).
AXES_LOCK_OUT_AT_FAILURE = True
AXES_HTTP_RESPONSE_CODE = 429
AXES_IPWARE_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)

# Two-factor sign-in (governance.two_factor): platform administrators, coordinators and
# signatories must add an authenticator app; everyone else may. Off, no one must, and
# those who added one are still asked for its code.
TWO_FACTOR_REQUIRED = env_bool("TWO_FACTOR_REQUIRED", True)
# Wrong codes at the second step, within AXES_COOLOFF_MINUTES: per account and address,
# and per account from every address; over either limit the step is locked for a while.
TWO_FACTOR_FAILURE_LIMIT = env_int("TWO_FACTOR_FAILURE_LIMIT", 5)
TWO_FACTOR_ACCOUNT_FAILURE_LIMIT = env_int("TWO_FACTOR_ACCOUNT_FAILURE_LIMIT", 20)
OTP_TOTP_ISSUER = "MSD Planner"

# The caches: "default" holds rate-limit counters, "derived" what pages derive from a
# whole plan, keyed on its content revision (action_plans.derived). Per process (LocMem)
# unless CACHE_URL names a Redis server shared by every process.
CACHE_URL = env_str("CACHE_URL", "")
if CACHE_URL and not CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    raise ConfigurationError("CACHE_URL must be a redis://, rediss:// or unix:// URL.")


def _cache(prefix: str) -> dict:
    if CACHE_URL:
        return {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": prefix,
        }
    return {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": prefix,
        "OPTIONS": {"MAX_ENTRIES": 1000},
    }


CACHES = {"default": _cache(""), "derived": _cache("derived")}
# Password reset emails: at most this many per account, and requests per client
# address, in an hour (governance.views.accounts).
PASSWORD_RESET_ACCOUNT_LIMIT = env_int("PASSWORD_RESET_ACCOUNT_LIMIT", 3)
PASSWORD_RESET_ADDRESS_LIMIT = env_int("PASSWORD_RESET_ADDRESS_LIMIT", 20)

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24  # one working day

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French")), ("es", _("Spanish"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True
# Dates and numbers as CLDR writes them in each language (msd_planner/formats/__init__.py).
# Thousands are grouped where a number is shown to a reader (the ``number`` filter), not
# in every template variable: USE_THOUSAND_SEPARATOR would print a year "2,026".
FORMAT_MODULE_PATH = ["msd_planner.formats"]

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Rendered PDFs: MEDIA_ROOT, or with STORAGE_BACKEND=s3 an S3-compatible bucket shared by
# every web process and worker (msd_planner.lib.env.env_file_storage).
STORAGES = {
    "default": env_file_storage(),
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "MSD Planner <no-reply@localhost>")
# Where the app is served, for the links in emails sent outside a request (the workflow).
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# Background jobs: no request waits for one. Without a broker URL, jobs go through an
# embedded broker that needs no server (kombu's filesystem transport, in BROKER_FOLDER)
# to the worker `make run` starts beside the web server; with a Redis URL they go to
# the deployment's Celery workers.
BROKER_FOLDER = Path(env_str("BROKER_FOLDER", str(BASE_DIR / "var" / "broker")))
# Longer than the longest task, so a running task is not delivered twice (Redis).
BROKER_VISIBILITY_TIMEOUT = env_int("CELERY_VISIBILITY_TIMEOUT", 2 * 60 * 60)


def celery_transport_options(broker_url: str, folder: Path = BROKER_FOLDER) -> dict:
    """The broker's transport options. The filesystem transport reads and writes one
    queue folder (its messages are files; a message is removed once a worker takes
    it, so ``acks_late`` is kept by the worker in memory, given back on a warm
    shutdown); Redis answers within seconds or the job is recorded as not queued."""
    if broker_url.startswith("filesystem://"):
        return {
            "data_folder_in": str(folder / "queue"),
            "data_folder_out": str(folder / "queue"),
            "control_folder": str(folder / "control"),
            "processed_folder": str(folder / "processed"),
            "store_processed": False,
            "polling_interval": 0.5,
        }
    return {
        "visibility_timeout": BROKER_VISIBILITY_TIMEOUT,
        # A broker that accepts the connection but never answers would otherwise hold
        # the request for ever.
        "socket_connect_timeout": 3,
        "socket_timeout": 3,
    }


# (a host name, or kombu warns that it has none)
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "") or "filesystem://localhost//"
CELERY_BROKER_TRANSPORT_OPTIONS = celery_transport_options(CELERY_BROKER_URL)
CELERY_TASK_ALWAYS_EAGER = False
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A job the broker does not take within seconds is recorded as not queued (and swept up
# later), instead of holding the request: one quick retry, then give up.
CELERY_BROKER_CONNECTION_TIMEOUT = 3
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.5,
    "interval_max": 0.5,
}
# The worker keeps trying to reach its broker when it starts and after losing it.
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Periodic jobs: each app registers its own (``action_plans.hooks.register_periodic_job``
# in its AppConfig.ready()), and msd_planner.celery adds them to this schedule once Django
# is set up; beat runs them (one beat process per deployment, or `-B` on exactly one
# worker). A deployment may add jobs of its own here.
CELERY_BEAT_SCHEDULE: dict[str, dict] = {}
# A document still queued this many minutes after it was asked for (never handed to the
# broker, or handed over but not started) is queued again by the sweep.
PLAN_DOCUMENT_REQUEUE_MINUTES = env_int("PLAN_DOCUMENT_REQUEUE_MINUTES", 5)
# The signatories of an organisation whose signature a version in validation still awaits
# after this many days are reminded, then again every as many days while it is awaited.
SIGNATURE_REMINDER_DAYS = env_int("SIGNATURE_REMINDER_DAYS", 7)
# This many days before a calendar quarter ends, the editors and coordinators of each
# organisation with values still due for it on a monitored plan are reminded, once.
PROGRESS_REMINDER_DAYS = env_int("PROGRESS_REMINDER_DAYS", 14)
# Notifications read this many days ago are deleted (unread ones are kept).
READ_NOTIFICATION_RETENTION_DAYS = env_int("READ_NOTIFICATION_RETENTION_DAYS", 90)
# Sign-in records (django-axes): failed attempts go once the cool-off no longer counts
# them; the log of sign-ins (and of failures, where enabled) after this many days.
ACCESS_LOG_RETENTION_DAYS = env_int("ACCESS_LOG_RETENTION_DAYS", 90)
for _name in (
    "SIGNATURE_REMINDER_DAYS",
    "PROGRESS_REMINDER_DAYS",
    "READ_NOTIFICATION_RETENTION_DAYS",
    "ACCESS_LOG_RETENTION_DAYS",
):
    if globals()[_name] < 1:
        raise ConfigurationError(f"{_name} is in days: 1 or more.")
CELERY_BEAT_SCHEDULE_FILENAME = env_str(
    "CELERY_BEAT_SCHEDULE_FILENAME", str(BASE_DIR / "var" / "celerybeat-schedule")
)
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        # Bootstrap draws some form controls with inline SVG data URLs.
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True

COUNTRIES_FIRST: list[str] = []

LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {"refusal_logged_once": {"()": "msd_planner.lib.log_filters.RefusalLoggedOnce"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        # A refused request is logged once, by msd_planner.security, with who and what.
        "django.request": {"filters": ["refusal_logged_once"]},
        "msd_planner": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "msd_planner.security": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
}

# django-guardian: object permissions only for signed-in users; no anonymous user row.
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False

# A version's PDF is rendered in the background when it is validated and when it is
# adopted (the test settings turn this off; the tests of the documents turn it on).
PLAN_DOCUMENTS_ON_VALIDATION = env_bool("PLAN_DOCUMENTS_ON_VALIDATION", True)
# Rendered documents, kept through the storage API (STORAGES["default"]: this folder, or
# an S3 bucket with STORAGE_BACKEND=s3). Never served from a public URL: the app serves
# each file to those who may see it.
MEDIA_ROOT = env_str("MEDIA_ROOT", str(BASE_DIR / "media"))
# The largest evidence file a progress value may carry (a PDF report, a scan, a workbook),
# kept through the same storage.
PROGRESS_EVIDENCE_MAX_BYTES = env_int("PROGRESS_EVIDENCE_MAX_BYTES", 5 * 1024 * 1024)

# The REST API (api/): JSON only, a token per user (``Authorization: Bearer``) or the
# browser's session (with its CSRF token), signed in for everything but the public part
# (adopted versions, ``AllowAny``); errors as JSON.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # First: a request without credentials is answered 401 naming the Bearer scheme.
        "api.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["api.parsers.BoundedJSONParser"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.TokenRateThrottle"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.exceptions.api_exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    # The schema names path parameters as the URLs do ({pk}, {indicator_pk}).
    "SCHEMA_COERCE_PATH_PK": False,
}
# Requests per token (or signed-in browser session, or address when anonymous) and
# scope, counted in the "default" cache (Redis with CACHE_URL, so every process counts
# together): "read" for GET, "write" for the rest. "<n>/sec", "/min", "/hour" or "/day".
API_THROTTLE_RATES: dict[str, str | None] = {
    "read": env_str("API_READ_RATE", "600/min"),
    "write": env_str("API_WRITE_RATE", "60/min"),
}
# The largest JSON body the API reads (413 beyond it).
API_MAX_BODY_BYTES = env_int("API_MAX_BODY_BYTES", 64 * 1024)
SPECTACULAR_SETTINGS = {
    "TITLE": "MSD Planner API",
    "DESCRIPTION": (
        "Read the Migration-SDG Action Plans you see, report progress on their "
        "indicators and record commitments and the money disbursed, with exactly the "
        "rights you have in the app. Authenticate with a "
        "token made on your account page (`Authorization: Bearer <token>`), or the "
        "browser's signed-in session (with its CSRF token for writes).\n\n"
        'Errors are JSON: `{"detail": "..."}`, or each field wrongly given with its '
        "messages; nothing is saved. A record is changed with the ETag it was read with "
        "(`If-Match`): 412 when someone changed it since, 428 without one. Requests are "
        "limited per token (reads and writes apart: 429 with `Retry-After` beyond).\n\n"
        "The public part (`/api/v1/open/`) needs no sign-in: the adopted plans and their "
        "adopted versions, as the public portal shows them."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    # JSON Schema 2020-12 inside: a response is checked against it as it is.
    "OAS_VERSION": "3.1.0",
    # Choices named by what they are, where two share a field's name ("status").
    "ENUM_NAME_OVERRIDES": {
        "PlanLevelEnum": "action_plans.models.PlanLevel",
        "PlanStatusEnum": "action_plans.models.PlanStatus",
        "VersionStatusEnum": "action_plans.models.VersionStatus",
        "PublishedVersionStatusEnum": "open_data.selectors.PUBLISHED",
    },
    # Served from the app's static files (drf-spectacular-sidecar), never a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
}
