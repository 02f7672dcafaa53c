"""The large plan the benches measure, built at the size each one asks for.

``large_plan_build(size=PlanSize(...))`` builds, in a database the bench has set up:

* the plan (national, Ghana, 2025–2030, GHS) with a single lead body and its
  participating organisations; the lead body's coordinator and editor (the users the
  benches sign in as) and, if asked, members of every organisation (a coordinator, an
  editor, a signatory);
* prioritised targets (migration-relevant, in official order), scored on the default
  criteria if asked, and existing frameworks, each assessed against every target;
* interventions, each addressing one or two targets with two partners and two
  beneficiary groups, each with indicators (target values for 2027 and 2029) and their
  progress;
* funding: sources in four currencies, local actors taking part, commitments at every
  stage (a fifth with a part for local actors; every tenth intervention has none, its
  whole cost a gap), a mobilisation strategy for every third intervention and the log of
  engagements with funding partners.

Everything is valid: what the services would accept from the plan's coordinator. The
plan's frame (organisations, governance, members, targets, scores, frameworks, sources,
local actors) goes through the services. The many records (interventions and what hangs
off them, commitments, strategies, engagements) would take minutes that way, so each
one's values are first checked by the service's own check (``intervention_problems``,
``indicator_problems``, ``progress_problems``, ``commitment_problems`` with
``base_amounts``, ``engagement_problems``); every SERVICE_EVERY-th is then saved by the
service itself (its history row included) and read back, to show that the service stores
the values as given, and the others are written in bulk with the same values (no history
rows). Dates the services bound by today (progress, engagements) are in 2025.

Import this module after ``django.setup()``. On PostgreSQL the build ends with ANALYZE,
so that the planner has statistics (autovacuum is off in a test database).
"""

import time
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal

from django.db import connection
from django.db.models import Model
from django.utils import timezone

from action_plans.models import ActionPlan, PlanVersion
from action_plans.services import plan_create
from action_plans.snapshot import build_snapshot, snapshot_freeze
from funding.models import Commitment, Engagement, FundingSource, MobilisationStrategy
from funding.services import (
    ENGAGEMENT_FIELDS,
    base_amounts,
    commitment_create,
    commitment_problems,
    engagement_create,
    engagement_problems,
    source_create,
    strategy_save,
)
from governance.models import CreditPreference, LeadModel, Organisation, Role, User
from governance.services.lead_arrangement import LeadArrangementData, lead_arrangement_set
from governance.services.memberships import membership_set
from governance.services.organisations import organisation_create
from governance.services.participations import participation_add
from interventions.models import (
    AddressedTarget,
    Beneficiaries,
    BeneficiaryGroup,
    Intervention,
    InterventionLevel,
    Partner,
    PartnerRole,
    Progress,
    ProgressStatus,
    ResultIndicator,
    Sector,
    TargetValue,
    quarter_of,
)
from interventions.services import (
    INDICATOR_FIELDS,
    INTERVENTION_FIELDS,
    Links,
    indicator_create,
    indicator_problems,
    intervention_create,
    intervention_problems,
    progress_problems,
    progress_submit,
)
from targets.models import Coherence, Framework, MigrationRelevance, PrioritisedTarget, Target
from targets.services import (
    catalogue_load,
    framework_assessments_set,
    framework_create,
    prioritised_target_add,
    target_scores_set,
)

