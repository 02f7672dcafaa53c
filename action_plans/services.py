"""Writes to action plans, and the removal every app's records go through."""

import uuid
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from action_plans.derived import derive_after_commit
from action_plans.hooks import plan_change_checks
from action_plans.models import ActionPlan, PlanStatus
from msd_planner.lib.history import attribute
from msd_planner.lib.types import User
from msd_planner.lib.versioned_edit import Update, lock_for_removal, versioned_update

RecordT = TypeVar("RecordT", bound=models.Model)

# What the plan's details page may change, in the order the form shows it.
PLAN_FIELDS = (
    "title",
    "country",
    "level",
    "area_name",
    "period_start_year",
    "period_end_year",
    "base_currency",
    "language",
)


class PlanReadOnly(ValidationError):
    """The plan is in validation, validated or adopted: its content does not change."""


def plan_row_lock(plan_id: int) -> ActionPlan:
    """Lock the plan row for what is not its content (the grants its governance implies,
    the workflow's steps): whatever the plan's status.

    Every lock of the row is taken to write, so it gives the plan a new content revision
    (the key of what its pages derive from it: ``action_plans.derived``); rolled back
    with the write if the write is refused."""
    revision = uuid.uuid4()
    ActionPlan.objects.filter(pk=plan_id).update(content_revision=revision)
    derive_after_commit(plan_id, revision)
    return ActionPlan.objects.select_for_update().get(pk=plan_id)


def plans_changed(plan_ids: Iterable[int]) -> None:
    """Give the plans ``plan_ids`` a new content revision, for a change outside any one
    plan that their pages show (an organisation's name, a member's role, an account
    deactivated). Locks their rows in order of id, as ``plan_row_lock`` would one by one."""
    ids = sorted(set(plan_ids))
    if ids:
        list(ActionPlan.objects.select_for_update().filter(pk__in=ids).order_by("pk").values("pk"))
        ActionPlan.objects.filter(pk__in=ids).update(content_revision=uuid.uuid4())


def plan_lock(plan_id: int) -> ActionPlan:
    """Lock the plan row for a change of its content: the first lock of every edit
    service, so that such writes run one after the other and never deadlock. Refused
    unless the plan is a draft (in validation, validated or adopted its content is
    read-only; a revision opens a new draft)."""
    plan = plan_row_lock(plan_id)
    if plan.status != PlanStatus.DRAFT:
        raise PlanReadOnly(closed_reason(plan))
    return plan


def closed_reason(plan: ActionPlan) -> str:
    """Why the content of a plan that is not a draft cannot change, and what to do."""
    what_next_by_status: dict[str, str] = {
        PlanStatus.IN_VALIDATION: _(
            "Wait for the signatories' decision, or a coordinator may withdraw it from validation."
        ),
        PlanStatus.VALIDATED: _("It awaits adoption; a revision can be opened once adopted."),
        PlanStatus.ADOPTED: _("A coordinator may open a revision to change it."),
    }
    what_next = what_next_by_status.get(plan.status, "")
    return " ".join(
        [
            _("The plan is %(status)s: its content cannot change now.")
            % {"status": plan.get_status_display().lower()},
            str(what_next),
        ]
    ).strip()


def record_remove(
    *,
    actor: User | None,
    record: RecordT,
    plan_id: int | None,
    any_status: bool = False,
    check: Callable[[RecordT], None] | None = None,
    in_use: Callable[[RecordT, Iterable[models.Model]], str] | None = None,
) -> RecordT:
    """Remove ``record`` for ``actor``, the one way every removal service does it:

    1. lock the plan row ``plan_id``: ``plan_lock`` (refused unless the plan is a draft),
       or ``plan_row_lock`` with ``any_status`` for living work (a meeting with a funding
       partner); no plan lock when ``plan_id`` is None (a record outside any plan, whose
       service takes its own lock first, or one recorded without the plan's lock);
    2. ``lock_for_removal``: ``RecordRemoved`` (who, when) if someone removed it first,
       so a second removal writes nothing;
    3. ``check(fresh)`` refuses, under those locks, with ``ValidationError``;
    4. delete it, its history row naming ``actor``. Records that protect it
       (``on_delete=PROTECT``) refuse the removal with ``in_use(fresh, protectors)``,
       which names them; without ``in_use`` nothing is expected to protect it.

    Returns the removed record (for the grants or the log that follow). Call inside
    the service's transaction."""
    if plan_id is not None and any_status:
        plan_row_lock(plan_id)
    elif plan_id is not None:
        plan_lock(plan_id)
    fresh = lock_for_removal(record)
    if check is not None:
        check(fresh)
    attribute(fresh, actor)
    if in_use is None:
        fresh.delete()
        return fresh
    try:
        # In a savepoint, so that a refusal rolls back the attempt and nothing else.
        with transaction.atomic():
            fresh.delete()
    except ProtectedError as error:
        raise ValidationError(in_use(fresh, error.protected_objects)) from None
    return fresh


@transaction.atomic
def plan_create(*, actor: User, plan: ActionPlan) -> ActionPlan:
    """Save a new plan (a draft). Its lead arrangement is set up next, on its governance page."""
    attribute(plan, actor)
    plan.save()
    return plan


def _records_fit(plan: ActionPlan, changed: list[str]) -> None:
    for check in plan_change_checks():
        check(plan, changed)


@transaction.atomic
def plan_update(
    *, actor: User, plan: ActionPlan, expected_version: int, data: dict[str, Any]
) -> Update[ActionPlan]:
    """Save the plan's changed details, refusing a stale edit.

    Each app's registered checks refuse a change its records no longer fit (e.g. a
    period that ends before a recorded baseline year).
    """
    plan_lock(plan.pk)
    return versioned_update(
        instance=plan,
        expected_version=expected_version,
        data=data,
        actor=actor,
        editable=PLAN_FIELDS,
        check=_records_fit,
    )
