"""Who may work on which intervention: the rules on own items
(``action_plans.policy.RecordRule``). Views authorise with them; the "who can do what"
page lists them."""

from django.utils.translation import gettext_lazy as _

from action_plans.policy import PlanAction, record_rule

INTERVENTION_EDIT = record_rule(
    name="edit_intervention",
    action=PlanAction.DESIGN_INTERVENTIONS,
    owners=lambda intervention: [intervention.lead_organisation_id],
    description=_(
        "An intervention belongs to its lead organisation: its editors and coordinators "
        "change it, its results framework and its progress, as do those who lead "
        "intervention design."
    ),
)

INTERVENTION_COMMENT = record_rule(
    name="comment_on_intervention",
    action=PlanAction.DESIGN_INTERVENTIONS,
    owners=lambda intervention: [
        intervention.lead_organisation_id,
        *(partner.organisation_id for partner in intervention.partners.all()),
    ],
    description=_(
        "The editors and coordinators of an intervention's partner organisations comment "
        "on it, beside those of its lead organisation."
    ),
)
