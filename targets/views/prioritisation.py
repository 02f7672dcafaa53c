"""A plan's prioritised targets: the ranked list, adding and proposing a target,
a target's page, its scores, baseline and followed indicators, deciding on proposals,
and the plan's scoring criteria."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from action_plans.permissions import (
    PlanAction,
    PlanObjectAccess,
    plan_for_user_or_404,
    plan_object_for_user_or_404,
)
from action_plans.policy import RecordRule
from governance import selectors as governance_selectors
from msd_planner.lib.pages import confirmation_page, remove_and_tell
from msd_planner.lib.types import UserRequest
from msd_planner.lib.versioned_edit import VersionedEdit, VersionedForm
from targets import selectors, services
from targets.forms import (
    BaselineForm,
    CriteriaFormSet,
    IndicatorForm,
    PrioritisedTargetForm,
    ProposalDecisionForm,
    ProposalForm,
    ScoresForm,
    TargetPickForm,
    TargetSearchForm,
)
from targets.models import PrioritisedTarget, ProposalStatus
from targets.rules import BASELINE_EDIT, PROPOSAL_EDIT

ACCEPTED = ProposalStatus.ACCEPTED


def _prioritised_target(
    request, pk: int, item_pk: int, action: PlanAction | RecordRule, *, status: str | None = None
) -> PlanObjectAccess[PrioritisedTarget]:
    """A prioritised target of the plan (of that status, when given; another status is
    answered as not found)."""
    return plan_object_for_user_or_404(
        request.user, pk, selectors.prioritised_targets_in_detail(status=status), item_pk, action
    )


@require_http_methods(["GET", "POST"])
@login_required
def prioritised_target_list(request: HttpRequest, pk: int) -> HttpResponse:
    access = plan_for_user_or_404(request.user, pk, PlanAction.VIEW)
    criteria, ranked = selectors.ranked_targets(access.plan)
    proposals = list(selectors.pending_proposals(access.plan))
    return render(
        request,
        "targets/prioritised_target_list.html",
        {
            **access.context,
            "criteria": criteria,
            "ranked": ranked,
            "proposals": proposals,
            "own_proposals": {
                proposal.pk for proposal in proposals if access.may_on(PROPOSAL_EDIT, proposal)
            },
            "declined": selectors.declined_proposals(access.plan),
            "may_change": access.may_edit(PlanAction.CHANGE),
            "may_prioritise": access.may_edit(PlanAction.PRIORITISE),
            "may_propose": access.may_edit(PlanAction.CONTRIBUTE),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def prioritised_target_add(request: UserRequest, pk: int) -> HttpResponse:
    access = plan_for_user_or_404(request.user, pk, PlanAction.CONTRIBUTE)
    plan = access.plan
    search = TargetSearchForm(request.GET)
    query = search.cleaned_data["q"].strip() if search.is_valid() else ""
    form = TargetPickForm(request.POST or None, choices=selectors.target_picker(plan, query=query))
    if request.method == "POST" and form.is_valid():
        try:
            item = services.prioritised_target_add(
                actor=request.user,
                plan=plan,
                target=form.cleaned_data["target"],
                rationale=form.cleaned_data["rationale"],
                proposer_organisation=governance_selectors.organisation_of_user_in_plan(
                    request.user, plan
                ),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if item.status == ProposalStatus.ACCEPTED:
                messages.success(request, _("Target %(code)s prioritised.") % {"code": item})
                return redirect("prioritised_target_detail", pk, item.pk)
            messages.success(
                request,
                _(
                    "Target %(code)s proposed. A coordinator of the plan will decide; until "
                    "then you may change or withdraw the proposal."
                )
                % {"code": item},
            )
            return redirect("prioritised_target_list", pk)
    return render(
        request,
        "targets/prioritised_target_add.html",
        {
            **access.context,
            "form": form,
            "query": query,
            "search": search,
            "as_coordinator": access.may(PlanAction.CHANGE),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def prioritised_target_detail(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    access = _prioritised_target(request, pk, item_pk, PlanAction.VIEW)
    item = access.object
    criteria, ranked = selectors.ranked_targets(access.plan)
    entry = next((entry for entry in ranked if entry.prioritised.id == item.id), None)
    return render(
        request,
        "targets/prioritised_target_detail.html",
        {
            **access.context,
            "item": item,
            "criteria": criteria,
            "entry": entry,
            # A proposal is decided (or withdrawn) from the list; a prioritised target is
            # edited here.
            "may_change": access.may_edit(PlanAction.CHANGE) and item.status == ACCEPTED,
            "may_prioritise": access.may_edit(PlanAction.PRIORITISE) and item.status == ACCEPTED,
            "may_edit_baseline": access.may_on(BASELINE_EDIT, item) and item.status == ACCEPTED,
            "may_edit_proposal": access.may_on(PROPOSAL_EDIT, item),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def prioritised_target_edit(request: UserRequest, pk: int, item_pk: int) -> HttpResponse:
    access = _prioritised_target(request, pk, item_pk, PlanAction.PRIORITISE, status=ACCEPTED)
    item = access.object
    edit = VersionedEdit(
        request,
        lambda data, current: PrioritisedTargetForm(data, instance=current, plan=access.plan),
        item,
    )
    if edit.save(
        lambda form: services.prioritised_target_update(
            actor=request.user,
            prioritised_target=item,
            expected_version=form.cleaned_data["version"],
            data=form.edited_values(),
        )
    ):
        messages.success(request, _("Target %(code)s saved.") % {"code": item})
        return redirect("prioritised_target_detail", pk, item.pk)
    return render(
        request,
        "targets/prioritised_target_form.html",
        {**access.context, **edit.context, "item": item},
    )


@require_http_methods(["GET", "POST"])
@login_required
def prioritised_target_scores(request: UserRequest, pk: int, item_pk: int) -> HttpResponse:
    access = _prioritised_target(request, pk, item_pk, PlanAction.PRIORITISE, status=ACCEPTED)
    item = access.object
    criteria = selectors.plan_criteria(access.plan)
    edit = VersionedEdit(
        request,
        lambda data, current: ScoresForm(
            data,
            criteria=criteria,
            scores=selectors.target_scores(current),
            version=current.version,
        ),
        item,
    )
    if edit.save(
        lambda form: services.target_scores_set(
            actor=request.user,
            prioritised_target=item,
            expected_version=form.cleaned_data["version"],
            scores=form.scores(),
        )
    ):
        messages.success(request, _("Scores of %(code)s saved.") % {"code": item})
        return redirect("prioritised_target_list", pk)
    return render(
        request,
        "targets/prioritised_target_scores.html",
        {**access.context, **edit.context, "item": item},
    )


@require_http_methods(["GET", "POST"])
@login_required
def prioritised_target_baseline(request: UserRequest, pk: int, item_pk: int) -> HttpResponse:
    access = _prioritised_target(request, pk, item_pk, BASELINE_EDIT, status=ACCEPTED)
    item = access.object
    edit = VersionedEdit(request, lambda data, current: BaselineForm(data, instance=current), item)
    if edit.save(
        lambda form: services.baseline_update(
            actor=request.user,
            prioritised_target=item,
            expected_version=form.cleaned_data["version"],
            data=form.edited_values(),
        )
    ):
        messages.success(request, _("Baseline of %(code)s saved.") % {"code": item})
        return redirect("prioritised_target_detail", pk, item.pk)
    return render(
        request,
        "targets/prioritised_target_baseline.html",
        {**access.context, **edit.context, "item": item},
    )


@require_http_methods(["GET", "POST"])
@login_required
def followed_indicator_add(request: UserRequest, pk: int, item_pk: int) -> HttpResponse:
    access = _prioritised_target(request, pk, item_pk, BASELINE_EDIT, status=ACCEPTED)
    item = access.object
    form = IndicatorForm(request.POST or None, target=item.target)
    if request.method == "POST" and form.is_valid():
        try:
            services.followed_indicator_add(
                actor=request.user, prioritised_target=item, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Indicator added."))
            return redirect("prioritised_target_detail", pk, item.pk)
    return render(
        request,
        "targets/followed_indicator_form.html",
        {**access.context, "item": item, "form": form},
    )


@require_http_methods(["GET", "POST"])
@login_required
def followed_indicator_remove(
    request: UserRequest, pk: int, item_pk: int, indicator_pk: int
) -> HttpResponse:
    item = _prioritised_target(request, pk, item_pk, BASELINE_EDIT, status=ACCEPTED).object
    access = plan_object_for_user_or_404(
        request.user,
        pk,
        selectors.followed_indicators_of(item),
        indicator_pk,
        PlanAction.VIEW,  # authorised on its target, just above
        plan_field="prioritised_target__plan",
    )
    followed = access.object
    if request.method == "POST":
        remove_and_tell(
            request,
            lambda: services.followed_indicator_remove(actor=request.user, followed=followed),
            done=_("Indicator removed."),
        )
        return redirect("prioritised_target_detail", pk, item.pk)
    return confirmation_page(
        request,
        access.context,
        title=_("Stop following %(indicator)s for target %(code)s?")
        % {"indicator": followed, "code": item},
        consequences=[_("The indicator's link to this target is removed.")],
        button=_("Remove indicator"),
        cancel_url=reverse("prioritised_target_detail", args=[pk, item.pk]),
    )


def _proposal(request, pk: int, item_pk: int) -> PlanObjectAccess[PrioritisedTarget]:
    """A proposal awaiting the decision, for its owners and the plan's coordinators."""
    return plan_object_for_user_or_404(
        request.user,
        pk,
        selectors.prioritised_targets_in_detail(status=ProposalStatus.PROPOSED),
        item_pk,
        PROPOSAL_EDIT,
    )


