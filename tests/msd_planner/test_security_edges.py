"""Security at the edges: login throttling across addresses, password-reset limits,
caching of signed-in pages, headers on error pages, and HTTP methods."""

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.db import transaction
from django.test import Client, override_settings
from django.urls import include, path, reverse

from tests.factories import PASSWORD
from tests.test_url_matrix import MATRIX, url_patterns

ACCOUNT_LOCKED = "Signing in to this account is paused from every computer"
ADDRESS_LOCKED = "Signing in to this account from your computer is paused"
RESET_SENT = "If an account uses that address, we have sent it a link"


def _sign_in(password: str, address: str, username: str = "editor_x"):
    return Client().post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )


# Login throttling ------------------------------------------------------------------


@pytest.fixture
def limits(settings):
    settings.AXES_FAILURE_LIMIT = 5
    settings.AXES_ACCOUNT_FAILURE_LIMIT = 20
    return settings


def test_guessing_one_password_from_many_addresses_locks_the_account_everywhere(cast, limits):
    # Four wrong passwords from each of five addresses: never five from one address.
    for failure in range(19):
        response = _sign_in("wrong", f"10.0.{failure // 4}.1")
        assert response.status_code == 200, f"failure {failure + 1} was locked out"
    assert _sign_in(PASSWORD, "10.9.0.1").status_code == 302, "below the limit: signs in"

    twentieth = _sign_in("wrong", "10.0.5.1")
    assert twentieth.status_code == 429
    assert ACCOUNT_LOCKED in twentieth.content.decode()

    # Now the right password, from an address never used, is refused too…
    locked = _sign_in(PASSWORD, "192.0.2.77")
    assert locked.status_code == 429
    page = locked.content.decode()
    assert ACCOUNT_LOCKED in page
    assert "Try again in 15 minutes" in page
    assert "ask a platform administrator" in page
    assert locked.headers["Content-Security-Policy"]
    # …while another account is untouched.
    assert _sign_in(PASSWORD, "192.0.2.77", username="viewer_x").status_code == 302


def test_the_limit_per_address_is_still_the_lower_one_with_its_own_message(cast, limits):
    for _ in range(5):
        _sign_in("wrong", "10.0.0.1")
    locked = _sign_in(PASSWORD, "10.0.0.1")
    assert locked.status_code == 429
    assert ADDRESS_LOCKED in locked.content.decode()
    assert ACCOUNT_LOCKED not in locked.content.decode()
    assert _sign_in(PASSWORD, "10.0.0.2").status_code == 302


def _lock_editor_x_everywhere():
    for failure in range(20):
        _sign_in("wrong", f"10.0.{failure // 4}.1")
    assert _sign_in(PASSWORD, "192.0.2.1").status_code == 429


def test_an_administrator_sees_the_attempts_and_unlocks_the_account(cast, limits):
    _lock_editor_x_everywhere()
    admin = Client()
    admin.force_login(cast.administrator)

    attempts = admin.get(reverse("admin:axes_accessattempt_changelist"), {"q": "editor_x"})
    assert attempts.status_code == 200
    assert attempts.content.decode().count("10.0.") >= 5

    unlocked = admin.post(
        reverse("admin:governance_user_changelist"),
        {"action": "unlock_sign_in", "_selected_action": [cast.editor_x.pk]},
        follow=True,
    )
    assert "Sign-in unlocked: 6 failed-attempt records cleared." in unlocked.content.decode()
    assert not AccessAttempt.objects.filter(username="editor_x").exists()
    assert _sign_in(PASSWORD, "192.0.2.1").status_code == 302


def test_deleting_the_attempts_in_the_admin_also_unlocks(cast, limits):
    _lock_editor_x_everywhere()
    admin = Client()
    admin.force_login(cast.administrator)
    rows = list(AccessAttempt.objects.filter(username="editor_x").values_list("pk", flat=True))
    admin.post(
        reverse("admin:axes_accessattempt_changelist"),
        {"action": "delete_selected", "_selected_action": rows, "post": "yes"},
    )
    assert not AccessAttempt.objects.filter(username="editor_x").exists()
    assert _sign_in(PASSWORD, "192.0.2.1").status_code == 302


def test_a_non_administrator_cannot_reach_the_attempts(cast):
    client = Client()
    client.force_login(cast.coordinator_a)
    response = client.get(reverse("admin:axes_accessattempt_changelist"))
    assert response.status_code == 302
    assert "/admin/login/" in response.url


# Password reset limits ---------------------------------------------------------------


def _request_reset(email: str, address: str = "198.51.100.1"):
    return Client().post(reverse("password_reset"), {"email": email}, REMOTE_ADDR=address)


