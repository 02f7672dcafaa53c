from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from action_plans.permissions import PlanAction, get_plan_for_user_or_404
from governance import selectors as governance_selectors
from msd_planner.lib.concurrency import EditConflict, form_after_conflict, saved_values
from msd_planner.lib.errors import ObjectHidden
from targets import selectors, services
from targets.forms import (
    AssessmentsForm,
    CatalogueSearchForm,
    CoherenceFilterForm,
    CriteriaFormSet,
    FrameworkForm,
    IndicatorForm,
    PrioritisedTargetForm,
    ProposalDecisionForm,
    ScoresForm,
    TargetPickForm,
)
from targets.models import Framework, PrioritisedTarget, ProposalStatus

ACCEPTED = ProposalStatus.ACCEPTED


def catalogue(request: HttpRequest) -> HttpResponse:
    """The official SDG catalogue: public reference data, readable without signing in."""
    form = CatalogueSearchForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    goals = selectors.catalogue_goals(
        query=filters.get("q", ""), relevance=filters.get("relevance", "")
    )
    return render(
        request,
        "targets/catalogue.html",
        {
            "form": form,
            "goals": goals,
            "target_count": sum(len(goal.matching_targets) for goal in goals),
            "is_filtered": bool(filters.get("q") or filters.get("relevance")),
        },
    )


# --- prioritised targets ---------------------------------------------------------------


def _prioritised_target(
    request, pk: int, item_pk: int, action: PlanAction, *, status: str | None = None
) -> PrioritisedTarget:
    """Fetch-and-authorise a plan's prioritised target: through the plan, never by id alone.

    With ``status``, a target in another status is answered as not found.
    """
    plan = get_plan_for_user_or_404(request.user, pk, action)
    item = selectors.prioritised_target_for_plan(plan, item_pk, status=status)
    if item is None:
        raise ObjectHidden(action, f"prioritised target {item_pk}")
    item.plan = plan  # carries the user's actions on the plan
    return item


