"""Frozen versions: the snapshot taken at submission, what the database refuses, the
version's page and the comparison of two versions."""

import json
from decimal import Decimal

import pytest
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from action_plans import workflow
from action_plans.models import PlanSnapshot, PlanVersion, VersionStatus
from action_plans.snapshot import FORMAT, build_snapshot, compare
from interventions.models import Intervention, InterventionLevel, InterventionStatus, Sector
from interventions.services import Links, intervention_create, intervention_update
from targets.models import Target
from tests.interventions.test_interventions import _grow


def _frozen(cast) -> PlanVersion:
    return workflow.plan_submit(actor=cast.coordinator_a, plan=cast.plan_a)


def test_the_database_refuses_to_update_a_frozen_snapshot(cast, ready):
    version = _frozen(cast)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE action_plans_plansnapshot SET content = %s WHERE version_id = %s",
            ['{"format": 0}', version.pk],
        )
    assert PlanSnapshot.objects.get(version=version).content["format"] == FORMAT
    assert "sections" in PlanSnapshot.objects.get(version=version).content
    with pytest.raises(DatabaseError), transaction.atomic():  # nor through the ORM
        PlanSnapshot.objects.filter(version=version).update(content={})


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite keeps DELETE for flush")
def test_the_database_refuses_to_delete_a_frozen_snapshot(cast, ready):
    version = _frozen(cast)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM action_plans_plansnapshot WHERE version_id = %s", [version.pk])
    assert PlanSnapshot.objects.filter(version=version).exists()


def test_a_version_reads_its_snapshot_not_the_live_plan(client, cast, ready):
    version = _frozen(cast)
    workflow.plan_withdraw(actor=cast.coordinator_a, plan=cast.plan_a, comment="One more change")
    intervention = ready["intervention"]
    intervention_update(
        actor=cast.coordinator_a,
        intervention=intervention,
        expected_version=intervention.version,
        data={"title": "Ethical recruitment", "estimated_cost": Decimal("1450000")},
    )
    client.force_login(cast.viewer_x)
    page = client.get(reverse("version_detail", args=[cast.plan_a.pk, version.pk])).content.decode()
    assert "Fair recruitment" in page
    assert "Ethical recruitment" not in page
    assert "1,000,000.00\xa0GHS" in page


def test_two_versions_compare_target_by_target_and_intervention_by_intervention(
    client, cast, ready
):
    first = _frozen(cast)
    workflow.plan_withdraw(actor=cast.coordinator_a, plan=cast.plan_a, comment="Changes")
    intervention = ready["intervention"]
    intervention_update(
        actor=cast.coordinator_a,
        intervention=intervention,
        expected_version=intervention.version,
        data={"estimated_cost": Decimal("1450000")},
    )
    target = cast.plan_a.prioritised_targets.get()
    intervention_create(
        actor=cast.coordinator_a,
        plan=cast.plan_a,
        intervention=Intervention(
            title="Remittance price survey",
            level="programme",
            sector="financial_inclusion",
            lead_organisation=cast.ministry_y,
        ),
        links=Links(targets={target.pk: ""}),
    )
    # The new intervention lacks its timeline and indicator: the plan is not ready. The
    # comparison reads snapshots, so a snapshot of the plan as it is now will do.
    second = PlanVersion.objects.create(
        plan=cast.plan_a,
        major=1,
        minor=1,
        status=VersionStatus.WITHDRAWN,
        submitted_at=timezone.now(),
        submitted_by=cast.coordinator_a,
    )
    PlanSnapshot.objects.create(version=second, content=build_snapshot(cast.plan_a))
    client.force_login(cast.editor_y)
    page = client.get(
        reverse("version_compare", args=[cast.plan_a.pk]),
        {"from": first.pk, "to": second.pk},
    ).content.decode()
    assert "Intervention “Fair recruitment”" in page
    assert "cost: 1,000,000.00\xa0GHS → 1,450,000.00\xa0GHS" in page
    assert "Intervention “Remittance price survey”" in page
    assert ">Added<" in page
    assert "interventions (not dropped): 1 → 2" in page
    assert "funding gap: 1,000,000.00\xa0GHS → 1,450,000.00\xa0GHS" in page


