"""Who may see and edit organisations, and who may administer accounts.

Plan permissions themselves live in ``action_plans.permissions``; governance services
are the only code that grants or revokes them.
"""

from django.db.models import Q, QuerySet

from action_plans.models import ActionPlan
from action_plans.permissions import PlanAction, plans_user_can
from action_plans.policy import ACTING_ROLES
from governance.models import Membership, Organisation, Role
from msd_planner.lib.errors import ActionRefused, ObjectHidden


def can_administer_accounts(user) -> bool:
    """Platform administrators invite users, manage memberships and organisations."""
    return user.is_authenticated and user.is_platform_admin


def may_see_organisation_registry(user) -> bool:
    """Administrators, and whoever governs a plan: they must find organisations to invite."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_platform_admin or plans_user_can(user, PlanAction.GOVERN).exists()


def organisations_visible_to(user) -> QuerySet[Organisation]:
    """The whole registry for administrators and for coordinators of a plan's lead body;
    for everyone else their own organisations and their plans' partners."""
    if not user.is_authenticated or not user.is_active:
        return Organisation.objects.none()
    if may_see_organisation_registry(user):
        return Organisation.objects.all()
    plans = plans_user_can(user, PlanAction.VIEW)
    return Organisation.objects.filter(
        Q(memberships__user=user) | Q(participations__plan__in=plans)
    ).distinct()


def acting_organisations(user, plan: ActionPlan) -> frozenset[int]:
    """The organisations taking part in ``plan`` for which ``user`` is an editor or a
    coordinator: the owners of the items they may edit (registered with the kernel)."""
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    return frozenset(
        Membership.objects.filter(
            user=user, role__in=ACTING_ROLES, organisation__participations__plan=plan
        ).values_list("organisation_id", flat=True)
    )


def can_edit_organisation(user, organisation: Organisation) -> bool:
    """Administrators, and the organisation's own coordinators (it owns its profile)."""
    return can_manage_members(user, organisation)


def can_manage_members(user, organisation: Organisation) -> bool:
    """Administrators, and the organisation's own coordinators: they invite its members,
    set their roles (up to coordinator) and end their memberships."""
    if not user.is_authenticated or not user.is_active:
        return False
    return (
        user.is_platform_admin
        or organisation.memberships.filter(user=user, role=Role.COORDINATOR).exists()
    )


def get_organisation_for_user_or_404(user, pk: int, *, edit: bool = False) -> Organisation:
    organisation = organisations_visible_to(user).filter(pk=pk).first()
    if organisation is None:
        raise ObjectHidden("view", f"organisation {pk}")
    if edit and not can_edit_organisation(user, organisation):
        raise ActionRefused("edit", f"organisation {pk}")
    return organisation


def require_account_administrator(user) -> None:
    """Account pages exist for administrators only; others get 404, not a hint."""
    if not can_administer_accounts(user):
        raise ObjectHidden("administer", "accounts")
