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

PROGRESS_RECORD = record_rule(
    name="record_progress",
    action=PlanAction.MONITOR,
    owners=lambda indicator: [
        indicator.intervention.lead_organisation_id,
        indicator.reporting_organisation_id,
    ],
    description=_(
        "Progress on an intervention's indicator is recorded and removed by the editors and "
        "coordinators of the intervention's lead organisation and of the organisation that "
        "reports on the indicator, as by those who lead monitoring and evaluation and "
        "those who may change the intervention."
    ),
)
