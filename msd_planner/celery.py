"""The Celery application. Workers: ``celery -A msd_planner worker``."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "msd_planner.settings.local")

app = Celery("msd_planner")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
