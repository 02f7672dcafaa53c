"""What the workflow tells people: a notification in the app for each recipient, and an
email sent once the transaction commits (a step rolled back tells no one).

Every email of the app goes one way: ``email_later`` queues it after commit (``email_queue``
at once) for a worker (``action_plans.tasks.send_emails``), which talks to the mail
server; no request waits for SMTP.
"""

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.mail import get_connection, send_mass_mail
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from action_plans.jobs import NotQueued, hand_over
from action_plans.models import ActionPlan, Notification
from msd_planner.lib.types import User

log = logging.getLogger("msd_planner.jobs")


@dataclass(frozen=True)
class Email:
    """One message: every recipient sees the others (send one each to keep them apart)."""

    subject: str
    body: str
    recipients: list[str]


def email_later(*emails: Email) -> None:
    """Send ``emails`` from a worker once the transaction commits (a step rolled back
    sends nothing)."""
    payload = _payload(emails)
    if payload:
        transaction.on_commit(lambda: _queue_emails(payload), robust=True)


def email_queue(*emails: Email) -> None:
    """Send ``emails`` from a worker, queued now: for a sender with no transaction to
    wait for (a password reset)."""
    payload = _payload(emails)
    if payload:
        _queue_emails(payload)


def _payload(emails: Iterable[Email]) -> list[dict[str, Any]]:
    return [
        {"subject": str(email.subject), "body": str(email.body), "recipients": email.recipients}
        for email in emails
        if email.recipients
    ]


def _queue_emails(payload: list[dict[str, Any]]) -> None:
    """Hand the emails to the broker; should it be unreachable, send them from here
    rather than lose them."""
    from action_plans.tasks import send_emails

    try:
        hand_over(send_emails, payload)
    except NotQueued as error:
        log.warning("emails could not be queued (%s): sending them from the web process", error)
        emails_send(payload)


def emails_send(emails: list[dict[str, Any]]) -> int:
    """Send ``emails`` over one connection (what the worker does)."""
    messages = [
        (email["subject"], email["body"], None, list(email["recipients"])) for email in emails
    ]
    with get_connection() as connection:
        return send_mass_mail(messages, fail_silently=False, connection=connection)


def notify(
    *,
    users: Iterable[User | None],
    plan: ActionPlan,
    event: str,
    subject: str,
    message: str,
    url: str,
) -> int:
    """Tell ``users`` (each once; the inactive left out) about ``event`` on ``plan``;
    ``url`` is the path of the page to open (the emails link to it on ``SITE_URL``)."""
    recipients = {user.pk: user for user in users if user is not None and user.is_active}
    if not recipients:
        return 0
    Notification.objects.bulk_create(
        Notification(user=user, plan=plan, event=event, message=message, url=url)
        for user in recipients.values()
    )
    link = settings.SITE_URL + url
    email_later(
        *(
            Email(subject, f"{message}\n\n{link}", [user.email])
            for user in recipients.values()
            if user.email
        )
    )
    return len(recipients)


def user_notifications(user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user).select_related("plan")


def unread_count(user: User) -> int:
    return Notification.objects.filter(user=user, read_at=None).count()


def mark_all_read(user: User) -> int:
    return Notification.objects.filter(user=user, read_at=None).update(read_at=timezone.now())


def read_notifications_purge(*, read_before: timedelta) -> int:
    """Delete the notifications read more than ``read_before`` ago (unread ones stay,
    however old); returns how many went."""
    return Notification.objects.filter(read_at__lt=timezone.now() - read_before).delete()[0]
