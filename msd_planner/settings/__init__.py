"""Settings modules: ``base``, ``local`` (development), ``production`` and ``test``.

Every entry point (manage.py, the WSGI and ASGI modules, the Celery app and
gunicorn.conf.py) falls back to ``DEFAULT_SETTINGS_MODULE`` when
``DJANGO_SETTINGS_MODULE`` is not set. The fallback is the development settings, so
that ``make run`` and ``make worker`` need no environment; a deployment sets
``DJANGO_SETTINGS_MODULE=msd_planner.settings.production`` explicitly.
"""

DEFAULT_SETTINGS_MODULE = "msd_planner.settings.local"

# The key local settings fall back to. It is public (it is in the repository), so
# production settings refuse it.
DEVELOPMENT_SECRET_KEY = "local-development-only-key-not-for-production-use-0123456789"  # noqa: S105
