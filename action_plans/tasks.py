"""Background jobs of the kernel: a plan's PDF, the sweep that queues again the PDFs a
broker did not take, the emails every app sends, and the purge of read notifications
(beat runs the periodic ones: ``action_plans.apps``). Thin: the work is in
``action_plans.documents`` and ``action_plans.notifications``; a job takes plain data
(an id, the emails' text), and being run twice changes nothing (the emails aside: a
batch retried after a partial failure may send a message twice rather than lose one)."""

from datetime import timedelta
from smtplib import SMTPException
from typing import Any

from celery import Task, shared_task
from django.conf import settings

from action_plans import documents, notifications, workflow


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=3,
    retry_backoff=5,
    retry_backoff_max=300,
    retry_jitter=True,
)
def render_document(self: Task[[int], str], document_id: int) -> str:
    """Render the document ``document_id``; retried with backoff, then recorded as
    failed for the user to see (and retry)."""
    try:
        document = documents.document_render(document_id)
    except Exception as error:
        in_process = self.request.called_directly or self.app.conf.task_always_eager
        retries_left = self.max_retries is None or self.request.retries < self.max_retries
        if in_process or not retries_left:
            # In-process (no broker) the page that asked must not fail: the document
            # says what went wrong, with a button to try again.
            documents.document_failed(document_id, f"{type(error).__name__}: {error}")
            if in_process:
                return "failed"
            raise
        raise self.retry(exc=error) from error
    return "ready" if document else "gone"


@shared_task(acks_late=True)
def requeue_stuck_documents() -> int:
    """Beat's sweep: queue again the documents still queued a few minutes after they
    were asked for (the broker was down, or lost the message)."""
    older_than = timedelta(minutes=settings.PLAN_DOCUMENT_REQUEUE_MINUTES)
    return len(documents.documents_requeue_stuck(older_than=older_than))


@shared_task(acks_late=True)
def purge_read_notifications() -> int:
    """Beat's daily purge of the notifications read ``READ_NOTIFICATION_RETENTION_DAYS``
    ago."""
    return notifications.read_notifications_purge(
        read_before=timedelta(days=settings.READ_NOTIFICATION_RETENTION_DAYS)
    )


@shared_task(
    acks_late=True,
    autoretry_for=(SMTPException, OSError),
    max_retries=5,
    retry_backoff=30,
    retry_backoff_max=30 * 60,
    retry_jitter=True,
)
def send_emails(emails: list[dict[str, Any]]) -> int:
    """Send ``emails`` (each ``{"subject", "body", "recipients"}``) over one connection
    to the mail server; retried with backoff while it cannot be reached."""
    return notifications.emails_send(emails)


@shared_task(acks_late=True)
def derive_figures(plan_id: int, revision: str) -> bool:
    """Compute a plan's figures after a write (``action_plans.derived``), so that its
    next reader finds them; a job that a later write superseded does nothing."""
    return workflow.figures_derive(plan_id, revision)
