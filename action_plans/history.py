"""A plan's readable change list, built from the simple-history tables of its records.

"Kofi Boateng (MINT) changed the baseline value of 10.7 from 12 to 14 on 3 March 2026."
The query count is fixed: a few queries per tracked model, whatever the history length.
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext as _

from action_plans.models import ActionPlan
from governance.models import (
    Consultation,
    LeadArrangement,
    Membership,
    Organisation,
    Participation,
    User,
)
from targets.models import (
    FollowedIndicator,
    Framework,
    FrameworkAssessment,
    PrioritisedTarget,
    ScoringCriterion,
    Target,
    TargetScore,
)

# Fields that change on every save or carry no meaning for a reader.
_IGNORED = {"id", "version", "created_at", "updated_at", "plan", "proposed_by"}


@dataclass
class Change:
    label: str
    old: str
    new: str


@dataclass
class ChangeEntry:
    when: datetime
    actor: str
    action: str  # "added", "changed", "removed"
    subject: str
    changes: list[Change] = field(default_factory=list)


@dataclass(frozen=True)
class _Tracked:
    model: type[models.Model]
    in_plan: Callable[[ActionPlan], Q]


def _of_plan(field: str) -> Callable[[ActionPlan], Q]:
    return lambda plan: Q(**{field: plan.pk})


def _under(parent: type[models.Model], field: str) -> Callable[[ActionPlan], Q]:
    """Children found through their parent's history, so that the history of a removed
    target's scores stays in the plan's list."""
    return lambda plan: Q(**{f"{field}__in": parent.history.filter(plan_id=plan.pk).values("id")})


TRACKED = [
    _Tracked(ActionPlan, _of_plan("id")),
    _Tracked(LeadArrangement, _of_plan("plan_id")),
    _Tracked(Participation, _of_plan("plan_id")),
    _Tracked(Consultation, _of_plan("plan_id")),
    _Tracked(ScoringCriterion, _of_plan("plan_id")),
    _Tracked(PrioritisedTarget, _of_plan("plan_id")),
    _Tracked(TargetScore, _under(PrioritisedTarget, "prioritised_target_id")),
    _Tracked(FollowedIndicator, _under(PrioritisedTarget, "prioritised_target_id")),
    _Tracked(Framework, _of_plan("plan_id")),
    _Tracked(FrameworkAssessment, _under(Framework, "framework_id")),
]

# How to name a record that has since been deleted, from its last history row.
_DELETED_NAME = {
    PrioritisedTarget: "target__code",
    Framework: "name",
    ScoringCriterion: "name",
    Organisation: "name",
}


def _display(model_field: models.Field, value, names: dict) -> str:
    if value is None or value == "":
        return "—"
    if model_field.is_relation:
        return names.get((model_field.related_model, value), f"#{value}")
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    return str(value)


def _field_value(row, model_field: models.Field):
    return getattr(row, model_field.attname)


def plan_change_log(plan: ActionPlan, *, limit: int = 100) -> list[ChangeEntry]:
    """The latest ``limit`` changes to the plan and the records hanging off it."""
    latest = []
    for tracked in TRACKED:
        rows = tracked.model.history.filter(tracked.in_plan(plan)).order_by("-history_date")[:limit]
        latest.extend((tracked.model, row) for row in rows)
    latest.sort(key=lambda pair: pair[1].history_date, reverse=True)
    latest = latest[:limit]

    # The previous version of each changed row, one query per model.
    previous: dict[tuple[type, int], object] = {}
    ids_by_model = defaultdict(set)
    for model, row in latest:
        if row.history_type == "~":
            ids_by_model[model].add(row.id)
    for model, ids in ids_by_model.items():
        last_seen = {}
        for row in model.history.filter(id__in=ids).order_by("id", "history_date", "history_id"):
            previous[(model, row.history_id)] = last_seen.get(row.id)
            last_seen[row.id] = row

    # Names of every related object mentioned, one query per related model.
    wanted = defaultdict(set)
    for model, row in latest:
        for model_field in model._meta.concrete_fields:
            value = _field_value(row, model_field)
            if model_field.is_relation and value is not None:
                wanted[model_field.related_model].add(value)
    links = _m2m_snapshots(latest, previous)
    for (m2m_field, _history_id), ids in links.items():
        wanted[m2m_field.related_model] |= ids
    names: dict[tuple[type, int], str] = {}
    for related, ids in wanted.items():
        queryset = related.objects.filter(pk__in=ids)
        if related is PrioritisedTarget:
            queryset = queryset.select_related("target")
        names.update({(related, obj.pk): str(obj) for obj in queryset})
        deleted = {pk for pk in ids if (related, pk) not in names}
        if deleted and related in _DELETED_NAME:
            names.update(
                ((related, pk), label)
                for pk, label in related.history.filter(id__in=deleted).values_list(
                    "id", _DELETED_NAME[related]
                )
            )
    actors = _actor_names({row.history_user_id for _model, row in latest}, plan)

    entries = []
    for model, row in latest:
        subject = _subject(model, row, names)
        entry = ChangeEntry(
            when=row.history_date,
            actor=actors.get(row.history_user_id, _("The system")),
            action={"+": _("added"), "~": _("changed"), "-": _("removed")}[row.history_type],
            subject=subject,
        )
        if row.history_type == "~":
            before = previous.get((model, row.history_id))
            if before is None:
                continue
            for model_field in model._meta.concrete_fields:
                if model_field.name in _IGNORED:
                    continue
                old, new = _field_value(before, model_field), _field_value(row, model_field)
                if old != new:
                    entry.changes.append(
                        Change(
                            label=str(model_field.verbose_name),
                            old=_display(model_field, old, names),
                            new=_display(model_field, new, names),
                        )
                    )
            entry.changes += _m2m_changes(model, row, before, links, names)
            if not entry.changes:
                continue
        entries.append(entry)
    return entries


def _m2m_fields(model) -> list[models.ManyToManyField]:
    """The many-to-many fields whose links simple-history records for ``model``."""
    return list(getattr(model.history.model, "_history_m2m_fields", []))


def _m2m_snapshots(latest, previous) -> dict[tuple[models.Field, int], set[int]]:
    """(many-to-many field, history id) → ids linked in that version (a query per field)."""
    snapshots: dict[tuple[models.Field, int], set[int]] = defaultdict(set)
    for model in {model for model, _row in latest}:
        history_ids = set()
        for row_model, row in latest:
            if row_model is model and row.history_type == "~":
                history_ids.add(row.history_id)
                if (before := previous.get((model, row.history_id))) is not None:
                    history_ids.add(before.history_id)
        if not history_ids:
            continue
        for m2m_field in _m2m_fields(model):
            through = model.history.model._meta.get_field(
                f"historical{model._meta.model_name}_{m2m_field.name}"
            ).related_model
            target = next(
                field
                for field in through._meta.concrete_fields
                if field.is_relation and field.related_model is m2m_field.related_model
            )
            for history_id, linked in through.objects.filter(
                history_id__in=history_ids
            ).values_list("history_id", target.attname):
                snapshots[(m2m_field, history_id)].add(linked)
    return snapshots


def _m2m_changes(model, row, before, links, names) -> list[Change]:
    changes = []
    for m2m_field in _m2m_fields(model):
        old = links.get((m2m_field, before.history_id), set())
        new = links.get((m2m_field, row.history_id), set())
        if old != new:

            def listed(ids, related=m2m_field.related_model):
                return ", ".join(sorted(names.get((related, pk), f"#{pk}") for pk in ids)) or "—"

            changes.append(
                Change(label=str(m2m_field.verbose_name), old=listed(old), new=listed(new))
            )
    return changes


def _actor_names(user_ids: set, plan: ActionPlan) -> dict[int, str]:
    """Each author with the organisations through which they take part in the plan
    (their other memberships are none of the plan's readers' business)."""
    user_ids.discard(None)
    organisations = defaultdict(list)
    for membership in Membership.objects.filter(
        user_id__in=user_ids, organisation__participations__plan=plan
    ).select_related("organisation"):
        organisations[membership.user_id].append(membership.organisation.short_name)
    return {
        user.pk: f"{user} ({', '.join(organisations[user.pk])})"
        if organisations[user.pk]
        else str(user)
        for user in User.objects.filter(pk__in=user_ids)
    }


def _subject(model, row, names) -> str:
    def name(related, pk):
        return names.get((related, pk), f"#{pk}")

    if model is ActionPlan:
        return _("the plan")
    if model is LeadArrangement:
        return _("the lead arrangement")
    if model is Participation:
        return _("the participation of %(name)s") % {
            "name": name(Organisation, row.organisation_id)
        }
    if model is PrioritisedTarget:
        return _("target %(code)s") % {"code": name(Target, row.target_id)}
    if model is ScoringCriterion:
        return _("the scoring criterion “%(name)s”") % {"name": row.name}
    if model is TargetScore:
        return _("the “%(criterion)s” score of %(code)s") % {
            "criterion": name(ScoringCriterion, row.criterion_id),
            "code": name(PrioritisedTarget, row.prioritised_target_id),
        }
    if model is FollowedIndicator:
        return _("an indicator of %(code)s") % {
            "code": name(PrioritisedTarget, row.prioritised_target_id)
        }
    if model is Consultation:
        return _("the consultation “%(title)s”") % {"title": row.title}
    if model is Framework:
        return _("framework “%(name)s”") % {"name": row.name}
    if model is FrameworkAssessment:
        return _("the assessment of “%(framework)s” against %(code)s") % {
            "framework": name(Framework, row.framework_id),
            "code": name(PrioritisedTarget, row.prioritised_target_id),
        }
    return str(model._meta.verbose_name)
