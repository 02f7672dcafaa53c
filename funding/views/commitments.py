"""An intervention's funding: its figures, its commitments and their forms, and its
mobilisation strategy."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from action_plans.permissions import (
    PlanAccess,
    PlanAction,
    PlanObjectAccess,
    plan_object_for_user_or_404,
)
from action_plans.policy import RecordRule
from funding import selectors, services
from funding.forms import CommitmentForm, DisbursementForm, StrategyForm
from funding.models import Commitment, MobilisationStrategy
from funding.rules import (
    COMMITMENT_EDIT,
    DISBURSEMENT_RECORD,
    STRATEGY_EDIT,
    disburses,
    source_choices,
    visible_organisations,
)
from interventions.models import Intervention
from msd_planner.lib.errors import ActionRefused
from msd_planner.lib.pages import confirmation_page, remove_and_tell
from msd_planner.lib.types import UserRequest
from msd_planner.lib.versioned_edit import VersionedEdit


def _intervention(
    request: HttpRequest, pk: int, intervention_pk: int, action: PlanAction | RecordRule
) -> PlanObjectAccess[Intervention]:
    return plan_object_for_user_or_404(
        request.user, pk, selectors.interventions_for_funding(), intervention_pk, action
    )


def _commitment(
    request: HttpRequest,
    pk: int,
    intervention_pk: int,
    commitment_pk: int,
    rule: RecordRule = COMMITMENT_EDIT,
) -> PlanObjectAccess[Commitment]:
    return plan_object_for_user_or_404(
        request.user,
        pk,
        selectors.intervention_commitments(intervention_pk),
        commitment_pk,
        rule,
        plan_field="intervention__plan",
    )


def _commitment_row(access: PlanAccess, commitment: Commitment) -> tuple[Commitment, bool, bool]:
    """A commitment, whether the user may change it, and whether they may record its
    disbursements: in a draft the full form does that, so the disbursement page is
    offered there only to whom the form is not (a funder paying for another's
    intervention); outside a draft it is the one way, the plan's content being frozen."""
    may_edit = access.may_on(COMMITMENT_EDIT, commitment)
    may_disburse = (
        not may_edit and disburses(commitment) and access.may_on(DISBURSEMENT_RECORD, commitment)
    )
    return commitment, may_edit, may_disburse


@require_http_methods(["GET", "POST"])
@login_required
def intervention_funding(request: HttpRequest, pk: int, intervention_pk: int) -> HttpResponse:
    access = _intervention(request, pk, intervention_pk, PlanAction.VIEW)
    intervention = access.object
    commitments = list(selectors.intervention_commitments(intervention))
    strategy = selectors.strategy_of(intervention)
    return render(
        request,
        "funding/intervention_funding.html",
        {
            **access.context,
            "intervention": intervention,
            "figures": selectors.intervention_figures(intervention),
            "rows": [_commitment_row(access, commitment) for commitment in commitments],
            "strategy": strategy,
            "partners_to_approach": selectors.partners_to_approach(strategy),
            "may_record": access.may_edit(PlanAction.CONTRIBUTE),
            "may_write_strategy": access.may_on(STRATEGY_EDIT, intervention),
        },
    )


