from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from governance import selectors
from governance.forms import OrganisationFilterForm, OrganisationForm
from governance.permissions import (
    can_edit_organisation,
    get_organisation_for_user_or_404,
    require_account_administrator,
)
from governance.services import organisation_save
from msd_planner.lib.pagination import paginate


@login_required
def organisation_list(request: HttpRequest) -> HttpResponse:
    form = OrganisationFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    sort = request.GET.get("sort", "name")
    organisations = selectors.organisation_list(
        request.user,
        query=filters.get("q", ""),
        type=filters.get("type", ""),
        local_actor=filters.get("local_actor", False),
        sort=sort,
    )
    return render(
        request,
        "governance/organisation_list.html",
        {"form": form, "page": paginate(request, organisations), "sort": sort},
    )


@login_required
def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = get_organisation_for_user_or_404(request.user, pk)
    may_edit = can_edit_organisation(request.user, organisation)
    return render(
        request,
        "governance/organisation_detail.html",
        {
            "organisation": organisation,
            "may_edit": may_edit,
            "members": selectors.organisation_members(organisation) if may_edit else None,
            "participations": selectors.organisation_participations(request.user, organisation),
        },
    )


def _save_organisation_form(request, form) -> HttpResponse | None:
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        organisation = organisation_save(actor=request.user, organisation=form.save(commit=False))
    except ValidationError as error:
        form.add_error(None, error)
        return None
    messages.success(request, _("%(name)s saved.") % {"name": organisation})
    return redirect("organisation_detail", organisation.pk)


@login_required
def organisation_create(request: HttpRequest) -> HttpResponse:
    require_account_administrator(request.user)
    form = OrganisationForm(request.POST or None)
    response = _save_organisation_form(request, form)
    return response or render(
        request, "governance/organisation_form.html", {"form": form, "organisation": None}
    )


@login_required
def organisation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = get_organisation_for_user_or_404(request.user, pk, edit=True)
    form = OrganisationForm(request.POST or None, instance=organisation)
    response = _save_organisation_form(request, form)
    return response or render(
        request, "governance/organisation_form.html", {"form": form, "organisation": organisation}
    )