PASSWORD = "bench-password-2030"  # noqa: S105 - every member's, in a throw-away database
# Every SERVICE_EVERY-th record of each kind written in bulk is saved by its service.
SERVICE_EVERY = 10
# The roles of an organisation's members, in the order ``PlanSize.members_each`` takes them.
ROLES = (Role.COORDINATOR, Role.EDITOR, Role.SIGNATORY)
CENT = Decimal("0.01")
# Rates of 1 unit in GHS at the start of 2026; each month adds a little.
RATES = {"EUR": Decimal("16.50"), "USD": Decimal("15.20"), "GBP": Decimal("19.30")}
# Name, kind, currency; the providers are the plan's organisations, in turn.
SOURCES = [
    ("Budget line: migration management", "national_budget", "GHS"),
    ("Budget line: labour migration", "national_budget", "GHS"),
    ("Budget line: statistics", "national_budget", "GHS"),
    ("Budget line: social protection", "national_budget", "GHS"),
    ("Remittance-matching scheme", "remittance_scheme", "GHS"),
    ("Partner migration fund (EUR)", "partner_migration_fund", "EUR"),
    ("Multilateral fund", "multilateral_fund", "EUR"),
    ("Joint SDG Fund – country window", "sdg_fund", "USD"),
    ("Diaspora foundation", "diaspora_foundation", "USD"),
    ("Diaspora bond", "diaspora_bond", "USD"),
    ("Partner migration fund (GBP)", "partner_migration_fund", "GBP"),
    ("Diaspora initiative", "diaspora_initiative", "GBP"),
]
STAGES = ["identified"] * 2 + ["pledged"] * 2 + ["committed"] * 3 + ["disbursed"] * 3
ENGAGEMENT_KINDS = ["bilateral_meeting", "proposal_sent", "other"]


class BuildRefused(Exception):
    """The builder made a record the services would refuse: the bench would measure a
    plan no user could have."""


@dataclass(frozen=True)
class PlanSize:
    """How much the plan holds. The defaults are the large plan of the funding, versions
    and PDF benches; the others change some counts (``dataclasses.replace``)."""

    organisations: int = 80  # taking part, the lead body first
    members_each: int = 0  # of ROLES, in order; the lead body has two at least
    signatures_required: bool = False  # of every participant
    targets: int = 40  # prioritised, at most the catalogue's migration-relevant ones
    scored: bool = False  # each target on every default criterion
    frameworks: int = 0  # each assessed against every prioritised target
    interventions: int = 300
    indicators_each: int = 3
    progress_each: int = 4  # quarters, up to the end of 2025
    strategy_every: int = 3  # one intervention in so many has a mobilisation strategy (0: none)
    sources: int = len(SOURCES)  # of SOURCES, in order
    local_actors: int = 6
    commitments: int = 1000
    engagements: int = 40

    def __post_init__(self):
        if self.organisations < 3:
            raise ValueError("an intervention needs a lead and two other partners: 3 at least")
        if self.interventions and not self.targets:
            raise ValueError("an intervention addresses a prioritised target: targets ≥ 1")
        if self.commitments and not (self.interventions and self.sources):
            raise ValueError("commitments need interventions and sources")
        if not 0 <= self.sources <= len(SOURCES):
            raise ValueError(f"sources: 0 to {len(SOURCES)}")

    def scaled(self, factor: float) -> "PlanSize":
        """This size with its counts of records times ``factor``; each record's own shape
        (members, indicators, progress) and the sources and local actors are kept."""

        def times(count: int, least: int) -> int:
            return max(least, round(count * factor)) if count else 0

        return replace(
            self,
            organisations=times(self.organisations, 3),
            targets=times(self.targets, 2),
            frameworks=times(self.frameworks, 1),
            interventions=times(self.interventions, 1),
            commitments=times(self.commitments, 1),
            engagements=times(self.engagements, 1),
        )


@dataclass
class LargePlan:
    """What was built, for the benches to open and to report."""

    plan: ActionPlan
    users: dict[str, User]  # "coordinator", "editor": members of the lead body
    organisations: list[Organisation]  # taking part, the lead body first
    prioritised: list[PrioritisedTarget]
    interventions: list[Intervention]  # in the order they were made
    counts: dict[str, int] = field(default_factory=dict)  # records of each kind

    @property
    def coordinator(self) -> User:
        return self.users["coordinator"]

    def summary(self) -> str:
        """The counts that are not zero: "80 organisations, 2 members, …"."""
        return ", ".join(f"{count:,} {what}" for what, count in self.counts.items() if count)


