"""A plan's governance: lead arrangement, participants and who can do what."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from action_plans.permissions import PlanAction, plan_for_user_or_404, plan_object_for_user_or_404
from action_plans.policy import (
    ACTION_DESCRIPTIONS,
    ACTION_LABELS,
    living_rules,
    policy_table,
    record_rules,
)
from governance import selectors
from governance.forms import LeadArrangementForm, ParticipantAddForm, ParticipantEditForm
from governance.models import Activity, LeadArrangement
from governance.services import lead_arrangement, participations, signing
from msd_planner.lib.pages import confirmation_page, remove_and_tell
from msd_planner.lib.types import UserRequest
from msd_planner.lib.versioned_edit import VersionedEdit


@require_http_methods(["GET", "POST"])
@login_required
def plan_governance(request: HttpRequest, pk: int) -> HttpResponse:
    access = plan_for_user_or_404(request.user, pk, PlanAction.VIEW)
    return render(
        request,
        "governance/plan_governance.html",
        {
            **access.context,
            "governance": selectors.plan_governance(access.plan),
            "may_govern": access.may_edit(PlanAction.GOVERN),
        },
    )


def _lead_arrangement_initial(governance: selectors.PlanGovernance) -> dict:
    arrangement = governance.arrangement
    if arrangement is None:
        return {}
    leads = [body.organisation for body in governance.leads]
    initial = {
        "model": arrangement.model,
        "lead": leads[0] if leads else None,
        "second_lead": leads[1] if len(leads) > 1 else None,
        "advisers": [body.organisation for body in governance.advisers],
        "has_decision_power": arrangement.has_decision_power,
        "notes": arrangement.notes,
    }
    for activity, (_label, organisation) in zip(Activity, governance.responsibilities, strict=True):
        initial[f"responsibility_{activity.value}"] = organisation
    return initial


@require_http_methods(["GET", "POST"])
@login_required
def lead_arrangement_edit(request: UserRequest, pk: int) -> HttpResponse:
    access = plan_for_user_or_404(request.user, pk, PlanAction.GOVERN)
    governance = selectors.plan_governance(access.plan)
    current = governance.arrangement or LeadArrangement(plan=access.plan, version=0)

    def build_form(data, arrangement):
        return LeadArrangementForm(
            data,
            initial=_lead_arrangement_initial(governance),
            version=arrangement.version,
            user=request.user,
        )

    edit = VersionedEdit(request, build_form, current)
    if edit.save(
        lambda form: lead_arrangement.lead_arrangement_set(
            actor=request.user,
            plan=access.plan,
            data=form.arrangement_data(),
            expected_version=form.cleaned_data["version"],
        )
    ):
        messages.success(request, _("Lead arrangement saved."))
        return redirect("plan_governance", pk)
    return render(
        request, "governance/lead_arrangement_form.html", {**access.context, **edit.context}
    )


@require_http_methods(["GET", "POST"])
@login_required
def participant_add(request: UserRequest, pk: int) -> HttpResponse:
    access = plan_for_user_or_404(request.user, pk, PlanAction.GOVERN)
    form = ParticipantAddForm(request.POST or None, plan=access.plan, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            participation = participations.participation_add(
                actor=request.user, plan=access.plan, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("%(name)s now takes part in the plan.") % {"name": participation.organisation},
            )
            return redirect("plan_governance", pk)
    return render(request, "governance/participant_form.html", {**access.context, "form": form})


def _participation(request: HttpRequest, pk: int, participation_pk: int):
    return plan_object_for_user_or_404(
        request.user,
        pk,
        selectors.participations_with_organisation(),
        participation_pk,
        PlanAction.GOVERN,
    )


@require_http_methods(["GET", "POST"])
@login_required
def participant_edit(request: UserRequest, pk: int, participation_pk: int) -> HttpResponse:
    access = _participation(request, pk, participation_pk)
    edit = VersionedEdit(
        request,
        lambda data, participation: ParticipantEditForm(
            data,
            initial={"signatory_required": participation.signatory_required},
            version=participation.version,
        ),
        access.object,
    )
    if edit.save(
        lambda form: participations.participation_update(
            actor=request.user,
            participation=access.object,
            expected_version=form.cleaned_data["version"],
            signatory_required=form.cleaned_data["signatory_required"],
        )
    ):
        messages.success(request, _("Participation saved."))
        return redirect("plan_governance", pk)
    return render(
        request,
        "governance/participant_form.html",
        {**access.context, **edit.context, "participation": access.object},
    )


@require_http_methods(["GET", "POST"])
@login_required
def participant_remove(request: UserRequest, pk: int, participation_pk: int) -> HttpResponse:
    access = _participation(request, pk, participation_pk)
    participation = access.object
    if request.method == "POST":
        remove_and_tell(
            request,
            lambda: participations.participation_remove(
                actor=request.user, participation=participation
            ),
            done=_("%(name)s no longer takes part in the plan.")
            % {"name": participation.organisation},
        )
        return redirect("plan_governance", pk)
    return confirmation_page(
        request,
        access.context,
        title=_("Remove %(name)s from the plan?") % {"name": participation.organisation},
        consequences=[
            _("Its members no longer see the plan or anything in it."),
            _("What it contributed stays in the plan's history."),
        ],
        button=_("Remove from the plan"),
        cancel_url=reverse("plan_governance", args=[pk]),
    )


@require_http_methods(["GET", "POST"])
@login_required
def signatory_request(request: UserRequest, pk: int, participation_pk: int) -> HttpResponse:
    """Ask a participant's coordinators to name a signatory (they set roles, not us)."""
    access = _participation(request, pk, participation_pk)
    participation = access.object
    organisation = participation.organisation
    if request.method == "POST":
        members_url = request.build_absolute_uri(
            reverse("organisation_detail", args=[organisation.pk]) + "#members"
        )
        try:
            sent = signing.signatory_request(
                actor=request.user, participation=participation, members_url=members_url
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                (
                    _(
                        "%(name)s has no coordinator who can be emailed: the platform "
                        "administrators were asked."
                    )
                    if sent.to_administrators
                    else _("The coordinators of %(name)s were asked to name a signatory.")
                )
                % {"name": organisation.short_name},
            )
        return redirect("plan_governance", pk)
    return confirmation_page(
        request,
        access.context,
        title=_("Ask %(name)s to name a signatory?") % {"name": organisation.short_name},
        consequences=[
            _(
                "Its coordinators receive an email asking them to give a member the "
                "signatory role, or to invite one."
            ),
            _("The plan can be validated only when every required organisation signs."),
        ],
        button=_("Send the request"),
        cancel_url=reverse("plan_governance", args=[pk]),
    )


@require_http_methods(["GET", "POST"])
@login_required
def plan_access(request: HttpRequest, pk: int) -> HttpResponse:
    """Who can do what: the policy as a table, the rules on own items, and each person."""
    access = plan_for_user_or_404(request.user, pk, PlanAction.VIEW)
    policy = policy_table()
    return render(
        request,
        "governance/plan_access.html",
        {
            **access.context,
            # Who is who stays with those who govern the plan; the rules are for everyone.
            "rows": (
                selectors.plan_access_rows(access.plan) if access.may(PlanAction.GOVERN) else None
            ),
            "labels": ACTION_LABELS,
            "policy_columns": [column.label for column in policy],
            "policy_rows": [
                (
                    ACTION_LABELS[action],
                    ACTION_DESCRIPTIONS[action],
                    [column.holds.get(action, "") for column in policy],
                )
                for action in PlanAction
            ],
            "rules": record_rules(),
            "living_rules": living_rules(),
        },
    )
