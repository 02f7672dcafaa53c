"""The plan's funding sources: the list with what each gave, and their forms."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from action_plans.permissions import PlanAction, plan_for_user_or_404, plan_object_for_user_or_404
from funding import selectors, services
from funding.forms import SourceForm
from funding.models import FundingSource
from funding.rules import SOURCE_EDIT, provider_choices
from governance import selectors as governance_selectors
from msd_planner.lib.pages import confirmation_page, remove_and_tell
from msd_planner.lib.types import UserRequest
from msd_planner.lib.versioned_edit import VersionedEdit


@require_http_methods(["GET", "POST"])
@login_required
def source_list(request: HttpRequest, pk: int) -> HttpResponse:
    access = plan_for_user_or_404(request.user, pk, PlanAction.VIEW)
    rows = selectors.sources_with_figures(access.plan)
    return render(
        request,
        "funding/source_list.html",
        {
            **access.context,
            "rows": [(row, access.may_on(SOURCE_EDIT, row.subject)) for row in rows],
            "may_create": access.may_edit(PlanAction.CONTRIBUTE),
        },
    )


def _form_page(request, access, edit, source=None):
    return render(
        request, "funding/source_form.html", {**access.context, **edit.context, "source": source}
    )


@require_http_methods(["GET", "POST"])
@login_required
def source_create(request: UserRequest, pk: int) -> HttpResponse:
    access = plan_for_user_or_404(request.user, pk, PlanAction.CONTRIBUTE)
    providers = provider_choices(access)
    edit = VersionedEdit(
        request,
        lambda data, _current: SourceForm(
            data, instance=FundingSource(plan=access.plan), plan=access.plan, providers=providers
        ),
    )
    if edit.save(
        lambda form: services.source_create(
            actor=request.user, plan=access.plan, source=form.save(commit=False)
        )
    ):
        messages.success(request, _("Source “%(name)s” saved.") % {"name": edit.result})
        return redirect("funding_source_list", pk)
    return _form_page(request, access, edit)


@require_http_methods(["GET", "POST"])
@login_required
def source_edit(request: UserRequest, pk: int, source_pk: int) -> HttpResponse:
    access = plan_object_for_user_or_404(
        request.user, pk, selectors.all_sources(), source_pk, SOURCE_EDIT
    )
    source = access.object
    # The current provider stays choosable (an editor keeps their source's provider).
    providers = governance_selectors.organisations_with(
        provider_choices(access), source.provider_id
    )
    edit = VersionedEdit(
        request,
        lambda data, current: SourceForm(
            data, instance=current, plan=access.plan, providers=providers
        ),
        source,
    )
    if edit.save(
        lambda form: services.source_update(
            actor=request.user,
            source=source,
            expected_version=form.cleaned_data["version"],
            data=form.edited_values(),
        )
    ):
        messages.success(request, _("Source “%(name)s” saved.") % {"name": edit.result.instance})
        return redirect("funding_source_list", pk)
    return _form_page(request, access, edit, source)


@require_http_methods(["GET", "POST"])
@login_required
def source_remove(request: UserRequest, pk: int, source_pk: int) -> HttpResponse:
    access = plan_object_for_user_or_404(
        request.user, pk, selectors.all_sources(), source_pk, SOURCE_EDIT
    )
    source = access.object
    if request.method == "POST":
        remove_and_tell(
            request,
            lambda: services.source_remove(actor=request.user, source=source),
            done=_("Source “%(name)s” removed.") % {"name": source},
        )
        return redirect("funding_source_list", pk)
    return confirmation_page(
        request,
        access.context,
        title=_("Remove the funding source “%(name)s”?") % {"name": source},
        consequences=[
            _("A source that commitments still use is not removed: remove those first."),
            _("The removal stays in the plan's history."),
        ],
        button=_("Remove source"),
        cancel_url=reverse("funding_source_list", args=[pk]),
    )