def _refuse(problems: dict, what: str) -> None:
    if problems:
        raise BuildRefused(f"{what} would be refused: {problems}")


def _stored_as_given(record: Model, values: dict, what: str) -> None:
    """Read ``record`` back: the service stored ``values`` as given, so the records
    written in bulk with such values are what it would have written."""
    fresh = type(record).objects.get(pk=record.pk)
    for name, value in values.items():
        if getattr(fresh, name) != value:
            raise BuildRefused(
                f"{what}: the service stored {name}={getattr(fresh, name)!r}, not {value!r}"
            )


def _text(sentence: str, times: int) -> str:
    # As a form hands it over: stripped.
    return " ".join([sentence] * times)


def large_plan_build(*, size: PlanSize) -> LargePlan:
    """Build a plan of ``size`` (see the module's docstring), valid throughout."""
    catalogue_load()
    admin = User.objects.create(
        username="bench-admin", email="admin@bench.example", is_superuser=True
    )
    plan = plan_create(
        actor=admin,
        plan=ActionPlan(
            title="Large plan",
            country="GH",
            level="national",
            area_name="Ghana",
            period_start_year=2025,
            period_end_year=2030,
            base_currency="GHS",
        ),
    )
    organisations = _governance(plan, admin, size)
    users, members = _members(admin, organisations, size)
    large = LargePlan(plan, users, organisations, prioritised=[], interventions=[])
    large.counts |= {"organisations": len(organisations), "members": members}
    _targets(large, size)
    _interventions(large, size)
    _funding(large, size)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return large


@dataclass
class FrozenVersion:
    version: PlanVersion
    content: dict  # its snapshot
    build_seconds: float  # what ``build_snapshot`` took


def version_freeze(*, plan: ActionPlan) -> FrozenVersion:
    """Freeze the plan as version 1.0 with its snapshot, built by ``build_snapshot`` as
    submission builds it (without submission's readiness checks and jobs); the version
    is withdrawn, so the plan stays a draft."""
    version = PlanVersion.objects.create(
        plan=plan, major=1, minor=0, status="withdrawn", submitted_at=timezone.now()
    )
    started = time.perf_counter()
    content = build_snapshot(plan)
    build_seconds = time.perf_counter() - started
    snapshot_freeze(version=version, content=content)
    return FrozenVersion(version, content, build_seconds)


# --- governance ----------------------------------------------------------------------------


def _governance(plan: ActionPlan, admin: User, size: PlanSize) -> list[Organisation]:
    """The organisations, the first the single lead body, the others participants."""
    organisations = [
        organisation_create(
            actor=admin,
            organisation=Organisation(
                name=f"Organisation {n}", acronym=f"O{n}", type="ministry", level="national"
            ),
        )
        for n in range(size.organisations)
    ]
    lead_arrangement_set(
        actor=admin,
        plan=plan,
        expected_version=0,
        data=LeadArrangementData(model=LeadModel.SINGLE, leads=[organisations[0]]),
    )
    for organisation in organisations[1:]:
        participation_add(
            actor=admin,
            plan=plan,
            organisation=organisation,
            signatory_required=size.signatures_required,
        )
    return organisations


def _members(
    admin: User, organisations: list[Organisation], size: PlanSize
) -> tuple[dict[str, User], int]:
    """Each organisation's members; the lead body's are ``bench-<role>``, the others'
    ``bench-<role>-<n>``, all with PASSWORD. Returns the lead body's by role, and how
    many there are in all."""
    users, count = {}, 0
    for index, organisation in enumerate(organisations):
        roles = ROLES[: max(2, size.members_each)] if index == 0 else ROLES[: size.members_each]
        for role in roles:
            username = f"bench-{role}" if index == 0 else f"bench-{role}-{index}"
            user = User(username=username, email=f"{username}@bench.example")
            user.set_password(PASSWORD)
            user.save()
            membership_set(actor=admin, user=user, organisation=organisation, role=role)
            count += 1
            if index == 0:
                users[str(role)] = user
    return users, count