def test_a_version_reads_in_the_readers_language(client, settings, cast, ready):
    version = _frozen(cast)
    client.force_login(cast.viewer_x)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    page = client.get(reverse("version_detail", args=[cast.plan_a.pk, version.pk])).content.decode()
    assert "Trabajo y empleo" in page and "Labour and employment" not in page
    assert Target.objects.get(code="10.7").title_es.split(",")[0] in page
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("version_detail", args=[cast.plan_a.pk, version.pk])).content.decode()
    assert "Labour and employment" in page


def _in_words(content: dict) -> dict:
    """``content`` as a snapshot of format 1 stored it: choices, yes or no and dates in
    English words, target labels without their titles in other languages."""
    content = json.loads(json.dumps(content))
    content["format"] = 1
    for section in content["sections"].values():
        for record in section["records"]:
            record.pop("titles", None)
            fields = record["fields"]
            if record["kind"] == "intervention":
                fields["sector"] = str(Sector(fields["sector"]).label)
                fields["level"] = str(InterventionLevel(fields["level"]).label)
                fields["status"] = str(InterventionStatus(fields["status"]).label)
            if record["kind"] == "participant":
                fields["local_actor"] = "Yes" if fields["local_actor"] else "No"
    return content


def test_a_snapshot_frozen_in_words_still_reads_and_compares(client, cast, ready):
    version = _frozen(cast)
    content = PlanSnapshot.objects.get(version=version).content
    older = PlanVersion.objects.create(
        plan=cast.plan_a,
        major=0,
        minor=9,
        status=VersionStatus.WITHDRAWN,
        submitted_at=timezone.now(),
        submitted_by=cast.coordinator_a,
    )
    PlanSnapshot.objects.create(version=older, content=_in_words(content))
    client.force_login(cast.viewer_x)
    page = client.get(reverse("version_detail", args=[cast.plan_a.pk, older.pk])).content.decode()
    assert "Labour and employment" in page and "Fair recruitment" in page
    # Nothing changed between the two but how they were stored: no difference is shown.
    assert compare(_in_words(content), content) == []


@pytest.mark.parametrize(
    "page", ["version_detail", "version_compare", "plan_validation", "plan_detail"]
)
def test_version_pages_cost_the_same_queries_for_10_or_300_interventions(client, cast, ready, page):
    targets = {"10.7": cast.plan_a.prioritised_targets.get()}

    def freeze(number: int) -> PlanVersion:
        version = PlanVersion.objects.create(
            plan=cast.plan_a,
            major=1,
            minor=number,
            status=VersionStatus.WITHDRAWN,
            submitted_at=timezone.now(),
            submitted_by=cast.coordinator_a,
        )
        PlanSnapshot.objects.create(version=version, content=build_snapshot(cast.plan_a))
        return version

    def queries() -> int:
        latest = PlanVersion.objects.order_by("-minor").first()
        url = (
            reverse(page, args=[cast.plan_a.pk, latest.pk])
            if page == "version_detail"
            else reverse(page, args=[cast.plan_a.pk])
        )
        client.get(url)
        with CaptureQueriesContext(connection) as context:
            assert client.get(url).status_code == 200
        return len(context)

    _grow(cast, targets, 9)
    freeze(0)
    freeze(1)
    client.force_login(cast.coordinator_a)
    small = queries()
    _grow(cast, targets, 290)
    freeze(2)
    assert Intervention.objects.count() == 300
    assert queries() == small
    print(f"{page}: {small} queries with 10 and with 300 interventions")


def test_a_snapshot_is_built_in_the_same_queries_for_10_or_300_interventions(cast, ready):
    targets = {"10.7": cast.plan_a.prioritised_targets.get()}

    def built() -> int:
        with CaptureQueriesContext(connection) as context:
            content = build_snapshot(cast.plan_a)
        assert content["sections"]["interventions"]["records"]
        return len(context)

    _grow(cast, targets, 9)
    small = built()
    _grow(cast, targets, 290)
    assert built() == small
    print(f"a snapshot: {small} queries with 10 and with 300 interventions")
