"""Periodic jobs are registered by the app that owns them and given to beat; the kernel's
own: the sweep of stuck documents and the purge of read notifications."""

from datetime import timedelta

import pytest
from celery import Celery
from django.utils import timezone

from action_plans.hooks import periodic_jobs
from action_plans.models import Notification, NotificationEvent
from action_plans.tasks import purge_read_notifications
from msd_planner.celery import app, schedule_registered_jobs

JOBS = {
    "requeue-stuck-documents": "action_plans.tasks.requeue_stuck_documents",
    "purge-read-notifications": "action_plans.tasks.purge_read_notifications",
    "remind-signatories": "governance.tasks.remind_signatories",
    "purge-access-records": "governance.tasks.purge_access_records",
    "remind-reporting-organisations": "interventions.tasks.remind_reporting_organisations",
}


def test_every_app_registers_its_periodic_jobs_and_each_task_exists():
    registered = {job.name: job.task for job in periodic_jobs()}
    assert registered == JOBS
    app.loader.import_default_modules()
    for task in registered.values():
        assert task in app.tasks, task


def test_beat_is_given_the_registered_jobs_beside_those_of_the_settings():
    celery_app = Celery("beat-test", set_as_current=False)
    celery_app.conf.beat_schedule = {"a-deployment-job": {"task": "x", "schedule": 5.0}}
    schedule = schedule_registered_jobs(celery_app)
    assert set(schedule) == {"a-deployment-job", *JOBS}
    assert schedule["requeue-stuck-documents"] == {
        "task": "action_plans.tasks.requeue_stuck_documents",
        "schedule": 60.0,
    }


def test_the_worker_and_beat_give_the_jobs_to_beat_when_they_load_the_tasks():
    """``celery worker -B`` and ``celery beat`` import the task modules (after setting
    Django up) before beat reads its schedule: the signal adds the jobs then."""
    saved = dict(app.conf.beat_schedule)
    app.conf.beat_schedule.clear()
    try:
        app.loader.import_default_modules()
        assert set(JOBS) <= set(app.conf.beat_schedule)
    finally:
        app.conf.beat_schedule.clear()
        app.conf.beat_schedule.update(saved)


@pytest.mark.django_db
def test_read_notifications_are_purged_after_the_retention_unread_ones_kept(cast, settings):
    settings.READ_NOTIFICATION_RETENTION_DAYS = 90
    now = timezone.now()

    def notification(read_days_ago):
        return Notification.objects.create(
            user=cast.editor_x,
            plan=cast.plan_a,
            event=NotificationEvent.ADOPTED,
            message="…",
            url="/",
            read_at=None if read_days_ago is None else now - timedelta(days=read_days_ago),
        )

    old_read = notification(91)
    recent_read = notification(89)
    old_unread = notification(None)
    Notification.objects.filter(pk=old_unread.pk).update(created_at=now - timedelta(days=400))

    assert purge_read_notifications() == 1
    assert not Notification.objects.filter(pk=old_read.pk).exists()
    assert set(Notification.objects.values_list("pk", flat=True)) == {
        recent_read.pk,
        old_unread.pk,
    }