# --- targets and frameworks ------------------------------------------------------------------


def _targets(large: LargePlan, size: PlanSize) -> None:
    coordinator, plan = large.coordinator, large.plan
    targets = (
        Target.objects.exclude(migration_relevance=MigrationRelevance.NONE)
        .prefetch_related("indicators")
        .order_by("position")[: size.targets]
    )
    for target in targets:
        item = prioritised_target_add(actor=coordinator, plan=plan, target=target, rationale="r")
        if size.scored:
            item = target_scores_set(
                actor=coordinator,
                prioritised_target=item,
                expected_version=item.version,
                scores={
                    criterion.id: 1 + (target.position + criterion.id) % 5
                    for criterion in plan.scoring_criteria.all()
                },
            )
        large.prioritised.append(item)
    for index in range(size.frameworks):
        framework = framework_create(
            actor=coordinator,
            plan=plan,
            framework=Framework(
                plan=plan, name=f"Framework {index}", kind="plan", level="national"
            ),
        )
        framework_assessments_set(
            actor=coordinator,
            framework=framework,
            expected_version=framework.version,
            assessments={
                item.id: (Coherence.values[(index + item.id) % 4], "note")
                for item in large.prioritised
            },
        )
    large.counts["prioritised targets"] = len(large.prioritised)
    large.counts["frameworks"] = size.frameworks


# --- interventions and their results -------------------------------------------------------


def _intervention(large: LargePlan, n: int) -> tuple[Intervention, Links]:
    """Intervention ``n`` and its links, as the intervention form hands them over."""
    organisations, prioritised = large.organisations, large.prioritised
    lead = n % len(organisations)
    levels, sectors, groups = InterventionLevel.values, Sector.values, BeneficiaryGroup.values
    chosen = dict.fromkeys(
        [prioritised[n % len(prioritised)], prioritised[(n * 7 + 3) % len(prioritised)]]
    )
    intervention = Intervention(
        plan=large.plan,
        title=f"Intervention {n:03d}",
        level=levels[n % len(levels)],
        sector=sectors[n % len(sectors)],
        description=_text("What it is.", 20),
        design=_text("How it works.", 20),
        lead_organisation=organisations[lead],
        start_date=date(2026, 1, 1),
        end_date=date(2029, 12, 31),
        estimated_cost=Decimal(100000 + 1000 * n),
        status="proposed" if n % 3 else "in_plan",
    )
    links = Links(
        targets={item.pk: "" for item in chosen},
        partners={
            organisations[(lead + step) % len(organisations)].pk: PartnerRole.values[step]
            for step in (1, 2)
        },
        beneficiaries={groups[(n + step) % len(groups)]: 1000 * (step + 1) for step in (0, 1)},
    )
    return intervention, links


def _interventions(large: LargePlan, size: PlanSize) -> None:
    """The interventions with their links, then their indicators, then the progress."""
    in_bulk: list[tuple[Intervention, Links]] = []
    for n in range(size.interventions):
        intervention, links = _intervention(large, n)
        values = {name: getattr(intervention, name) for name in INTERVENTION_FIELDS}
        _refuse(intervention_problems(large.plan, values, links), f"intervention {n}")
        if n % SERVICE_EVERY == 0:
            intervention_create(
                actor=large.coordinator, plan=large.plan, intervention=intervention, links=links
            )
            _stored_as_given(intervention, values, f"intervention {n}")
        else:
            in_bulk.append((intervention, links))
        large.interventions.append(intervention)
    Intervention.objects.bulk_create(intervention for intervention, _links in in_bulk)
    AddressedTarget.objects.bulk_create(
        AddressedTarget(intervention=item, prioritised_target_id=pk, contribution=note)
        for item, links in in_bulk
        for pk, note in links.targets.items()
    )
    Partner.objects.bulk_create(
        Partner(intervention=item, organisation_id=pk, role=role)
        for item, links in in_bulk
        for pk, role in links.partners.items()
    )
    Beneficiaries.objects.bulk_create(
        Beneficiaries(intervention=item, group=group, estimated_number=number)
        for item, links in in_bulk
        for group, number in links.beneficiaries.items()
    )
    indicators = _indicators(large, size)
    progress = _progress(large, indicators, size)
    large.counts |= {
        "interventions": len(large.interventions),
        "indicators": len(indicators),
        "progress values": progress,
    }


