"""What the app tells people, each in their own language.

``notify`` tells the people concerned by a step of a plan: a notice in the app and an
email each. ``email_users`` sends an email alone, about an account (an invitation, a
second factor reset), where there is no plan to note it on.

Each recipient reads in the language they chose (``language`` on the user model, set by
the language switcher; the site's default when blank), whoever acted and in whatever
language they were working. So callers pass every text as a ``Text``: a function of no
arguments that writes it in the active language, such as
``lambda: _("Version %(number)s …") % {...}`` or
``lambda: render_to_string("….txt", context)``. It is written once for each language
among the recipients, under ``translation.override``; the dates, numbers and choice
labels it formats come out in the reader's language too. The notice in the app is stored
as written for its reader.

Every email of the app goes one way: ``email_later`` queues it after commit (``email_queue``
at once) for a worker (``action_plans.tasks.send_emails``), which talks to the mail
server; no request waits for SMTP. A step rolled back tells no one.
"""

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.mail import get_connection, send_mass_mail
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone, translation

from action_plans.jobs import NotQueued, hand_over
from action_plans.models import ActionPlan, Notification
from msd_planner.lib.types import User

log = logging.getLogger("msd_planner.jobs")

# A text written when called, in the language active then (the reader's).
Text = Callable[[], str]


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
    try:
        hand_over("action_plans.tasks.send_emails", payload)
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


def _reading_language(user: User) -> str:
    """The language ``user`` reads the app's notices and emails in."""
    return user.language or settings.LANGUAGE_CODE


def _written(users: Iterable[User], *texts: Text) -> dict[str, tuple[str, ...]]:
    """``texts`` as written in each language that ``users`` read, once a language."""
    written = {}
    for language in {_reading_language(user) for user in users}:
        with translation.override(language):
            written[language] = tuple(str(text()) for text in texts)
    return written


def notify(
    *,
    users: Iterable[User | None],
    plan: ActionPlan,
    event: str,
    subject: Text,
    message: Text,
    url: str,
) -> int:
    """Tell ``users`` (each once; the inactive left out) about ``event`` on ``plan``, each
    in their language: a notice in the app and an email. ``url`` is the path of the page
    to open (the emails link to it on ``SITE_URL``)."""
    recipients = {user.pk: user for user in users if user is not None and user.is_active}
    if not recipients:
        return 0
    written = _written(recipients.values(), subject, message)
    notifications, emails = [], []
    link = settings.SITE_URL + url
    for user in recipients.values():
        subject_text, message_text = written[_reading_language(user)]
        notifications.append(
            Notification(user=user, plan=plan, event=event, message=message_text, url=url)
        )
        if user.email:
            emails.append(Email(subject_text, f"{message_text}\n\n{link}", [user.email]))
    Notification.objects.bulk_create(notifications)
    email_later(*emails)
    return len(recipients)


def email_users(*, users: Iterable[User], subject: Text, body: Text) -> int:
    """Email each of ``users`` who has an address, in their language, once the transaction
    commits (one email each: no one sees the others' addresses). Returns how many."""
    recipients = [user for user in users if user.email]
    written = _written(recipients, subject, body)
    emails = []
    for user in recipients:
        subject_text, body_text = written[_reading_language(user)]
        emails.append(Email(subject_text, body_text, [user.email]))
    email_later(*emails)
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
