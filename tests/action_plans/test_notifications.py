"""Each person is told in the language they chose, whatever language the one who acted
works in: the notices and emails of a plan's steps, the reminders, and the emails about
an account."""

from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import formats, timezone, translation

from action_plans.models import PlanVersion
from governance.tasks import remind_signatories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _own_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _working_in(user, language: str) -> Client:
    """A session of ``user`` who chose ``language`` with the switcher."""
    client = Client()
    client.force_login(user)
    response = client.post(reverse("set_language"), {"language": language, "next": "/"})
    assert response.status_code == 302
    return client


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _email_to(user):
    (message,) = [message for message in mail.outbox if message.to == [user.email]]
    return message


def test_a_submission_reaches_each_signatory_in_their_language(
    cast, ready, django_capture_on_commit_callbacks
):
    french = _working_in(cast.signatory_x, "fr")
    english = ready["signatories"]["ministry_y"]  # never chose: the site's language
    coordinator = _working_in(cast.coordinator_a, "en")

    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator.post(reverse("plan_submit", args=[cast.plan_a.pk]))
    assert response.status_code == 302

    message = _email_to(cast.signatory_x)
    assert message.subject == "MSD Planner – Plan A: Validation ouverte"
    assert "La version 1.0 de «\xa0Plan A\xa0» est ouverte à la validation." in message.body
    assert f"/plans/{cast.plan_a.pk}/validation/" in message.body
    page = french.get(reverse("notification_list")).content.decode()
    assert "La version 1.0 de «\xa0Plan A\xa0» est ouverte à la validation." in page

    message = _email_to(english)
    assert message.subject == "MSD Planner – Plan A: Validation opened"
    assert "Version 1.0 of “Plan A” is open for validation." in message.body
    page = _signed_in(english).get(reverse("notification_list")).content.decode()
    assert "Version 1.0 of “Plan A” is open for validation." in page
    assert "ouverte" not in page


def test_a_signatory_working_in_french_tells_the_coordinators_in_theirs(
    cast, ready, django_capture_on_commit_callbacks
):
    _working_in(cast.coordinator_a, "en").post(reverse("plan_submit", args=[cast.plan_a.pk]))
    signatory = _working_in(cast.signatory_x, "fr")
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = signatory.post(
            reverse("plan_sign", args=[cast.plan_a.pk]),
            {"organisation": cast.ministry_x.pk, "decision": "approve", "comment": ""},
        )
    assert response.status_code == 302

    message = _email_to(cast.coordinator_a)
    assert message.subject == "MSD Planner – Plan A: Approved by an organisation"
    assert "MOL approved version 1.0 of “Plan A” (1 of 4 required organisations)." in message.body
    page = _signed_in(cast.coordinator_a).get(reverse("notification_list")).content.decode()
    assert "MOL approved version 1.0" in page


def test_a_reminder_reaches_each_signatory_in_their_language(
    cast, ready, settings, django_capture_on_commit_callbacks
):
    settings.SIGNATURE_REMINDER_DAYS = 7
    _working_in(cast.signatory_x, "es")  # then settles on French
    _working_in(cast.signatory_x, "fr")
    _working_in(cast.coordinator_a, "en").post(reverse("plan_submit", args=[cast.plan_a.pk]))
    submitted = timezone.now() - timedelta(days=8)
    PlanVersion.objects.filter(plan=cast.plan_a).update(submitted_at=submitted)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        assert remind_signatories() == 4

    with translation.override("fr"):
        day = formats.date_format(timezone.localtime(submitted))
    french = _email_to(cast.signatory_x)
    assert french.subject == "MSD Planner – Plan A: Signature attendue"
    assert f"depuis le {day}" in french.body
    english = _email_to(ready["signatories"]["ministry_y"])
    assert "has awaited the signature of MOH since" in english.body


def test_an_account_email_is_written_in_its_readers_language(
    cast, django_capture_on_commit_callbacks
):
    _working_in(cast.coordinator_x, "fr")
    administrator = _working_in(cast.administrator, "en")

    with django_capture_on_commit_callbacks(execute=True):
        response = administrator.post(
            reverse("user_two_factor_reset", args=[cast.coordinator_x.pk])
        )
    assert response.status_code == 302

    cast.coordinator_x.refresh_from_db()
    with translation.override("fr"):
        when = formats.date_format(
            timezone.localtime(cast.coordinator_x.two_factor_reset_at), "DATETIME_FORMAT"
        )
    message = _email_to(cast.coordinator_x)
    assert "a réinitialisé le " + when in message.body
    assert "reset the second step" not in message.body
    assert "MSD Planner" in message.subject and "réinitialisée" in message.subject