def _indicator(large: LargePlan, n: int, intervention: Intervention, index: int):
    """Indicator ``index`` of intervention ``n``: the first measures its first target by
    one of that target's SDG indicators, the others are national."""
    first_target = large.prioritised[n % len(large.prioritised)].target
    sdg = next(iter(first_target.indicators.all()), None) if index == 0 else None
    indicator = ResultIndicator(
        intervention=intervention,
        sdg_indicator=sdg,
        name="" if sdg else f"National indicator {index}",
        unit="%",
        baseline_value=Decimal("10"),
        baseline_year=2024,
        baseline_source="Survey",
    )
    return indicator, {2027: Decimal(20), 2029: Decimal(22)}


def _indicators(large: LargePlan, size: PlanSize) -> list[ResultIndicator]:
    indicators, in_bulk = [], []
    for n, intervention in enumerate(large.interventions):
        for index in range(size.indicators_each):
            indicator, target_values = _indicator(large, n, intervention, index)
            values = {name: getattr(indicator, name) for name in INDICATOR_FIELDS}
            what = f"indicator {index} of intervention {n}"
            _refuse(indicator_problems(intervention, values, target_values), what)
            if len(indicators) % SERVICE_EVERY == 0:
                indicator_create(
                    actor=large.coordinator,
                    intervention=intervention,
                    indicator=indicator,
                    target_values=target_values,
                )
                _stored_as_given(indicator, values, what)
            else:
                in_bulk.append((indicator, target_values))
            indicators.append(indicator)
    ResultIndicator.objects.bulk_create(indicator for indicator, _values in in_bulk)
    TargetValue.objects.bulk_create(
        TargetValue(indicator=indicator, year=year, value=value)
        for indicator, target_values in in_bulk
        for year, value in target_values.items()
    )
    return indicators


