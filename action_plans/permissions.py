"""Who may do what to an action plan and the records inside it: the one place plan access
is decided.

Object permissions live in django-guardian, granted only by ``governance.services`` to
the role groups of the organisations that take part in a plan, following
``action_plans.policy``. Global (model-level) permissions and the superuser flag never
widen object access.

Views fetch and authorise in one call and get a typed access object back::

    access = plan_for_user_or_404(request.user, pk, PlanAction.CHANGE)
    access = plan_object_for_user_or_404(
        request.user, pk, Framework.objects.all(), framework_pk, PlanAction.CHANGE
    )
    access.plan, access.object, access.may(PlanAction.GOVERN), access.context
"""

from dataclasses import dataclass
from functools import cached_property
from typing import Any, Generic, TypeVar

from django.db import models
from django.db.models import QuerySet
from guardian.shortcuts import get_objects_for_user

from action_plans.hooks import acting_organisations
from action_plans.models import (
    ActionPlan,
    ActionPlanGroupObjectPermission,
    ActionPlanUserObjectPermission,
    PlanStatus,
)
from action_plans.policy import (
    ACTION_BY_CODENAME,
    PLATFORM_ADMIN_ACTIONS,
    RecordRule,
    open_actions,
    permission_codename,
)
from action_plans.policy import (
    PlanAction as PlanAction,  # the views name the action they authorise with it
)
from msd_planner.lib.errors import ActionRefused, ObjectHidden, PlanClosed, RecordGone
from msd_planner.lib.types import AnyUser
from msd_planner.lib.versioned_edit import last_removal

ObjectT = TypeVar("ObjectT", bound=models.Model)


def plans_user_can(user: AnyUser, action: PlanAction) -> QuerySet[ActionPlan]:
    """Plans on which ``user`` may perform ``action``."""
    if not user.is_authenticated or not user.is_active:
        return ActionPlan.objects.none()
    if user.is_platform_admin and action in PLATFORM_ADMIN_ACTIONS:
        return ActionPlan.objects.all()
    return get_objects_for_user(
        user,
        f"action_plans.{permission_codename(action)}",
        klass=ActionPlan,
        use_groups=True,
        with_superuser=False,
        accept_global_perms=False,
    )


def may_start_plans(user: AnyUser) -> bool:
    """Platform administrators open plans; the lead body's coordinators then run them."""
    return user.is_authenticated and user.is_platform_admin


def require_plan_starter(user: AnyUser) -> None:
    if not may_start_plans(user):
        raise ObjectHidden("start", "plans")


def plan_actions_for_user(user: AnyUser, plan: ActionPlan) -> frozenset[PlanAction]:
    """Every action ``user`` may perform on ``plan`` (two queries), for links and buttons.

    Reads the same grants as ``plans_user_can``, directly from the plan's permission tables.
    """
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    codenames = set(
        ActionPlanGroupObjectPermission.objects.filter(
            content_object=plan, group__user=user
        ).values_list("permission__codename", flat=True)
    )
    codenames.update(
        ActionPlanUserObjectPermission.objects.filter(content_object=plan, user=user).values_list(
            "permission__codename", flat=True
        )
    )
    actions = {ACTION_BY_CODENAME[name] for name in codenames if name in ACTION_BY_CODENAME}
    if user.is_platform_admin:
        actions |= PLATFORM_ADMIN_ACTIONS
    return frozenset(actions)


@dataclass(frozen=True)
class PlanAccess:
    """A plan the user was authorised for, with everything they may do on it."""

    plan: ActionPlan
    actions: frozenset[PlanAction]
    user: AnyUser  # who asked: the owners they act for are looked up when a rule needs them

    def may(self, action: PlanAction | None) -> bool:
        """Whether the user holds ``action`` on the plan: for seeing, signing and the
        workflow's steps (None, a rule's action held by no one: never). Links to content
        edits ask ``may_edit``."""
        return action in self.actions

    @property
    def draft(self) -> bool:
        """Whether the plan's content may change now (outside a draft it is frozen)."""
        return self.plan.status == PlanStatus.DRAFT

    @cached_property
    def edits(self) -> frozenset[PlanAction]:
        """The actions the user may use to change the plan's content now: those held,
        while the plan is a draft; outside a draft, none but seeing and signing."""
        return open_actions(self.actions, draft=self.draft)

    def may_edit(self, action: PlanAction) -> bool:
        """Whether the user may change the plan's content with ``action`` now: the
        links and buttons to content forms ask this."""
        return action in self.edits

    @cached_property
    def organisation_ids(self) -> frozenset[int]:
        """The organisations the user acts for on this plan (as an editor or
        coordinator): the owners whose items they may edit. One query, when first asked."""
        if PlanAction.CONTRIBUTE not in self.actions:
            return frozenset()
        return acting_organisations(self.user, self.plan)

    def holds(self, rule: RecordRule, record: Any) -> bool:
        """Whether ``rule`` covers the user for ``record``, whatever the plan's status:
        for living work granted to those a content rule covers (progress, to those
        who may change the intervention)."""
        return rule.allows(self.actions, self.organisation_ids, record)

    def may_on(self, rule: RecordRule, record: Any) -> bool:
        """Whether the user may do what ``rule`` covers to ``record`` now (links,
        buttons): outside a draft only the rules of the living plan stay open."""
        return (rule.any_status or self.draft) and self.holds(rule, record)

    @property
    def context(self) -> dict[str, Any]:
        """What every page inside a plan needs: the plan, the user's actions on it, and
        those open to content edits now (``plan_edits``: empty outside a draft)."""
        return {"plan": self.plan, "plan_actions": self.actions, "plan_edits": self.edits}


