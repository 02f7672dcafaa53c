"""Two-factor sign-in: the second step, enrolment, the recovery codes shown once, the
user's own page, and an administrator's reset of someone's second factor."""

import io
import logging
from base64 import b32encode
from urllib.parse import urlencode

import qrcode
import qrcode.image.svg
from axes.helpers import get_client_ip_address
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from action_plans.hooks import record_links
from governance import selectors
from governance.forms import TwoFactorCodeForm
from governance.services import accounts
from governance.two_factor import (
    ENROL,
    NONE,
    SESSION_KEY,
    has_authenticator,
    recovery_codes_left,
    second_step_failed,
    second_step_locked,
    second_step_window,
    two_factor_owed,
    two_factor_required,
)
from governance.views.accounts import _administered_user
from msd_planner.lib.pages import confirmation_page
from msd_planner.lib.types import UserRequest

security_log = logging.getLogger("msd_planner.security")

ENROL_KEY_SESSION = "two_factor_enrol_key"
RECOVERY_CODES_SESSION = "two_factor_recovery_codes"


def _next_url(request: HttpRequest) -> str:
    """Where to go once the step is done: the page first asked for, if it is on this site."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _verified(request: HttpRequest, device) -> None:
    # A new session key for the session that now holds the second factor.
    request.session.cycle_key()
    otp_login(request, device)
    request.session[SESSION_KEY] = NONE


@require_http_methods(["GET", "POST"])
@sensitive_post_parameters("code")
@login_required
def two_factor_verify(request: UserRequest) -> HttpResponse:
    """The second step: the code of the user's authenticator app, or a recovery code."""
    user = request.user
    if user.is_verified():  # type: ignore[attr-defined]  # django-otp's middleware adds it
        return redirect(_next_url(request))
    if not user_has_device(user):
        # The devices went (an administrator's reset) since this session started.
        request.session[SESSION_KEY] = owed = two_factor_owed(user)
        if owed == ENROL:
            return redirect(f"{reverse('two_factor_enrol')}?{request.GET.urlencode()}")
        return redirect(_next_url(request))
    form = TwoFactorCodeForm(
        request.POST or None,
        help_text=_(
            "The 6-digit code your authenticator app shows now, or one of your recovery codes."
        ),
    )
    if request.method == "POST" and form.is_valid():
        if not second_step_locked(request, user):
            device = accounts.two_factor_verify(user=user, code=form.cleaned_data["code"])
            if device is not None:
                _verified(request, device)
                return redirect(_next_url(request))
            second_step_failed(request, user)
            security_log.warning(
                "second step refused: user=%s ip=%s",
                user.username,
                get_client_ip_address(request),
            )
        if second_step_locked(request, user):
            return _locked(request, user)
        form.add_error(
            "code",
            _(
                "This code did not work. Check your device's clock and type the code it "
                "shows now, or use a recovery code."
            ),
        )
    return render(
        request,
        "governance/two_factor_verify.html",
        {"form": form, "next": _next_url(request)},
    )


def _locked(request: HttpRequest, user) -> HttpResponse:
    """Too many wrong codes: signed out, and told to wait as a locked password step is
    (the page says nothing about the codes sent)."""
    security_log.warning(
        "second step locked: user=%s ip=%s", user.username, get_client_ip_address(request)
    )
    logout(request)
    return render(
        request,
        "registration/locked_out.html",
        {
            "second_step": True,
            "cooloff_minutes": int(second_step_window().total_seconds() // 60),
        },
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )


def _qr_svg(url: str) -> str:
    """The QR code of ``url`` as inline SVG (no script, no external image)."""
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=15)
    output = io.BytesIO()
    image.save(output)
    svg = output.getvalue().decode()
    # Without the XML declaration (the SVG sits inside the page), named for screen readers.
    label = escape(_("QR code of the key for your authenticator app"))
    return svg[svg.index("<svg") :].replace("<svg ", f'<svg role="img" aria-label="{label}" ', 1)


