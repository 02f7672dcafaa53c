"""Login throttling on top of django-axes: a second, higher limit per account.

Axes locks a username from one address after ``AXES_FAILURE_LIMIT`` failures. One limit
applies to all of axes' lockout parameters, so a per-username rule in axes would lock the
whole account as soon as that low limit was reached from anywhere. This handler keeps axes'
rule and adds its own: when the failures for one username, summed over every address,
reach ``AXES_ACCOUNT_FAILURE_LIMIT`` within the cool-off time, the account is locked from
everywhere. Both rules count the same ``AccessAttempt`` rows, so deleting a user's rows
(admin, ``manage.py axes_reset_username``) lifts both.
"""

from typing import Any

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


class AxesHttpRequest(HttpRequest):
    """A request as axes hands it to its handler, with the attributes axes sets on it
    (and ours, for the lockout page)."""

    axes_locked_out: bool
    axes_credentials: dict[str, Any] | None
    axes_ip_address: str
    axes_account_locked: bool


def account_failures(request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
    """Failed sign-ins for the request's username from every address within the cool-off."""
    username = get_client_username(request, credentials)
    if not username:
        return 0
    attempts = AccessAttempt.objects.filter(
        username=username, attempt_time__gte=get_cool_off_threshold(request)
    )
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


class AccountLockoutHandler(AxesDatabaseHandler):  # type: ignore[misc]  # axes ships no types
    """Axes' database handler plus the per-account limit across addresses."""

    def _account_locked(self, request: AxesHttpRequest, credentials: dict[str, Any] | None) -> bool:
        locked = account_failures(request, credentials) >= settings.AXES_ACCOUNT_FAILURE_LIMIT
        if locked:
            # Read by the lockout page, which explains this lock differently.
            request.axes_account_locked = True
        return locked

    def is_locked(
        self, request: AxesHttpRequest, credentials: dict[str, Any] | None = None
    ) -> bool:
        # The account rule first, so that the page says so even when both rules apply.
        account_locked = settings.AXES_LOCK_OUT_AT_FAILURE and self._account_locked(
            request, credentials
        )
        return super().is_locked(request, credentials) or account_locked

    def user_login_failed(
        self,
        sender: object,
        credentials: dict[str, Any],
        request: AxesHttpRequest | None = None,
        **kwargs: Any,
    ) -> None:
        super().user_login_failed(sender, credentials, request=request, **kwargs)
        if (
            request is None
            or not settings.AXES_LOCK_OUT_AT_FAILURE
            or self.is_whitelisted(request, credentials)
        ):
            return
        if self._account_locked(request, credentials) and not request.axes_locked_out:
            request.axes_locked_out = True
            request.axes_credentials = credentials
            user_locked_out.send(
                "axes",
                request=request,
                username=get_client_username(request, credentials),
                ip_address=request.axes_ip_address,
            )


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None,
    credentials: dict[str, Any] | None,
) -> HttpResponse:
    """The page a locked-out sign-in gets (``AXES_LOCKOUT_CALLABLE``)."""
    cool_off = get_cool_off(request)
    context = {
        "account_wide": getattr(request, "axes_account_locked", False),
        "cooloff_minutes": int(cool_off.total_seconds() // 60) if cool_off else None,
    }
    return render(
        request,
        "registration/locked_out.html",
        context,
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )
