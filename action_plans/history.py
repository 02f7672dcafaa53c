"""A plan's readable history, built from the simple-history tables the apps register.

"Kofi Boateng (MINT) changed the baseline value of 10.7 from 12 to 14 on 3 March 2026."

Each app says, in its ``AppConfig.ready()``, which of its models belong to a plan's
history and how a change reads in words (``track``); the kernel reads the registry and
imports no app. A page costs a fixed number of queries whatever the length of the
history and however many models are tracked: three for its rows (across every tracked
model at once), then the names of the records they mention. The SQL of those across
every tracked model is composed once per process, from the registry (``_history_sql``):
built by the ORM on every request, it cost more than the rest of the page.
"""

import functools
import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, cast

from django.contrib.auth import get_user_model
from django.db import DEFAULT_DB_ALIAS, connection, models
from django.db.backends.utils import CursorWrapper
from django.db.models import F, Value
from django.db.models.functions import Cast
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
class PlanScope:
    """Which rows of a tracked model's history belong to a plan: those whose
    ``field_name`` holds the plan's id or, with a ``parent``, the id of a record of that
    (tracked) model that its history places in the plan."""

    field_name: str
    parent: type[models.Model] | None = None

    def condition(self, history_model: type[models.Model]) -> str:
        """The SQL condition on the rows of ``history_model``'s table, with one
        parameter: the plan's id."""
        model_field = history_model._meta.get_field(self.field_name)
        if not isinstance(model_field, models.Field):
            raise TypeError(f"{history_model.__name__}.{self.field_name} is not a column")
        table = connection.ops.quote_name(history_model._meta.db_table)
        column = f"{table}.{_quoted(model_field)}"
        if self.parent is None:
            return f"{column} = %s"
        parent = _tracked[self.parent].history_model
        parent_table = connection.ops.quote_name(parent._meta.db_table)
        in_plan = _tracked[self.parent].in_plan.condition(parent)
        return f"{column} IN ({_select(f'{parent_table}.id', parent_table, in_plan)})"


def _quoted(model_field: "models.Field[Any, Any]") -> str:
    """The column of a field of a history row, quoted."""
    return connection.ops.quote_name(cast(str, model_field.column))


@dataclass(frozen=True)
class Tracked:
    model: type[models.Model]
    area: str
    in_plan: PlanScope
    subject: Callable[[Row], StrOrPromise]
    label: str | None
    m2m_fields: tuple[str, ...]
    sentence: Callable[[Row, str], str | None] | None
    history_model: type[models.Model]

    @functools.cached_property
    def kept_fields(self) -> "list[models.Field[Any, Any]]":
        """The model's fields its history keeps (its ``excluded_fields`` left out)."""
        kept = {model_field.attname for model_field in self.history_model._meta.concrete_fields}
        return [field for field in self.model._meta.concrete_fields if field.attname in kept]

    @functools.cached_property
    def relations(self) -> "list[tuple[str, type[models.Model]]]":
        """(field, model named) of the relations its history keeps."""
        return [
            (model_field.attname, model_field.related_model)
            for model_field in self.kept_fields
            if isinstance(model_field.related_model, type)
        ]

    @functools.cached_property
    def history_fields(self) -> "list[tuple[str, models.Field[Any, Any] | None]]":
        """(name, field) of each field of a history row, the field where a value read
        as JSON needs converting (None where it is as read)."""
        return [
            (model_field.attname, model_field if _converted(model_field) else None)
            for model_field in self.history_model._meta.concrete_fields
        ]


_tracked: dict[type[models.Model], Tracked] = {}
_labels: dict[type[models.Model], str] = {}
_area_names: dict[str, StrOrPromise] = {}
_actor_labellers: list[Callable[[ActionPlan, set[int]], dict[int, str]]] = []


