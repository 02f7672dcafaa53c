"""Each commitment in the plan's snapshot, as entered: in its own currency and dated,
beside its amount in the base currency (what the IATI file reports as transactions);
built in the same queries however many commitments, and needing no reason of its own in
a revision (its intervention's funding figures move with it)."""

import copy
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from action_plans.snapshot import build_snapshot, compare, differences, shown_records
from funding.services import commitment_update
from tests.funding.conftest import commit
from tests.interventions.conftest import make_intervention


@pytest.fixture
def funding_plan(cast, targets_a, sources):
    """Plan A's intervention led by ministry X, ministry X's budget line (GHS) and the
    donor's fund (EUR)."""
    return make_intervention(cast, targets_a), sources["budget"], sources["eu"]


def _commitments(content: dict) -> list[dict]:
    return [
        record
        for record in content["sections"]["funding"]["records"]
        if record["kind"] == "commitment"
    ]


def test_the_snapshot_keeps_each_commitment_as_entered(cast, funding_plan):
    fair, budget, eu = funding_plan
    own = commit(cast.coordinator_a, fair, budget, amount="250000", stage="disbursed",
                 disbursed="100000")  # fmt: skip
    partner = commit(cast.coordinator_a, fair, eu, amount="80000", stage="pledged",
                     exchange_rate=Decimal("13.5"))  # fmt: skip
    assert _commitments(build_snapshot(cast.plan_a)) == [
        {
            "key": f"commitment:{own.pk}",
            "kind": "commitment",
            "parent": f"intervention:{fair.pk}",
            "label": "Labour budget line → Fair recruitment",
            "fields": {
                "provider": str(cast.ministry_x),
                "source": "Labour budget line",
                "stage": "disbursed",
                "dated": "2026-03-01",
                "currency": "GHS",
                "amount": "250000.000",
                "disbursed_to_date": "100000.000",
                "base_amount": "250000.000",
            },
        },
        {
            "key": f"commitment:{partner.pk}",
            "kind": "commitment",
            "parent": f"intervention:{fair.pk}",
            "label": "EU migration fund → Fair recruitment",
            "fields": {
                "provider": "European Union Delegation (EU)",
                "source": "EU migration fund",
                "stage": "pledged",
                "dated": "2026-03-01",
                "currency": "EUR",
                "amount": "80000.000",
                "disbursed_to_date": "0.000",
                "base_amount": "1080000.000",
            },
        },
    ]


def test_a_version_page_shows_a_commitment_in_its_currency(cast, funding_plan):
    """The amount as entered beside its currency; only the base amount in the base
    currency."""
    fair, _budget, eu = funding_plan
    commit(cast.coordinator_a, fair, eu, amount="80000", exchange_rate=Decimal("13.5"))
    (shown,) = shown_records("GHS", "funding", _commitments(build_snapshot(cast.plan_a)))
    assert (shown.kind, shown.label) == ("Commitment", "EU migration fund → Fair recruitment")
    assert dict(shown.fields) == {
        "provided by": "European Union Delegation (EU)",
        "source": "EU migration fund",
        "stage": "Committed",
        "date": "1 Mar 2026",
        "currency": "EUR",
        "amount": "80,000",
        "disbursed to date": "0",
        "amount in the base currency": "1,080,000.00\N{NO-BREAK SPACE}GHS",
    }


def test_the_snapshot_is_built_in_the_same_queries_for_2_or_40_commitments(cast, funding_plan):
    fair, budget, eu = funding_plan

    def built() -> tuple[int, int]:
        """The queries of a snapshot's build, and the commitments it keeps."""
        with CaptureQueriesContext(connection) as context:
            content = build_snapshot(cast.plan_a)
        return len(context), len(_commitments(content))

    for source in (budget, eu):
        commit(cast.coordinator_a, fair, source, amount="1000")
    small = built()
    for number in range(38):
        commit(cast.coordinator_a, fair, (budget, eu)[number % 2], amount=str(100 + number))
    large = built()
    assert (small[1], large[1]) == (2, 40)
    assert large[0] == small[0]
    print(f"a snapshot: {small[0]} queries with 2 and with 40 commitments")


def test_a_revision_explains_the_funding_figures_not_each_commitment(cast, funding_plan):
    fair, budget, _eu = funding_plan
    commitment = commit(cast.coordinator_a, fair, budget, amount="1000")
    official = build_snapshot(cast.plan_a)
    before_commitments_were_kept = copy.deepcopy(official)
    funding = before_commitments_were_kept["sections"]["funding"]
    funding["records"] = [record for record in funding["records"] if record["kind"] != "commitment"]
    # a version frozen before commitments were kept: they show as added, and need no reason
    changes = compare(before_commitments_were_kept, official)
    assert [change.key for section in changes for change in section.changes] == [
        f"commitment:{commitment.pk}"
    ]
    assert differences(changes) == []
    # an amount changed: the intervention's funding figures explain it
    commitment_update(
        actor=cast.coordinator_a,
        commitment=commitment,
        expected_version=commitment.version,
        data={"amount": Decimal("5000")},
    )
    changed = differences(compare(official, build_snapshot(cast.plan_a)))
    assert [difference.key for difference in changed] == [f"funding:{fair.pk}"]
