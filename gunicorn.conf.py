"""gunicorn reads this file from the folder it is started in, before it starts workers.

Loading the Django settings here, in gunicorn's master process, makes a configuration
error (a missing SECRET_KEY, say) stop gunicorn at once with one line; otherwise every
worker would fail to load the app and be replaced by another, without end.

The same goes for a database that cannot be reached: gunicorn would start and answer
every request with a 500. ``on_starting`` connects once before the first worker starts and
stops gunicorn with the same one line as ``manage.py`` (it runs once: a reload with HUP
does not run it again, so a database outage then never stops a running server).
"""

import os


def _load_django_settings() -> None:
    from django.conf import settings

    from msd_planner.lib.env import stop_on_configuration_error
    from msd_planner.settings import DEFAULT_SETTINGS_MODULE

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", DEFAULT_SETTINGS_MODULE)
    with stop_on_configuration_error():
        settings.SECRET_KEY  # noqa: B018 - reading any setting loads the settings module


_load_django_settings()


def on_starting(server) -> None:
    from msd_planner.lib.env import stop_unless_database_reachable

    stop_unless_database_reachable()
