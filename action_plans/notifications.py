"""What the workflow tells people: a notification in the app for each recipient, and an
email sent once the transaction commits (a step rolled back tells no one)."""

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from action_plans.models import ActionPlan, Notification


def notify(*, users, plan: ActionPlan, event: str, subject: str, message: str, url: str) -> int:
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
    emails = [
        (subject, f"{message}\n\n{link}", None, [user.email])
        for user in recipients.values()
        if user.email
    ]
    if emails:
        transaction.on_commit(lambda: send_mass_mail(emails, fail_silently=False), robust=True)
    return len(recipients)


def user_notifications(user) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user).select_related("plan")


def unread_count(user) -> int:
    return Notification.objects.filter(user=user, read_at=None).count()


def mark_all_read(user) -> int:
    return Notification.objects.filter(user=user, read_at=None).update(read_at=timezone.now())
