"""Test runs: the database comes from DATABASE_URL (PostgreSQL in CI), SQLite otherwise."""

from msd_planner.lib.env import env_str

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-only-key-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEFGH"  # noqa: S105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
ALLOWED_HOSTS = ["*"]
# Serve static files straight from the app folders (no collectstatic) for browser tests.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Jobs run in the test process unless a test starts a real worker; the PDFs of versions
# are rendered only where a test asks for them (they take about a second each).
CELERY_TASK_ALWAYS_EAGER = True
# The broker the tests with a real worker use (CI's Redis, or this machine's); the tests
# of the embedded broker point the app at a filesystem folder of their own.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "") or "redis://127.0.0.1:6379/15"
CELERY_BROKER_TRANSPORT_OPTIONS = celery_transport_options(CELERY_BROKER_URL)  # noqa: F405
PLAN_DOCUMENTS_ON_VALIDATION = False
# Most tests sign in with force_login, which never passes a second step: the rule is off
# here, and tests/governance/test_two_factor.py turns it on (override_settings).
TWO_FACTOR_REQUIRED = False
# What pages derive from a whole plan is computed on every request here: many tests set
# records up without the services (which give the plan a new content revision). The
# tests of that cache, and the benchmarks, turn it on (tests/action_plans/test_derived.py).
CACHES = {**CACHES, "derived": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}  # noqa: F405
