"""Role groups, the grants they hold on plans, and memberships — the only code that grants
or revokes object permissions.

Grants are held by role groups: each organisation has one group per role, and a
membership puts its user in the group of its role. A plan's permissions are recomputed
from its participations and lead bodies by ``plan_permissions_sync`` whenever either
changes, so the grants always follow from the governance records.
"""

import logging

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, IntegrityError, transaction
from django.utils.translation import gettext as _

from action_plans.models import ActionPlan, ActionPlanGroupObjectPermission
from action_plans.policy import permission_codename, role_actions
from action_plans.services import plan_row_lock, plans_changed, record_remove
from governance.models import Membership, Organisation, Participation, Role, User
from governance.selectors import lead_bodies_and_activities
from msd_planner.lib.history import attribute
from msd_planner.lib.versioned_edit import Update, versioned_update

log = logging.getLogger("msd_planner.governance")


# --- role groups and plan permissions -------------------------------------------------


def role_group_name(organisation_id: int, role: str) -> str:
    return f"organisation-{organisation_id}-{role}"


def _role_groups(organisation_ids: set[int]) -> dict[tuple[int, str], Group]:
    """The role groups of these organisations, created where missing (two queries)."""
    wanted = {
        role_group_name(organisation_id, role): (organisation_id, role)
        for organisation_id in organisation_ids
        for role in Role.values
    }
    groups = {group.name: group for group in Group.objects.filter(name__in=wanted)}
    missing = [Group(name=name) for name in wanted if name not in groups]
    if missing:
        Group.objects.bulk_create(missing, ignore_conflicts=True)
        groups = {group.name: group for group in Group.objects.filter(name__in=wanted)}
    return {wanted[name]: group for name, group in groups.items()}


@transaction.atomic
def plan_permissions_sync(plan: ActionPlan) -> None:
    """Make the plan's group grants exactly what its participations and leads imply.

    The plan row is locked first, so that two changes to one plan's governance compute
    and write its grants one after the other (whatever the plan's status: a member joining
    an organisation of a plan in validation gets their grants).
    """
    plan_row_lock(plan.pk)
    participant_ids = set(plan.participations.values_list("organisation_id", flat=True))
    leads = lead_bodies_and_activities(plan)
    groups = _role_groups(participant_ids)
    desired: set[tuple[int, str]] = set()
    for (organisation_id, role), group in groups.items():
        actions = role_actions(
            role,
            leads_plan=organisation_id in leads,
            activities=leads.get(organisation_id, ()),
        )
        desired |= {(group.id, permission_codename(action)) for action in actions}

    existing = {
        (grant.group_id, grant.permission.codename): grant.id
        for grant in ActionPlanGroupObjectPermission.objects.filter(
            content_object=plan
        ).select_related("permission")
    }
    stale = [grant_id for key, grant_id in existing.items() if key not in desired]
    ActionPlanGroupObjectPermission.objects.filter(id__in=stale).delete()

    to_add = desired - existing.keys()
    if to_add:
        permissions = {
            permission.codename: permission
            for permission in Permission.objects.filter(
                content_type=ContentType.objects.get_for_model(ActionPlan),
                codename__in={codename for _group, codename in to_add},
            )
        }
        ActionPlanGroupObjectPermission.objects.bulk_create(
            ActionPlanGroupObjectPermission(
                group_id=group_id, permission=permissions[codename], content_object=plan
            )
            for group_id, codename in to_add
        )


def all_plan_permissions_sync(*, using: str = DEFAULT_DB_ALIAS, **kwargs) -> None:
    """Recompute every plan's grants (after ``migrate``: a changed policy takes effect on
    the plans that exist). The grants live in the default database."""
    if using != DEFAULT_DB_ALIAS:
        return
    for plan in ActionPlan.objects.only("pk"):
        plan_permissions_sync(plan)


def organisations_plans_changed(organisation_ids: set[int]) -> None:
    """The plans these organisations take part in show who their members are (an active
    signatory for each, in their readiness): what those plans' pages derive is recomputed."""
    plans_changed(
        Participation.objects.filter(organisation_id__in=organisation_ids).values_list(
            "plan_id", flat=True
        )
    )


# --- memberships ---------------------------------------------------------------------


