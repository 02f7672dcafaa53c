"""Signing a plan in validation, for an organisation whose signature is required."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from action_plans.document_views import tell_if_not_queued
from action_plans.permissions import PlanAction, plan_for_user_or_404
from action_plans.workflow import open_version
from governance import validation
from governance.forms import SignForm
from governance.models import Organisation, SignOffDecision
from msd_planner.lib.versioned_edit import add_service_error


@require_http_methods(["GET", "POST"])
@login_required
def plan_sign(request: HttpRequest, pk: int) -> HttpResponse:
    access = plan_for_user_or_404(request.user, pk, PlanAction.SIGN)
    plan = access.plan
    organisations = Organisation.objects.filter(
        pk__in=[item.pk for item in validation.signable_organisations(request.user, plan)]
    ).order_by("name")
    form = SignForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        try:
            sign_off = validation.plan_sign(
                actor=request.user,
                plan=plan,
                organisation=form.cleaned_data["organisation"],
                decision=form.cleaned_data["decision"],
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _("Signed for %(name)s: %(decision)s.")
                % {
                    "name": sign_off.organisation.short_name,
                    "decision": sign_off.get_decision_display().lower(),
                },
            )
            tell_if_not_queued(request, plan)  # the last signature asks for the PDF
            return redirect("plan_validation", pk)
    version = open_version(plan)
    return render(
        request,
        "governance/plan_sign.html",
        {
            **access.context,
            "form": form,
            "version": version,
            "nothing_to_sign": version is None or not organisations.exists(),
            "request_changes": SignOffDecision.REQUEST_CHANGES,
        },
    )
