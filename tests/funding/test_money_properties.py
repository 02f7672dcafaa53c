"""Properties of the money figures: every table adds up to its total, to the cent.

Hypothesis records random commitments of plan A through the services (random stages,
amounts with 0–2 decimals in GHS, EUR, USD, JPY or KWD, rates with up to 10 decimals,
part disbursed, part for local actors) and reads the figures back through the selectors,
on the real database. The set-up runs once per test function; each example runs in a
savepoint rolled back at its end, so the examples do not see each other's commitments.

The oracles are written here, independently of ``msd_planner.lib.money``: a conversion
is the product computed with a hundred significant digits, rounded half to even once to
the base currency's minor unit; every total is the plain sum of the stored base amounts.

SQLite keeps 15 significant digits of a decimal, PostgreSQL all of them: the amounts
drawn stay below 10^7 on SQLite and reach 10^11 on PostgreSQL.
"""

from contextlib import contextmanager
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal, localcontext

import pytest
from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from funding import selectors
from funding.models import Commitment, FundingSource, LocalChannel, SourceKind, Stage
from funding.services import base_amounts, commitment_create, commitment_update, source_create
from governance.models import CreditPreference, OrganisationType
from governance.services.participations import participation_add
from interventions.models import AddressedTarget, Intervention
from msd_planner.lib.money import converted, converted_part, minor_digits, split_evenly
from tests import factories
from tests.interventions.conftest import make_intervention

BASE = "GHS"  # plan A's base currency
# The minor units of the currencies drawn (ISO 4217), written here rather than read from
# the code under test.
MINOR = {"GHS": 2, "EUR": 2, "USD": 2, "JPY": 0, "KWD": 3}
CURRENCIES = tuple(MINOR)
DATED = date(2026, 3, 1)
ZERO = Decimal(0)
# What each figure counts, as funding/selectors.py's docstring says it.
PLEDGED = {"pledged", "committed", "disbursed"}
COMMITTED = {"committed", "disbursed"}
# The figures that are sums of commitments: the plan's equal the kinds' and the sources'.
COMMITMENT_FIGURES = (
    "identified",
    "pledged",
    "committed",
    "disbursed",
    "to_local_actors",
    "disbursed_to_local_actors",
)

PROPERTY_SETTINGS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _decimal(units: int, places: int) -> Decimal:
    return Decimal(f"{units}E-{places}")


def exact_converted(amount: Decimal, rate: Decimal | None, currency: str = BASE) -> Decimal:
    """amount × rate with a hundred significant digits (exact here), rounded once."""
    with localcontext() as context:
        context.prec = 100
        exact = amount if rate is None else amount * rate
        return exact.quantize(Decimal(1).scaleb(-MINOR[currency]), ROUND_HALF_EVEN)


def exact_part(
    amount: Decimal, part: Decimal, whole: Decimal, rate: Decimal | None, currency: str = BASE
) -> Decimal:
    """amount × part ÷ whole × rate with two hundred significant digits, rounded once."""
    with localcontext() as context:
        context.prec = 200
        exact = amount * part * (Decimal(1) if rate is None else rate) / whole
        return exact.quantize(Decimal(1).scaleb(-MINOR[currency]), ROUND_HALF_EVEN)


def rates(most: int = 1000) -> st.SearchStrategy[Decimal]:
    """Rates above zero, up to ``most``, with 0 to 10 decimals."""
    return st.integers(0, 10).flatmap(
        lambda places: st.integers(1, most * 10**places).map(lambda units: _decimal(units, places))
    )


def money(most: int, max_places: int) -> st.SearchStrategy[Decimal]:
    """Amounts above zero, up to ``most``, with 0 to ``max_places`` decimals."""
    return st.integers(0, max_places).flatmap(
        lambda places: st.integers(1, most * 10**places).map(lambda units: _decimal(units, places))
    )


def largest_amount() -> int:
    return 10**7 if connection.vendor == "sqlite" else 10**11


