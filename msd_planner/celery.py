"""The Celery application. Workers: ``celery -A msd_planner worker``."""

import os

from celery import Celery

from msd_planner.lib.env import stop_on_configuration_error
from msd_planner.settings import DEFAULT_SETTINGS_MODULE

os.environ.setdefault("DJANGO_SETTINGS_MODULE", DEFAULT_SETTINGS_MODULE)

app = Celery("msd_planner")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_configure.connect
def _load_django_settings(sender: Celery, **kwargs: object) -> None:
    """Load the Django settings just before Celery reads them.

    A worker started with a bad configuration then stops with one line instead of
    Celery's traceback.
    """
    from django.conf import settings

    with stop_on_configuration_error():
        settings.SECRET_KEY  # noqa: B018 - reading any setting loads the settings module