@login_required
def prioritised_target_list(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_plan_for_user_or_404(request.user, pk, PlanAction.VIEW)
    criteria, ranked = selectors.ranked_targets(plan)
    return render(
        request,
        "targets/prioritised_target_list.html",
        {
            "plan": plan,
            "criteria": criteria,
            "ranked": ranked,
            "proposals": selectors.pending_proposals(plan),
            "declined": selectors.declined_proposals(plan),
            "may_change": PlanAction.CHANGE in plan.user_actions,
            "may_propose": PlanAction.CONTRIBUTE in plan.user_actions,
        },
    )


@login_required
def prioritised_target_add(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_plan_for_user_or_404(request.user, pk, PlanAction.CONTRIBUTE)
    query = request.GET.get("q", "").strip()
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
                return redirect("prioritised_target_detail", plan.pk, item.pk)
            messages.success(
                request,
                _("Target %(code)s proposed. A coordinator of the plan will decide.")
                % {"code": item},
            )
            return redirect("prioritised_target_list", plan.pk)
    return render(
        request,
        "targets/prioritised_target_add.html",
        {
            "plan": plan,
            "form": form,
            "query": query,
            "as_coordinator": PlanAction.CHANGE in plan.user_actions,
        },
    )


@login_required
def prioritised_target_detail(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    item = _prioritised_target(request, pk, item_pk, PlanAction.VIEW)
    criteria, ranked = selectors.ranked_targets(item.plan)
    entry = next((entry for entry in ranked if entry.prioritised.id == item.id), None)
    return render(
        request,
        "targets/prioritised_target_detail.html",
        {
            "plan": item.plan,
            "item": item,
            "criteria": criteria,
            "entry": entry,
            # A proposal is decided from the list; only a prioritised target is edited.
            "may_change": PlanAction.CHANGE in item.plan.user_actions
            and item.status == ProposalStatus.ACCEPTED,
        },
    )


@login_required
def prioritised_target_edit(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    item = _prioritised_target(request, pk, item_pk, PlanAction.CHANGE, status=ACCEPTED)
    form = PrioritisedTargetForm(request.POST or None, instance=item, plan=item.plan)
    saved = None
    if request.method == "POST" and form.is_valid():
        try:
            services.prioritised_target_update(
                actor=request.user,
                prioritised_target=item,
                expected_version=form.cleaned_data["version"],
                changes=form.changes(),
            )
        except EditConflict as conflict:
            form = form_after_conflict(
                lambda data, instance: PrioritisedTargetForm(
                    data, instance=instance, plan=item.plan
                ),
                request.POST,
                conflict,
            )
            saved = saved_values(form, conflict.current)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Target %(code)s saved.") % {"code": item})
            return redirect("prioritised_target_detail", pk, item.pk)
    return render(
        request,
        "targets/prioritised_target_form.html",
        {"plan": item.plan, "item": item, "form": form, "saved_values": saved},
    )


@login_required
def prioritised_target_scores(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    item = _prioritised_target(request, pk, item_pk, PlanAction.CHANGE, status=ACCEPTED)
    criteria = selectors.plan_criteria(item.plan)
    form = ScoresForm(
        request.POST or None,
        criteria=criteria,
        scores=selectors.target_scores(item),
        version=item.version,
    )
    saved = None
    if request.method == "POST" and form.is_valid():
        try:
            services.target_scores_set(
                actor=request.user,
                prioritised_target=item,
                expected_version=form.cleaned_data["version"],
                scores=form.scores(),
            )
        except EditConflict as conflict:
            form = form_after_conflict(
                lambda data, instance: ScoresForm(
                    data,
                    criteria=criteria,
                    scores=selectors.target_scores(instance),
                    version=instance.version,
                ),
                request.POST,
                conflict,
            )
            saved = form.saved_values()
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Scores of %(code)s saved.") % {"code": item})
            return redirect("prioritised_target_list", pk)
    return render(
        request,
        "targets/prioritised_target_scores.html",
        {"plan": item.plan, "item": item, "form": form, "saved_values": saved},
    )


@login_required
def followed_indicator_add(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    item = _prioritised_target(request, pk, item_pk, PlanAction.CHANGE, status=ACCEPTED)
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
        {"plan": item.plan, "item": item, "form": form},
    )


@login_required
def followed_indicator_remove(
    request: HttpRequest, pk: int, item_pk: int, indicator_pk: int
) -> HttpResponse:
    item = _prioritised_target(request, pk, item_pk, PlanAction.CHANGE, status=ACCEPTED)
    followed = selectors.followed_indicator_for_target(item, indicator_pk)
    if followed is None:
        raise ObjectHidden(PlanAction.CHANGE, f"followed indicator {indicator_pk}")
    if request.method == "POST":
        services.followed_indicator_remove(actor=request.user, followed=followed)
        messages.success(request, _("Indicator removed."))
        return redirect("prioritised_target_detail", pk, item.pk)
    return render(
        request,
        "confirm.html",
        {
            "title": _("Stop following %(indicator)s for target %(code)s?")
            % {"indicator": followed, "code": item},
            "consequences": [_("The indicator's link to this target is removed.")],
            "button": _("Remove indicator"),
            "cancel_url": reverse("prioritised_target_detail", args=[pk, item.pk]),
        },
    )


@login_required
def proposal_decide(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    item = _prioritised_target(request, pk, item_pk, PlanAction.CHANGE)
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
        request, "targets/proposal_decide.html", {"plan": item.plan, "item": item, "form": form}
    )


@login_required
def prioritised_target_remove(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    item = _prioritised_target(request, pk, item_pk, PlanAction.CHANGE)
    if request.method == "POST":
        services.prioritised_target_remove(actor=request.user, prioritised_target=item)
        messages.success(request, _("Target %(code)s removed from the plan.") % {"code": item})
        return redirect("prioritised_target_list", pk)
    return render(
        request,
        "confirm.html",
        {
            "plan": item.plan,
            "title": _("Remove target %(code)s from the plan?") % {"code": item},
            "consequences": [
                _("Its scores, indicators and framework assessments are removed with it."),
                _("The removal stays in the plan's history."),
            ],
            "button": _("Remove target"),
            "cancel_url": reverse("prioritised_target_detail", args=[pk, item.pk]),
        },
    )


def _criteria_initial(plan) -> list[dict]:
    return [
        {"id": criterion.id, "name": criterion.name, "weight": criterion.weight}
        for criterion in selectors.plan_criteria(plan)
    ]


@login_required
def scoring_criteria_edit(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_plan_for_user_or_404(request.user, pk, PlanAction.CHANGE)
    formset = CriteriaFormSet(request.POST or None, initial=_criteria_initial(plan))
    if request.method == "POST" and formset.is_valid():
        try:
            services.scoring_criteria_set(
                actor=request.user,
                plan=plan,
                criteria=formset.criteria(),
                seen_ids=formset.seen_ids(),
            )
        except ValidationError as error:
            if error.code == "conflict":  # start again from the criteria as they are now
                formset = CriteriaFormSet(initial=_criteria_initial(plan))
            formset.non_form_errors().extend(error.messages)
        else:
            messages.success(request, _("Scoring criteria saved."))
            return redirect("prioritised_target_list", plan.pk)
    return render(request, "targets/scoring_criteria_form.html", {"plan": plan, "formset": formset})


# --- review of existing frameworks -----------------------------------------------------


def _framework(request, pk: int, framework_pk: int, action: PlanAction) -> Framework:
    plan = get_plan_for_user_or_404(request.user, pk, action)
    framework = selectors.framework_for_plan(plan, framework_pk)
    if framework is None:
        raise ObjectHidden(action, f"framework {framework_pk}")
    framework.plan = plan
    return framework


@login_required
def coherence_matrix(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_plan_for_user_or_404(request.user, pk, PlanAction.VIEW)
    form = CoherenceFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    matrix = selectors.coherence_matrix(
        plan, kind=filters.get("kind", ""), coherence=filters.get("coherence", "")
    )
    return render(
        request,
        "targets/coherence_matrix.html",
        {
            "plan": plan,
            "form": form,
            "matrix": matrix,
            "may_change": PlanAction.CHANGE in plan.user_actions,
        },
    )


def _save_framework(request, plan, form, framework=None) -> HttpResponse:
    """Save the framework form and redirect, or show it again with what went wrong."""
    saved = None
    if request.method == "POST" and form.is_valid():
        instance = form.save(commit=False)
        instance.plan = plan
        try:
            instance = services.framework_save(
                actor=request.user,
                framework=instance,
                expected_version=form.cleaned_data["version"],
            )
        except EditConflict as conflict:
            form = form_after_conflict(
                lambda data, instance: FrameworkForm(data, instance=instance),
                request.POST,
                conflict,
            )
            saved = saved_values(form, conflict.current)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("%(name)s saved.") % {"name": instance})
            return redirect("framework_assess", plan.pk, instance.pk)
    return render(
        request,
        "targets/framework_form.html",
        {"plan": plan, "form": form, "framework": framework, "saved_values": saved},
    )


@login_required
def framework_create(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_plan_for_user_or_404(request.user, pk, PlanAction.CHANGE)
    return _save_framework(request, plan, FrameworkForm(request.POST or None))


@login_required
def framework_edit(request: HttpRequest, pk: int, framework_pk: int) -> HttpResponse:
    framework = _framework(request, pk, framework_pk, PlanAction.CHANGE)
    form = FrameworkForm(request.POST or None, instance=framework)
    return _save_framework(request, framework.plan, form, framework)


@login_required
def framework_assess(request: HttpRequest, pk: int, framework_pk: int) -> HttpResponse:
    framework = _framework(request, pk, framework_pk, PlanAction.CHANGE)
    targets, existing = selectors.framework_assessment_rows(framework)
    form = AssessmentsForm(request.POST or None, targets=targets, existing=existing)
    if request.method == "POST" and form.is_valid():
        try:
            services.framework_assessments_set(
                actor=request.user, framework=framework, assessments=form.assessments()
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Assessment of %(name)s saved.") % {"name": framework})
            return redirect("coherence_matrix", pk)
    return render(
        request,
        "targets/framework_assess.html",
        {"plan": framework.plan, "framework": framework, "form": form},
    )


@login_required
def framework_delete(request: HttpRequest, pk: int, framework_pk: int) -> HttpResponse:
    framework = _framework(request, pk, framework_pk, PlanAction.CHANGE)
    if request.method == "POST":
        services.framework_delete(actor=request.user, framework=framework)
        messages.success(request, _("%(name)s removed.") % {"name": framework})
        return redirect("coherence_matrix", pk)
    return render(
        request,
        "confirm.html",
        {
            "plan": framework.plan,
            "title": _("Remove %(name)s from the review?") % {"name": framework},
            "consequences": [_("Its assessments against the plan's targets are removed too.")],
            "button": _("Remove framework"),
            "cancel_url": reverse("coherence_matrix", args=[pk]),
        },
    )
