"""Demonstration data: a national plan, a local plan and a user for each role.

Used by ``manage.py load_demo``. Every step looks records up by a natural key first, so
running it again creates nothing new and leaves edits made through the app alone.
"""

from dataclasses import dataclass

from django.db import transaction

from action_plans.models import ActionPlan, PlanLevel
from governance.models import User

DEMO_PASSWORD = "msd-demo-2030"  # noqa: S105 - documented in README, demo only


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    email: str
    is_superuser: bool = False


DEMO_USERS = [
    DemoUser("admin", "Ada", "Mensah", "admin@planner.example", is_superuser=True),
    DemoUser("coordinator", "Kofi", "Boateng", "k.boateng@interior.example"),
    DemoUser("editor", "Efua", "Owusu", "e.owusu@interior.example"),
    DemoUser("signatory", "Samuel", "Asante", "s.asante@interior.example"),
    DemoUser("viewer", "Vida", "Addo", "v.addo@interior.example"),
    DemoUser("stats.editor", "Yaw", "Darko", "y.darko@statsghana.example"),
    DemoUser("local.coordinator", "Lydia", "Tetteh", "l.tetteh@ama.example"),
]

NATIONAL_PLAN = {
    "title": "National Migration-SDG Action Plan 2025–2030",
    "country": "GH",
    "level": PlanLevel.NATIONAL,
    "area_name": "Ghana",
    "period_start_year": 2025,
    "period_end_year": 2030,
    "base_currency": "GHS",
}
LOCAL_PLAN = {
    "title": "Accra Metropolitan Migration-SDG Action Plan 2026–2030",
    "country": "GH",
    "level": PlanLevel.LOCAL,
    "area_name": "Accra Metropolitan Area",
    "period_start_year": 2026,
    "period_end_year": 2030,
    "base_currency": "GHS",
}


@dataclass
class DemoResult:
    users_created: int = 0
    plans_created: int = 0


def _ensure_user(spec: DemoUser) -> bool:
    user, created = User.objects.get_or_create(
        username=spec.username,
        defaults={
            "first_name": spec.first_name,
            "last_name": spec.last_name,
            "email": spec.email,
            "is_superuser": spec.is_superuser,
            "is_staff": spec.is_superuser,
        },
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return created


def _ensure_plan(values: dict) -> tuple[ActionPlan, bool]:
    lookup = {key: values[key] for key in ("title", "country")}
    defaults = {key: value for key, value in values.items() if key not in lookup}
    return ActionPlan.objects.get_or_create(**lookup, defaults=defaults)


@transaction.atomic
def demo_load() -> DemoResult:
    """Build (or complete) the demonstration data set."""
    result = DemoResult()
    result.users_created = sum(_ensure_user(spec) for spec in DEMO_USERS)
    for values in (NATIONAL_PLAN, LOCAL_PLAN):
        _plan, created = _ensure_plan(values)
        result.plans_created += created
    return result
