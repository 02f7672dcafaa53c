"""The signed-in user's own API tokens: made (the secret shown once, on the answer to the
form, never again), listed and revoked. Each user sees and revokes only their own."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from api import selectors, services
from api.forms import ApiTokenForm
from msd_planner.lib.pages import confirmation_page
from msd_planner.lib.types import UserRequest
from msd_planner.lib.versioned_edit import add_service_error


@require_http_methods(["GET", "POST"])
@login_required
def api_tokens(request: UserRequest) -> HttpResponse:
    form = ApiTokenForm(request.POST or None)
    secret = None
    if request.method == "POST" and form.is_valid():
        try:
            token, secret = services.token_create(
                actor=request.user, name=form.cleaned_data["name"]
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Token “%(name)s” made.") % {"name": token.name})
            form = ApiTokenForm()
    return render(
        request,
        "api/token_list.html",
        {
            "form": form,
            "secret": secret,
            "tokens": selectors.tokens_of(request.user),
            "docs_url": reverse("api_docs"),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def api_token_revoke(request: UserRequest, pk: int) -> HttpResponse:
    token = selectors.token_of(request.user, pk)
    if token is None:
        raise Http404
    if request.method == "POST":
        services.token_revoke(actor=request.user, token=token)
        messages.success(request, _("Token “%(name)s” revoked.") % {"name": token.name})
        return redirect("api_tokens")
    return confirmation_page(
        request,
        {},
        title=_("Revoke the token “%(name)s”?") % {"name": token.name},
        consequences=[
            _("Every script that uses it is refused from now on."),
            _("A revoked token cannot be used again: make a new one if needed."),
        ],
        button=_("Revoke the token"),
        cancel_url=reverse("api_tokens"),
    )
