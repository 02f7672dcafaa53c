"""Two-factor sign-in, through the sign-in page with real sessions (the rule is on here:
the test settings turn it off for the rest of the suite)."""

import logging
import re
from binascii import unhexlify

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from governance.services.accounts import recovery_codes_renew
from tests.factories import PASSWORD

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("two_factor_on")]


@pytest.fixture
def two_factor_on():
    with override_settings(TWO_FACTOR_REQUIRED=True):
        yield


def sign_in(client, user, next_url: str = ""):
    url = reverse("login") + (f"?next={next_url}" if next_url else "")
    return client.post(
        url, {"username": user.username, "password": PASSWORD, "next": next_url}, follow=True
    )


def current_code(key_hex: str) -> str:
    return f"{TOTP(unhexlify(key_hex)).token():06d}"


def app_of(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="app", confirmed=True)


def sign_in_verified(client, user) -> None:
    """Password and the app's code, as the user would."""
    device = TOTPDevice.objects.filter(user=user).first() or app_of(user)
    sign_in(client, user)
    response = client.post(reverse("two_factor_verify"), {"code": current_code(device.key)})
    assert response.status_code == 302


def plan_url(cast) -> str:
    return reverse("plan_detail", args=[cast.plan_a.pk])


@pytest.mark.parametrize("role", ["administrator", "coordinator_a", "signatory_x"])
def test_who_must_cannot_reach_a_plan_after_the_password_alone(client, cast, role):
    user = getattr(cast, role)
    response = sign_in(client, user, plan_url(cast))

    assert response.redirect_chain[-1][0].startswith(reverse("two_factor_enrol"))
    assert "Add an authenticator app" in response.content.decode()
    for url in (plan_url(cast), reverse("organisation_list"), reverse("home"), "/admin/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("two_factor_enrol"))


def test_an_editor_is_not_forced_to_enrol(client, cast):
    response = sign_in(client, cast.editor_x, plan_url(cast))

    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == plan_url(cast)
    assert cast.plan_a.title in response.content.decode()


def test_enrolling_with_the_apps_code_shows_recovery_codes_once_then_the_plan(client, cast):
    sign_in(client, cast.coordinator_a, plan_url(cast))
    enrol_page = client.get(reverse("two_factor_enrol"), {"next": plan_url(cast)})
    page = enrol_page.content.decode()
    assert "<svg" in page
    assert 'role="img"' in page
    key_hex = client.session["two_factor_enrol_key"]
    text_key = re.search(r'id="two-factor-key">([A-Z2-7 ]+)<', page).group(1)
    assert TOTP(unhexlify(key_hex)).key.hex() == key_hex
    assert len(text_key.replace(" ", "")) == 32

    wrong = client.post(reverse("two_factor_enrol"), {"code": "000000", "next": plan_url(cast)})
    assert "This code did not work" in wrong.content.decode()
    assert not TOTPDevice.objects.filter(user=cast.coordinator_a).exists()

    response = client.post(
        reverse("two_factor_enrol"),
        {"code": current_code(key_hex), "next": plan_url(cast)},
        follow=True,
    )
    page = response.content.decode()
    assert "Your recovery codes" in page
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", page)
    assert len(codes) == 10
    assert f'href="{plan_url(cast)}"' in page
    # Shown once.
    again = client.get(reverse("two_factor_recovery_codes"), follow=True)
    assert codes[0] not in again.content.decode()

    plan_page = client.get(plan_url(cast))
    assert plan_page.status_code == 200
    assert cast.plan_a.title in plan_page.content.decode()


def test_signing_in_with_the_apps_code_keeps_the_page_asked_for(client, cast):
    device = app_of(cast.signatory_x)
    response = sign_in(client, cast.signatory_x, plan_url(cast))
    assert "Enter your sign-in code" in response.content.decode()
    assert client.get(plan_url(cast)).status_code == 302

    response = client.post(
        reverse("two_factor_verify"),
        {"code": current_code(device.key), "next": plan_url(cast)},
        follow=True,
    )

    assert response.redirect_chain[-1][0] == plan_url(cast)
    assert cast.plan_a.title in response.content.decode()


def test_an_editor_who_added_an_app_is_asked_for_its_code(client, cast):
    app_of(cast.editor_x)
    response = sign_in(client, cast.editor_x, plan_url(cast))

    assert "Enter your sign-in code" in response.content.decode()
    assert client.get(plan_url(cast)).status_code == 302


def test_a_recovery_code_works_once(client, cast):
    app_of(cast.coordinator_a)
    code = recovery_codes_renew(user=cast.coordinator_a)[0]

    sign_in(client, cast.coordinator_a)
    response = client.post(reverse("two_factor_verify"), {"code": code.upper()}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("home")
    client.post(reverse("logout"))

    sign_in(client, cast.coordinator_a)
    response = client.post(reverse("two_factor_verify"), {"code": code})
    assert "This code did not work" in response.content.decode()
    assert client.get(plan_url(cast)).status_code == 302
    assert StaticDevice.objects.get(user=cast.coordinator_a).token_set.count() == 9


@override_settings(TWO_FACTOR_FAILURE_LIMIT=3, TWO_FACTOR_ACCOUNT_FAILURE_LIMIT=10)
def test_wrong_codes_lock_the_second_step_even_for_the_right_code(client, cast, caplog):
    device = app_of(cast.coordinator_a)
    sign_in(client, cast.coordinator_a)
    for wrong in ("111111", "222222"):
        response = client.post(reverse("two_factor_verify"), {"code": wrong})
        assert response.status_code == 200
        assert "This code did not work" in response.content.decode()

    with caplog.at_level(logging.WARNING, logger="msd_planner.security"):
        response = client.post(reverse("two_factor_verify"), {"code": "333333"})
    assert response.status_code == 429
    assert "paused after several wrong codes" in response.content.decode()
    assert "second step locked: user=coordinator_a" in caplog.text

    # Signed out; with the password again, even the right code is refused for a while.
    assert client.get(plan_url(cast)).status_code == 302
    sign_in(client, cast.coordinator_a)
    response = client.post(reverse("two_factor_verify"), {"code": current_code(device.key)})
    assert response.status_code == 429
    assert "This code did not work" not in response.content.decode()
    assert client.get(plan_url(cast)).url.startswith(reverse("login"))


def test_an_administrator_resets_a_second_factor_and_the_user_enrols_again(
    client, cast, caplog, django_capture_on_commit_callbacks
):
    app_of(cast.coordinator_a)
    recovery_codes_renew(user=cast.coordinator_a)
    sign_in_verified(client, cast.administrator)
    detail = client.get(reverse("user_detail", args=[cast.coordinator_a.pk]))
    reset_url = reverse("user_two_factor_reset", args=[cast.coordinator_a.pk])
    assert reset_url in detail.content.decode()

    confirmation = client.get(reset_url)
    assert "Reset the second factor of" in confirmation.content.decode()
    assert TOTPDevice.objects.filter(user=cast.coordinator_a).exists()

    with (
        caplog.at_level(logging.WARNING, logger="msd_planner.security"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post(reset_url, follow=True)
    page = response.content.decode()
    assert "second factor was removed" in page
    assert "Second factor reset" in page  # the account's history
    assert not TOTPDevice.objects.filter(user=cast.coordinator_a).exists()
    assert not StaticDevice.objects.filter(user=cast.coordinator_a).exists()
    assert "second factor reset: user=coordinator_a by=administrator" in caplog.text
    assert [message.to for message in mail.outbox] == [[cast.coordinator_a.email]]
    assert "reset the second step of your MSD Planner sign-in" in mail.outbox[0].body

    other = client.__class__()
    response = sign_in(other, cast.coordinator_a, plan_url(cast))
    assert response.redirect_chain[-1][0].startswith(reverse("two_factor_enrol"))


def test_a_reset_signs_the_user_out_of_a_verified_session(client, cast):
    device = app_of(cast.editor_x)
    sign_in(client, cast.editor_x)
    client.post(reverse("two_factor_verify"), {"code": current_code(device.key)})
    assert client.get(plan_url(cast)).status_code == 200

    admin = client.__class__()
    sign_in_verified(admin, cast.administrator)
    admin.post(reverse("user_two_factor_reset", args=[cast.editor_x.pk]))

    assert client.get(plan_url(cast)).url.startswith(reverse("login"))


@pytest.mark.parametrize("role", ["coordinator_a", "editor_x"])
def test_only_an_administrator_may_reset_a_second_factor(client, cast, role):
    app_of(cast.signatory_x)
    sign_in_verified(client, getattr(cast, role))
    url = reverse("user_two_factor_reset", args=[cast.signatory_x.pk])

    # Account pages are hidden from everyone but administrators.
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    assert TOTPDevice.objects.filter(user=cast.signatory_x).exists()


def test_the_account_page_offers_enrolment_and_new_recovery_codes(client, cast):
    sign_in(client, cast.editor_x)
    page = client.get(reverse("two_factor_account")).content.decode()
    assert reverse("two_factor_enrol") in page

    device = app_of(cast.editor_x)
    old = recovery_codes_renew(user=cast.editor_x)
    client.post(reverse("logout"))
    sign_in(client, cast.editor_x)
    client.post(reverse("two_factor_verify"), {"code": current_code(device.key)})
    response = client.post(reverse("two_factor_account"), follow=True)
    new = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", response.content.decode())
    assert len(new) == 10
    assert not set(new) & set(old)
