"""Two-factor sign-in: who must use it, what a signed-in session still owes, and the
middleware that keeps an unverified session on the second step or the enrolment page.

After the password, a session owes one of three things, decided once when the user
signs in (and stored in the session, so that pages cost no query for it):

- ``verify``: the user has a confirmed device; the code (or a recovery code) is asked;
- ``enrol``: the user must use a second factor and has none; they add one first;
- ``none``: nothing (an editor or viewer who has not enrolled, or the rule is off).
"""

from datetime import timedelta
from urllib.parse import urlencode

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django_otp import user_has_device
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from action_plans.policy import Role
from msd_planner.lib.ratelimit import ratelimit_count, ratelimit_hit

SESSION_KEY = "two_factor_owed"
VERIFY, ENROL, NONE = "verify", "enrol", "none"
# The roles that adopt and sign a government's plan.
ROLES_THAT_MUST = (Role.COORDINATOR, Role.SIGNATORY)
RECOVERY_CODE_COUNT = 10
# Pages an unverified session may still reach (URL names), and path prefixes.
ALLOWED_URL_NAMES = frozenset(
    {"two_factor_verify", "two_factor_enrol", "two_factor_recovery_codes", "logout", "login"}
)
ALLOWED_PATH_PREFIXES = ("/i18n/", "/favicon.ico")


def two_factor_required(user) -> bool:
    """Whether ``user`` must sign in with a second factor: platform administrators and
    the coordinators and signatories of any organisation (when the rule is on)."""
    if not settings.TWO_FACTOR_REQUIRED:
        return False
    return user.is_platform_admin or user.memberships.filter(role__in=ROLES_THAT_MUST).exists()


def two_factor_owed(user) -> str:
    """What a fresh sign-in of ``user`` owes after the password."""
    if user_has_device(user):
        return VERIFY
    return ENROL if two_factor_required(user) else NONE


def remember_what_is_owed(sender, request, user, **kwargs) -> None:
    """At sign-in (connected to ``user_logged_in`` in apps.py): a session starts owing its step."""
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_KEY] = two_factor_owed(user)


def step_url(step: str, next_url: str) -> str:
    name = "two_factor_verify" if step == VERIFY else "two_factor_enrol"
    return f"{reverse(name)}?{urlencode({'next': next_url})}"


class TwoFactorMiddleware:
    """Keep a signed-in but unverified session on its second step (or enrolment) until it
    is done: every other page redirects there, keeping the page asked for as ``next``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        step = self._step_owed(request)
        if step in (VERIFY, ENROL) and not self._allowed(request):
            url = step_url(step, request.get_full_path())
            if getattr(request, "htmx", False):
                response = HttpResponse(status=204)
                response["HX-Redirect"] = url
                return response
            return redirect(url)
        return self.get_response(request)

    @staticmethod
    def _step_owed(request: HttpRequest) -> str:
        user = request.user
        if not user.is_authenticated or user.is_verified():  # type: ignore[attr-defined]  # django-otp's middleware adds it
            return NONE
        step = request.session.get(SESSION_KEY)
        if step is None:
            # A session from before two-factor sign-in: decided now, once.
            step = request.session[SESSION_KEY] = two_factor_owed(user)
        return step

    @staticmethod
    def _allowed(request: HttpRequest) -> bool:
        if request.path.startswith((settings.STATIC_URL, *ALLOWED_PATH_PREFIXES)):
            return True
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return False
        return match.url_name in ALLOWED_URL_NAMES


# --- reads for the second step ------------------------------------------------------------


def second_step_window() -> timedelta:
    return settings.AXES_COOLOFF_TIME


def _keys(request: HttpRequest, user) -> tuple[tuple[str, str, int], ...]:
    address = get_client_ip_address(request) or "unknown"
    return (
        ("two-factor-address", f"{user.pk}:{address}", settings.TWO_FACTOR_FAILURE_LIMIT),
        ("two-factor-account", str(user.pk), settings.TWO_FACTOR_ACCOUNT_FAILURE_LIMIT),
    )


def second_step_locked(request: HttpRequest, user) -> bool:
    """Whether wrong codes for ``user`` (from this address, or from all) reached the limit."""
    return any(
        ratelimit_count(scope=scope, key=key) >= limit for scope, key, limit in _keys(request, user)
    )


def second_step_failed(request: HttpRequest, user) -> None:
    """Count one wrong code for ``user`` from this address."""
    for scope, key, limit in _keys(request, user):
        ratelimit_hit(scope=scope, key=key, limit=limit, window=second_step_window())


def normalised_code(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


def devices_for_code(user, code: str):
    """The devices that could accept ``code``: six digits are an authenticator app's code,
    anything else a recovery code (trying each kind only where it fits keeps a typo from
    throttling the other device)."""
    if code.isdigit() and len(code) == 6:
        return TOTPDevice.objects.devices_for_user(user, confirmed=True)
    return StaticDevice.objects.devices_for_user(user, confirmed=True)


def recovery_codes_left(user) -> int:
    return sum(device.token_set.count() for device in StaticDevice.objects.devices_for_user(user))


def has_authenticator(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()
