"""The lead arrangement and the signatories as the plan's validation needs them
(registered in ``apps.py``)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from action_plans.hooks import ReadinessItem, RequiredSignature
from action_plans.models import ActionPlan
from action_plans.policy import Activity
from governance.models import LeadArrangement, Membership, Participation, Role
from governance.validation import required_signatures


def governance_readiness(plan: ActionPlan) -> list[ReadinessItem]:
    """The lead arrangement and the signatories, as the plan's validation needs them."""
    governance_url = reverse("plan_governance", args=[plan.pk])
    participants = list(Participation.objects.filter(plan=plan).select_related("organisation"))
    with_signatory = set(
        Membership.objects.filter(
            organisation__in=[participation.organisation_id for participation in participants],
            role=Role.SIGNATORY,
            user__is_active=True,
        ).values_list("organisation_id", flat=True)
    )
    required = required_signatures(plan)
    required_ids = {item.organisation_id for item in required}
    others_unsigned = [
        participation.organisation.short_name
        for participation in participants
        if participation.organisation_id not in with_signatory
        and participation.organisation_id not in required_ids
    ]
    return [
        _lead_arrangement_item(plan),
        _required_signatories_item(required, with_signatory, governance_url),
        _local_actors_item(participants, governance_url),
        _signatories_item(others_unsigned, governance_url),
    ]


def _lead_arrangement_item(plan: ActionPlan) -> ReadinessItem:
    """An arrangement with a lead body for each activity validation needs led."""
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
    if arrangement is None:
        problems: tuple[str, ...] = (_("No lead arrangement yet."),)
    elif unassigned:
        problems = (_("No lead body for: %(activities)s.") % {"activities": ", ".join(unassigned)},)
    else:
        problems = ()
    return ReadinessItem(
        "lead_arrangement",
        _(
            "A lead arrangement with the lead of prioritisation, intervention design and "
            "monitoring assigned"
        ),
        True,
        problems,
        reverse("lead_arrangement_edit", args=[plan.pk]),
        order=10,
    )


def _required_signatories_item(
    required: list[RequiredSignature], with_signatory: set[int], governance_url: str
) -> ReadinessItem:
    """Some signature is required, and each organisation whose signature is has an
    active signatory."""
    unsigned = [item.name for item in required if item.organisation_id not in with_signatory]
    problems: tuple[str, ...] = ()
    if unsigned:
        problems += (_("No signatory yet: %(names)s.") % {"names": ", ".join(unsigned)},)
    if not required:
        problems += (
            _(
                "No organisation's signature is required: the plan could never be "
                "validated. Require at least one participant's signature."
            ),
        )
    return ReadinessItem(
        "required_signatories",
        _("Every organisation whose signature is required has an active signatory"),
        True,
        problems,
        governance_url,
        order=11,
    )


def _local_actors_item(participants: list[Participation], governance_url: str) -> ReadinessItem:
    """A warning: no local actor takes part in the plan."""
    return ReadinessItem(
        "local_actors",
        _("Local actors take part in the plan"),
        False,
        ()
        if any(participation.organisation.is_local_actor for participation in participants)
        else (_("No local actor among the participants."),),
        governance_url,
        order=12,
    )


def _signatories_item(unsigned: list[str], governance_url: str) -> ReadinessItem:
    """A warning: the other participants (``unsigned``) have no signatory named."""
    return ReadinessItem(
        "signatories",
        _("Every participating organisation has named a signatory"),
        False,
        (_("No signatory named: %(names)s.") % {"names": ", ".join(unsigned)},) if unsigned else (),
        governance_url,
        order=13,
    )
