"""A plan's readable history, built from the simple-history tables the apps register.

"Kofi Boateng (MINT) changed the baseline value of 10.7 from 12 to 14 on 3 March 2026."

Each app says, in its ``AppConfig.ready()``, which of its models belong to a plan's
history and how a change reads in words (``track``); the kernel reads the registry and
imports no app. A page costs a fixed number of queries whatever the length of the
history and however many models are tracked: three for its rows (across every tracked
model at once), then the names of the records they mention.
"""

import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db import DEFAULT_DB_ALIAS, models
from django.db.models import Case, F, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Cast, JSONObject
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import get_m2m_reverse_field_name

from action_plans.models import ActionPlan
from msd_planner.lib.history import unattributed_author
from msd_planner.lib.types import StrOrPromise

PAGE_SIZE = 100
# Fields that change on every save or carry no meaning for a reader.
IGNORED_FIELDS = frozenset({"id", "version", "created_at", "updated_at", "plan", "proposed_by"})


class Names:
    """Labels of the records a page mentions, by (model, primary key)."""

    def __init__(self) -> None:
        self._labels: dict[tuple[type, Any], str] = {}

    def of(self, model: type[models.Model], pk: object) -> str:
        return self._labels.get((model, pk), f"#{pk}")

    def add(self, model: type[models.Model], labels: Iterable[tuple[object, object]]) -> None:
        self._labels.update(((model, pk), str(label)) for pk, label in labels)

    def known(self, model: type[models.Model], pk: object) -> bool:
        return (model, pk) in self._labels


@dataclass(frozen=True)
class Row:
    """One history row as a change to describe: ``row`` and ``before`` are simple-history
    records (``before`` is None unless the row is a change)."""

    row: Any
    before: Any
    names: Names

    @property
    def kind(self) -> str:
        kind: str = self.row.history_type  # "+", "~" or "-"
        return kind


@dataclass(frozen=True)
class Tracked:
    model: type[models.Model]
    area: str
    in_plan: Callable[[ActionPlan], Q]
    subject: Callable[[Row], StrOrPromise]
    label: str | None
    m2m_fields: tuple[str, ...]
    sentence: Callable[[Row, str], str | None] | None
    history_model: type[models.Model]

    def kept_fields(self) -> "list[models.Field[Any, Any]]":
        """The model's fields its history keeps (its ``excluded_fields`` left out)."""
        kept = {model_field.attname for model_field in self.history_model._meta.concrete_fields}
        return [field for field in self.model._meta.concrete_fields if field.attname in kept]


_tracked: dict[type[models.Model], Tracked] = {}
_labels: dict[type[models.Model], str] = {}
_area_names: dict[str, StrOrPromise] = {}
_actor_labellers: list[Callable[[ActionPlan, set[int]], dict[int, str]]] = []


def track(
    model: type[models.Model],
    *,
    area: str,
    in_plan: Callable[[ActionPlan], Q],
    subject: Callable[[Row], StrOrPromise],
    label: str | None = None,
    m2m_fields: tuple[str, ...] = (),
    sentence: Callable[[Row, str], str | None] | None = None,
) -> None:
    """Put ``model``'s history rows into the history of the plan they belong to.

    ``in_plan(plan)`` filters the model's history rows to one plan's (``of_plan``,
    ``under``); ``subject(row)`` names the record in words; ``label`` is the field path
    naming a record in other records' entries, live or removed (e.g. ``"target__code"``);
    ``m2m_fields`` are the many-to-many fields its ``HistoricalRecords`` keeps;
    ``sentence(row, actor)`` may tell a whole change in its own words (or return None).
    """
    _tracked[model] = Tracked(
        model=model,
        area=area,
        in_plan=in_plan,
        subject=subject,
        label=label,
        m2m_fields=m2m_fields,
        sentence=sentence,
        # Taken once: every access to ``Model.history`` builds a new manager class.
        history_model=model.history.model,  # type: ignore[attr-defined]  # simple-history adds it
    )
    if label:
        _labels[model] = label


