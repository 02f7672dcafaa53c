"""Reads of the plan's funding: the figures, summed in the database.

Every figure is in the plan's base currency, a SUM of the commitments' stored base
amounts (``funding.models``), so the rows of a table add up to its total. What counts:

* pledged — amounts pledged, committed or disbursed; committed — amounts committed or
  disbursed; disbursed — the amounts disbursed to date;
* gap — cost − committed, never below zero (an intervention without a cost estimate has
  no gap yet: None); over-funded — committed − cost where that is above zero;
* to local actors — the local actors' part of what is committed, and of what is
  disbursed; the localisation share divides them by committed and by disbursed.

A figure of many interventions (a target's, an organisation's, the plan's) sums the
interventions' own figures, gaps included: one intervention's surplus does not fill
another's gap. Each reader costs a fixed number of queries, however large the plan, and
reads the commitments once: summed per intervention (a GROUP BY), then those sums summed
per group in the same query (bench/funding.py prints what each query costs).
"""

from collections.abc import Iterable
from dataclasses import dataclass, fields
from decimal import Context, Decimal
from typing import Any, Generic, TypeVar

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import (
    BigIntegerField,
    Case,
    Count,
    DecimalField,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import Cast, Coalesce, Round, RowNumber
from django.utils.translation import gettext as _

from action_plans.models import ActionPlan
from funding.models import (
    COMMITTED_STAGES,
    INNOVATIVE_KINDS,
    PLEDGED_STAGES,
    CapacityNeed,
    Commitment,
    Engagement,
    FundingSource,
    LocalisationTarget,
    MobilisationStrategy,
    SourceKind,
)
from governance.models import CreditPreference, Organisation
from interventions.models import AddressedTarget, Intervention, InterventionStatus
from msd_planner.lib.money import MONEY_DIGITS, MONEY_PLACES, minor_digits, share
from targets.models import PrioritisedTarget

MONEY = DecimalField(max_digits=MONEY_DIGITS + 6, decimal_places=MONEY_PLACES)
ZERO = Decimal(0)


@dataclass(frozen=True)
class Figures:
    """The money of one intervention, or of a group of them, in the base currency."""

    cost: Decimal | None = None
    identified: Decimal = ZERO
    pledged: Decimal = ZERO
    committed: Decimal = ZERO
    disbursed: Decimal = ZERO
    to_local_actors: Decimal = ZERO
    disbursed_to_local_actors: Decimal = ZERO
    gap: Decimal | None = None
    over_funded: Decimal = ZERO

    @property
    def local_share_of_committed(self) -> Decimal | None:
        return share(self.to_local_actors, self.committed)

    @property
    def local_share_of_disbursed(self) -> Decimal | None:
        return share(self.disbursed_to_local_actors, self.disbursed)

    @classmethod
    def of(cls, row, prefix: str = "") -> "Figures":
        """From a row (a model or a dict) carrying the figures as annotations, their names
        after ``prefix`` (a sum may not take the name of the annotation it sums)."""
        get = row.get if isinstance(row, dict) else lambda name: getattr(row, name, None)
        values: dict[str, Any] = {
            field.name: _exact(get(prefix + field.name)) for field in fields(cls)
        }
        for name, value in values.items():
            if value is None and name not in ("cost", "gap"):
                values[name] = ZERO
        return cls(**values)


FIGURE_NAMES = tuple(field.name for field in fields(Figures))


def _exact(value: Decimal | None) -> Decimal | None:
    """SQLite computes sums and differences of decimals in floating point (2,500,000.00 −
    2,446,059.42 comes back 53,940.5800000001): back to the places money has. A value
    from PostgreSQL, exact, has no more places and is returned as it is."""
    if (
        isinstance(value, Decimal)
        and value.is_finite()
        and int(value.as_tuple().exponent) < -MONEY_PLACES  # an int, the value being finite
    ):
        return value.quantize(Decimal(1).scaleb(-MONEY_PLACES))
    return value


def _commitment_total(column: str, stages: Iterable[str] | None = None) -> Coalesce:
    """The sum of one base-currency column of an intervention's commitments, those at
    ``stages`` only if given (an aggregate over the joined commitments)."""
    only = Q(commitments__stage__in=stages) if stages is not None else None
    return Coalesce(Sum(f"commitments__{column}", filter=only), Value(ZERO), output_field=MONEY)


RowT = TypeVar("RowT")


def with_figures(interventions: QuerySet[Intervention, RowT]) -> QuerySet[Intervention, RowT]:
    """Interventions annotated with their ``Figures``: their commitments joined and
    summed per intervention, one pass over them (a GROUP BY, not a subquery per
    intervention and figure). One query, however many."""
    annotated = interventions.annotate(
        cost=F("estimated_cost"),
        identified=_commitment_total("base_amount", ["identified"]),
        pledged=_commitment_total("base_amount", PLEDGED_STAGES),
        committed=_commitment_total("base_amount", COMMITTED_STAGES),
        disbursed=_commitment_total("base_disbursed"),
        to_local_actors=_commitment_total("base_to_local_actors", COMMITTED_STAGES),
        disbursed_to_local_actors=_commitment_total("base_disbursed_to_local_actors"),
    )
    return annotated.annotate(
        gap=Case(
            When(estimated_cost__isnull=True, then=Value(None)),
            When(estimated_cost__gt=F("committed"), then=F("estimated_cost") - F("committed")),
            default=Value(ZERO),
            output_field=MONEY,
        ),
        over_funded=Case(
            When(
                estimated_cost__isnull=False,
                committed__gt=F("estimated_cost"),
                then=F("committed") - F("estimated_cost"),
            ),
            default=Value(ZERO),
            output_field=MONEY,
        ),
    )


FIGURE_SUMS = {
    f"total_{name}": Sum(name)
    for name in (
        "cost",
        "identified",
        "pledged",
        "committed",
        "disbursed",
        "to_local_actors",
        "disbursed_to_local_actors",
        "gap",
        "over_funded",
    )
}


def counted(interventions: QuerySet[Intervention]) -> QuerySet[Intervention]:
    """The interventions whose money counts: all but the dropped ones."""
    return interventions.exclude(status=InterventionStatus.DROPPED)


def plan_figures(plan: ActionPlan) -> Figures:
    """The whole plan's figures (one query)."""
    row = with_figures(counted(Intervention.objects.filter(plan=plan))).aggregate(**FIGURE_SUMS)
    return Figures.of(row, prefix="total_")


FIGURE_SORTS = {
    "title": ("title",),
    "cost": ("-cost", "title"),
    "committed": ("-committed", "title"),
    "gap": ("-gap", "title"),
    "lead": ("lead_organisation__name", "title"),
}


def interventions_with_figures(plan: ActionPlan, sort: str = "title") -> QuerySet[Intervention]:
    """The plan's interventions (dropped ones left out) with their figures and lead."""
    order = FIGURE_SORTS.get(sort, FIGURE_SORTS["title"])
    return (
        with_figures(counted(Intervention.objects.filter(plan=plan)))
        .select_related("lead_organisation")
        .order_by(
            *(F(name[1:]).desc(nulls_last=True) if name.startswith("-") else name for name in order)
        )
    )


def funding_rows(plan: ActionPlan) -> QuerySet[Intervention, dict[str, Any]]:
    """The rows of ``interventions_with_figures`` (by title) as plain values: the
    intervention's pk, title, status and lead's name, and its figures. For exports,
    which read thousands of rows and need no model instance (one query)."""
    return interventions_with_figures(plan).values(
        "pk", "title", "status", "lead_organisation__name", *FIGURE_NAMES
    )


def commitment_rows(plan: ActionPlan) -> QuerySet[Commitment, Any]:
    """The commitments of the plan's interventions (dropped ones left out) as plain
    values, by intervention and date: what each records as entered (amount and currency,
    disbursed to date, date), in the base currency, and its source and provider. One
    query, for the snapshot, which freezes them all."""
    return (
        Commitment.objects.filter(intervention__in=counted(Intervention.objects.filter(plan=plan)))
        .order_by("intervention__title", "intervention_id", "dated", "pk")
        .values(
            "pk",
            "intervention_id",
            "intervention__title",
            "source__name",
            "source__provider__name",
            "source__provider__acronym",
            "stage",
            "dated",
            "currency",
            "amount",
            "disbursed",
            "base_amount",
        )
    )


SubjectT = TypeVar("SubjectT")


@dataclass(frozen=True)
class Row(Generic[SubjectT]):
    """A line of a figures table: what it is about, and its figures."""

    subject: SubjectT
    figures: Figures


def _from_database(value: Decimal | float | None) -> Decimal | None:
    """A sum as the database hands it over: a Decimal from PostgreSQL; a float from
    SQLite, read to 15 significant digits as Django reads SQLite's decimals."""
    if value is None or isinstance(value, Decimal):
        return value
    return Context(prec=15).create_decimal_from_float(float(value))


def _select_around(rows: QuerySet, select: str) -> list[tuple]:
    """The rows of ``select``, SQL that reads ``{rows}``: the query of ``rows`` as the
    ORM compiles it for its database. ``select`` names the columns by their aliases (in
    lower case, unquoted: the same names on every database) and writes ``%%`` for %.

    The ORM groups a query once, and nests a grouped or windowed query only under
    ``aggregate()``, into one row: the sums per group of such rows are written here,
    around the query the ORM compiles, as ``aggregate()`` itself does."""
    database = connections[rows.db]
    try:
        inner, params = rows.query.get_compiler(connection=database).as_sql()
    except EmptyResultSet:  # a filter on an empty list: no row, and no query
        return []
    with database.cursor() as cursor:
        cursor.execute(select.replace("{rows}", f"({inner})"), params)
        return cursor.fetchall()


def _summed_per(figures: QuerySet, group: str, join: str = "") -> dict[Any, Figures]:
    """The figures of ``figures`` (interventions as ``with_figures`` annotates them, with
    their pk as ``intervention_key``) summed per value of ``group``, an expression of
    ``figures`` or of the table that ``join`` joins to it: each group's figures are the
    sums of its interventions' own, gaps included. One query; the commitments are summed
    once, per intervention, before the join:
    SELECT group, SUM(cost), … FROM (figures per intervention) figures [join] GROUP BY group."""
    sums = ", ".join(f"SUM(figures.{figure})" for figure in FIGURE_NAMES)
    select = f"SELECT {group}, {sums} FROM {{rows}} figures {join} GROUP BY {group}"  # noqa: S608 - our names
    return {
        row[0]: Figures.of(dict(zip(FIGURE_NAMES, map(_from_database, row[1:]), strict=True)))
        for row in _select_around(figures, select)
    }


def _figures_of(plan: ActionPlan, **values: F) -> QuerySet[Intervention, Any]:
    """The plan's interventions (dropped ones left out) with their figures, as rows of
    ``intervention_key`` (the pk), ``values`` and the figures."""
    rows = counted(Intervention.objects.filter(plan=plan)).values(
        intervention_key=F("pk"), **values
    )
    return with_figures(rows).order_by()


def figures_by_target(plan: ActionPlan) -> list[Row[PrioritisedTarget]]:
    """Per prioritised target, the figures of the interventions addressing it (an
    intervention addressing two targets counts in both). Two queries."""
    link = AddressedTarget._meta
    quote = connections[Intervention.objects.db].ops.quote_name
    by_target = _summed_per(
        _figures_of(plan),
        f"addressed.{quote(link.get_field('prioritised_target').column)}",
        join=f"JOIN {quote(link.db_table)} addressed"
        f" ON addressed.{quote(link.get_field('intervention').column)} = figures.intervention_key",
    )
    targets = PrioritisedTarget.objects.filter(plan=plan, pk__in=list(by_target))
    return [
        Row(target, by_target[target.pk])
        for target in targets.select_related("target").order_by("target__position")
    ]


def figures_by_lead(plan: ActionPlan) -> list[Row[Organisation]]:
    """Per lead organisation, by name, the figures of the interventions it leads. Two
    queries."""
    by_lead = _summed_per(_figures_of(plan, lead_key=F("lead_organisation")), "figures.lead_key")
    organisations = Organisation.objects.filter(pk__in=list(by_lead)).order_by("name", "pk")
    return [Row(organisation, by_lead[organisation.pk]) for organisation in organisations]


STAGE_SUMS = {
    "identified": Sum("base_amount", filter=Q(stage="identified")),
    "pledged": Sum("base_amount", filter=Q(stage__in=PLEDGED_STAGES)),
    "committed": Sum("base_amount", filter=Q(stage__in=COMMITTED_STAGES)),
    "disbursed": Sum("base_disbursed"),
    "to_local_actors": Sum("base_to_local_actors", filter=Q(stage__in=COMMITTED_STAGES)),
    "disbursed_to_local_actors": Sum("base_disbursed_to_local_actors"),
}


def _counted_commitments(plan: ActionPlan) -> QuerySet[Commitment]:
    return Commitment.objects.filter(intervention__plan=plan).exclude(
        intervention__status=InterventionStatus.DROPPED
    )


@dataclass(frozen=True)
class KindRow:
    kind: str
    label: str
    innovative: bool
    figures: Figures


def figures_by_kind(plan: ActionPlan) -> list[KindRow]:
    """Per kind of source, what its sources pledged, committed and disbursed (one
    query); every kind with money, in the order of the list of kinds."""
    rows = {
        row["source__kind"]: Figures.of(row)
        for row in _counted_commitments(plan)
        .values("source__kind")
        .annotate(**STAGE_SUMS)
        .order_by()
    }
    return [
        KindRow(kind.value, str(kind.label), kind in INNOVATIVE_KINDS, rows[kind.value])
        for kind in SourceKind
        if kind.value in rows
    ]


def all_sources() -> QuerySet[FundingSource]:
    """Every funding source; the access helper narrows them to one plan's."""
    return FundingSource.objects.all()


def sources_with(sources: QuerySet[FundingSource], current_id: int) -> QuerySet[FundingSource]:
    """``sources``, and the source ``current_id`` though they leave it out (a form shows
    the record as it is), each once."""
    return (sources | FundingSource.objects.filter(pk=current_id)).distinct()


def no_sources_in(sources: QuerySet[FundingSource]) -> bool:
    """Whether ``sources`` (those a user may record commitments of) is empty: the page
    then says to add a source first (one query)."""
    return not sources.exists()


def sources_with_figures(plan: ActionPlan) -> list[Row]:
    """The plan's sources with their provider, the number of commitments using each, and
    what each pledged, committed and disbursed (two queries)."""
    sums = {
        row["source"]: Figures.of(row)
        for row in _counted_commitments(plan).values("source").annotate(**STAGE_SUMS).order_by()
    }
    sources = (
        FundingSource.objects.filter(plan=plan)
        .select_related("provider")
        .annotate(commitment_count=Count("commitments"))
        .order_by("name")
    )
    return [Row(source, sums.get(source.pk, Figures())) for source in sources]


# --- local actors ------------------------------------------------------------------------


@dataclass(frozen=True)
class LocalRecipient:
    """A local actor receiving funds, as it wishes to be credited: ``name`` None when it
    asked not to be named (its money still counts in the share)."""

    name: str | None
    description: str
    committed: Decimal


def local_recipients(plan: ActionPlan) -> tuple[list[LocalRecipient], Decimal]:
    """The local actors that receive committed funds, credited as each wishes: named,
    anonymous (described by who leads it), or not shown; and the committed amount that
    reaches local actors not shown. A commitment's local part is split evenly between
    its recipients, in the base currency's minor unit, so the amounts add up to the
    local part to the cent (``msd_planner.lib.money.split_evenly``: the units left over
    go one each to the first recipients, in the order of their ids turned by the
    commitment's id modulo their number, so that they go to a different actor from one
    commitment to the next). Summed per actor in the database. Two queries."""
    digits = minor_digits(plan.base_currency)
    links = (
        Commitment.local_actors.through.objects.filter(
            commitment__in=_counted_commitments(plan).filter(
                stage__in=COMMITTED_STAGES, base_to_local_actors__gt=0
            )
        )
        .values(
            actor=F("organisation_id"),
            commitment_key=F("commitment_id"),
            # the local part in minor units (the stored base amounts are in them already)
            units=Cast(
                Round(F("commitment__base_to_local_actors") * Value(Decimal(10**digits))),
                BigIntegerField(),
            ),
            recipients=Window(Count("pk"), partition_by=[F("commitment_id")]),
            place=Window(
                RowNumber(), partition_by=[F("commitment_id")], order_by=F("organisation_id").asc()
            ),
        )
        .order_by()
    )
    units_per_actor = _select_around(
        links,
        "SELECT actor, SUM(units / recipients + CASE"
        " WHEN (place - 1 - commitment_key %% recipients + recipients) %% recipients"
        " < units %% recipients THEN 1 ELSE 0 END)"
        " FROM {rows} links GROUP BY actor",
    )
    actors = Organisation.objects.in_bulk([actor for actor, _units in units_per_actor])
    per_actor = {
        actors[actor]: Decimal(int(units)).scaleb(-digits) for actor, units in units_per_actor
    }
    shown, hidden = [], ZERO
    for actor, amount in sorted(per_actor.items(), key=lambda item: (-item[1], item[0].name)):
        if actor.credit_preference == CreditPreference.NOT_CREDITED:
            hidden += amount
            continue
        description = ", ".join(
            [
                str(actor.get_type_display()),
                *(_("led by %(who)s") % {"who": who} for who in actor.leadership),
            ]
        )
        name = str(actor) if actor.credit_preference == CreditPreference.BY_NAME else None
        shown.append(LocalRecipient(name, description, amount))
    return shown, hidden


# --- the overview ---------------------------------------------------------------------------


@dataclass(frozen=True)
class OverviewFigures:
    """What the funding overview shows of the plan's money."""

    figures: Figures
    by_target: list[Row[PrioritisedTarget]]
    by_kind: list[KindRow]
    by_lead: list[Row[Organisation]]
    recipients: list[LocalRecipient]
    not_shown: Decimal  # committed to local actors who asked not to be credited


def overview_figures(plan: ActionPlan) -> OverviewFigures:
    """The funding overview's figures: a function of the plan's content alone, so that
    they may be kept while it does not change. Eight queries, however large the plan."""
    recipients, not_shown = local_recipients(plan)
    return OverviewFigures(
        figures=plan_figures(plan),
        by_target=figures_by_target(plan),
        by_kind=figures_by_kind(plan),
        by_lead=figures_by_lead(plan),
        recipients=recipients,
        not_shown=not_shown,
    )


# --- the resource mobilisation plan ---------------------------------------------------------


def interventions_needing_funds(plan: ActionPlan) -> QuerySet[Intervention]:
    """Interventions with a gap, the largest first, with their strategy and the partners
    to approach (three queries, however many)."""
    return (
        interventions_with_figures(plan, sort="gap")
        .filter(gap__gt=0)  # type: ignore[misc]  # an annotation of interventions_with_figures
        .select_related("mobilisation_strategy")
        .prefetch_related("mobilisation_strategy__partners_to_approach")
    )


def interventions_lacking_strategy(plan: ActionPlan, *, named: int) -> tuple[int, list[str]]:
    """How many interventions have a gap and no mobilisation strategy (none written, or
    written empty), and the titles of the first ``named``, the largest gap first. Two
    queries."""
    lacking = (
        interventions_with_figures(plan, sort="gap")
        .filter(gap__gt=0)  # type: ignore[misc]  # an annotation of interventions_with_figures
        .filter(Q(mobilisation_strategy__isnull=True) | Q(mobilisation_strategy__strategy=""))
    )
    return lacking.count(), list(lacking.values_list("title", flat=True)[:named])


def strategy_of(intervention: Intervention) -> MobilisationStrategy | None:
    try:
        return intervention.mobilisation_strategy
    except MobilisationStrategy.DoesNotExist:
        return None


def partners_to_approach(strategy: MobilisationStrategy | None) -> list[Organisation]:
    """The funding partners a strategy names (none without a strategy)."""
    return list(strategy.partners_to_approach.all()) if strategy else []


def partner_ids_to_approach(strategy: MobilisationStrategy) -> list[int]:
    """The ids of the partners a strategy names (none for one not saved yet)."""
    return list(strategy.partners_to_approach.values_list("pk", flat=True)) if strategy.pk else []


def plan_engagements(plan: ActionPlan) -> QuerySet[Engagement]:
    return (
        Engagement.objects.filter(plan=plan)
        .select_related("partner", "consultation", "recorded_by")
        .prefetch_related("interventions")
    )


def latest_engagements(plan: ActionPlan, *, count: int) -> QuerySet[Engagement]:
    """The plan's ``count`` latest engagements with funding partners."""
    return plan_engagements(plan)[:count]


def engagements_with_partner() -> QuerySet[Engagement]:
    """Engagements with their partner; the access helper narrows them to one plan's."""
    return Engagement.objects.select_related("partner")


def interventions_for_funding() -> QuerySet[Intervention]:
    """Interventions as their funding pages fetch them: with their lead (whose
    organisation owns them) and plan; the access helper narrows them to one plan's."""
    return Intervention.objects.select_related("lead_organisation", "plan")


def intervention_commitments(intervention: Intervention | int) -> QuerySet[Commitment]:
    """An intervention's commitments (``intervention`` or its id), with their source,
    provider and local actors."""
    return Commitment.objects.filter(intervention=intervention).in_detail()


def local_actors_of(plan: ActionPlan) -> QuerySet[Organisation]:
    """The local actors taking part in the plan, by name: those a commitment's local
    part may go to."""
    return Organisation.objects.filter(participations__plan=plan, is_local_actor=True).order_by(
        "name"
    )


def intervention_figures(intervention: Intervention) -> Figures:
    return Figures.of(with_figures(Intervention.objects.filter(pk=intervention.pk)).get())


def addressed_target_codes(plan: ActionPlan) -> dict[int, list[str]]:
    """Intervention → the codes of the targets it addresses (one query)."""
    codes: dict[int, list[str]] = {}
    for intervention_id, code in (
        AddressedTarget.objects.filter(intervention__plan=plan)
        .order_by("prioritised_target__target__position")
        .values_list("intervention_id", "prioritised_target__target__code")
    ):
        codes.setdefault(intervention_id, []).append(code)
    return codes


# --- the localisation target ---------------------------------------------------------------

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class LocalTargets:
    """The plan's target shares of funds to local actors, as fractions like the shares
    they are held against (None: no target set)."""

    of_committed: Decimal | None = None
    of_disbursed: Decimal | None = None

    @classmethod
    def of(cls, target: LocalisationTarget | None) -> "LocalTargets":
        if target is None:
            return cls()
        return cls(
            of_committed=None if target.of_committed is None else target.of_committed / HUNDRED,
            of_disbursed=None if target.of_disbursed is None else target.of_disbursed / HUNDRED,
        )


def localisation_target_of(plan: ActionPlan) -> LocalisationTarget | None:
    """The plan's localisation target, None until one is set (one query)."""
    return LocalisationTarget.objects.filter(plan=plan).first()


def localisation_targets(plan: ActionPlan) -> LocalTargets:
    """The plan's target shares to local actors, as fractions (one query)."""
    return LocalTargets.of(localisation_target_of(plan))


# --- capacity-strengthening needs of local actors ----------------------------------------

NEEDS_UNMET, NEEDS_MET, NEEDS_ALL = "unmet", "met", "all"


def _addressed() -> Exists:
    """Whether a need is met: an intervention that is not dropped addresses it."""
    return Exists(
        CapacityNeed.addressed_by.through.objects.filter(capacityneed=OuterRef("pk")).exclude(
            intervention__status=InterventionStatus.DROPPED
        )
    )


def capacity_needs(plan: ActionPlan, shown: str = NEEDS_ALL) -> QuerySet[CapacityNeed]:
    """The plan's capacity-strengthening needs, the soonest needed first, with their
    organisation, who recorded them and the interventions addressing them: ``shown``
    narrows them to the met (addressed by at least one intervention) or the unmet."""
    needs = (
        CapacityNeed.objects.filter(plan=plan)
        .annotate(met=_addressed())
        .select_related("organisation", "created_by")
        .prefetch_related(Prefetch("addressed_by", queryset=Intervention.objects.order_by("title")))
        .order_by("by_when", "organisation__name", "pk")
    )
    if shown == NEEDS_MET:
        return needs.filter(met=True)
    if shown == NEEDS_UNMET:
        return needs.filter(met=False)
    return needs


@dataclass(frozen=True)
class NeedCounts:
    met: int
    unmet: int

    @property
    def all(self) -> int:
        return self.met + self.unmet


def capacity_need_counts(plan: ActionPlan) -> NeedCounts:
    """How many of the plan's needs are met and unmet (one query)."""
    needs = CapacityNeed.objects.filter(plan=plan)
    counts = needs.aggregate(
        met=Count("pk", filter=_addressed()), unmet=Count("pk", filter=~_addressed())
    )
    return NeedCounts(met=counts["met"], unmet=counts["unmet"])


def needs_with_organisation() -> QuerySet[CapacityNeed]:
    """Needs with their organisation; the access helper narrows them to one plan's."""
    return CapacityNeed.objects.select_related("organisation")


def interventions_for_addressing(plan: ActionPlan) -> QuerySet[Intervention]:
    """The interventions a need may be addressed by: the plan's, by title."""
    return Intervention.objects.filter(plan=plan).order_by("title")
