"""The funding figures: what a coordinator reads on the funding pages."""

from decimal import Decimal

from funding import selectors
from tests.funding.conftest import commit
from tests.interventions.conftest import make_intervention


def test_figures_of_an_intervention_and_the_plan(cast, targets_a, sources):
    fair = make_intervention(cast, targets_a, estimated_cost=Decimal("1000000"))
    data = make_intervention(
        cast, targets_a, title="Migration data", estimated_cost=Decimal("100000")
    )
    commit(cast.coordinator_a, fair, sources["budget"], amount="300000")
    commit(cast.coordinator_a, fair, sources["eu"], amount="10000", stage="pledged")
    commit(
        cast.coordinator_a,
        data,
        sources["eu"],
        amount="10000",
        stage="disbursed",
        disbursed="4000",
    )
    by_title = {
        row.title: selectors.Figures.of(row)
        for row in selectors.interventions_with_figures(cast.plan_a)
    }
    assert by_title["Fair recruitment"].pledged == Decimal("435000")
    assert by_title["Fair recruitment"].committed == Decimal("300000")
    assert by_title["Fair recruitment"].gap == Decimal("700000")
    assert by_title["Migration data"].committed == Decimal("135000")
    assert by_title["Migration data"].disbursed == Decimal("54000")
    assert by_title["Migration data"].gap == 0
    assert by_title["Migration data"].over_funded == Decimal("35000")
    plan = selectors.plan_figures(cast.plan_a)
    assert plan.cost == Decimal("1100000")
    assert plan.committed == Decimal("435000")
    assert plan.gap == Decimal("700000")
    assert plan.over_funded == Decimal("35000")
    by_target = selectors.figures_by_target(cast.plan_a)
    assert [row.figures.committed for row in by_target] == [Decimal("435000")]
    by_kind = {row.kind: row.figures for row in selectors.figures_by_kind(cast.plan_a)}
    assert by_kind["national_budget"].committed == Decimal("300000")
    assert by_kind["partner_migration_fund"].pledged == Decimal("270000")
    by_lead = selectors.figures_by_lead(cast.plan_a)
    assert by_lead[0].figures.gap == Decimal("700000")
    sources_rows = selectors.sources_with_figures(cast.plan_a)
    assert [row.figures.committed for row in sources_rows] == [Decimal("135000"), Decimal("300000")]


def test_a_gap_reads_to_the_cent_on_every_database(cast, targets_a, sources):
    """SQLite, the embedded default, subtracts decimals in floating point: 2,500,000.00 −
    2,446,059.42 came back 53,940.5800000001 (found by the Hypothesis properties)."""
    fair = make_intervention(cast, targets_a, estimated_cost=Decimal("2500000.00"))
    commit(cast.coordinator_a, fair, sources["budget"], amount="2446059.42")
    (row,) = selectors.interventions_with_figures(cast.plan_a)
    assert selectors.Figures.of(row).gap == Decimal("53940.58")
    assert selectors.plan_figures(cast.plan_a).gap == Decimal("53940.58")