def name_area(area: str, name: StrOrPromise) -> None:
    """How an ``area`` of ``track`` is named in the history page's filter."""
    _area_names[area] = name


def history_areas() -> list[tuple[str, str]]:
    """(area, name) of every area tracked, in the order the apps registered them."""
    areas = dict.fromkeys(tracked.area for tracked in _tracked.values())
    return [(area, str(_area_names.get(area, area))) for area in areas]


def label_records(model: type[models.Model], path: str) -> None:
    """How records of an untracked model are named when a tracked one mentions them."""
    _labels[model] = path


def label_actors(labeller: Callable[[ActionPlan, set[int]], dict[int, str]]) -> None:
    """``labeller(plan, user_ids)`` names authors as the plan's readers should see them
    (e.g. with the organisations through which they take part)."""
    if labeller not in _actor_labellers:
        _actor_labellers.append(labeller)


def of_plan(field_name: str = "plan_id") -> Callable[[ActionPlan], Q]:
    return lambda plan: Q(**{field_name: plan.pk})


def under(parent: type[models.Model], field_name: str) -> Callable[[ActionPlan], Q]:
    """Children found through their parent's history, so that the history of a removed
    parent's children stays in the plan's history."""

    def in_plan(plan: ActionPlan) -> Q:
        tracked = _tracked[parent]
        parents = tracked.history_model._default_manager.filter(tracked.in_plan(plan)).values("id")
        return Q(**{f"{field_name}__in": parents})

    return in_plan


# --- reading -------------------------------------------------------------------------

# Rows of the simple-history tables (built at run time, so untyped), with their record.
Picked = list[tuple["Tracked", Any]]
Previous = dict[tuple[type[models.Model], int], Any]
Snapshots = dict[tuple["Tracked", str, int], set[int]]


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
    subject: StrOrPromise
    area: str
    changes: list[Change] = field(default_factory=list)
    sentence: str = ""  # the whole change in words, when its app tells it so


@dataclass
class ChangeLog:
    entries: list[ChangeEntry]
    older: datetime | None  # pass as ``before`` for the next page; None on the last page


@dataclass(frozen=True)
class ChangeFilter:
    """Which changes a reader asks for: of one area, by one person, within dates
    (``since`` inclusive, ``until`` exclusive)."""

    area: str = ""
    actor_id: int | None = None
    since: datetime | None = None
    until: datetime | None = None

    def applied_to(
        self, tracked: Tracked, rows: models.QuerySet[Any]
    ) -> models.QuerySet[Any] | None:
        """``rows`` of ``tracked`` narrowed to the filter; None when none can match."""
        if self.area and tracked.area != self.area:
            return None
        if self.actor_id is not None:
            rows = rows.filter(history_user_id=self.actor_id)
        if self.since is not None:
            rows = rows.filter(history_date__gte=self.since)
        if self.until is not None:
            rows = rows.filter(history_date__lt=self.until)
        return rows


def plan_change_log(
    plan: ActionPlan,
    *,
    before: datetime | None = None,
    size: int = PAGE_SIZE,
    only: ChangeFilter | None = None,
    authors: dict[int, str] | None = None,
) -> ChangeLog:
    """The ``size`` latest changes to the plan and its records (older than ``before``),
    those ``only`` asks for; ``authors`` names everyone who changed the plan, when the
    caller has them already (``plan_change_authors``)."""
    picked, previous = _latest_rows(plan, before, size, only or ChangeFilter())
    snapshots = _m2m_snapshots(picked, previous)
    names = _names(picked, snapshots)
    actors = (
        authors
        if authors is not None
        else _actor_names(plan, {row.history_user_id for _tracked, row in picked})
    )

    entries = []
    for tracked, row in picked:
        before_row = previous.get((tracked.model, row.history_id))
        if row.history_type == "~" and before_row is None:
            continue
        described = Row(row=row, before=before_row, names=names)
        actor = actors.get(row.history_user_id) or unattributed_author(row) or _("The system")
        entry = ChangeEntry(
            when=row.history_date,
            actor=actor,
            action={"+": _("added"), "~": _("changed"), "-": _("removed")}[row.history_type],
            subject=tracked.subject(described),
            area=tracked.area,
        )
        if tracked.sentence is not None:
            entry.sentence = tracked.sentence(described, actor) or ""
        if row.history_type == "~" and not entry.sentence:
            entry.changes = _field_changes(tracked, row, before_row, names)
            entry.changes += _m2m_changes(tracked, row, before_row, snapshots, names)
            if not entry.changes:
                continue
        entries.append(entry)
    older = picked[-1][1].history_date if len(picked) >= size else None
    return ChangeLog(entries=entries, older=older)


