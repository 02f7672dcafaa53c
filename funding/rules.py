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
from action_plans.policy import PlanAction, Role, record_rule
from funding.models import CapacityNeed, Commitment, FundingSource, Stage
from governance.models import Membership, Organisation, Participation
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


# --- capacity-strengthening needs of local actors ----------------------------------------
#
# The pledge: local actors are best placed to determine their own capacity-strengthening
# needs. So a need is stated by the organisation itself, through its coordinators (who
# speak for it, as they keep its profile and its members), not by any of its editors;
# the plan's coordinators (CHANGE) may record one on a local actor's behalf too (an
# informal actor or a community leader with no account, heard at a consultation), and
# the page names who recorded each. Whether an intervention addresses a need is decided
# by those who design the interventions: a local actor does not mark its own need met;
# it says, by changing or removing it, when its need has moved on. Both are work of the
# living plan: needs arise and are met after adoption, whatever the plan's status, as
# progress and the engagement log are; they are not part of a version's content.

CAPACITY_NEED_STATE = record_rule(
    name="state_capacity_need",
    action=PlanAction.CHANGE,
    owners=lambda need: [need.organisation_id],
    description=_(
        "A local actor taking part in the plan states its own capacity-strengthening "
        "needs (what, why, by when): its coordinators record, change and remove them, "
        "before and after the plan's adoption. The coordinators of the plan's lead bodies "
        "may record them on a local actor's behalf."
    ),
    any_status=True,
)

CAPACITY_NEED_ADDRESS = record_rule(
    name="address_capacity_need",
    action=PlanAction.DESIGN_INTERVENTIONS,
    owners=lambda need: [],
    description=_(
        "Which interventions address a local actor's capacity-strengthening need is "
        "chosen by those who lead intervention design, before and after the plan's "
        "adoption: a need is met once an intervention addresses it, which the local actor "
        "does not decide alone."
    ),
    any_status=True,
)


def local_actors_spoken_for(user, plan) -> frozenset[int]:
    """The local actors taking part in ``plan`` whose coordinator ``user`` is: the
    organisations whose needs they state (one query)."""
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    return frozenset(
        Membership.objects.filter(
            user=user,
            role=Role.COORDINATOR,
            organisation__is_local_actor=True,
            organisation__participations__plan=plan,
        ).values_list("organisation_id", flat=True)
    )


def may_record_needs(actions, spoken_for: frozenset[int]) -> bool:
    """Whether a user holding ``actions`` on the plan and speaking for ``spoken_for``
    may record a new need (for a local actor of ``need_organisation_choices``)."""
    return CAPACITY_NEED_STATE.action in actions or bool(spoken_for)


def need_recording_offered(plan, actions, spoken_for: frozenset[int]) -> bool:
    """Whether to offer recording a need: the user may, and a local actor takes part for
    whom they may record one (otherwise the form would have nothing to choose)."""
    return (
        may_record_needs(actions, spoken_for)
        and need_organisation_choices(plan, actions, spoken_for).exists()
    )


def may_state_need(actions, spoken_for: frozenset[int], need: CapacityNeed) -> bool:
    """Whether a user holding ``actions`` on the plan and speaking for ``spoken_for``
    may record, change or remove ``need``."""
    return CAPACITY_NEED_STATE.allows(actions, spoken_for, need)


def need_organisation_choices(
    plan, actions, spoken_for: frozenset[int], *, also: int | None = None
) -> QuerySet[Organisation]:
    """The local actors a user may record a need for: every local actor taking part for
    the plan's coordinators, else those the user is a coordinator of; plus ``also`` (the
    one already named on the need being changed)."""
    local_actors = Q(
        is_local_actor=True,
        pk__in=Participation.objects.filter(plan=plan).values("organisation_id"),
    )
    if CAPACITY_NEED_STATE.action not in actions:
        local_actors &= Q(pk__in=spoken_for)
    return Organisation.objects.filter(local_actors | Q(pk__in=[also] if also else [])).order_by(
        "name"
    )


def need_refusal(actor, plan, organisation: Organisation | None) -> dict[str, str] | None:
    """Why ``actor`` may not state a need for ``organisation``, on the field (None: they
    may). ``actor`` None is a set-up command (the demo loader)."""
    if actor is None or organisation is None:
        return None
    if CAPACITY_NEED_STATE.action in plan_actions_for_user(actor, plan):
        return None
    if organisation.pk in local_actors_spoken_for(actor, plan):
        return None
    return {
        "organisation": str(
            _("You may record the needs only of a local actor you are a coordinator of.")
        )
    }


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