@dataclass(frozen=True)
class PlanObjectAccess(PlanAccess, Generic[ObjectT]):
    """A record inside a plan, reached through the plan the user was authorised for."""

    object: ObjectT


def plan_for_user_or_404(
    user: AnyUser,
    plan_pk: int,
    action: PlanAction | RecordRule = PlanAction.VIEW,
    *,
    any_status: bool = False,
) -> PlanAccess:
    """Fetch a plan and authorise ``action`` in one call: an action on the plan, or the
    plan-wide part of a ``RecordRule`` (a new record of its kind: holders of its action).

    404 when the user may not see the plan (its existence does not leak); 403 when they
    see it but may not perform ``action``; ``PlanClosed`` (409, a page saying why and
    what to do next) when the action changes the plan's content and the plan is not a
    draft. ``any_status`` is for the workflow's own steps, which check the status
    against their table; a rule marked ``any_status`` is living work.
    """
    rule = action if isinstance(action, RecordRule) else None
    plan = ActionPlan.objects.filter(pk=plan_pk).first()
    actions = plan_actions_for_user(user, plan) if plan else frozenset()
    if plan is None or PlanAction.VIEW not in actions:
        raise ObjectHidden(PlanAction.VIEW, f"plan {plan_pk}")
    needed = rule.action if rule else action
    if needed is None or needed not in actions:
        raise ActionRefused(_action_name(action), f"plan {plan_pk}")
    access = PlanAccess(plan=plan, actions=actions, user=user)
    if not (any_status or (rule and rule.any_status)):
        _open_or_closed(access, needed, f"plan {plan_pk}")
    return access


def _action_name(action: PlanAction | RecordRule) -> str:
    return action.name if isinstance(action, RecordRule) else action


def _open_or_closed(access: PlanAccess, action: PlanAction, description: str) -> None:
    """Refuse a content edit on a plan that is not a draft, before any form is shown."""
    if not access.may_edit(action):
        raise PlanClosed(action, description, access.context)


def plan_object_for_user_or_404(
    user: AnyUser,
    plan_pk: int,
    queryset: QuerySet[ObjectT],
    pk: int,
    action: PlanAction | RecordRule = PlanAction.VIEW,
    *,
    plan_field: str = "plan",
    any_status: bool = False,
) -> PlanObjectAccess[ObjectT]:
    """Fetch a record of a plan and authorise ``action`` in one call: an action on the
    plan, or a ``RecordRule`` on the record (its owners may, or holders of its action).

    The record is looked up only among the plan's own (``plan_field`` is the path from
    the record to its plan, e.g. ``"prioritised_target__plan"``): a record of another
    plan asked for under this plan's URL is not found, whoever asks.
    """
    rule = action if isinstance(action, RecordRule) else None
    access = plan_for_user_or_404(
        user, plan_pk, PlanAction.VIEW if rule else action, any_status=any_status
    )
    found = queryset.filter(**{plan_field: access.plan}, pk=pk).first()
    if found is None:
        description = f"{queryset.model._meta.model_name} {pk}"
        # Removed from this very plan: say so (who, when) rather than a bare 404.
        removal = (
            last_removal(queryset.model, pk, plan_id=access.plan.pk)
            if plan_field == "plan"
            else None
        )
        if removal is not None:
            raise RecordGone(
                description, removal.history_user, removal.history_date, access.context
            )
        raise ObjectHidden(_action_name(action), description)
    if plan_field == "plan":
        found.plan = access.plan  # type: ignore[attr-defined]  # the plan already read, not a second query
    result = PlanObjectAccess(plan=access.plan, actions=access.actions, user=user, object=found)
    if rule is not None:
        description = f"{queryset.model._meta.model_name} {pk}"
        # Held but closed by the plan's status: say why, rather than "not allowed".
        if not result.holds(rule, found):
            raise ActionRefused(rule.name, description)
        if not (rule.any_status or any_status or result.draft):
            raise PlanClosed(rule.name, description, result.context)
    return result
