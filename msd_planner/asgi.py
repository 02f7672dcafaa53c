"""ASGI entry point."""

import os
import sys

from django.core.asgi import get_asgi_application

from msd_planner.lib.env import ConfigurationError

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "msd_planner.settings.production")

try:
    application = get_asgi_application()
except ConfigurationError as error:
    sys.exit(f"msd-planner: configuration error: {error}")