def track(
    model: type[models.Model],
    *,
    area: str,
    in_plan: PlanScope,
    subject: Callable[[Row], StrOrPromise],
    label: str | None = None,
    m2m_fields: tuple[str, ...] = (),
    sentence: Callable[[Row, str], str | None] | None = None,
) -> None:
    """Put ``model``'s history rows into the history of the plan they belong to.

    ``in_plan`` says which of the model's history rows are a plan's (``of_plan``,
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
    _history_sql.cache_clear()
    _labels_sql.cache_clear()


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
    _labels_sql.cache_clear()


def label_actors(labeller: Callable[[ActionPlan, set[int]], dict[int, str]]) -> None:
    """``labeller(plan, user_ids)`` names authors as the plan's readers should see them
    (e.g. with the organisations through which they take part)."""
    if labeller not in _actor_labellers:
        _actor_labellers.append(labeller)


def of_plan(field_name: str = "plan_id") -> PlanScope:
    return PlanScope(field_name)


def under(parent: type[models.Model], field_name: str) -> PlanScope:
    """Children found through their parent's history, so that the history of a removed
    parent's children stays in the plan's history."""
    return PlanScope(field_name, parent)


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

    def as_sql(self, before: datetime | None) -> tuple[str, list[Any]]:
        """The filter (and ``before``, exclusive) as conditions on a history table's rows,
        each after an AND, and their parameters."""
        conditions: list[str] = []
        params: list[Any] = []
        if self.actor_id is not None:
            conditions.append(" AND history_user_id = %s")
            params.append(self.actor_id)
        for operator, moment in ((">=", self.since), ("<", self.until), ("<", before)):
            if moment is not None:
                conditions.append(f" AND history_date {operator} %s")
                params.append(connection.ops.adapt_datetimefield_value(moment))
        return "".join(conditions), params


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

    actions = {"+": _("added"), "~": _("changed"), "-": _("removed")}
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
            action=actions[row.history_type],
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
    tables = _history_sql(connection.vendor)
    if not tables:
        return []
    with connection.cursor() as cursor:
        cursor.execute(" UNION ".join(table.authors for table in tables), [plan.pk] * len(tables))
        user_ids = {user_id for (user_id,) in cursor.fetchall()}
    return sorted(_actor_names(plan, user_ids).items(), key=lambda pair: pair[1].casefold())


@dataclass(frozen=True)
class HistorySql:
    """The SQL that reads a tracked model's history table for the change log, each
    statement with one parameter, the plan's id (``rows`` ends with an IN to complete)."""

    tracked: Tracked
    authors: str  # the ids of the authors of the plan's rows
    ids: str  # (index of the table, history id, date) of the plan's rows
    rows: str  # (index, history id, the row as JSON, the version before a change as JSON)


@functools.cache
def _history_sql(vendor: str) -> tuple[HistorySql, ...]:
    """The SQL of every tracked model's history, in the order of the registry, composed
    once per process and database engine (``track`` starts again)."""
    return tuple(
        _composed(index, tracked, vendor) for index, tracked in enumerate(_tracked.values())
    )


def _composed(index: int, tracked: Tracked, vendor: str) -> HistorySql:
    """The SQL of ``tracked``'s history table, its rows marked with ``index``."""
    history_model = tracked.history_model
    table = connection.ops.quote_name(history_model._meta.db_table)
    in_plan = tracked.in_plan.condition(history_model)
    # the version before the row "h": the latest row of the same record before it
    earlier = _select(
        _as_json("p", history_model, vendor),
        f"{table} p",
        "p.id = h.id AND (p.history_date < h.history_date OR "
        "(p.history_date = h.history_date AND p.history_id < h.history_id)) "
        "ORDER BY p.history_date DESC, p.history_id DESC LIMIT 1",
    )
    return HistorySql(
        tracked=tracked,
        authors=_select("history_user_id", table, f"{in_plan} AND history_user_id IS NOT NULL"),
        ids=_select(f"{index}, history_id, history_date", table, in_plan),
        rows=_select(
            f"{index}, h.history_id, {_as_json('h', history_model, vendor)}, "
            f"CASE WHEN h.history_type = '~' THEN ({earlier}) END",
            f"{table} h",
            "h.history_id IN ",
        ),
    )


