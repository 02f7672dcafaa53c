"""Two people saving the same prioritised target at once: one wins, one is told."""

import threading
from decimal import Decimal

import pytest
from django.db import connection

from msd_planner.lib.concurrency import EditConflict
from targets.models import PrioritisedTarget, Target
from targets.services import prioritised_target_add, prioritised_target_update


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite's shared in-memory test database refuses concurrent writers instead of waiting",
)
def test_concurrent_edits_of_one_version_save_one_and_refuse_the_other(cast, catalogue):
    item = prioritised_target_add(
        actor=cast.coordinator_a,
        plan=cast.plan_a,
        target=Target.objects.get(code="10.7"),
        rationale="Start",
    )
    opened_version = item.version
    start = threading.Barrier(2)
    outcomes = {}

    def save(name: str, value: str) -> None:
        try:
            start.wait()
            prioritised_target_update(
                actor=cast.coordinator_a,
                prioritised_target=item,
                expected_version=opened_version,
                changes={"baseline_value": Decimal(value)},
            )
            outcomes[name] = "saved"
        except EditConflict:
            outcomes[name] = "conflict"
        finally:
            connection.close()

    threads = [
        threading.Thread(target=save, args=(name, value))
        for name, value in (("a", "1"), ("b", "2"))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes.values()) == ["conflict", "saved"]
    winner = next(name for name, outcome in outcomes.items() if outcome == "saved")
    item = PrioritisedTarget.objects.get(pk=item.pk)
    assert item.baseline_value == Decimal({"a": "1", "b": "2"}[winner])
    assert item.version == opened_version + 1
    assert item.history.count() == 2  # created, then one change: no silent overwrite