def _form_page(request, access, edit, intervention, commitment=None, no_sources=False):
    return render(
        request,
        "funding/commitment_form.html",
        {
            **access.context,
            **edit.context,
            "intervention": intervention,
            "commitment": commitment,
            "no_sources": no_sources,
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def commitment_create(request: UserRequest, pk: int, intervention_pk: int) -> HttpResponse:
    access = _intervention(request, pk, intervention_pk, PlanAction.CONTRIBUTE)
    intervention = access.object
    sources = source_choices(access)
    edit = VersionedEdit(
        request,
        lambda data, _current: CommitmentForm(
            data,
            instance=Commitment(intervention=intervention),
            intervention=intervention,
            sources=sources,
            local_actors=selectors.local_actors_of(access.plan),
        ),
    )
    if edit.save(
        lambda form: services.commitment_create(
            actor=request.user,
            intervention=intervention,
            commitment=form.save(commit=False),
            local_actors=list(form.cleaned_data["local_actors"]),
        )
    ):
        messages.success(
            request, _("Commitment of “%(source)s” saved.") % {"source": edit.result.source}
        )
        return redirect("intervention_funding", pk, intervention.pk)
    no_sources = selectors.no_sources_in(sources)
    return _form_page(request, access, edit, intervention, no_sources=no_sources)


@require_http_methods(["GET", "POST"])
@login_required
def commitment_edit(
    request: UserRequest, pk: int, intervention_pk: int, commitment_pk: int
) -> HttpResponse:
    access = _commitment(request, pk, intervention_pk, commitment_pk)
    commitment = access.object
    intervention = commitment.intervention
    # The current source stays choosable (the form shows the record as it is).
    sources = selectors.sources_with(source_choices(access), commitment.source_id)
    edit = VersionedEdit(
        request,
        lambda data, current: CommitmentForm(
            data,
            instance=current,
            intervention=intervention,
            sources=sources,
            local_actors=selectors.local_actors_of(access.plan),
        ),
        commitment,
    )
    if edit.save(
        lambda form: services.commitment_update(
            actor=request.user,
            commitment=commitment,
            expected_version=form.cleaned_data["version"],
            data=form.edited_values(),
        )
    ):
        messages.success(
            request,
            _("Commitment of “%(source)s” saved.") % {"source": edit.result.instance.source},
        )
        return redirect("intervention_funding", pk, intervention.pk)
    return _form_page(request, access, edit, intervention, commitment)


@require_http_methods(["GET", "POST"])
@login_required
def commitment_remove(
    request: UserRequest, pk: int, intervention_pk: int, commitment_pk: int
) -> HttpResponse:
    access = _commitment(request, pk, intervention_pk, commitment_pk)
    commitment = access.object
    back = reverse("intervention_funding", args=[pk, intervention_pk])
    if request.method == "POST":
        remove_and_tell(
            request,
            lambda: services.commitment_remove(actor=request.user, commitment=commitment),
            done=_("Commitment of “%(source)s” removed.") % {"source": commitment.source},
        )
        return redirect(back)
    return confirmation_page(
        request,
        access.context,
        title=_("Remove the commitment of “%(source)s” to “%(title)s”?")
        % {"source": commitment.source, "title": commitment.intervention},
        consequences=[
            _(
                "The plan's figures no longer count it: the intervention's gap grows by what "
                "it committed."
            ),
            _("The removal stays in the plan's history."),
        ],
        button=_("Remove commitment"),
        cancel_url=back,
    )


@require_http_methods(["GET", "POST"])
@login_required
def commitment_disbursement(
    request: UserRequest, pk: int, intervention_pk: int, commitment_pk: int
) -> HttpResponse:
    """The money disbursed to date of a committed commitment: living work, whatever the
    plan's status (funding.rules.DISBURSEMENT_RECORD)."""
    access = _commitment(request, pk, intervention_pk, commitment_pk, DISBURSEMENT_RECORD)
    commitment = access.object
    if not disburses(commitment):  # a pledge pays nothing out, whoever asks
        raise ActionRefused(DISBURSEMENT_RECORD.name, f"commitment {commitment_pk}")
    edit = VersionedEdit(
        request, lambda data, current: DisbursementForm(data, instance=current), commitment
    )
    if edit.save(
        lambda form: services.commitment_disbursement_record(
            actor=request.user,
            commitment=commitment,
            expected_version=form.cleaned_data["version"],
            disbursed=form.cleaned_data["disbursed"],
        )
    ):
        messages.success(
            request,
            _("Disbursement of “%(source)s” recorded.") % {"source": commitment.source},
        )
        return redirect("intervention_funding", pk, intervention_pk)
    return render(
        request,
        "funding/disbursement_form.html",
        {
            **access.context,
            **edit.context,
            "intervention": commitment.intervention,
            "commitment": commitment,
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def strategy_edit(request: UserRequest, pk: int, intervention_pk: int) -> HttpResponse:
    access = _intervention(request, pk, intervention_pk, STRATEGY_EDIT)
    intervention = access.object
    strategy = selectors.strategy_of(intervention) or MobilisationStrategy(
        intervention=intervention, version=0
    )
    edit = VersionedEdit(
        request,
        lambda data, current: StrategyForm(
            data,
            instance=current,
            # The partners already named stay choosable, seen or not.
            organisations=visible_organisations(
                request.user, *selectors.partner_ids_to_approach(current)
            ),
        ),
        strategy,
    )
    if edit.save(
        lambda form: services.strategy_save(
            actor=request.user,
            intervention=intervention,
            expected_version=form.cleaned_data["version"],
            data=form.edited_values(),
        )
    ):
        messages.success(
            request, _("Funding strategy of “%(title)s” saved.") % {"title": intervention}
        )
        if request.GET.get("from") == "mobilisation":
            return redirect("mobilisation_plan", pk)
        return redirect("intervention_funding", pk, intervention.pk)
    return render(
        request,
        "funding/strategy_form.html",
        {**access.context, **edit.context, "intervention": intervention},
    )
