"""ASGI entry point."""

import os

from django.core.asgi import get_asgi_application

from msd_planner.lib.env import stop_on_configuration_error
from msd_planner.settings import DEFAULT_SETTINGS_MODULE

os.environ.setdefault("DJANGO_SETTINGS_MODULE", DEFAULT_SETTINGS_MODULE)

with stop_on_configuration_error():
    application = get_asgi_application()
