"""Own items: what an organisation's editors and coordinators may do to the records their
organisation owns, checked where the views check it (``plan_object_for_user_or_404``
with the rule) and done through the services."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from action_plans.permissions import plan_object_for_user_or_404
from msd_planner.lib.errors import ActionRefused
from targets import selectors
from targets.models import Consultation, PrioritisedTarget, ProposalStatus, Target
from targets.rules import BASELINE_EDIT, CONSULTATION_EDIT, PROPOSAL_EDIT
from targets.services import (
    baseline_update,
    consultation_create,
    prioritised_target_add,
    prioritised_target_update,
    proposal_decide,
    proposal_update,
    proposal_withdraw,
)

pytestmark = pytest.mark.usefixtures("catalogue")


def _proposal(cast, code="8.7", *, by=None, organisation=None) -> PrioritisedTarget:
    return prioritised_target_add(
        actor=by or cast.editor_x,
        plan=cast.plan_a,
        target=Target.objects.get(code=code),
        rationale="Forced labour among returnees",
        proposer_organisation=organisation or cast.ministry_x,
    )


def _may(user, plan, queryset, pk, rule) -> bool:
    try:
        plan_object_for_user_or_404(user, plan.pk, queryset, pk, rule)
    except ActionRefused:
        return False
    return True


def test_a_proposal_is_changed_and_withdrawn_by_its_organisation_until_decided(cast):
    proposal = _proposal(cast)
    proposals = selectors.prioritised_targets_in_detail(status=ProposalStatus.PROPOSED)
    may = {
        role: _may(cast.user(role), cast.plan_a, proposals, proposal.pk, PROPOSAL_EDIT)
        for role in ("editor_x", "coordinator_x", "coordinator_a", "editor_y", "editor_s")
    }
    assert may == {
        "editor_x": True,  # proposed it
        "coordinator_x": True,  # a coordinator of the organisation that proposed it
        "coordinator_a": False,  # runs the plan: decides on it, does not rewrite it
        "editor_y": False,
        "editor_s": False,  # leads monitoring, not prioritisation, and did not propose it
    }

    update = proposal_update(
        actor=cast.coordinator_x,
        proposal=proposal,
        expected_version=proposal.version,
        data={"rationale": "Cocoa farms employ children of internal migrants."},
    )
    assert update.instance.rationale == "Cocoa farms employ children of internal migrants."
    proposal_withdraw(actor=cast.editor_x, proposal=update.instance)
    assert not PrioritisedTarget.objects.filter(pk=proposal.pk).exists()
    withdrawal = PrioritisedTarget.history.filter(id=proposal.pk, history_type="-").get()
    assert withdrawal.history_user == cast.editor_x


def test_a_decided_proposal_is_no_longer_its_organisations_to_change(cast):
    proposal = _proposal(cast)
    decided = proposal_decide(
        actor=cast.coordinator_a, prioritised_target=proposal, accept=False, comment="Not now"
    )
    assert not PROPOSAL_EDIT.allows(frozenset(), frozenset({cast.ministry_x.pk}), decided)
    with pytest.raises(ValidationError, match="decided on this proposal"):
        proposal_update(
            actor=cast.editor_x,
            proposal=decided,
            expected_version=decided.version,
            data={"rationale": "Please reconsider"},
        )
    with pytest.raises(ValidationError, match="decided on this proposal"):
        proposal_withdraw(actor=cast.editor_x, proposal=decided)
    assert PrioritisedTarget.objects.get(pk=proposal.pk).status == ProposalStatus.DECLINED


def test_the_responsible_organisation_and_the_monitoring_lead_set_the_baseline(cast):
    item = prioritised_target_add(
        actor=cast.coordinator_a,
        plan=cast.plan_a,
        target=Target.objects.get(code="10.7"),
        rationale="Labour migration",
    )
    item = prioritised_target_update(
        actor=cast.coordinator_a,
        prioritised_target=item,
        expected_version=item.version,
        data={"responsible_organisation": cast.ministry_y},
    ).instance
    targets = selectors.prioritised_targets_in_detail(status=ProposalStatus.ACCEPTED)
    may = {
        role: _may(cast.user(role), cast.plan_a, targets, item.pk, BASELINE_EDIT)
        for role in ("editor_y", "editor_s", "coordinator_a", "editor_x", "viewer_x")
    }
    assert may == {
        "editor_y": True,  # ministry Y is responsible for 10.7
        "editor_s": True,  # the statistics office leads monitoring and evaluation
        "coordinator_a": True,
        "editor_x": False,
        "viewer_x": False,
    }
    saved = baseline_update(
        actor=cast.editor_y,
        prioritised_target=item,
        expected_version=item.version,
        data={"baseline_value": Decimal("31"), "baseline_year": 2024},
    )
    assert saved.changed == ["baseline_value", "baseline_year"]
    # The baseline page changes the baseline only, whatever else is sent.
    with pytest.raises(ValueError, match="not editable here"):
        baseline_update(
            actor=cast.editor_y,
            prioritised_target=saved.instance,
            expected_version=saved.instance.version,
            data={"rationale": "Ours now"},
        )


def test_a_consultation_is_edited_by_the_organisations_that_took_part(cast):
    consultation = consultation_create(
        actor=cast.editor_x,
        plan=cast.plan_a,
        consultation=Consultation(
            held_on=date(2026, 1, 15), kind="bilateral_meeting", title="Labour attachés"
        ),
        organisations=[cast.ministry_x, cast.lead_ministry],
        prioritised_targets=[],
        frameworks=[],
    )
    consultations = selectors.consultations_with_links()
    may = {
        role: _may(cast.user(role), cast.plan_a, consultations, consultation.pk, CONSULTATION_EDIT)
        for role in ("editor_x", "coordinator_a", "editor_y", "signatory_x", "editor_s")
    }
    assert may == {
        "editor_x": True,
        "coordinator_a": True,
        "editor_y": False,
        "signatory_x": False,  # a signatory signs; editing is for editors and coordinators
        "editor_s": False,
    }
