"""Repair the rows the next migration's constraints would refuse, so it applies.

Until now a framework could be in force from year 0 or 10000, a consultation held on
1 January of year 1, a rank set by hand to 0, and the same framework or national proxy
indicator recorded twice. Each repair keeps what the row meant:

- a framework year outside 1900–2100 is a typo nobody can read back: it is cleared
  (the years are optional);
- a consultation dated before 1990 gets the day it was recorded, the latest day it can
  have been held;
- a rank of 0 meant "first": it becomes 1;
- a second framework (same plan, kind and name, ignoring case) or a second proxy
  indicator (same target and name, ignoring case) is renamed "… (2)", "… (3)", so
  nothing is lost and the duplicate shows in the plan for someone to merge.
"""

from django.db import migrations
from django.db.models import Q

FIRST_YEAR, LAST_YEAR = 1900, 2100
CONSULTATIONS_FROM = "1990-01-01"


def _out_of_range(name: str) -> Q:
    return Q(**{f"{name}__lt": FIRST_YEAR}) | Q(**{f"{name}__gt": LAST_YEAR})


def _renamed(name: str, number: int, max_length: int, taken: set[str]) -> str:
    while True:
        suffix = f" ({number})"
        candidate = name[: max_length - len(suffix)] + suffix
        if candidate.lower() not in taken:
            return candidate
        number += 1


def _rename_duplicates(rows, group_key, max_length: int) -> None:
    """Rename every row after the first of its group (by id) with the same name."""
    taken: dict[tuple, set[str]] = {}
    seen: dict[tuple, int] = {}
    for row in rows:
        group = group_key(row)
        taken.setdefault(group, set()).add(row.name_value.lower())
    for row in rows:
        group = group_key(row)
        key = (*group, row.name_value.lower())
        seen[key] = seen.get(key, 0) + 1
        if seen[key] > 1:
            new_name = _renamed(row.name_value, seen[key], max_length, taken[group])
            taken[group].add(new_name.lower())
            row.save_name(new_name)


class _Row:
    def __init__(self, obj, field: str):
        self.obj, self.field = obj, field
        self.name_value = getattr(obj, field)

    def save_name(self, value: str) -> None:
        setattr(self.obj, self.field, value)
        self.obj.save(update_fields=[self.field])


def repair(apps, schema_editor):
    Framework = apps.get_model("targets", "Framework")
    Consultation = apps.get_model("targets", "Consultation")
    PrioritisedTarget = apps.get_model("targets", "PrioritisedTarget")
    FollowedIndicator = apps.get_model("targets", "FollowedIndicator")

    Framework.objects.filter(_out_of_range("period_start_year")).update(period_start_year=None)
    Framework.objects.filter(_out_of_range("period_end_year")).update(period_end_year=None)
    for consultation in Consultation.objects.filter(held_on__lt=CONSULTATIONS_FROM):
        consultation.held_on = consultation.created_at.date()
        consultation.save(update_fields=["held_on"])
    PrioritisedTarget.objects.filter(rank_override=0).update(rank_override=1)

    frameworks = [_Row(item, "name") for item in Framework.objects.order_by("id")]
    _rename_duplicates(frameworks, lambda row: (row.obj.plan_id, row.obj.kind), 250)
    proxies = [
        _Row(item, "proxy_name")
        for item in FollowedIndicator.objects.filter(indicator__isnull=True).order_by("id")
    ]
    _rename_duplicates(proxies, lambda row: (row.obj.prioritised_target_id,), 300)


class Migration(migrations.Migration):
    dependencies = [
        ("targets", "0005_consultation_content_types_moved"),
    ]

    operations = [migrations.RunPython(repair, migrations.RunPython.noop)]
