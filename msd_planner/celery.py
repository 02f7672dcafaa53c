"""The Celery application. Workers: ``celery -A msd_planner worker`` (``make run`` starts
one, with beat, on the embedded filesystem broker)."""

import os
from pathlib import Path

from celery import Celery, signals

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
    make_broker_folders(settings.CELERY_BROKER_URL, settings.CELERY_BROKER_TRANSPORT_OPTIONS)
    Path(settings.CELERY_BEAT_SCHEDULE_FILENAME).parent.mkdir(parents=True, exist_ok=True)


def make_broker_folders(broker_url: str, options: dict) -> None:
    """The embedded broker's folders, made when the web process or the worker starts
    (kombu's filesystem transport expects them to exist)."""
    if not broker_url.startswith("filesystem://"):
        return
    for key in ("data_folder_in", "data_folder_out", "control_folder", "processed_folder"):
        if options.get(key):
            Path(options[key]).mkdir(parents=True, exist_ok=True)


@signals.import_modules.connect
def _schedule_registered_jobs(sender: Celery | None = None, **kwargs: object) -> None:
    """Give beat the periodic jobs the apps registered. A worker or beat sends this signal
    when it imports the task modules, after Celery's Django fix-up (connected first) has
    set Django up, so every AppConfig.ready() has run; beat reads its schedule later."""
    schedule_registered_jobs(app)


def schedule_registered_jobs(celery_app: Celery) -> dict[str, dict]:
    from action_plans.hooks import periodic_jobs

    schedule = celery_app.conf.beat_schedule
    for job in periodic_jobs():
        schedule.setdefault(job.name, {"task": job.task, "schedule": job.schedule})
    return schedule
