"""WSGI entry point (gunicorn msd_planner.wsgi)."""

import os
import sys

from django.core.wsgi import get_wsgi_application

from msd_planner.lib.env import ConfigurationError

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "msd_planner.settings.production")

try:
    application = get_wsgi_application()
except ConfigurationError as error:
    sys.exit(f"msd-planner: configuration error: {error}")