def plan_change_authors(plan: ActionPlan) -> list[tuple[int, str]]:
    """(user id, name) of everyone who changed the plan or its records, by name; one
    query for them all, plus the authors' names."""
    authored = [
        tracked.history_model._default_manager.filter(
            tracked.in_plan(plan), history_user__isnull=False
        )
        .order_by()  # the union allows no ordering of its parts
        .values_list("history_user_id", flat=True)
        .distinct()
        for tracked in _tracked.values()
    ]
    if not authored:
        return []
    user_ids = set(authored[0].union(*authored[1:]))
    return sorted(_actor_names(plan, user_ids).items(), key=lambda pair: pair[1].casefold())


def _latest_rows(
    plan: ActionPlan, before: datetime | None, size: int, only: ChangeFilter
) -> tuple[Picked, Previous]:
    """The newest ``size`` rows across the tracked models, and the version before each
    changed one; rows sharing the timestamp of the last one are all kept, so that the next
    page (older than it) misses none. Three queries, however many models are tracked: the
    newest rows' ids, those tied with the last, then the rows themselves."""
    parts = {
        tracked: rows.filter(history_date__lt=before) if before is not None else rows
        for tracked in _tracked.values()
        if (
            rows := only.applied_to(
                tracked, tracked.history_model._default_manager.filter(tracked.in_plan(plan))
            )
        )
        is not None
    }
    if not parts:
        return [], {}

    def ids_where(condition: Q) -> models.QuerySet[Any]:
        return _union(
            [
                rows.filter(condition)
                .order_by()
                .annotate(tracked=Value(index))
                .values_list("tracked", "history_id", "history_date")
                for index, rows in enumerate(parts.values())
            ]
        )

    ids = list(ids_where(Q()).order_by("-history_date", "-history_id")[:size])
    if len(ids) == size:  # and the rows tied with the last one
        tied = set(ids_where(Q(history_date=ids[-1][2]))) - set(ids)
        ids += sorted(tied, key=lambda item: item[1], reverse=True)
    return _rows_and_previous(list(parts), ids) if ids else ([], {})


def _union(parts: list[models.QuerySet[Any]]) -> models.QuerySet[Any]:
    """``parts`` (at least one) as one query: UNION ALL."""
    return parts[0].union(*parts[1:], all=True)