def test_password_reset_sends_at_most_the_account_limit_and_looks_the_same(cast, settings):
    settings.PASSWORD_RESET_ACCOUNT_LIMIT = 3
    settings.PASSWORD_RESET_ADDRESS_LIMIT = 100
    responses = [
        _request_reset(cast.editor_x.email, address=f"198.51.100.{n}") for n in range(1, 25)
    ]
    assert len(mail.outbox) == 3
    assert {tuple(message.to) for message in mail.outbox} == {(cast.editor_x.email,)}
    # Every request, sent or not, lands on the same page: nothing tells them apart.
    assert {(r.status_code, r.url) for r in responses} == {(302, reverse("password_reset_done"))}
    done = Client().get(reverse("password_reset_done")).content.decode()
    assert RESET_SENT in done
    # Another account's emails are not held back by editor X's limit.
    _request_reset(cast.viewer_x.email)
    assert len(mail.outbox) == 4


def test_an_unknown_address_looks_the_same_as_an_account_over_its_limit(cast, settings):
    settings.PASSWORD_RESET_ACCOUNT_LIMIT = 1
    settings.PASSWORD_RESET_ADDRESS_LIMIT = 100
    _request_reset(cast.editor_x.email)
    over_limit = _request_reset(cast.editor_x.email)
    unknown = _request_reset("nobody@example.org")
    assert len(mail.outbox) == 1
    assert (over_limit.status_code, over_limit.url) == (unknown.status_code, unknown.url)


def test_one_client_address_is_told_to_wait_after_its_limit(cast, settings):
    settings.PASSWORD_RESET_ACCOUNT_LIMIT = 100
    settings.PASSWORD_RESET_ADDRESS_LIMIT = 5
    for _ in range(5):
        assert _request_reset("nobody@example.org").status_code == 302
    refused = _request_reset(cast.editor_x.email)
    assert refused.status_code == 429
    assert "Too many password reset requests" in refused.content.decode()
    assert mail.outbox == []
    # Another address is not held back.
    assert _request_reset(cast.editor_x.email, address="203.0.113.9").status_code == 302
    assert len(mail.outbox) == 1


# Cache-Control -----------------------------------------------------------------------


def test_signed_in_pages_are_not_stored_by_any_cache(cast):
    client = Client()
    client.force_login(cast.editor_x)
    page = client.get(reverse("home"))
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "private, no-store"
    catalogue = client.get(reverse("catalogue"))
    assert catalogue.headers["Cache-Control"] == "private, no-store"


def test_the_public_catalogue_is_not_marked_private_for_anonymous_visitors(catalogue, db):
    response = Client().get(reverse("catalogue"))
    assert response.status_code == 200
    assert "Cache-Control" not in response.headers


def test_a_view_that_sets_its_own_cache_control_keeps_it(cast):
    # The login view marks itself never_cache; a signed-in user reaching it keeps that.
    client = Client()
    client.force_login(cast.editor_x)
    response = client.get(reverse("login"))
    assert "no-store" in response.headers["Cache-Control"]
    assert "max-age=0" in response.headers["Cache-Control"]


# Security headers on error pages -----------------------------------------------------


def _failing_view(request):
    raise RuntimeError("a bug")


urlpatterns = [
    path("test-only/server-error/", _failing_view),
    path("", include("msd_planner.urls")),
]


def _assert_security_headers(response):
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"


@override_settings(ROOT_URLCONF=__name__, DEBUG=False)
def test_pages_and_error_pages_carry_the_same_security_headers(cast):
    client = Client(raise_request_exception=False)
    client.force_login(cast.outsider)

    ok = client.get(reverse("home"))
    assert ok.status_code == 200
    _assert_security_headers(ok)

    hidden = client.get(reverse("plan_detail", args=[cast.plan_a.pk]))
    missing = client.get("/no-such-page/")
    broken = client.get("/test-only/server-error/")
    not_allowed = client.put(reverse("home"))
    for response, status, text in [
        (hidden, 404, "Page not found"),
        (missing, 404, "Page not found"),
        (broken, 500, "Something went wrong"),
        (not_allowed, 405, ""),
    ]:
        assert response.status_code == status
        assert text in response.content.decode()
        _assert_security_headers(response)


@override_settings(DEBUG=False)
def test_the_forbidden_page_carries_the_security_headers(cast):
    client = Client()
    client.force_login(cast.viewer_x)
    refused = client.get(reverse("plan_edit", args=[cast.plan_a.pk]))
    assert refused.status_code == 403
    assert "You cannot do this" in refused.content.decode()
    _assert_security_headers(refused)


# HTTP methods ------------------------------------------------------------------------


def test_html_pages_answer_only_get_and_post(cast, catalogue):
    """PUT, DELETE and PATCH answer 405 on every named URL, signed in or not."""
    administrator = Client()
    administrator.force_login(cast.administrator)
    clients = {"anonymous": Client(), "administrator": administrator}
    failures = []
    for name in sorted({url.name for url in url_patterns()} - {None}):
        with transaction.atomic():
            url = reverse(name, kwargs=MATRIX[name].kwargs(cast))
            for who, client in clients.items():
                for method in ("put", "delete", "patch"):
                    status = getattr(client, method)(url).status_code
                    if status != 405:
                        failures.append(f"{method.upper()} {url} as {who}: {status}")
            transaction.set_rollback(True)
    assert failures == []
