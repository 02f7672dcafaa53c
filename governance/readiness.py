"""The lead arrangement and the signatories as the plan's validation needs them
(registered in ``apps.py``)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from action_plans.hooks import ReadinessItem
from action_plans.models import ActionPlan
from action_plans.policy import Activity
from governance.models import LeadArrangement, Membership, Participation, Role
from governance.validation import required_signatures


def governance_readiness(plan: ActionPlan) -> list[ReadinessItem]:
    """The lead arrangement and the signatories, as the plan's validation needs them."""
    governance_url = reverse("plan_governance", args=[plan.pk])
    arrangement = (
        LeadArrangement.objects.filter(plan=plan).prefetch_related("responsibilities").first()
    )
    needed = (Activity.PRIORITISATION, Activity.INTERVENTION_DESIGN, Activity.MONITORING)
    assigned = (
        {responsibility.activity for responsibility in arrangement.responsibilities.all()}
        if arrangement
        else set()
    )
    unassigned = [str(Activity(activity).label) for activity in needed if activity not in assigned]
    participants = list(Participation.objects.filter(plan=plan).select_related("organisation"))
    with_signatory = set(
        Membership.objects.filter(
            organisation__in=[participation.organisation_id for participation in participants],
            role=Role.SIGNATORY,
            user__is_active=True,
        ).values_list("organisation_id", flat=True)
    )
    required = required_signatures(plan)
    unsigned_required = [
        item.name for item in required if item.organisation_id not in with_signatory
    ]
    required_ids = {item.organisation_id for item in required}
    unsigned_others = [
        participation.organisation.short_name
        for participation in participants
        if participation.organisation_id not in with_signatory
        and participation.organisation_id not in required_ids
    ]
    lead_url = reverse("lead_arrangement_edit", args=[plan.pk])
    return [
        ReadinessItem(
            "lead_arrangement",
            _(
                "A lead arrangement with the lead of prioritisation, intervention design and "
                "monitoring assigned"
            ),
            True,
            (
                (_("No lead arrangement yet."),)
                if arrangement is None
                else (
                    (
                        _("No lead body for: %(activities)s.")
                        % {"activities": ", ".join(unassigned)},
                    )
                    if unassigned
                    else ()
                )
            ),
            lead_url,
            order=10,
        ),
        ReadinessItem(
            "required_signatories",
            _("Every organisation whose signature is required has an active signatory"),
            True,
            (
                (_("No signatory yet: %(names)s.") % {"names": ", ".join(unsigned_required)},)
                if unsigned_required
                else ()
            )
            + (
                ()
                if required
                else (
                    _(
                        "No organisation's signature is required: the plan could never be "
                        "validated. Require at least one participant's signature."
                    ),
                )
            ),
            governance_url,
            order=11,
        ),
        ReadinessItem(
            "local_actors",
            _("Local actors take part in the plan"),
            False,
            ()
            if any(participation.organisation.is_local_actor for participation in participants)
            else (_("No local actor among the participants."),),
            governance_url,
            order=12,
        ),
        ReadinessItem(
            "signatories",
            _("Every participating organisation has named a signatory"),
            False,
            (
                (_("No signatory named: %(names)s.") % {"names": ", ".join(unsigned_others)},)
                if unsigned_others
                else ()
            ),
            governance_url,
            order=13,
        ),
    ]
