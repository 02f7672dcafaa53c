from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from governance import selectors
from governance.forms import OrganisationFilterForm, OrganisationForm, OrganisationProfileForm
from governance.models import Organisation
from governance.permissions import (
    can_administer_accounts,
    can_edit_organisation,
    get_organisation_for_user_or_404,
    require_account_administrator,
)
from governance.services import organisation_save
from msd_planner.lib.concurrency import EditConflict, form_after_conflict, saved_values
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
    # Sort links keep every filter; a new sort starts again at page 1.
    filter_query = request.GET.copy()
    for key in ("sort", "page"):
        filter_query.pop(key, None)
    return render(
        request,
        "governance/organisation_list.html",
        {
            "form": form,
            "page": paginate(request, organisations),
            "sort": sort,
            "filter_query": filter_query.urlencode(),
        },
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


def _organisation_form(request: HttpRequest, organisation: Organisation | None, data=None):
    """Administrators change every field; an organisation's coordinators its profile."""
    form_class = (
        OrganisationForm if can_administer_accounts(request.user) else OrganisationProfileForm
    )
    return form_class(data, instance=organisation)


def _organisation_form_page(
    request: HttpRequest, organisation: Organisation | None
) -> HttpResponse:
    form = _organisation_form(request, organisation, request.POST or None)
    summary = None
    if request.method == "POST" and form.is_valid():
        try:
            organisation = organisation_save(
                actor=request.user, organisation=form.unsaved_instance()
            )
        except EditConflict as conflict:
            form = form_after_conflict(
                lambda data, instance: _organisation_form(request, instance, data),
                request.POST,
                conflict,
            )
            summary = saved_values(form, conflict.current)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("%(name)s saved.") % {"name": organisation})
            return redirect("organisation_detail", organisation.pk)
    return render(
        request,
        "governance/organisation_form.html",
        {
            "form": form,
            "organisation": organisation,
            "saved_values": summary,
        },
    )


@login_required
def organisation_create(request: HttpRequest) -> HttpResponse:
    require_account_administrator(request.user)
    return _organisation_form_page(request, None)


@login_required
def organisation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = get_organisation_for_user_or_404(request.user, pk, edit=True)
    return _organisation_form_page(request, organisation)