def _rows_and_previous(
    tracked_models: list[Tracked], ids: list[tuple[int, int, datetime]]
) -> tuple[Picked, Previous]:
    """The history rows ``ids`` (index in ``tracked_models``, history id, date) and the
    version before each changed one, read in one query as JSON objects of their fields."""
    wanted: defaultdict[int, list[int]] = defaultdict(list)
    for index, history_id, _when in ids:
        wanted[index].append(history_id)
    parts = []
    for index, history_ids in wanted.items():
        tracked = tracked_models[index]
        history = tracked.history_model._default_manager
        earlier = history.filter(
            Q(history_date__lt=OuterRef("history_date"))
            | Q(history_date=OuterRef("history_date"), history_id__lt=OuterRef("history_id")),
            id=OuterRef("id"),
        ).order_by("-history_date", "-history_id")
        parts.append(
            history.filter(history_id__in=history_ids)
            .order_by()
            .annotate(
                tracked=Value(index),
                fields=_as_json(tracked),
                previous=Case(
                    When(
                        history_type="~",
                        then=Subquery(earlier.values(json=_as_json(tracked))[:1]),
                    ),
                    output_field=models.JSONField(),
                ),
            )
            .values_list("tracked", "history_id", "fields", "previous")
        )
    found = {}
    for index, history_id, fields, previous_fields in _union(parts):
        tracked = tracked_models[index]
        found[(index, history_id)] = (
            tracked,
            _from_json(tracked, fields),
            _from_json(tracked, previous_fields) if previous_fields is not None else None,
        )
    picked: Picked = []
    previous: Previous = {}
    for index, history_id, _when in ids:
        tracked, row, before = found[(index, history_id)]
        picked.append((tracked, row))
        if row.history_type == "~":
            previous[(tracked.model, history_id)] = before
    return picked, previous


def _as_json(tracked: Tracked) -> JSONObject:
    """A history row's fields as one JSON object (decimals as text, kept exact)."""
    return JSONObject(
        **{
            model_field.attname: Cast(model_field.attname, models.TextField())
            if isinstance(model_field, models.DecimalField)
            else F(model_field.attname)
            for model_field in tracked.history_model._meta.concrete_fields
        }
    )


def _from_json(tracked: Tracked, data: dict[str, Any] | str) -> Any:
    """The history row ``data`` (``_as_json``) as the history model's instance."""
    if isinstance(data, str):  # a backend that returns the subquery's JSON as text
        data = json.loads(data)
    history_fields = tracked.history_model._meta.concrete_fields
    values = [_value(model_field, data[model_field.attname]) for model_field in history_fields]
    return tracked.history_model.from_db(
        DEFAULT_DB_ALIAS, [model_field.attname for model_field in history_fields], values
    )


def _value(model_field: "models.Field[Any, Any]", value: Any) -> Any:
    if value is None:
        return None
    if isinstance(model_field, models.DateTimeField):
        moment = model_field.to_python(value)
        if moment is not None and timezone.is_naive(moment):  # SQLite keeps them in UTC
            moment = timezone.make_aware(moment, UTC)
        return moment
    if isinstance(model_field, models.DateField | models.DecimalField | models.UUIDField):
        return model_field.to_python(value)
    if isinstance(model_field, models.BooleanField):
        return bool(value)
    return value


def _m2m_snapshots(picked: Picked, previous: Previous) -> Snapshots:
    """(tracked, many-to-many field, history id) → ids linked in that version."""
    snapshots: Snapshots = defaultdict(set)
    for tracked in {tracked for tracked, _row in picked if tracked.m2m_fields}:
        history_ids = set()
        for row_tracked, row in picked:
            if row_tracked is tracked and row.history_type == "~":
                history_ids.add(row.history_id)
                if (before := previous.get((tracked.model, row.history_id))) is not None:
                    history_ids.add(before.history_id)
        if not history_ids:
            continue
        for name in tracked.m2m_fields:
            m2m_field = _m2m_field(tracked.model, name)
            links = getattr(tracked.history_model, name).model
            related = get_m2m_reverse_field_name(m2m_field)
            for history_id, linked in links.objects.filter(history_id__in=history_ids).values_list(
                "history_id", f"{related}_id"
            ):
                snapshots[(tracked, name, history_id)].add(linked)
    return snapshots


