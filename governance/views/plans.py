"""A plan's governance: lead arrangement, participants and who can do what."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from action_plans.permissions import PlanAction, get_plan_for_user_or_404
from governance import selectors, services
from governance.forms import LeadArrangementForm, ParticipantAddForm, ParticipantEditForm
from governance.models import Activity, Participation
from msd_planner.lib.concurrency import EditConflict, form_after_conflict
from msd_planner.lib.errors import ObjectHidden


@login_required
def plan_governance(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_plan_for_user_or_404(request.user, pk, PlanAction.VIEW)
    return render(
        request,
        "governance/plan_governance.html",
        {
            "plan": plan,
            "governance": selectors.plan_governance(plan),
            "may_govern": PlanAction.GOVERN in plan.user_actions,
        },
    )


def _lead_arrangement_initial(governance: selectors.PlanGovernance) -> dict:
    arrangement = governance.arrangement
    if arrangement is None:
        return {"version": 0}
    leads = [body.organisation for body in governance.leads]
    initial = {
        "model": arrangement.model,
        "lead": leads[0] if leads else None,
        "second_lead": leads[1] if len(leads) > 1 else None,
        "advisers": [body.organisation for body in governance.advisers],
        "has_decision_power": arrangement.has_decision_power,
        "notes": arrangement.notes,
        "version": arrangement.version,
    }
    for activity, (_label, organisation) in zip(Activity, governance.responsibilities, strict=True):
        initial[f"responsibility_{activity.value}"] = organisation
    return initial


def _lead_arrangement_summary(governance: selectors.PlanGovernance) -> list[tuple[str, str]]:
    """The lead arrangement as it is saved now, for the conflict screen."""
    arrangement = governance.arrangement
    if arrangement is None:
        return [(_("Who leads the process"), _("Not set"))]
    rows = [
        (_("Who leads the process"), arrangement.get_model_display()),
        (_("Lead bodies"), ", ".join(str(body.organisation) for body in governance.leads)),
        (
            _("Technical advisers"),
            ", ".join(str(body.organisation) for body in governance.advisers) or "–",
        ),
    ]
    rows += [
        (label, str(organisation) if organisation else "–")
        for label, organisation in governance.responsibilities
    ]
    rows.append((_("Notes"), arrangement.notes or "–"))
    return rows


@login_required
def lead_arrangement_edit(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_plan_for_user_or_404(request.user, pk, PlanAction.GOVERN)
    governance = selectors.plan_governance(plan)
    form = LeadArrangementForm(
        request.POST or None, initial=_lead_arrangement_initial(governance), user=request.user
    )
    summary = None
    if request.method == "POST" and form.is_valid():
        try:
            services.lead_arrangement_set(
                actor=request.user, plan=plan, data=form.arrangement_data()
            )
        except EditConflict as conflict:
            summary = _lead_arrangement_summary(selectors.plan_governance(plan))
            form = form_after_conflict(
                lambda data, _instance: LeadArrangementForm(data, user=request.user),
                request.POST,
                conflict,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Lead arrangement saved."))
            return redirect("plan_governance", plan.pk)
    return render(
        request,
        "governance/lead_arrangement_form.html",
        {"plan": plan, "form": form, "saved_values": summary},
    )


@login_required
def participant_add(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_plan_for_user_or_404(request.user, pk, PlanAction.GOVERN)
    form = ParticipantAddForm(request.POST or None, plan=plan, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            participation = services.participation_add(
                actor=request.user, plan=plan, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("%(name)s now takes part in the plan.") % {"name": participation.organisation},
            )
            return redirect("plan_governance", plan.pk)
    return render(request, "governance/participant_form.html", {"plan": plan, "form": form})


def _participation(request: HttpRequest, pk: int, participation_pk: int) -> Participation:
    plan = get_plan_for_user_or_404(request.user, pk, PlanAction.GOVERN)
    participation = selectors.plan_participation(plan, participation_pk)
    if participation is None:
        raise ObjectHidden(PlanAction.GOVERN, f"participation {participation_pk}")
    return participation


@login_required
def participant_edit(request: HttpRequest, pk: int, participation_pk: int) -> HttpResponse:
    participation = _participation(request, pk, participation_pk)
    # A single checkbox: unticked, a POST may carry no field at all.
    form = ParticipantEditForm(
        request.POST if request.method == "POST" else None,
        initial={"signatory_required": participation.signatory_required},
    )
    if request.method == "POST" and form.is_valid():
        services.participation_update(
            actor=request.user,
            participation=participation,
            signatory_required=form.cleaned_data["signatory_required"],
        )
        messages.success(request, _("Participation saved."))
        return redirect("plan_governance", pk)
    return render(
        request,
        "governance/participant_form.html",
        {"plan": participation.plan, "form": form, "participation": participation},
    )


@login_required
def participant_remove(request: HttpRequest, pk: int, participation_pk: int) -> HttpResponse:
    participation = _participation(request, pk, participation_pk)
    if request.method == "POST":
        try:
            services.participation_remove(actor=request.user, participation=participation)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("%(name)s no longer takes part in the plan.")
                % {"name": participation.organisation},
            )
        return redirect("plan_governance", pk)
    return render(
        request,
        "confirm.html",
        {
            "plan": participation.plan,
            "title": _("Remove %(name)s from the plan?") % {"name": participation.organisation},
            "consequences": [
                _("Its members no longer see the plan or anything in it."),
                _("What it contributed stays in the plan's history."),
            ],
            "button": _("Remove from the plan"),
            "cancel_url": reverse("plan_governance", args=[pk]),
        },
    )


@login_required
def plan_access(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_plan_for_user_or_404(request.user, pk, PlanAction.GOVERN)
    return render(
        request,
        "governance/plan_access.html",
        {
            "plan": plan,
            "rows": selectors.plan_access_rows(plan),
            "actions": list(PlanAction),
        },
    )
