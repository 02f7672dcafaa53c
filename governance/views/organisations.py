from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from governance import selectors
from governance.forms import OrganisationFilterForm, OrganisationForm, OrganisationProfileForm
from governance.models import Organisation, Role
from governance.permissions import (
    can_administer_accounts,
    can_edit_organisation,
    get_organisation_for_user_or_404,
    require_account_administrator,
)
from governance.services import organisations
from msd_planner.lib.pagination import paginate, query_without
from msd_planner.lib.types import UserRequest
from msd_planner.lib.versioned_edit import VersionedEdit


@require_http_methods(["GET", "POST"])
@login_required
def organisation_list(request: HttpRequest) -> HttpResponse:
    form = OrganisationFilterForm(request.GET or None)
    filters = form.filters()
    sort = form.ordering()
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
        {
            "form": form,
            "page": paginate(request, organisations),
            "sort": sort,
            "filter_query": query_without(request.GET, "sort", "page"),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = get_organisation_for_user_or_404(request.user, pk)
    may_edit = can_edit_organisation(request.user, organisation)
    members = list(selectors.organisation_members(organisation)) if may_edit else None
    return render(
        request,
        "governance/organisation_detail.html",
        {
            "organisation": organisation,
            "may_edit": may_edit,
            "members": members,
            "has_signatory": any(
                member.role == Role.SIGNATORY and member.user.is_active for member in members or []
            ),
            "participations": selectors.organisation_participations(request.user, organisation),
        },
    )


def _organisation_form(request: HttpRequest, organisation: Organisation | None, data=None):
    """Administrators change every field; an organisation's coordinators its profile."""
    form_class = (
        OrganisationForm if can_administer_accounts(request.user) else OrganisationProfileForm
    )
    return form_class(data, instance=organisation)


def _organisation_form_page(
    request: UserRequest, organisation: Organisation | None
) -> HttpResponse:
    edit = VersionedEdit(
        request, lambda data, current: _organisation_form(request, current, data), organisation
    )
    if organisation is None:
        saved = edit.save(
            lambda form: organisations.organisation_create(
                actor=request.user, organisation=form.save(commit=False)
            )
        )
        organisation = edit.result
    else:
        saved = edit.save(
            lambda form: (
                organisations.organisation_update(
                    actor=request.user,
                    organisation=organisation,
                    expected_version=form.cleaned_data["version"],
                    data=form.edited_values(),
                ).instance
            )
        )
    if saved:
        messages.success(request, _("%(name)s saved.") % {"name": edit.result})
        return redirect("organisation_detail", edit.result.pk)
    return render(
        request, "governance/organisation_form.html", {**edit.context, "organisation": organisation}
    )


@require_http_methods(["GET", "POST"])
@login_required
def organisation_create(request: UserRequest) -> HttpResponse:
    require_account_administrator(request.user)
    return _organisation_form_page(request, None)


@require_http_methods(["GET", "POST"])
@login_required
def organisation_edit(request: UserRequest, pk: int) -> HttpResponse:
    organisation = get_organisation_for_user_or_404(request.user, pk, edit=True)
    return _organisation_form_page(request, organisation)
