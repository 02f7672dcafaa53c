"""WSGI entry point (gunicorn msd_planner.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

from msd_planner.lib.env import stop_on_configuration_error
from msd_planner.settings import DEFAULT_SETTINGS_MODULE

# gunicorn's "worker failed to boot" status: its master then stops instead of starting
# new workers that fail the same way. (gunicorn.conf.py, when gunicorn reads it, finds
# the error earlier, in the master.)
GUNICORN_WORKER_BOOT_ERROR = 3

os.environ.setdefault("DJANGO_SETTINGS_MODULE", DEFAULT_SETTINGS_MODULE)

with stop_on_configuration_error(exit_status=GUNICORN_WORKER_BOOT_ERROR):
    application = get_wsgi_application()
