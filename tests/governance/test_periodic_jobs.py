"""Governance's periodic jobs: reminding the signatories whose signature is awaited, and
purging the sign-in records that no longer count."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.core import mail
from django.utils import timezone

from action_plans import workflow
from action_plans.models import Notification, NotificationEvent, PlanVersion
from governance.models import SignatureReminder
from governance.services.signing import plan_sign
from governance.tasks import purge_access_records, remind_signatories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _own_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _submitted(cast, days_ago: float) -> PlanVersion:
    version = workflow.plan_submit(actor=cast.coordinator_a, plan=cast.plan_a)
    PlanVersion.objects.filter(pk=version.pk).update(
        submitted_at=timezone.now() - timedelta(days=days_ago)
    )
    return version


def _reminded() -> list[str]:
    return sorted(
        Notification.objects.filter(event=NotificationEvent.SIGNATURE_AWAITED).values_list(
            "user__username", flat=True
        )
    )


def _run(django_capture_on_commit_callbacks) -> int:
    with django_capture_on_commit_callbacks(execute=True):
        return remind_signatories()


def test_the_signatories_still_awaited_are_reminded_once_per_period(
    cast, ready, settings, django_capture_on_commit_callbacks
):
    settings.SIGNATURE_REMINDER_DAYS = 7
    version = _submitted(cast, days_ago=8)
    plan_sign(
        actor=ready["signatories"]["ministry_y"],
        plan=cast.plan_a,
        organisation=cast.ministry_y,
        decision="approve",
        comment="",
    )
    mail.outbox.clear()

    assert _run(django_capture_on_commit_callbacks) == 3
    # Ministry Y signed: its signatory is left out; the three others are told.
    assert _reminded() == ["signatory_lead", "signatory_stats", "signatory_x"]
    assert sorted(address for message in mail.outbox for address in message.to) == sorted(
        ready["signatories"][name].email
        for name in ("ministry_x", "lead_ministry", "statistics_office")
    )
    notification = Notification.objects.get(
        user=cast.signatory_x, event=NotificationEvent.SIGNATURE_AWAITED
    )
    assert "has awaited the signature of" in notification.message
    assert notification.url == f"/plans/{cast.plan_a.pk}/validation/sign/"
    assert SignatureReminder.objects.filter(version=version).count() == 3

    # The next runs within the period tell no one again.
    assert _run(django_capture_on_commit_callbacks) == 0
    assert len(_reminded()) == 3

    # A period later, those still awaited are reminded again; one has signed meanwhile.
    SignatureReminder.objects.update(reminded_at=timezone.now() - timedelta(days=7, minutes=1))
    plan_sign(
        actor=cast.signatory_x,
        plan=cast.plan_a,
        organisation=cast.ministry_x,
        decision="approve",
        comment="",
    )
    assert _run(django_capture_on_commit_callbacks) == 2
    assert _reminded() == [
        "signatory_lead",
        "signatory_lead",
        "signatory_stats",
        "signatory_stats",
        "signatory_x",
    ]


def test_no_one_is_reminded_before_the_period_has_passed(
    cast, ready, settings, django_capture_on_commit_callbacks
):
    settings.SIGNATURE_REMINDER_DAYS = 7
    _submitted(cast, days_ago=6)
    assert _run(django_capture_on_commit_callbacks) == 0
    assert _reminded() == []
    assert not SignatureReminder.objects.exists()


def test_a_plan_no_longer_in_validation_is_not_reminded_of(
    cast, ready, settings, django_capture_on_commit_callbacks
):
    _submitted(cast, days_ago=30)
    plan_sign(
        actor=cast.signatory_x,
        plan=cast.plan_a,
        organisation=cast.ministry_x,
        decision="request_changes",
        comment="The costs need their sources.",
    )
    assert _run(django_capture_on_commit_callbacks) == 0
    assert _reminded() == []


def test_inactive_signatories_are_not_reminded(
    cast, ready, settings, django_capture_on_commit_callbacks
):
    _submitted(cast, days_ago=8)
    for name in ("ministry_y", "lead_ministry", "statistics_office"):
        user = ready["signatories"][name]
        user.is_active = False
        user.save(update_fields=["is_active"])
    assert _run(django_capture_on_commit_callbacks) == 1
    assert _reminded() == ["signatory_x"]


def _aged(model, days: float, **fields):
    row = model.objects.create(
        username=fields.pop("username", "someone"),
        ip_address="10.0.0.1",
        user_agent="test",
        http_accept="*/*",
        path_info="/accounts/login/",
        **fields,
    )
    model.objects.filter(pk=row.pk).update(attempt_time=timezone.now() - timedelta(days=days))
    return row


def test_the_access_records_purge_keeps_what_still_counts(db, settings):
    settings.AXES_COOLOFF_TIME = timedelta(minutes=15)
    settings.ACCESS_LOG_RETENTION_DAYS = 90
    expired = _aged(AccessAttempt, days=1, username="expired", failures_since_start=3)
    counting = _aged(AccessAttempt, days=0.005, username="counting", failures_since_start=3)
    _aged(AccessLog, days=91)
    recent_login = _aged(AccessLog, days=89)
    _aged(AccessFailureLog, days=91)
    recent_failure = _aged(AccessFailureLog, days=1)

    assert purge_access_records() == {"attempts": 1, "logins": 1, "failures": 1}

    assert not AccessAttempt.objects.filter(pk=expired.pk).exists()
    assert AccessAttempt.objects.filter(pk=counting.pk).exists()
    assert set(AccessLog.objects.values_list("pk", flat=True)) == {recent_login.pk}
    assert set(AccessFailureLog.objects.values_list("pk", flat=True)) == {recent_failure.pk}
