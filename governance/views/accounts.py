"""Account administration for platform administrators, accepting an invitation, and the
language switcher."""

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods
from django.views.i18n import LANGUAGE_QUERY_PARAMETER, set_language

from governance import selectors
from governance.forms import (
    PASSWORD_RESET_WINDOW,
    InvitationAcceptForm,
    InviteForm,
    LimitedPasswordResetForm,
    MembershipForm,
    UserFilterForm,
)
from governance.models import User
from governance.permissions import require_account_administrator
from governance.services import accounts, memberships
from governance.two_factor import has_authenticator
from msd_planner.lib.pages import confirmation_page
from msd_planner.lib.pagination import paginate
from msd_planner.lib.ratelimit import ratelimit_hit
from msd_planner.lib.types import UserRequest


def _administered_user(request: HttpRequest, pk: int) -> User:
    """Fetch-and-authorise for every account page: administrators only."""
    require_account_administrator(request.user)
    account = selectors.account_of(pk)
    if account is None:
        raise Http404
    return account


@require_http_methods(["GET", "POST"])
@login_required
def user_list(request: HttpRequest) -> HttpResponse:
    require_account_administrator(request.user)
    form = UserFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    users = selectors.users_for_administration(
        query=filters.get("q", ""), organisation=filters.get("organisation")
    )
    return render(
        request, "governance/user_list.html", {"form": form, "page": paginate(request, users)}
    )


@require_http_methods(["GET", "POST"])
@login_required
def user_invite(request: UserRequest) -> HttpResponse:
    require_account_administrator(request.user)
    form = InviteForm(request.POST or None)
    valid = request.method == "POST" and form.is_valid()
    if valid and invite_and_tell(request, form, form.cleaned_data["organisation"]):
        return redirect("user_list")
    return render(request, "governance/user_invite.html", {"form": form})


def invite_and_tell(request: UserRequest, form, organisation) -> bool:
    """Invite the form's address into ``organisation`` and say so, in the same words
    whether or not the address already has an account, on the administrators' page as on
    the coordinators' (neither page tells who has an account); False when refused, the
    reason on the form."""
    data = {name: value for name, value in form.cleaned_data.items() if name != "organisation"}
    account_url = request.build_absolute_uri(reverse("user_detail", args=[0]))
    try:
        accounts.member_invite(
            actor=request.user,
            organisation=organisation,
            accept_url_template=accept_url_template(request),
            account_url_template=account_url.replace("/0/", "/{pk}/"),
            **data,
        )
    except ValidationError as error:
        form.add_error(None, error)
        return False
    messages.success(
        request,
        _(
            "%(email)s is invited to join %(organisation)s; the link is valid for 7 "
            "days. If the address already has an account, a platform administrator "
            "is asked to add it."
        )
        % {"email": data["email"], "organisation": organisation.short_name},
    )
    return True


def accept_url_template(request: HttpRequest) -> str:
    url = request.build_absolute_uri(reverse("invitation_accept", args=["TOKEN"]))
    return url.replace("TOKEN", "{token}")


@require_http_methods(["GET", "POST"])
@login_required
def user_detail(request: UserRequest, pk: int) -> HttpResponse:
    account = _administered_user(request, pk)
    form = MembershipForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            memberships.membership_add(actor=request.user, user=account, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Membership saved."))
            return redirect("user_detail", account.pk)
    return render(
        request,
        "governance/user_detail.html",
        {
            "account": account,
            "memberships": selectors.user_memberships(account),
            "form": form,
            "history": selectors.account_history(account),
            "has_second_factor": has_authenticator(account),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def user_deactivate(request: UserRequest, pk: int) -> HttpResponse:
    account = _administered_user(request, pk)
    if request.method == "POST":
        try:
            accounts.user_deactivate(actor=request.user, user=account)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("%(user)s can no longer sign in.") % {"user": account})
        return redirect("user_detail", account.pk)
    return confirmation_page(
        request,
        {},
        title=_("Deactivate %(user)s?") % {"user": account},
        consequences=[
            _("They are signed out everywhere at once and can no longer sign in."),
            _("Their memberships, and the history of what they did, are kept."),
            _("You can reactivate the account later."),
        ],
        button=_("Deactivate account"),
        cancel_url=reverse("user_detail", args=[account.pk]),
    )


@require_http_methods(["GET", "POST"])
@login_required
def invitation_resend(request: UserRequest, pk: int) -> HttpResponse:
    account = _administered_user(request, pk)
    if request.method == "POST":
        try:
            accounts.invitation_resend(
                actor=request.user, user=account, accept_url_template=accept_url_template(request)
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("A new invitation was sent to %(email)s; earlier links no longer work.")
                % {"email": account.email},
            )
        return redirect("user_detail", account.pk)
    return confirmation_page(
        request,
        {},
        title=_("Send %(user)s a new invitation?") % {"user": account},
        consequences=[
            _("A new link to choose a password goes to %(email)s, valid for 7 days.")
            % {"email": account.email},
            _("Links sent before stop working."),
        ],
        button=_("Send a new invitation"),
        cancel_url=reverse("user_detail", args=[account.pk]),
    )


@require_http_methods(["GET", "POST"])
@login_required
def user_reactivate(request: UserRequest, pk: int) -> HttpResponse:
    account = _administered_user(request, pk)
    if request.method == "POST":
        accounts.user_reactivate(actor=request.user, user=account)
        messages.success(request, _("%(user)s can sign in again.") % {"user": account})
        return redirect("user_detail", account.pk)
    return confirmation_page(
        request,
        {},
        title=_("Reactivate %(user)s?") % {"user": account},
        consequences=[_("They can sign in again with their existing password.")],
        button=_("Reactivate account"),
        cancel_url=reverse("user_detail", args=[account.pk]),
    )


@require_http_methods(["GET", "POST"])
@sensitive_post_parameters("password1", "password2")
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """Public: the invited person chooses a password, then lands on their plans."""
    invitation = accounts.invitation_for_token(token)
    if invitation is None:
        return render(request, "governance/invitation_invalid.html", status=404)
    form = InvitationAcceptForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = accounts.invitation_accept(token=token, password=form.cleaned_data["password1"])
        except ValidationError as error:
            form.add_error("password1", error)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Welcome to MSD Planner. Your password is set."))
            return redirect("home")
    return render(
        request, "governance/invitation_accept.html", {"form": form, "invitation": invitation}
    )


class LimitedPasswordResetView(auth_views.PasswordResetView):
    """Password reset, limited per client address: an address over its limit is told to
    wait, which says nothing about any account."""

    form_class = LimitedPasswordResetForm

    def form_valid(self, form):
        if not ratelimit_hit(
            scope="password-reset-address",
            key=get_client_ip_address(self.request) or "unknown",
            limit=settings.PASSWORD_RESET_ADDRESS_LIMIT,
            window=PASSWORD_RESET_WINDOW,
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


@require_http_methods(["GET", "POST"])
def language_set(request: HttpRequest) -> HttpResponse:
    """The language switcher: Django's ``set_language`` for anyone (a cookie), and for a
    signed-in user also the language of the notices and emails sent to them from now on."""
    response = set_language(request)
    language = request.POST.get(LANGUAGE_QUERY_PARAMETER, "")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        accounts.user_language_set(user=request.user, language=language)
    return response