@require_http_methods(["GET", "POST"])
@login_required
def proposal_edit(request: UserRequest, pk: int, item_pk: int) -> HttpResponse:
    access = _proposal(request, pk, item_pk)
    proposal = access.object
    edit = VersionedEdit(
        request, lambda data, current: ProposalForm(data, instance=current), proposal
    )
    if edit.save(
        lambda form: services.proposal_update(
            actor=request.user,
            proposal=proposal,
            expected_version=form.cleaned_data["version"],
            data=form.edited_values(),
        )
    ):
        messages.success(request, _("Proposal %(code)s saved.") % {"code": proposal})
        return redirect("prioritised_target_list", pk)
    return render(
        request,
        "targets/proposal_form.html",
        {**access.context, **edit.context, "item": proposal},
    )


@require_http_methods(["GET", "POST"])
@login_required
def proposal_withdraw(request: UserRequest, pk: int, item_pk: int) -> HttpResponse:
    access = _proposal(request, pk, item_pk)
    proposal = access.object
    if request.method == "POST":
        remove_and_tell(
            request,
            lambda: services.proposal_withdraw(actor=request.user, proposal=proposal),
            done=_("Proposal %(code)s withdrawn.") % {"code": proposal},
        )
        return redirect("prioritised_target_list", pk)
    return confirmation_page(
        request,
        access.context,
        title=_("Withdraw the proposal of target %(code)s?") % {"code": proposal},
        consequences=[
            _("The proposal leaves the list; the coordinators no longer decide on it."),
            _("The withdrawal stays in the plan's history."),
        ],
        button=_("Withdraw proposal"),
        cancel_url=reverse("prioritised_target_list", args=[pk]),
    )


