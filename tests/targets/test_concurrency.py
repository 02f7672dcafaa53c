"""Two people saving the same record at once: one wins, one is told."""

import threading
from decimal import Decimal

import pytest
from django.db import connection

from msd_planner.lib.versioned_edit import EditConflict
from targets.models import Coherence, Framework, FrameworkAssessment, PrioritisedTarget, Target
from targets.services import (
    baseline_update,
    framework_assessments_set,
    framework_create,
    prioritised_target_add,
)


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
            baseline_update(
                actor=cast.coordinator_a,
                prioritised_target=item,
                expected_version=opened_version,
                data={"baseline_value": Decimal(value)},
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


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite's shared in-memory test database refuses concurrent writers instead of waiting",
)
def test_two_stale_saves_of_a_frameworks_assessments_save_one_and_refuse_the_other(cast, catalogue):
    item = prioritised_target_add(
        actor=cast.coordinator_a,
        plan=cast.plan_a,
        target=Target.objects.get(code="10.7"),
        rationale="Start",
    )
    framework = framework_create(
        actor=cast.coordinator_a,
        plan=cast.plan_a,
        framework=Framework(name="Labour Migration Policy", kind="plan", level="national"),
    )
    opened_version = framework.version
    start = threading.Barrier(2)
    outcomes = {}

    def save(name: str, coherence: str) -> None:
        try:
            start.wait()
            framework_assessments_set(
                actor=cast.coordinator_a,
                framework=framework,
                expected_version=opened_version,
                assessments={item.id: (coherence, f"by {name}")},
            )
            outcomes[name] = "saved"
        except EditConflict:
            outcomes[name] = "conflict"
        finally:
            connection.close()

    threads = [
        threading.Thread(target=save, args=(name, coherence))
        for name, coherence in (("a", Coherence.SYNERGY), ("b", Coherence.GAP))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes.values()) == ["conflict", "saved"]
    winner = next(name for name, outcome in outcomes.items() if outcome == "saved")
    assessment = FrameworkAssessment.objects.get(framework=framework, prioritised_target=item)
    assert assessment.note == f"by {winner}"
    assert Framework.objects.get(pk=framework.pk).version == opened_version + 1
    assert assessment.history.count() == 1  # one save: the loser wrote nothing
