"""Demonstration data (``manage.py load_demo``), built by the steps the apps register.

Each app adds its part in its ``AppConfig.ready()``; the steps run in the order the apps
are loaded (INSTALLED_APPS lists them layer by layer), each reading what earlier steps
put in the shared ``DemoData``.
"""

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from action_plans.models import ActionPlan


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
    data = DemoData()
    for step in _steps:
        step(data)
    return data