def _names(picked: Picked, snapshots: Snapshots) -> Names:
    """Labels of every record mentioned, one or two queries per related model."""
    wanted: defaultdict[type[models.Model], set[int]] = defaultdict(set)
    for tracked, row in picked:
        for model_field in tracked.kept_fields():
            value = getattr(row, model_field.attname)
            if model_field.related_model is not None and value is not None:
                wanted[model_field.related_model].add(value)
    for (tracked, name, _history_id), ids in snapshots.items():
        wanted[_m2m_field(tracked.model, name).related_model] |= ids
    names = Names()
    for related, ids in wanted.items():
        if related not in _labels:  # named by its own words: the records themselves
            names.add(
                related, ((obj.pk, obj) for obj in related._default_manager.filter(pk__in=ids))
            )
    labelled = [(related, ids) for related, ids in wanted.items() if related in _labels]
    _labels_read(
        names,
        [(related, related._default_manager.filter(pk__in=ids), "pk") for related, ids in labelled],
    )
    # records removed since: named as their history last knew them
    _labels_read(
        names,
        [
            (related, _tracked[related].history_model._default_manager.filter(id__in=removed), "id")
            for related, ids in labelled
            if related in _tracked
            and (removed := {pk for pk in ids if not names.known(related, pk)})
        ],
    )
    return names


def _labels_read(
    names: Names, sources: list[tuple[type[models.Model], models.QuerySet[Any], str]]
) -> None:
    """Add to ``names`` the labels (``label_records``, ``track``'s ``label``) of the rows of
    each source (model named, its rows, the field holding the named record's id): all
    sources in one query."""
    if not sources:
        return
    parts = [
        rows.order_by()
        .annotate(
            source=Value(index),
            record=F(key),
            text=Cast(_labels[related], models.TextField()),
        )
        .values_list("source", "record", "text")
        for index, (related, rows, key) in enumerate(sources)
    ]
    for index, pk, label in _union(parts):
        names.add(sources[index][0], [(pk, label)])


def _actor_names(plan: ActionPlan, user_ids: set[int | None]) -> dict[int, str]:
    known = {pk for pk in user_ids if pk is not None}
    labels = {user.pk: str(user) for user in get_user_model().objects.filter(pk__in=known)}
    for labeller in _actor_labellers:
        labels.update(labeller(plan, known))
    return labels


def _display(model_field: "models.Field[Any, Any]", value: object, names: Names) -> str:
    if value is None or value == "":
        return "—"
    if model_field.related_model is not None:  # a relation
        return names.of(model_field.related_model, value)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    return str(value)


def _field_changes(tracked: Tracked, row: Any, before: Any, names: Names) -> list[Change]:
    delta = row.diff_against(before, excluded_fields=[*IGNORED_FIELDS, *tracked.m2m_fields])
    changes = []
    # In the order of the model's fields, as its form shows them.
    concrete = {model_field.name: model_field for model_field in tracked.kept_fields()}
    order = {name: index for index, name in enumerate(concrete)}
    for change in sorted(delta.changes, key=lambda change: order.get(change.field, 0)):
        model_field = concrete[change.field]
        changes.append(
            Change(
                label=str(model_field.verbose_name),
                old=_display(model_field, change.old, names),
                new=_display(model_field, change.new, names),
            )
        )
    return changes


def _m2m_changes(
    tracked: Tracked, row: Any, before: Any, snapshots: Snapshots, names: Names
) -> list[Change]:
    changes = []
    for name in tracked.m2m_fields:
        m2m_field = _m2m_field(tracked.model, name)
        old = snapshots.get((tracked, name, before.history_id), set())
        new = snapshots.get((tracked, name, row.history_id), set())
        if old != new:
            related = m2m_field.related_model

            def listed(ids: set[int], related: type[models.Model] = related) -> str:
                return ", ".join(sorted(names.of(related, pk) for pk in ids)) or "—"

            changes.append(
                Change(label=str(m2m_field.verbose_name), old=listed(old), new=listed(new))
            )
    return changes


def _m2m_field(model: type[models.Model], name: str) -> "models.ManyToManyField[Any, Any]":
    """A many-to-many field that ``track`` was given (another name fails loudly)."""
    m2m_field = model._meta.get_field(name)
    if not isinstance(m2m_field, models.ManyToManyField):
        raise TypeError(f"{model.__name__}.{name} is not a many-to-many field")
    return m2m_field
