"""The localisation pledge held as a target: the plan's target share of funds to local
actors."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from action_plans.permissions import plan_for_user_or_404
from funding import selectors, services
from funding.forms import LocalisationTargetForm
from funding.models import LocalisationTarget
from funding.rules import LOCALISATION_TARGET_EDIT
from msd_planner.lib.types import UserRequest
from msd_planner.lib.versioned_edit import VersionedEdit


@require_http_methods(["GET", "POST"])
@login_required
def localisation_target_edit(request: UserRequest, pk: int) -> HttpResponse:
    access = plan_for_user_or_404(request.user, pk, LOCALISATION_TARGET_EDIT)
    target = selectors.localisation_target_of(access.plan) or LocalisationTarget(
        plan=access.plan, version=0
    )
    edit = VersionedEdit(
        request,
        lambda data, current: LocalisationTargetForm(data, instance=current),
        target,
    )
    if edit.save(
        lambda form: services.localisation_target_save(
            actor=request.user,
            plan=access.plan,
            expected_version=form.cleaned_data["version"],
            data=form.edited_values(),
        )
    ):
        messages.success(request, _("Target share of funds to local actors saved."))
        return redirect("funding_overview", pk)
    return render(
        request, "funding/localisation_target_form.html", {**access.context, **edit.context}
    )
