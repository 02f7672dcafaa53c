"""Who may work on which target, proposal and consultation of a plan: the rules on own
items (``action_plans.policy.RecordRule``). Views authorise with them; the "who can do
what" page lists them."""

from django.utils.translation import gettext_lazy as _

from action_plans.policy import PlanAction, record_rule
from targets.models import ProposalStatus

PROPOSAL_EDIT = record_rule(
    name="edit_proposal",
    action=None,  # the proposer's own step: the plan's coordinators decide instead
    owners=lambda proposal: [proposal.proposed_by_organisation_id],
    open_to_owners=lambda proposal: proposal.status == ProposalStatus.PROPOSED,
    description=_(
        "A target proposal belongs to the organisation that proposed it: its editors and "
        "coordinators change or withdraw it until a coordinator of the plan decides on it "
        "(accepts it, or declines it with a reason)."
    ),
)

BASELINE_EDIT = record_rule(
    name="edit_baseline_and_indicators",
    action=PlanAction.MONITOR,
    owners=lambda prioritised: [prioritised.responsible_organisation_id],
    description=_(
        "A prioritised target's baseline and indicators belong to the organisation named "
        "responsible for the target: its editors and coordinators set them, as do those "
        "who lead monitoring and evaluation."
    ),
)

CONSULTATION_EDIT = record_rule(
    name="edit_consultation",
    action=PlanAction.CHANGE,
    owners=lambda consultation: [
        organisation.pk for organisation in consultation.organisations.all()
    ],
    description=_(
        "A consultation belongs to the organisations that took part in it: their editors "
        "and coordinators record and edit it, and keep their organisation among those "
        "present; removing it is for the plan's coordinators."
    ),
)
