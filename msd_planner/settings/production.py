"""Production: every secret comes from the environment; HTTPS everywhere."""

from msd_planner.lib.env import env_bool, env_int, env_list, env_secret_key, env_str

from . import DEVELOPMENT_SECRET_KEY
from .base import *  # noqa: F403
from .base import LOGGING as _BASE_LOGGING

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_secret_key("SECRET_KEY", development_key=DEVELOPMENT_SECRET_KEY)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [f"https://{h}" for h in ALLOWED_HOSTS])

# The files follow the environment as in base (STORAGE_BACKEND); static files are
# compressed and named by their content.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
# The load balancer asks for the health checks over plain HTTP, inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
# The workflow's emails link to the app: its public address, by default the first host.
SITE_URL = env_str("SITE_URL", f"https://{ALLOWED_HOSTS[0]}" if ALLOWED_HOSTS else "").rstrip("/")

# One JSON object per line for the log collector: the same handlers, loggers and filters
# as everywhere else, each line written by msd_planner.lib.json_log.
LOGGING = {
    **_BASE_LOGGING,
    "formatters": {
        **_BASE_LOGGING["formatters"],
        "json": {"()": "msd_planner.lib.json_log.JsonFormatter"},
    },
    "handlers": {
        name: {**handler, "formatter": "json"}
        for name, handler in _BASE_LOGGING["handlers"].items()
    },
    "loggers": {
        **_BASE_LOGGING["loggers"],
        # Django's own default handlers write plain text (with DEBUG on): ours instead.
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