def _quarter_end(quarters_before: int) -> date:
    """The last day of the quarter ``quarters_before`` quarters before the last of 2025."""
    quarter = 2025 * 4 + 3 - quarters_before
    month, day = ((3, 31), (6, 30), (9, 30), (12, 31))[quarter % 4]
    return date(quarter // 4, month, day)


def _progress(large: LargePlan, indicators: list[ResultIndicator], size: PlanSize) -> int:
    """Each indicator's progress, one value a quarter; returns how many."""
    in_bulk, count = [], 0
    for indicator in indicators:
        for period in range(size.progress_each):
            measured_on = _quarter_end(size.progress_each - 1 - period)
            values = {"measured_on": measured_on, "value": Decimal(11 + period), "source": "Survey"}
            _refuse(
                progress_problems(measured_on=measured_on, source=values["source"]),
                f"progress {count}",
            )
            if count % SERVICE_EVERY == 0:
                # submitted through the service: it waits for review, as a new value does
                progress = progress_submit(actor=large.coordinator, indicator=indicator, **values)
                _stored_as_given(progress, values, f"progress {count}")
            else:
                year, quarter = quarter_of(measured_on)
                in_bulk.append(
                    Progress(
                        indicator=indicator,
                        submitted_by=large.coordinator,
                        reviewed_by=large.coordinator,
                        status=ProgressStatus.APPROVED,
                        period_year=year,
                        period_quarter=quarter,
                        **values,
                    )
                )
            count += 1
    Progress.objects.bulk_create(in_bulk)
    return count


# --- funding -------------------------------------------------------------------------------


def _funding(large: LargePlan, size: PlanSize) -> None:
    coordinator, plan, organisations = large.coordinator, large.plan, large.organisations
    sources = [
        source_create(
            actor=coordinator,
            plan=plan,
            source=FundingSource(
                name=name,
                provider=organisations[index % len(organisations)],
                kind=kind,
                currency=currency,
            ),
        )
        for index, (name, kind, currency) in enumerate(SOURCES[: size.sources])
    ]
    local_actors = _local_actors(coordinator, plan, size.local_actors)
    commitments, local_parts = _commitments(large, sources, local_actors, size.commitments)
    # The partners approached and met: the providers of the sources.
    partners = organisations[: len(SOURCES)]
    large.counts |= {
        "sources": len(sources),
        "local actors": len(local_actors),
        "commitments": commitments,
        "with a local part": local_parts,
        "strategies": _strategies(large, partners, size.strategy_every),
        "engagements": _engagements(large, partners, size.engagements),
    }


def _local_actors(coordinator: User, plan: ActionPlan, count: int) -> list[Organisation]:
    preferences = CreditPreference.values
    local_actors = []
    for n in range(count):
        organisation = organisation_create(
            actor=coordinator,
            organisation=Organisation(
                name=f"Local association {n}",
                acronym=f"LA{n}",
                type="civil_society" if n % 2 else "migrant_led",
                level="local",
                country="GH",
                is_local_actor=True,
                led_by_women=n % 2 == 1,
                led_by_migrants=n % 2 == 0,
                credit_preference=preferences[n % len(preferences)],
            ),
        )
        participation_add(
            actor=coordinator, plan=plan, organisation=organisation, signatory_required=False
        )
        local_actors.append(organisation)
    return local_actors


def _commitment_values(number: int, sources: list, local_actors: list) -> dict:
    """The values of commitment ``number``, as the commitment form hands them to the
    service (normalised: no rate in the base currency, no channel without a local part)."""
    source = sources[(number * 7) % len(sources)]
    currency = source.currency
    dated = date(2025 + (number % 2), 1 + number % 12, 1 + number % 28)
    rate = None if currency == "GHS" else RATES[currency] + Decimal(dated.month) / 100
    about = Decimal(8000 + (number * 7919) % 70000)  # in GHS
    amount = (about if rate is None else about / rate).quantize(CENT, ROUND_HALF_EVEN)
    stage = STAGES[number % len(STAGES)]
    disbursed = Decimal(0)
    if stage == "disbursed":
        disbursed = (amount * Decimal(30 + number % 71) / 100).quantize(CENT, ROUND_HALF_EVEN)
    receivers = []
    if number % 5 == 0 and local_actors:
        receivers = list(
            dict.fromkeys(
                local_actors[(number + step) % len(local_actors)]
                for step in ((0, 1) if number % 10 == 0 else (0,))
            )
        )
    to_local = (amount / 4).quantize(CENT, ROUND_HALF_EVEN) if receivers else Decimal(0)
    return {
        "source": source,
        "stage": stage,
        "amount": amount,
        "currency": currency,
        "exchange_rate": rate,
        "rate_date": dated if rate is not None else None,
        "disbursed": disbursed,
        "dated": dated,
        "to_local_actors": to_local,
        "local_channel": ("direct" if number % 2 else "intermediary") if receivers else "",
        "local_actors": receivers,
        "notes": "",
    }


def _commitments(large: LargePlan, sources: list, local_actors: list, count: int):
    """``count`` commitments; returns how many, and how many with a part for local actors."""
    plan = large.plan
    funded = [item for n, item in enumerate(large.interventions) if n % 10 != 9]
    in_bulk, local_parts = [], 0
    for number in range(count):
        intervention = funded[number % len(funded)]
        values = _commitment_values(number, sources, local_actors)
        _refuse(commitment_problems(plan, intervention, values), f"commitment {number}")
        fields = {name: value for name, value in values.items() if name != "local_actors"}
        amounts = base_amounts(plan, values)
        local_parts += bool(values["local_actors"])
        if number % SERVICE_EVERY == 0:
            commitment = commitment_create(
                actor=large.coordinator,
                intervention=intervention,
                commitment=Commitment(**fields),
                local_actors=values["local_actors"],
            )
            # The base amounts too: the service converts them as ``base_amounts`` does.
            _stored_as_given(commitment, fields | amounts, f"commitment {number}")
        else:
            commitment = Commitment(intervention=intervention, **fields, **amounts)
            in_bulk.append((commitment, values["local_actors"]))
    Commitment.objects.bulk_create(commitment for commitment, _receivers in in_bulk)
    links = Commitment.local_actors.through
    links.objects.bulk_create(
        links(commitment_id=commitment.pk, organisation_id=organisation.pk)
        for commitment, receivers in in_bulk
        for organisation in receivers
    )
    return count, local_parts


def _strategies(large: LargePlan, partners: list[Organisation], every: int) -> int:
    """A mobilisation strategy for every ``every``-th intervention, with two partners to
    approach; returns how many."""
    in_bulk = []
    chosen = large.interventions[::every] if every else []
    text = _text("Approach the partners.", 10)
    for n, intervention in enumerate(chosen):
        approached = list(dict.fromkeys(partners[(n + step) % len(partners)] for step in (0, 1)))
        if n % SERVICE_EVERY == 0:
            update = strategy_save(
                actor=large.coordinator,
                intervention=intervention,
                expected_version=0,
                data={"strategy": text, "partners_to_approach": approached},
            )
            _stored_as_given(update.instance, {"strategy": text}, f"strategy {n}")
        else:
            in_bulk.append(
                (MobilisationStrategy(intervention=intervention, strategy=text), approached)
            )
    MobilisationStrategy.objects.bulk_create(strategy for strategy, _partners in in_bulk)
    links = MobilisationStrategy.partners_to_approach.through
    links.objects.bulk_create(
        links(mobilisationstrategy_id=strategy.pk, organisation_id=organisation.pk)
        for strategy, approached in in_bulk
        for organisation in approached
    )
    return len(chosen)


def _engagement(large: LargePlan, partners: list[Organisation], n: int):
    """Engagement ``n`` (in 2025: an engagement is logged once it has taken place) and
    the interventions discussed."""
    interventions = large.interventions
    engagement = Engagement(
        plan=large.plan,
        held_on=date(2025, 1 + n % 12, 1 + n % 28),
        partner=partners[n % len(partners)],
        kind=ENGAGEMENT_KINDS[n % len(ENGAGEMENT_KINDS)],
        interests=_text("What the partner funds.", 5),
        next_step=_text("What happens next.", 3),
        outcome=_text("What was agreed.", 3),
        recorded_by=large.coordinator,
    )
    discussed = list(
        dict.fromkeys(interventions[(n * 11 + step) % len(interventions)] for step in (0, 1, 2))
        if interventions
        else []
    )
    return engagement, discussed


def _engagements(large: LargePlan, partners: list[Organisation], count: int) -> int:
    in_bulk = []
    for n in range(count):
        engagement, discussed = _engagement(large, partners, n)
        values = {
            name: getattr(engagement, name) for name in ENGAGEMENT_FIELDS if name != "interventions"
        }
        _refuse(
            engagement_problems(large.plan, {**values, "interventions": discussed}),
            f"engagement {n}",
        )
        if n % SERVICE_EVERY == 0:
            engagement_create(
                actor=large.coordinator,
                plan=large.plan,
                engagement=engagement,
                interventions=discussed,
            )
            _stored_as_given(engagement, values, f"engagement {n}")
        else:
            in_bulk.append((engagement, discussed))
    Engagement.objects.bulk_create(engagement for engagement, _discussed in in_bulk)
    links = Engagement.interventions.through
    links.objects.bulk_create(
        links(engagement_id=engagement.pk, intervention_id=intervention.pk)
        for engagement, discussed in in_bulk
        for intervention in discussed
    )
    return count
