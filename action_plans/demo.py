"""Demonstration data (``manage.py load_demo``), built by the steps the apps register.

Each app adds its part in its ``AppConfig.ready()``; the steps run in the order the apps
are loaded (INSTALLED_APPS lists them layer by layer), each reading what earlier steps
put in the shared ``DemoData``.
"""

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import transaction
from django.utils import timezone
from simple_history.models import HistoricalChanges

from action_plans.models import ActionPlan
from msd_planner.lib.history import WRITTEN_BY_DEMO_LOADER


@dataclass
class DemoData:
    organisations: dict[str, Any] = field(default_factory=dict)  # by acronym
    plans: dict[str, ActionPlan] = field(default_factory=dict)  # "national", "local"
    created: Counter = field(default_factory=Counter)  # "users", "organisations", "plans"
    notes: list[str] = field(default_factory=list)  # for whoever ran the loader


DemoStep = Callable[[DemoData], None]
_steps: list[DemoStep] = []


def register_demo_step(step: DemoStep) -> None:
    if step not in _steps:
        _steps.append(step)


@transaction.atomic
def demo_load() -> DemoData:
    """Build (or complete) the demonstration data set."""
    started = timezone.now()
    data = DemoData()
    for step in _steps:
        step(data)
    _sign_unattributed_rows(since=started)
    return data


def _sign_unattributed_rows(*, since) -> None:
    """Name the demo loader as the author of the history rows it wrote without a user
    (accounts, memberships), so that their history says so instead of naming nobody."""
    for model in apps.get_models():
        # Historical records; their many-to-many link tables have no author of their own.
        if issubclass(model, HistoricalChanges) and hasattr(model, "history_change_reason"):
            model.objects.filter(history_date__gte=since, history_user__isnull=True).update(
                history_change_reason=WRITTEN_BY_DEMO_LOADER
            )