@contextmanager
def rolled_back():
    """A savepoint undone at the end: each example starts from the set-up alone."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


# --- the conversion alone ------------------------------------------------------------------


def test_the_minor_units_written_here_are_the_ones_the_code_uses():
    assert {code: minor_digits(code) for code in CURRENCIES} == MINOR


@settings(max_examples=300, deadline=None)
@given(
    amount=money(10**14, 3),
    rate=st.one_of(st.none(), rates(most=10**11)),
    currency=st.sampled_from(CURRENCIES),
)
def test_conversion_is_exact_and_rounds_once(amount, rate, currency):
    result = converted(amount, rate, currency)
    assert result == exact_converted(amount, rate, currency)
    assert result.as_tuple().exponent == -MINOR[currency]
    with localcontext() as context:
        context.prec = 100
        product = amount if rate is None else amount * rate
        assert abs(result - product) <= Decimal(1).scaleb(-MINOR[currency]) / 2


@settings(max_examples=300, deadline=None)
@given(data=st.data(), rate=st.one_of(st.none(), rates()), currency=st.sampled_from(CURRENCIES))
def test_the_local_part_of_what_is_disbursed_rounds_once(data, rate, currency):
    places = MINOR[currency]
    whole_units = data.draw(st.integers(1, 10**15), label="amount (minor units)")
    amount = _decimal(whole_units, places)
    part = _decimal(data.draw(st.integers(0, whole_units), label="part"), places)
    disbursed = _decimal(data.draw(st.integers(0, whole_units), label="disbursed"), places)
    result = converted_part(part, disbursed, amount, rate, BASE)
    assert result == exact_part(part, disbursed, amount, rate)
    assert result <= converted(disbursed, rate, BASE)
    assert result <= converted(part, rate, BASE)


@settings(max_examples=300, deadline=None)
@given(units=st.integers(0, 10**15), parts=st.integers(1, 50), currency=st.sampled_from(CURRENCIES))
def test_an_even_split_adds_up_to_the_cent(units, parts, currency):
    amount = _decimal(units, MINOR[currency])
    split = split_evenly(amount, parts, currency)
    assert len(split) == parts and sum(split) == amount
    assert max(split) - min(split) <= Decimal(1).scaleb(-MINOR[currency])
    assert all(part.as_tuple().exponent >= -MINOR[currency] for part in split)


def test_the_local_part_of_a_large_disbursement_is_not_rounded_twice():
    """Carried at Decimal's 28 digits, to_local × disbursed ÷ amount came out a hair
    above x.xx5 where the exact value is a hair below: 2,866,762,952,142.02 instead of
    .01. Computed as a fraction, it is rounded once."""
    values = {
        "currency": BASE,
        "amount": Decimal("7625078995692.75"),
        "disbursed": Decimal("6174566936674.88"),
        "to_local_actors": Decimal("3540214916477.99"),
    }
    plan = factories.ActionPlanFactory.build(base_currency=BASE)
    expected = exact_part(values["to_local_actors"], values["disbursed"], values["amount"], None)
    assert expected == Decimal("2866762952142.01")
    assert base_amounts(plan, values)["base_disbursed_to_local_actors"] == expected


# --- through the services and the selectors ----------------------------------------------


@pytest.fixture
def world(cast, targets_a, donor, sources):
    """Plan A with two local actors taking part (one not to be credited), four
    interventions (one with no cost yet, one addressing two targets, one dropped) and a
    source in each currency drawn, of different kinds and providers; one more source is
    never used."""
    local_actors = []
    for name in ("Women on the Move", "Tema Migrant Workers Union"):
        organisation = factories.OrganisationFactory(
            name=name, type=OrganisationType.MIGRANT_LED, level="local", is_local_actor=True
        )
        participation_add(
            actor=cast.administrator,
            plan=cast.plan_a,
            organisation=organisation,
            signatory_required=False,
        )
        local_actors.append(organisation)
    interventions = [
        make_intervention(cast, targets_a, estimated_cost=Decimal("2500000")),
        make_intervention(
            cast,
            targets_a,
            title="Migration data",
            lead=cast.ministry_y,
            estimated_cost=Decimal("40000.50"),
        ),
        make_intervention(cast, targets_a, title="Diaspora bonds", lead=donor),
        make_intervention(
            cast,
            targets_a,
            title="Return desk",
            lead=cast.lead_ministry,
            estimated_cost=Decimal("90000"),
            status="dropped",
            drop_reason="Merged into the reintegration programme",
        ),
    ]
    # Migration data addresses both targets: it counts in each target's figures.
    AddressedTarget.objects.create(
        intervention=interventions[1], prioritised_target=targets_a["10.c"]
    )
    # The union asked not to be credited: its money counts, its name is not shown.
    local_actors[1].credit_preference = CreditPreference.NOT_CREDITED
    local_actors[1].save()
    made = [sources["budget"], sources["eu"]]
    for name, provider, kind, currency in (
        ("Diaspora bond", cast.lead_ministry, SourceKind.DIASPORA_BOND, "USD"),
        ("Remittance matching", cast.ministry_y, SourceKind.REMITTANCE_SCHEME, "JPY"),
        ("Gulf development fund", donor, SourceKind.MULTILATERAL_FUND, "KWD"),
        ("Health budget line", cast.ministry_y, SourceKind.NATIONAL_BUDGET, "GHS"),
        ("Unused fund", donor, SourceKind.SDG_FUND, "EUR"),
    ):
        made.append(
            source_create(
                actor=cast.coordinator_a,
                plan=cast.plan_a,
                source=FundingSource(name=name, provider=provider, kind=kind, currency=currency),
            )
        )
    return {
        "cast": cast,
        "plan": cast.plan_a,
        "interventions": interventions,
        "sources": made[:-1],  # the unused one stays unused
        "local_actors": local_actors,
    }


@st.composite
def commitment_values(draw, most: int) -> dict:
    """A commitment's values as a coordinator would enter them: any stage, an amount with
    0–2 decimals (none in JPY), a rate with up to 10 decimals, the part disbursed (only at
    the disbursed stage) and the part for local actors, each at most the amount."""
    currency = draw(st.sampled_from(CURRENCIES))
    places = draw(st.integers(0, min(2, MINOR[currency])))
    units = draw(st.integers(1, most * 10**places))
    stage = draw(st.sampled_from(Stage.values))
    disbursed_units = draw(st.integers(1, units)) if stage == Stage.DISBURSED else 0
    local_units = draw(st.one_of(st.just(0), st.integers(1, units)))
    values = {
        "stage": stage,
        "currency": currency,
        "amount": _decimal(units, places),
        "disbursed": _decimal(disbursed_units, places),
        "to_local_actors": _decimal(local_units, places),
        "local_channel": draw(st.sampled_from(LocalChannel.values)) if local_units else "",
        "dated": DATED,
    }
    if currency != BASE:
        values["exchange_rate"] = draw(rates())
        values["rate_date"] = DATED
    return values


def _record(world, draw) -> list[Commitment]:
    """Costs drawn for the interventions, then one to eight commitments recorded through
    the service."""
    for intervention in world["interventions"][:2]:
        cost = draw(
            st.one_of(st.none(), money(largest_amount() * 100, 2)), label=f"cost {intervention}"
        )
        Intervention.objects.filter(pk=intervention.pk).update(estimated_cost=cost)
    made = []
    for number in range(draw(st.integers(1, 8), label="commitments")):
        values = draw(commitment_values(largest_amount()), label=f"commitment {number}")
        local_actors = (
            draw(
                st.lists(
                    st.sampled_from(world["local_actors"]), min_size=1, max_size=2, unique=True
                )
            )
            if values["to_local_actors"]
            else []
        )
        made.append(
            commitment_create(
                actor=world["cast"].coordinator_a,
                intervention=draw(st.sampled_from(world["interventions"])),
                commitment=Commitment(source=draw(st.sampled_from(world["sources"])), **values),
                local_actors=local_actors,
            )
        )
    return made


def _assert_stored_as_converted_once(commitment: Commitment, entered: Commitment) -> None:
    stored = Commitment.objects.get(pk=commitment.pk)
    assert (stored.amount, stored.exchange_rate) == (entered.amount, entered.exchange_rate)
    rate = stored.exchange_rate
    assert (rate is None) == (stored.currency == BASE)
    assert stored.base_amount == exact_converted(stored.amount, rate)
    assert stored.base_amount == converted(stored.amount, rate, BASE)
    assert stored.base_disbursed == exact_converted(stored.disbursed, rate)
    assert stored.base_to_local_actors == exact_converted(stored.to_local_actors, rate)
    assert stored.base_disbursed_to_local_actors == exact_part(
        stored.to_local_actors, stored.disbursed, stored.amount, rate
    )


def _expected_sums(commitments: list[Commitment]) -> dict[str, Decimal]:
    """The figures as plain sums of the stored base amounts."""

    def total(column: str, stages=None) -> Decimal:
        return sum(
            (getattr(c, column) for c in commitments if stages is None or c.stage in stages),
            ZERO,
        )

    return {
        "identified": total("base_amount", {"identified"}),
        "pledged": total("base_amount", PLEDGED),
        "committed": total("base_amount", COMMITTED),
        "disbursed": total("base_disbursed"),
        "to_local_actors": total("base_to_local_actors", COMMITTED),
        "disbursed_to_local_actors": total("base_disbursed_to_local_actors"),
    }


def _sum_or_none(values) -> Decimal | None:
    present = [value for value in values if value is not None]
    return sum(present, ZERO) if present else None


def _assert_shares_within_bounds(figures: selectors.Figures) -> None:
    for share in (figures.local_share_of_committed, figures.local_share_of_disbursed):
        assert share is None or 0 <= share <= 1, figures


def _assert_figures_add_up(plan) -> None:
    counted = list(
        Commitment.objects.filter(intervention__plan=plan).exclude(intervention__status="dropped")
    )
    rows = list(selectors.interventions_with_figures(plan))
    per_intervention = {row.pk: selectors.Figures.of(row) for row in rows}
    total = selectors.plan_figures(plan)
    by_kind = selectors.figures_by_kind(plan)
    by_source = selectors.sources_with_figures(plan)

    # The plan's figures are the plain sums of the stored base amounts ...
    expected = _expected_sums(counted)
    for name in COMMITMENT_FIGURES:
        assert getattr(total, name) == expected[name], name
        # ... and of the interventions' figures, of the kinds' and of the sources'.
        assert sum((getattr(f, name) for f in per_intervention.values()), ZERO) == expected[name]
        assert sum((getattr(row.figures, name) for row in by_kind), ZERO) == expected[name]
        assert sum((getattr(row.figures, name) for row in by_source), ZERO) == expected[name]
    for field in ("cost", "gap"):
        assert getattr(total, field) == _sum_or_none(
            getattr(f, field) for f in per_intervention.values()
        ), field
    assert total.over_funded == sum((f.over_funded for f in per_intervention.values()), ZERO)

    # A kind's figures are those of its sources.
    kinds = {row.subject.pk: row.subject.kind for row in by_source}
    for kind_row in by_kind:
        for name in COMMITMENT_FIGURES:
            assert getattr(kind_row.figures, name) == sum(
                (
                    getattr(r.figures, name)
                    for r in by_source
                    if kinds[r.subject.pk] == kind_row.kind
                ),
                ZERO,
            )

    # Each intervention: its own commitments; a gap never negative, the gap less the
    # surplus is the cost less what is committed.
    for pk, figures in per_intervention.items():
        own = _expected_sums([c for c in counted if c.intervention_id == pk])
        for name in COMMITMENT_FIGURES:
            assert getattr(figures, name) == own[name], name
        if figures.cost is None:
            assert figures.gap is None
            assert figures.over_funded == 0
        else:
            assert figures.gap >= 0
            assert figures.over_funded >= 0
            assert figures.gap - figures.over_funded == figures.cost - figures.committed
            assert min(figures.gap, figures.over_funded) == 0
        assert 0 <= figures.to_local_actors <= figures.committed <= figures.pledged
        assert 0 <= figures.disbursed_to_local_actors <= figures.disbursed

    _assert_groups_sum_their_interventions(plan, counted)
    _assert_local_parts_split_to_the_cent(plan, counted)

    for figures in [total, *per_intervention.values()]:
        _assert_shares_within_bounds(figures)
    for row in [*by_kind, *by_source]:
        _assert_shares_within_bounds(row.figures)


def _by_hand(intervention: Intervention, own: list[Commitment]) -> dict[str, Decimal | None]:
    """An intervention's figures from its commitments, as the docstring of
    funding/selectors.py defines them."""
    figures: dict[str, Decimal | None] = dict(_expected_sums(own))
    cost = intervention.estimated_cost
    committed = figures["committed"]
    figures["cost"] = cost
    figures["gap"] = None if cost is None else max(cost - committed, ZERO)
    figures["over_funded"] = ZERO if cost is None else max(committed - cost, ZERO)
    return figures


def _summed(rows: list[dict[str, Decimal | None]]) -> dict[str, Decimal | None]:
    names = (*COMMITMENT_FIGURES, "over_funded")
    summed: dict[str, Decimal | None] = {
        name: sum((row[name] for row in rows), ZERO) for name in names
    }
    for name in ("cost", "gap"):
        summed[name] = _sum_or_none(row[name] for row in rows)
    return summed


def _figures_dict(figures: selectors.Figures) -> dict[str, Decimal | None]:
    return {
        name: getattr(figures, name) for name in (*COMMITMENT_FIGURES, "cost", "gap", "over_funded")
    }


def _assert_groups_sum_their_interventions(plan, counted: list[Commitment]) -> None:
    """A target's and a lead's figures are the sums of their interventions' own, each
    computed here from its commitments (a gap is not filled by another's surplus)."""
    interventions = list(
        Intervention.objects.filter(plan=plan)
        .exclude(status="dropped")
        .prefetch_related("addressed_targets")
    )
    by_hand = {
        item.pk: _by_hand(item, [c for c in counted if c.intervention_id == item.pk])
        for item in interventions
    }
    by_target = {
        row.subject.pk: _figures_dict(row.figures) for row in selectors.figures_by_target(plan)
    }
    targets = {
        t.prioritised_target_id for item in interventions for t in item.addressed_targets.all()
    }
    assert set(by_target) == targets
    for target in targets:
        addressing = [
            by_hand[item.pk]
            for item in interventions
            if target in {t.prioritised_target_id for t in item.addressed_targets.all()}
        ]
        assert by_target[target] == _summed(addressing), target
    by_lead = {
        row.subject.pk: _figures_dict(row.figures) for row in selectors.figures_by_lead(plan)
    }
    assert set(by_lead) == {item.lead_organisation_id for item in interventions}
    for lead, figures in by_lead.items():
        led = [by_hand[item.pk] for item in interventions if item.lead_organisation_id == lead]
        assert figures == _summed(led), lead


def _assert_local_parts_split_to_the_cent(plan, counted: list[Commitment]) -> None:
    """Each local actor receives, of every committed local part, an even share in the
    base currency's minor unit: the units left over go one each to the first actors in
    the order of their ids turned by the commitment's id (split here by hand); those
    not to be credited are summed, not named; all adds up to the local parts."""
    units_of: dict = {}
    for commitment in counted:
        actors = sorted(commitment.local_actors.all(), key=lambda actor: actor.pk)
        if commitment.stage not in COMMITTED or not commitment.base_to_local_actors or not actors:
            continue
        units = int(commitment.base_to_local_actors.scaleb(MINOR[BASE]))
        each, left_over = divmod(units, len(actors))
        turn = commitment.pk % len(actors)
        for place, actor in enumerate(actors):
            extra = 1 if (place - turn) % len(actors) < left_over else 0
            units_of[actor] = units_of.get(actor, 0) + each + extra
    expected = {actor: _decimal(units, MINOR[BASE]) for actor, units in units_of.items()}
    named, hidden = selectors.local_recipients(plan)
    assert hidden == sum(
        (amount for actor, amount in expected.items() if actor.credit_preference == "not_credited"),
        ZERO,
    )
    assert sorted((r.name, r.committed) for r in named) == sorted(
        (str(actor), amount)
        for actor, amount in expected.items()
        if actor.credit_preference != "not_credited"
    )
    # Every local part reaches its actors to the cent.
    assert sum((r.committed for r in named), hidden) == sum(
        (
            c.base_to_local_actors
            for c in counted
            if c.stage in COMMITTED and c.base_to_local_actors and c.local_actors.exists()
        ),
        ZERO,
    )


@PROPERTY_SETTINGS
@given(data=st.data())
def test_every_table_adds_up_to_the_plan_totals(world, data):
    with rolled_back():
        made = _record(world, data.draw)
        for commitment in made:
            _assert_stored_as_converted_once(commitment, commitment)
        _assert_figures_add_up(world["plan"])
        # Converting what was entered, then summing, gives the total shown, to the cent.
        for name, stages in (("pledged", PLEDGED), ("committed", COMMITTED)):
            converted_then_summed = sum(
                (
                    converted(c.amount, c.exchange_rate, BASE)
                    for c in made
                    if c.stage in stages and c.intervention.status != "dropped"
                ),
                ZERO,
            )
            assert getattr(selectors.plan_figures(world["plan"]), name) == converted_then_summed


@PROPERTY_SETTINGS
@given(data=st.data())
def test_an_edit_converts_the_new_values_once(world, data):
    cast = world["cast"]
    with rolled_back():
        first = commitment_create(
            actor=cast.coordinator_a,
            intervention=world["interventions"][0],
            commitment=Commitment(
                source=world["sources"][1],
                stage=Stage.PLEDGED,
                currency="EUR",
                amount=Decimal("1000.10"),
                exchange_rate=Decimal("13.5"),
                rate_date=DATED,
                dated=DATED,
            ),
            local_actors=[],
        )
        values = data.draw(commitment_values(largest_amount()), label="new values")
        values.setdefault("exchange_rate", None)
        values.setdefault("rate_date", None)
        local_actors = world["local_actors"][:1] if values["to_local_actors"] else []
        commitment_update(
            actor=cast.coordinator_a,
            commitment=first,
            expected_version=first.version,
            data={**values, "local_actors": local_actors},
        )
        entered = Commitment(**{name: values[name] for name in ("amount", "exchange_rate")})
        _assert_stored_as_converted_once(first, entered)
        _assert_figures_add_up(world["plan"])