@transaction.atomic
def membership_set(
    *, actor: User | None, user: User, organisation: Organisation, role: str
) -> Membership:
    """Give ``user`` the ``role`` in ``organisation`` (adding or changing the membership)."""
    groups = _role_groups({organisation.id})
    membership = (
        Membership.objects.select_for_update().filter(user=user, organisation=organisation).first()
    )
    if membership is not None and membership.role == role:
        return membership
    if membership is None:
        membership = Membership(user=user, organisation=organisation, role=role)
    else:
        user.groups.remove(groups[(organisation.id, membership.role)])
        membership.role = role
    attribute(membership, actor)
    membership.save()
    user.groups.add(groups[(organisation.id, role)])
    organisations_plans_changed({organisation.id})
    # Without an actor, the demo loader (the one caller that has none) set it up.
    by = actor or "the demo loader"
    log.info("membership set: %s is %s of %s (by %s)", user, role, organisation, by)
    return membership


@transaction.atomic
def membership_add(
    *, actor: User | None, user: User, organisation: Organisation, role: str
) -> Membership:
    """Make ``user`` a member of ``organisation`` with ``role``; an existing membership is
    refused (its role is changed on its own page, with its version), even when two
    administrators add it at the same moment."""
    taken = _("%(user)s is already a member of %(organisation)s. Change the role instead.") % {
        "user": user,
        "organisation": organisation,
    }
    if Membership.objects.filter(user=user, organisation=organisation).exists():
        raise ValidationError({"organisation": taken})
    membership = Membership(user=user, organisation=organisation, role=role)
    attribute(membership, actor)
    try:
        with transaction.atomic():
            membership.save()
    except IntegrityError:
        raise ValidationError({"organisation": taken}) from None
    user.groups.add(_role_groups({organisation.id})[(organisation.id, role)])
    organisations_plans_changed({organisation.id})
    log.info("membership added: %s is %s of %s (by %s)", user, role, organisation, actor)
    return membership


@transaction.atomic
def membership_role_update(
    *, actor: User, membership: Membership, expected_version: int, role: str
) -> Update[Membership]:
    """Change the role of an existing membership, refusing a stale edit."""
    _lock_members_of(membership.organisation_id)
    update = versioned_update(
        instance=membership,
        expected_version=expected_version,
        data={"role": role},
        actor=actor,
        editable=("role",),
        check=lambda fresh, changed: _not_the_last_coordinator_leaving(actor, fresh),
    )
    if update.changed:
        groups = _role_groups({membership.organisation_id})
        user = update.instance.user
        user.groups.remove(
            *(groups[(membership.organisation_id, other)] for other in Role.values if other != role)
        )
        user.groups.add(groups[(membership.organisation_id, role)])
        organisations_plans_changed({membership.organisation_id})
        log.info("membership changed: %s is %s of %s (by %s)", user, role, membership, actor)
    return update


def _lock_members_of(organisation_id: int) -> None:
    """Changes to one organisation's members run one after the other (the organisation
    row is their lock), so two coordinators stepping down at once cannot both go."""
    Organisation.objects.select_for_update().filter(pk=organisation_id).first()


def _not_the_last_coordinator_leaving(
    actor: User | None, membership: Membership, *, removing: bool = False
) -> None:
    """A coordinator who steps down (a new role, or leaving) names a successor first:
    otherwise no one but an administrator could manage the organisation's members."""
    if actor is None or actor.pk != membership.user_id:
        return
    if not removing and membership.role == Role.COORDINATOR:
        return  # still a coordinator
    others = Membership.objects.filter(
        organisation_id=membership.organisation_id, role=Role.COORDINATOR, user__is_active=True
    ).exclude(pk=membership.pk)
    was_coordinator = (
        Membership.objects.filter(pk=membership.pk, role=Role.COORDINATOR).exists()
        if not removing
        else membership.role == Role.COORDINATOR
    )
    if was_coordinator and not others.exists():
        raise ValidationError(
            _(
                "You are the last coordinator of %(organisation)s: make another member "
                "coordinator first."
            )
            % {"organisation": membership.organisation.short_name}
        )


@transaction.atomic
def membership_remove(*, actor: User, membership: Membership) -> None:
    """Take a member out of an organisation, and out of the group of their role."""
    _lock_members_of(membership.organisation_id)
    membership = record_remove(
        actor=actor,
        record=membership,
        plan_id=None,  # an organisation's record, not a plan's: its members are locked above
        check=lambda fresh: _not_the_last_coordinator_leaving(actor, fresh, removing=True),
    )
    group = _role_groups({membership.organisation_id})[
        (membership.organisation_id, membership.role)
    ]
    membership.user.groups.remove(group)
    organisations_plans_changed({membership.organisation_id})
    log.info(
        "membership removed: %s from %s (by %s)", membership.user, membership.organisation, actor
    )
