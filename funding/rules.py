"""Who may record which money: the rules on own items (``action_plans.policy.RecordRule``).

Money is stated by the organisation it belongs to. An organisation's editors record the
sources it provides, and commitments of those sources: any stage to the interventions it
leads itself, and pledges (a source identified or pledged) to any intervention of the plan,
as a donor does. Those who keep the plan's resource mobilisation record all of it. The
views authorise with these rules, the forms offer what they allow, and the services
enforce them on the values being saved.
"""

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from action_plans.hooks import acting_organisations
from action_plans.permissions import PlanAccess, plan_actions_for_user
from action_plans.policy import PlanAction, record_rule
from funding.models import Commitment, FundingSource, Stage
from governance.models import Organisation
from governance.permissions import organisations_visible_to

DONOR_STAGES = (Stage.IDENTIFIED, Stage.PLEDGED)
# Money is paid out of a commitment, never out of a pledge.
DISBURSING_STAGES = (Stage.COMMITTED, Stage.DISBURSED)

SOURCE_EDIT = record_rule(
    name="edit_funding_source",
    action=PlanAction.MOBILISE_RESOURCES,
    owners=lambda source: [source.provider_id],
    description=_(
        "A funding source belongs to the organisation that provides it: its editors and "
        "coordinators record and change it, as do those who keep the resource mobilisation "
        "plan."
    ),
)


def _commitment_open_to_provider(commitment: Commitment) -> bool:
    return (
        commitment.intervention.lead_organisation_id == commitment.source.provider_id
        or commitment.stage in DONOR_STAGES
    )


COMMITMENT_EDIT = record_rule(
    name="edit_commitment",
    action=PlanAction.MOBILISE_RESOURCES,
    owners=lambda commitment: [commitment.source.provider_id],
    open_to_owners=_commitment_open_to_provider,
    description=_(
        "A commitment is recorded by the organisation whose source it comes from: at any "
        "stage to an intervention it leads itself, and as a pledge (identified or pledged) "
        "to any intervention of the plan, as a donor does. Those who keep the resource "
        "mobilisation plan record every commitment at every stage."
    ),
)

STRATEGY_EDIT = record_rule(
    name="edit_mobilisation_strategy",
    action=PlanAction.MOBILISE_RESOURCES,
    owners=lambda intervention: [intervention.lead_organisation_id],
    description=_(
        "The strategy to fund an intervention and the partners to approach are written by "
        "the editors and coordinators of its lead organisation and by those who keep the "
        "resource mobilisation plan."
    ),
)

ENGAGEMENT_LOG = record_rule(
    name="log_engagement",
    action=PlanAction.MOBILISE_RESOURCES,
    owners=lambda engagement: [],
    description=_(
        "The log of meetings with funding partners is kept by those who keep the resource "
        "mobilisation plan, before and after the plan's adoption."
    ),
    any_status=True,
)

LOCALISATION_TARGET_EDIT = record_rule(
    name="set_localisation_target",
    action=PlanAction.MOBILISE_RESOURCES,
    owners=lambda target: [],
    description=_(
        "The plan's target share of funds to local actors is set by those who keep the "
        "resource mobilisation plan."
    ),
)


def disburses(commitment: Commitment) -> bool:
    """Whether money may be paid out of ``commitment`` (committed or disbursed)."""
    return commitment.stage in DISBURSING_STAGES


DISBURSEMENT_RECORD = record_rule(
    name="record_disbursement",
    action=PlanAction.MOBILISE_RESOURCES,
    owners=lambda commitment: [commitment.source.provider_id],
    open_to_owners=disburses,
    description=_(
        "The money disbursed to date of a committed or disbursed commitment is recorded by "
        "the editors and coordinators of the organisation providing its source and by "
        "those who keep the resource mobilisation plan, before and after the plan's "
        "adoption."
    ),
    any_status=True,
)


# --- what the forms offer ----------------------------------------------------------------


def visible_organisations(user, *also: int | None) -> QuerySet[Organisation]:
    """The organisations ``user`` may see (governance's rule), plus those in ``also``
    (already named on the record being edited), by name."""
    return Organisation.objects.filter(
        Q(pk__in=organisations_visible_to(user).values("pk"))
        | Q(pk__in=[pk for pk in also if pk is not None])
    ).order_by("name")


def provider_choices(access: PlanAccess) -> QuerySet[Organisation]:
    """Who a user may name as a source's provider: any organisation the user may see for
    those who keep the resource mobilisation plan, else the organisations they act for."""
    if access.may(SOURCE_EDIT.action):
        return visible_organisations(access.user)
    return Organisation.objects.filter(pk__in=access.organisation_ids).order_by("name")


def source_choices(access: PlanAccess) -> QuerySet[FundingSource]:
    """The plan's sources a user may record commitments of."""
    sources = FundingSource.objects.filter(plan=access.plan).select_related("provider")
    if access.may(COMMITMENT_EDIT.action):
        return sources
    return sources.filter(provider__in=access.organisation_ids)


def provider_refusal(actor, plan, provider: Organisation | None) -> dict[str, str] | None:
    """Why ``actor`` may not name ``provider`` as a source's provider, on the field (None:
    they may). ``actor`` None is a set-up command (the demo loader)."""
    if actor is None or provider is None:
        return None
    if SOURCE_EDIT.action in plan_actions_for_user(actor, plan):
        return None
    if provider.pk in acting_organisations(actor, plan):
        return None
    return {"provider": str(_("You may record only sources your own organisation provides."))}


def commitment_refusal(
    actor, source: FundingSource, lead_organisation_id: int, stage: str
) -> dict[str, str] | None:
    """Why ``actor`` may not record a commitment of ``source`` at ``stage`` to an
    intervention led by ``lead_organisation_id``, on the field to change (None: they
    may). ``actor`` None is a set-up command (the demo loader)."""
    if actor is None:
        return None
    actions = plan_actions_for_user(actor, source.plan)
    if COMMITMENT_EDIT.action in actions:
        return None
    own = acting_organisations(actor, source.plan) if PlanAction.CONTRIBUTE in actions else ()
    if source.provider_id not in own:
        return {
            "source": str(_("You may record commitments only of your own organisation's sources."))
        }
    if lead_organisation_id != source.provider_id and stage not in DONOR_STAGES:
        return {
            "stage": str(
                _(
                    "To another organisation's intervention you may record a pledge; those "
                    "who keep the resource mobilisation plan record it as committed or "
                    "disbursed."
                )
            )
        }
    return None
