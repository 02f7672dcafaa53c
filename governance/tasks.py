"""Governance's periodic jobs (registered with beat in ``governance.apps``): reminding
the signatories whose signature a version in validation awaits, and purging the sign-in
records that no longer count. Thin: the work is in ``governance.services.signing`` and
``governance.services.accounts``; run twice, a job changes nothing more."""

from datetime import timedelta

from celery import shared_task
from django.conf import settings

from governance.services import accounts, signing


@shared_task(acks_late=True)
def remind_signatories() -> int:
    """Remind the signatories whose signature has been awaited for
    ``SIGNATURE_REMINDER_DAYS`` (once per version, organisation and period)."""
    return signing.signature_reminders_send(every=timedelta(days=settings.SIGNATURE_REMINDER_DAYS))


@shared_task(acks_late=True)
def purge_access_records() -> dict[str, int]:
    """Delete the failed sign-ins older than the cool-off (they no longer count) and the
    sign-in log older than ``ACCESS_LOG_RETENTION_DAYS``."""
    return accounts.access_records_purge(
        attempts_before=settings.AXES_COOLOFF_TIME,
        logs_before=timedelta(days=settings.ACCESS_LOG_RETENTION_DAYS),
    )