@require_http_methods(["GET", "POST"])
@sensitive_post_parameters("code")
@login_required
def two_factor_enrol(request: UserRequest) -> HttpResponse:
    """Add an authenticator app: its secret as a QR code and as text, confirmed by a code."""
    user = request.user
    if selectors.has_app_enrolled(user):
        if not user.is_verified():  # type: ignore[attr-defined]  # django-otp's middleware adds it
            return redirect(f"{reverse('two_factor_verify')}?{request.GET.urlencode()}")
        messages.info(request, _("You already sign in with an authenticator app."))
        return redirect("two_factor_account")
    key = request.session.get(ENROL_KEY_SESSION)
    if key is None:
        key = request.session[ENROL_KEY_SESSION] = accounts.two_factor_key_new()
    form = TwoFactorCodeForm(
        request.POST or None, help_text=_("The 6-digit code the app shows for MSD Planner.")
    )
    if request.method == "POST" and form.is_valid():
        enrolled = accounts.two_factor_enrol(user=user, key=key, code=form.cleaned_data["code"])
        if enrolled is None:
            form.add_error(
                "code",
                _(
                    "This code did not work. Check that the app shows MSD Planner with your "
                    "username, that your device's clock is right, and type the code it shows now."
                ),
            )
        else:
            device, codes = enrolled
            del request.session[ENROL_KEY_SESSION]
            _verified(request, device)
            request.session[RECOVERY_CODES_SESSION] = codes
            next_url = _next_url(request)
            return redirect(
                f"{reverse('two_factor_recovery_codes')}?{urlencode({'next': next_url})}"
            )
    device = TOTPDevice(user=user, key=key)
    return render(
        request,
        "governance/two_factor_enrol.html",
        {
            "form": form,
            "next": _next_url(request),
            "required": two_factor_required(user),
            "qr_code": mark_safe(_qr_svg(device.config_url)),  # noqa: S308 - made here
            "text_key": _grouped(b32encode(device.bin_key).decode()),
        },
    )


def _grouped(key: str) -> str:
    """A key in groups of four characters, easier to type."""
    return " ".join(key[index : index + 4] for index in range(0, len(key), 4))


@require_http_methods(["GET", "POST"])
@login_required
def two_factor_recovery_codes(request: HttpRequest) -> HttpResponse:
    """The recovery codes, shown once, right after they were made."""
    codes = request.session.pop(RECOVERY_CODES_SESSION, None)
    if codes is None:
        return redirect("two_factor_account")
    return render(
        request,
        "governance/two_factor_recovery_codes.html",
        {"codes": codes, "next": _next_url(request)},
    )


@require_http_methods(["GET", "POST"])
@login_required
def two_factor_account(request: UserRequest) -> HttpResponse:
    """The user's own page: whether they sign in with a second factor, and new recovery
    codes when they run low."""
    user = request.user
    has_app = has_authenticator(user)
    if request.method == "POST" and has_app:
        request.session[RECOVERY_CODES_SESSION] = accounts.recovery_codes_renew(user=user)
        next_query = urlencode({"next": reverse("two_factor_account")})
        return redirect(f"{reverse('two_factor_recovery_codes')}?{next_query}")
    return render(
        request,
        "governance/two_factor_account.html",
        {
            "has_app": has_app,
            "required": two_factor_required(user),
            "recovery_codes_left": recovery_codes_left(user),
            # Other ways into the account the apps above offer (the API's tokens).
            "record_links": record_links("account", user, None),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def user_two_factor_reset(request: UserRequest, pk: int) -> HttpResponse:
    """An administrator removes a user's second factor (a lost phone): confirmed first."""
    account = _administered_user(request, pk)
    if request.method == "POST":
        try:
            accounts.two_factor_reset(actor=request.user, user=account)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("%(user)s's second factor was removed; they add one again at next sign-in.")
                % {"user": account},
            )
        return redirect("user_detail", account.pk)
    return confirmation_page(
        request,
        {},
        title=_("Reset the second factor of %(user)s?") % {"user": account},
        consequences=[
            _("Their authenticator app and their recovery codes stop working at once."),
            _("They are signed out everywhere."),
            _("At their next sign-in they add an authenticator app again, before any other page."),
            _("They are told by email at %(email)s; the reset is kept in the account's history.")
            % {"email": account.email},
        ],
        button=_("Reset second factor"),
        cancel_url=reverse("user_detail", args=[account.pk]),
    )
