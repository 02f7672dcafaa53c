"""Demonstration data (``manage.py load_demo``), built by the steps the apps register.

Each app adds its part in its ``AppConfig.ready()``; the steps run in the order the apps
are loaded (INSTALLED_APPS lists them layer by layer), each reading what earlier steps
put in the shared ``DemoData``. A step that needs every app's content first (the plans'
validation and adoption, then a revision) registers with ``after_content=True``: those
run last, again layer by layer.
"""

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.apps import apps
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone
from simple_history.models import HistoricalChanges

from action_plans.models import ActionPlan
from msd_planner.lib.history import WRITTEN_BY_DEMO_LOADER


@dataclass
class DemoData:
    organisations: dict[str, Any] = field(default_factory=dict)  # by acronym
    plans: dict[str, ActionPlan] = field(default_factory=dict)  # "national", "local"
    created: Counter[str] = field(default_factory=Counter)  # "users", "organisations", "plans"
    notes: list[str] = field(default_factory=list)  # for whoever ran the loader


DemoStep = Callable[[DemoData], None]
_steps: list[DemoStep] = []
_late_steps: list[DemoStep] = []


def register_demo_step(step: DemoStep, *, after_content: bool = False) -> None:
    steps = _late_steps if after_content else _steps
    if step not in steps:
        steps.append(step)


def demo_load() -> DemoData:
    """Build (or complete) the demonstration data set. The demo's workflow sends no email
    (its people are made up): the notifications stay in the app."""
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
        return _load()


@transaction.atomic
def _load() -> DemoData:
    started = timezone.now()
    data = DemoData()
    for step in (*_steps, *_late_steps):
        step(data)
    _sign_unattributed_rows(since=started)
    return data


def _sign_unattributed_rows(*, since: datetime) -> None:
    """Name the demo loader as the author of the history rows it wrote without a user
    (accounts, memberships), so that their history says so instead of naming nobody."""
    for model in apps.get_models():
        # Historical records; their many-to-many link tables have no author of their own.
        if issubclass(model, HistoricalChanges) and hasattr(model, "history_change_reason"):
            model._default_manager.filter(
                history_date__gte=since, history_user__isnull=True
            ).update(history_change_reason=WRITTEN_BY_DEMO_LOADER)