def _select(columns: str, source: str, condition: str) -> str:
    return f"SELECT {columns} FROM {source} WHERE {condition}"  # noqa: S608 - names from _meta


def _as_json(alias: str, history_model: type[models.Model], vendor: str) -> str:
    """The row ``alias`` of a history table as one JSON object of its fields (decimals as
    text, kept exact)."""
    pairs = []
    for model_field in history_model._meta.concrete_fields:
        value = f"{alias}.{_quoted(model_field)}"
        if isinstance(model_field, models.DecimalField):
            value = f"CAST({value} AS TEXT)"
        pairs.append(f"'{model_field.attname}', {value}")
    function = "JSON_BUILD_OBJECT" if vendor == "postgresql" else "JSON_OBJECT"
    return f"{function}({', '.join(pairs)})"


def _latest_rows(
    plan: ActionPlan, before: datetime | None, size: int, only: ChangeFilter
) -> tuple[Picked, Previous]:
    """The newest ``size`` rows across the tracked models, and the version before each
    changed one; rows sharing the timestamp of the last one are all kept, so that the next
    page (older than it) misses none. Three queries, however many models are tracked: the
    newest rows' ids, those tied with the last, then the rows themselves."""
    tables = [
        table
        for table in _history_sql(connection.vendor)
        if not only.area or table.tracked.area == only.area
    ]
    if not tables:
        return [], {}
    narrowed, narrowed_params = only.as_sql(before)

    def ids_where(condition: str = "") -> str:
        return " UNION ALL ".join(f"{table.ids}{narrowed}{condition}" for table in tables)

    with connection.cursor() as cursor:
        cursor.execute(
            f"{ids_where()} ORDER BY 3 DESC, 2 DESC LIMIT {int(size)}",
            [plan.pk, *narrowed_params] * len(tables),
        )
        ids = [(index, history_id, _moment(when)) for index, history_id, when in cursor]
        if len(ids) == size:  # and the rows tied with the last one
            last = connection.ops.adapt_datetimefield_value(ids[-1][2])
            cursor.execute(
                ids_where(" AND history_date = %s"),
                [plan.pk, *narrowed_params, last] * len(tables),
            )
            tied = {(index, history_id, _moment(when)) for index, history_id, when in cursor}
            ids += sorted(tied - set(ids), key=lambda item: item[1], reverse=True)
        return _rows_and_previous(cursor, ids) if ids else ([], {})


def _moment(value: datetime | str) -> datetime:
    """A history date as the cursor reads it, made aware whichever the engine."""
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment, UTC)


def _rows_and_previous(
    cursor: CursorWrapper, ids: list[tuple[int, int, datetime]]
) -> tuple[Picked, Previous]:
    """The history rows ``ids`` (index of their table, history id, date) and the version
    before each changed one, read in one query as JSON objects of their fields."""
    tables = _history_sql(connection.vendor)
    wanted: defaultdict[int, list[int]] = defaultdict(list)
    for index, history_id, _when in ids:
        wanted[index].append(history_id)
    cursor.execute(
        " UNION ALL ".join(
            f"{tables[index].rows}({', '.join(['%s'] * len(history_ids))})"
            for index, history_ids in wanted.items()
        ),
        [history_id for history_ids in wanted.values() for history_id in history_ids],
    )
    found = {}
    for index, history_id, fields, previous_fields in cursor:
        tracked = tables[index].tracked
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


def _from_json(tracked: Tracked, data: dict[str, Any] | str) -> Any:
    """The history row ``data`` (``_as_json``) as the history model's instance."""
    if isinstance(data, str):  # a backend that returns the JSON as text
        data = json.loads(data)
    values = [
        data[name] if model_field is None else _value(model_field, data[name])
        for name, model_field in tracked.history_fields
    ]
    return tracked.history_model.from_db(
        DEFAULT_DB_ALIAS, [name for name, _field in tracked.history_fields], values
    )


