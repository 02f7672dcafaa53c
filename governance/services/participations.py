"""Which organisations take part in a plan."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from action_plans.hooks import participant_leaving_checks
from action_plans.models import ActionPlan
from action_plans.services import plan_lock, record_remove
from governance.models import LeadBody, Organisation, Participation, User
from governance.services.memberships import plan_permissions_sync
from msd_planner.lib.history import attribute
from msd_planner.lib.versioned_edit import Update, versioned_update


@transaction.atomic
def participation_add(
    *, actor: User, plan: ActionPlan, organisation: Organisation, signatory_required: bool
) -> Participation:
    """Bring an organisation into a plan; its members then see the plan by role."""
    plan_lock(plan.pk)
    participation = Participation(
        plan=plan, organisation=organisation, signatory_required=signatory_required
    )
    attribute(participation, actor)
    try:
        with transaction.atomic():
            participation.save()
    except IntegrityError:
        raise ValidationError(
            {
                "organisation": _("%(name)s already takes part in this plan.")
                % {"name": organisation}
            }
        ) from None
    plan_permissions_sync(plan)
    return participation


@transaction.atomic
def participation_update(
    *, actor: User, participation: Participation, expected_version: int, signatory_required: bool
) -> Update[Participation]:
    """Say whether the organisation's signature is required, refusing a stale edit."""
    plan_lock(participation.plan_id)
    return versioned_update(
        instance=participation,
        expected_version=expected_version,
        data={"signatory_required": signatory_required},
        actor=actor,
        editable=("signatory_required",),
    )


@transaction.atomic
def participation_remove(*, actor: User, participation: Participation) -> None:
    """Take an organisation out of a plan; its members lose access at once.

    Under the plan's lock, so that a lead arrangement saved at the same moment either
    sees the organisation gone or makes this removal refused.
    """
    participation = record_remove(
        actor=actor,
        record=participation,
        plan_id=participation.plan_id,
        check=_may_leave,
    )
    plan_permissions_sync(participation.plan)


def _may_leave(participation: Participation) -> None:
    """Refuse the removal of an organisation that leads or advises the plan, or that the
    apps' records still need."""
    if LeadBody.objects.filter(
        arrangement__plan_id=participation.plan_id, organisation_id=participation.organisation_id
    ).exists():
        raise ValidationError(
            _("%(name)s leads or advises this plan. Change the lead arrangement first.")
            % {"name": participation.organisation}
        )
    plan = participation.plan
    for check in participant_leaving_checks():  # the apps' records that still need it
        check(plan, participation.organisation_id)