@require_http_methods(["GET", "POST"])
@login_required
def proposal_decide(request: UserRequest, pk: int, item_pk: int) -> HttpResponse:
    access = _prioritised_target(request, pk, item_pk, PlanAction.CHANGE)
    item = access.object
    if item.status != ProposalStatus.PROPOSED:  # a stale "Decide" link: say so, change nothing
        messages.info(request, _("This proposal has already been decided."))
        return redirect("prioritised_target_list", pk)
    form = ProposalDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        accept = form.cleaned_data["decision"] == "accept"
        try:
            services.proposal_decide(
                actor=request.user,
                prioritised_target=item,
                accept=accept,
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                (_("Target %(code)s accepted.") if accept else _("Proposal %(code)s declined."))
                % {"code": item},
            )
            return redirect("prioritised_target_list", pk)
    return render(
        request, "targets/proposal_decide.html", {**access.context, "item": item, "form": form}
    )


@require_http_methods(["GET", "POST"])
@login_required
def prioritised_target_remove(request: UserRequest, pk: int, item_pk: int) -> HttpResponse:
    access = _prioritised_target(request, pk, item_pk, PlanAction.CHANGE)
    item = access.object
    if request.method == "POST":
        remove_and_tell(
            request,
            lambda: services.prioritised_target_remove(actor=request.user, prioritised_target=item),
            done=_("Target %(code)s removed from the plan.") % {"code": item},
        )
        return redirect("prioritised_target_list", pk)
    return confirmation_page(
        request,
        access.context,
        title=_("Remove target %(code)s from the plan?") % {"code": item},
        consequences=[
            _("Its scores, indicators and framework assessments are removed with it."),
            _("The removal stays in the plan's history."),
        ],
        button=_("Remove target"),
        cancel_url=reverse("prioritised_target_detail", args=[pk, item.pk]),
    )


@require_http_methods(["GET", "POST"])
@login_required
def scoring_criteria_edit(request: UserRequest, pk: int) -> HttpResponse:
    """The plan's criteria as a set, serialised on the plan (the form carries its version)."""
    access = plan_for_user_or_404(request.user, pk, PlanAction.PRIORITISE)
    data = request.POST if request.method == "POST" else None
    formset = CriteriaFormSet(data, initial=_criteria_initial(access.plan))
    edit = VersionedEdit(
        request, lambda data, plan: VersionedForm(data, version=plan.version), access.plan
    )
    if formset.is_valid() and edit.save(
        lambda form: services.scoring_criteria_set(
            actor=request.user,
            plan=access.plan,
            expected_version=form.cleaned_data["version"],
            criteria=formset.criteria(),
        )
    ):
        messages.success(request, _("Scoring criteria saved."))
        return redirect("prioritised_target_list", pk)
    if edit.saved_values is not None:  # a conflict: start again from the criteria as they are
        formset = CriteriaFormSet(initial=_criteria_initial(access.plan))
    return render(
        request,
        "targets/scoring_criteria_form.html",
        {**access.context, **edit.context, "formset": formset},
    )


def _criteria_initial(plan) -> list[dict]:
    return [
        {"id": criterion.id, "name": criterion.name, "weight": criterion.weight}
        for criterion in selectors.plan_criteria(plan)
    ]
