"""Password reset with limits: per client address and per account.

The page after a request never says whether an account uses the address: an account
over its limit gets no email and the same "check your email" page. A client address over
its limit is told to wait, which says nothing about any account.
"""

from datetime import timedelta

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm
from django.utils.translation import gettext_lazy as _

from msd_planner.lib.ratelimit import ratelimit_hit

WINDOW = timedelta(hours=1)


class LimitedPasswordResetForm(PasswordResetForm):
    """Sends to an account at most ``PASSWORD_RESET_ACCOUNT_LIMIT`` times an hour."""

    def get_users(self, email):
        for user in super().get_users(email):
            if ratelimit_hit(
                scope="password-reset-account",
                key=str(user.pk),
                limit=settings.PASSWORD_RESET_ACCOUNT_LIMIT,
                window=WINDOW,
            ):
                yield user


class LimitedPasswordResetView(auth_views.PasswordResetView):
    form_class = LimitedPasswordResetForm

    def form_valid(self, form):
        if not ratelimit_hit(
            scope="password-reset-address",
            key=get_client_ip_address(self.request) or "unknown",
            limit=settings.PASSWORD_RESET_ADDRESS_LIMIT,
            window=WINDOW,
        ):
            form.add_error(
                None,
                _(
                    "Too many password reset requests have come from your network in the "
                    "last hour. Try again later, or ask your administrator."
                ),
            )
            response = self.form_invalid(form)
            response.status_code = 429
            return response
        return super().form_valid(form)