def _converted(model_field: "models.Field[Any, Any]") -> bool:
    """Whether a value of ``model_field`` read as JSON needs ``_value``."""
    return isinstance(
        model_field,
        models.DateField | models.DecimalField | models.UUIDField | models.BooleanField,
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
    """(tracked, many-to-many field, history id) → ids linked in that version: one query
    (a UNION ALL across the link tables), however many kinds of records have links."""
    snapshots: Snapshots = defaultdict(set)
    reads: list[tuple[Tracked, str]] = []
    queries: list[models.QuerySet[Any, Any]] = []
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
            queries.append(
                links.objects.filter(history_id__in=history_ids)
                .annotate(read=Value(len(reads)))
                .values_list("read", "history_id", f"{related}_id")
                .order_by()
            )
            reads.append((tracked, name))
    if not queries:
        return snapshots
    union = queries[0].union(*queries[1:], all=True) if len(queries) > 1 else queries[0]
    for read, history_id, linked in union:
        tracked, name = reads[read]
        snapshots[(tracked, name, history_id)].add(linked)
    return snapshots


def _names(picked: Picked, snapshots: Snapshots) -> Names:
    """Labels of every record mentioned, one or two queries per related model."""
    wanted: defaultdict[type[models.Model], set[int]] = defaultdict(set)
    for tracked, row in picked:
        for name, related in tracked.relations:
            if (value := getattr(row, name)) is not None:
                wanted[related].add(value)
    for (tracked, name, _history_id), ids in snapshots.items():
        wanted[_m2m_field(tracked.model, name).related_model] |= ids
    names = Names()
    for related, ids in wanted.items():
        if related not in _labels:  # named by its own words: the records themselves
            names.add(
                related, ((obj.pk, obj) for obj in related._default_manager.filter(pk__in=ids))
            )
    labelled = [(related, ids) for related, ids in wanted.items() if related in _labels]
    _labels_read(names, [(related, False, ids) for related, ids in labelled])
    # records removed since: named as their history last knew them
    _labels_read(
        names,
        [
            (related, True, removed)
            for related, ids in labelled
            if related in _tracked
            and (removed := {pk for pk in ids if not names.known(related, pk)})
        ],
    )
    return names


def _labels_read(names: Names, sources: list[tuple[type[models.Model], bool, set[int]]]) -> None:
    """Add to ``names`` the labels (``label_records``, ``track``'s ``label``) of the records
    of each source (model, whether from its history, their ids): all sources in one query,
    a record's latest history row read last."""
    if not sources:
        return
    parts, params = [], []
    for index, (related, from_history, ids) in enumerate(sources):
        labels, label_params = _labels_sql(related, from_history, connection.vendor)
        parts.append(
            _select(
                f'{index}, "record", "text", "latest"',
                f"({labels}) labels",
                f'"record" IN ({", ".join(["%s"] * len(ids))})',
            )
        )
        params += [*label_params, *ids]
    with connection.cursor() as cursor:
        cursor.execute(f"{' UNION ALL '.join(parts)} ORDER BY 4", params)
        for index, pk, label, _latest in cursor:
            names.add(sources[index][0], [(pk, label)])


@functools.cache
def _labels_sql(
    model: type[models.Model], from_history: bool, vendor: str
) -> tuple[str, tuple[Any, ...]]:
    """The SQL of (record id, label, its history id or 0) of every record of ``model``,
    or of every row of its history: compiled once per process and database engine
    (``track`` and ``label_records`` start it again)."""
    if from_history:
        rows = _tracked[model].history_model._default_manager.annotate(
            record=F("id"), latest=F("history_id")
        )
    else:
        rows = model._default_manager.annotate(record=F("pk"), latest=Value(0))
    labels = rows.order_by().annotate(text=Cast(_labels[model], models.TextField()))
    sql: str
    params: tuple[Any, ...]
    sql, params = labels.values_list("record", "text", "latest").query.sql_with_params()
    return sql, params


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
    concrete = {model_field.name: model_field for model_field in tracked.kept_fields}
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
