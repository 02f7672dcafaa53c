"""What a plan's pages derive from the whole plan — its readiness, its dashboard's facts,
its funding figures, the draft's snapshot — computed once per change, not once per view.

Each figure is kept in Django's cache (local memory by default, Redis in production)
under the plan's content revision (``ActionPlan.content_revision``). Every write to
what the figures derive from replaces that revision: the plan's content and its
governance under the plan's row lock (``plan_row_lock``), the organisations and accounts
it names through ``plans_changed``. Invalidation is then exact by construction: a figure
is found only under the revision it was computed from, and a page reads the plan's
revision before it reads anything else, so a write committed since can only make the
page compute afresh. A revision is random, so a write rolled back or a database restored
never brings back a key once used.

Derive only from the plan's rows and what its writes lock: a figure that also reads the
clock, or records written without the plan's lock, would outlive their change. A figure
that reads today's date says so (``per_day``): it is then kept for the day only.
"""

import logging
import uuid
from collections.abc import Callable
from typing import TypeVar, cast

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language

from action_plans.jobs import NotQueued, hand_over
from action_plans.models import ActionPlan

log = logging.getLogger("msd_planner.jobs")

T = TypeVar("T")

# Long enough to serve every view between two changes; a revision's figures are never
# wrong, only superseded, so they are left for the cache to evict.
KEPT_FOR = 24 * 60 * 60
_MISSING = object()


def derived_key(
    plan: ActionPlan, name: str, *, per_language: bool = True, per_day: bool = False
) -> str:
    """The cache key of the figure ``name`` of ``plan`` at its content revision (and in
    the active language, for figures that hold words; on today's date, for figures that
    read it)."""
    language = f":{get_language()}" if per_language else ""
    day = f":{timezone.localdate().isoformat()}" if per_day else ""
    return f"plan-derived:{name}:{plan.pk}:{plan.content_revision}{language}{day}"


def derived(
    plan: ActionPlan,
    name: str,
    compute: Callable[[ActionPlan], T],
    *,
    per_language: bool = True,
    per_day: bool = False,
) -> T:
    """``compute(plan)``, computed once per content revision of ``plan``: ``name`` names
    what it computes, ``per_language`` says whether its result holds words (then it is
    kept per language), ``per_day`` whether it reads today's date (then it is kept per
    day: what is overdue changes with the date alone). ``plan`` must have been read for
    this request (its revision is the key): pass the plan a view was given, never one
    read before a write."""
    key = derived_key(plan, name, per_language=per_language, per_day=per_day)
    cache = caches["derived"]
    found = cache.get(key, _MISSING)
    if found is not _MISSING:
        return cast(T, found)  # what ``compute`` returned for this key
    value = compute(plan)
    cache.set(key, value, KEPT_FOR)
    return value


def derive_after_commit(plan_id: int, revision: uuid.UUID) -> None:
    """Once the write that gave the plan ``revision`` commits, have the worker compute
    the plan's figures for it, so that the next reader finds them ready. Only where the
    worker's cache is the web's (Redis); a job the broker does not take is left: the
    first reader computes the figures instead."""
    backend = settings.CACHES["derived"]["BACKEND"]
    if not backend.endswith("RedisCache") or settings.CELERY_TASK_ALWAYS_EAGER:
        return

    def queue() -> None:
        try:
            hand_over("action_plans.tasks.derive_figures", plan_id, str(revision))
        except NotQueued as error:
            log.warning("figures of plan %s not queued: %s", plan_id, error)

    transaction.on_commit(queue)
