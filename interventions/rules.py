"""Who may work on which intervention: the rules on own items
(``action_plans.policy.RecordRule``). Views authorise with them; the "who can do what"
page lists them."""

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from action_plans.hooks import acting_organisations
from action_plans.permissions import PlanAccess, plan_actions_for_user
from action_plans.policy import PlanAction, record_rule
from governance.models import Organisation

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
    any_status=True,
)

PROGRESS_RECORD = record_rule(
    name="record_progress",
    action=PlanAction.MONITOR,
    owners=lambda indicator: [
        indicator.intervention.lead_organisation_id,
        indicator.reporting_organisation_id,
    ],
    description=_(
        "Progress on an intervention's indicator is submitted, corrected when returned and "
        "removed until approved by the editors and coordinators of the intervention's lead "
        "organisation and of the organisation that reports on the indicator, as by those "
        "who lead monitoring and evaluation and those who may change the intervention."
    ),
    any_status=True,
)

PROGRESS_REVIEW = record_rule(
    name="review_progress",
    action=PlanAction.MONITOR,
    owners=lambda progress: [],
    description=_(
        "A submitted progress value is approved (it then counts in the plan's figures) or "
        "returned with a comment by those who lead monitoring and evaluation: the editors "
        "and coordinators of the lead body responsible for monitoring, and the lead "
        "bodies' coordinators; never by the person who submitted it. They alone remove an "
        "approved value."
    ),
    any_status=True,
)


def records_progress(access: PlanAccess, indicator) -> bool:
    """Whether the user records progress on ``indicator`` (submits it, corrects it when
    returned), whatever the plan's status: those who may change its intervention, and
    those ``PROGRESS_RECORD`` covers. The pages and the API ask this."""
    return access.holds(INTERVENTION_EDIT, indicator.intervention) or access.holds(
        PROGRESS_RECORD, indicator
    )


def may_review(actor, plan) -> bool:
    """Whether ``actor`` reviews progress on ``plan`` (``PROGRESS_REVIEW``), for the
    services; ``actor`` None: the set-up commands."""
    return actor is None or PROGRESS_REVIEW.action in plan_actions_for_user(actor, plan)


# --- who may name an intervention's lead ------------------------------------------------


def lead_choices(access: PlanAccess) -> QuerySet[Organisation]:
    """The organisations a user may name as an intervention's lead: any participant for
    those who lead intervention design, else the organisations they act for."""
    # A subquery, not a join, so that a view may OR the current lead in without
    # duplicating an organisation that takes part in several plans.
    participants = Organisation.objects.filter(
        pk__in=access.plan.participations.values("organisation_id")
    ).order_by("name")
    if access.may(INTERVENTION_EDIT.action):
        return participants
    return participants.filter(pk__in=access.organisation_ids)


def may_lead(actor, plan, organisation: Organisation) -> bool:
    """The same rule, for the services: they refuse a lead the actor may not name
    (``actor`` None: the set-up commands, e.g. the demo loader)."""
    if actor is None:
        return True
    actions = plan_actions_for_user(actor, plan)
    if INTERVENTION_EDIT.action in actions:
        return True
    return PlanAction.CONTRIBUTE in actions and organisation.pk in acting_organisations(actor, plan)
