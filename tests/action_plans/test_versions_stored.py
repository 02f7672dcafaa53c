"""A frozen version stored in parts, read a part at a time: its outline (the plan, each
section's totals) and a row per record with its digest. A version's page decodes the
page of records it shows, whatever the snapshot's size; a comparison decodes the records
that differ, and reads as the comparison of the whole snapshots did."""

import importlib
import io
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import DatabaseError, connection, models, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from action_plans import workflow
from action_plans.models import (
    ActionPlan,
    PlanSnapshot,
    PlanVersion,
    SnapshotOutline,
    SnapshotRecord,
    VersionStatus,
)
from action_plans.snapshot import (
    build_snapshot,
    compare,
    compared_with,
    outline_of,
    record_digest,
    snapshot_freeze,
    versions_compared,
)
from action_plans.validation_views import RECORDS_PER_PAGE
from interventions.models import Intervention
from interventions.services import intervention_update
from tests.action_plans.test_versions import _in_words
from tests.interventions.test_interventions import _grow

LOCAL_CACHE = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "stored"}


def _freeze(plan: ActionPlan, minor: int) -> PlanVersion:
    """Version 1.``minor`` of the plan as it is (withdrawn: the plan stays a draft)."""
    version = PlanVersion.objects.create(
        plan=plan,
        major=1,
        minor=minor,
        status=VersionStatus.WITHDRAWN,
        submitted_at=timezone.now(),
    )
    snapshot_freeze(version=version, content=build_snapshot(plan))
    return version


@contextmanager
def _decoded() -> Iterator[Counter[str]]:
    """How many JSON values of each model were decoded from the database meanwhile."""
    counted: Counter[str] = Counter()
    decode = models.JSONField.from_db_value

    def counting(field, value, expression, connection):
        if value is not None:
            counted[field.model.__name__] += 1
        return decode(field, value, expression, connection)

    models.JSONField.from_db_value = counting  # type: ignore[method-assign]
    try:
        yield counted
    finally:
        models.JSONField.from_db_value = decode  # type: ignore[method-assign]


def _set_cost(cast, intervention: Intervention, cost: int) -> None:
    fresh = Intervention.objects.get(pk=intervention.pk)
    intervention_update(
        actor=cast.coordinator_a,
        intervention=fresh,
        expected_version=fresh.version,
        data={"estimated_cost": Decimal(cost)},
    )


def test_submission_stores_the_snapshot_whole_and_in_parts_that_make_it_up(cast, ready):
    version = workflow.plan_submit(actor=cast.coordinator_a, plan=cast.plan_a)
    content = PlanSnapshot.objects.get(version=version).content
    outline = SnapshotOutline.objects.get(version=version)
    assert (outline.format, outline.plan) == (content["format"], content["plan"])
    assert outline.sections == outline_of(content)["sections"]
    rows = SnapshotRecord.objects.filter(version=version).order_by("section", "position")
    for name, data in content["sections"].items():
        stored = [row for row in rows if row.section == name]
        assert [row.record for row in stored] == data["records"]
        assert [row.position for row in stored] == list(range(len(data["records"])))
        assert all(row.digest == record_digest(row.record) for row in stored)
        assert all(row.key == row.record["key"] for row in stored)
    assert rows.filter(section="interventions", kind="indicator").exclude(parent="").exists()


def test_the_database_refuses_to_change_a_versions_outline_or_records(cast, ready):
    version = workflow.plan_submit(actor=cast.coordinator_a, plan=cast.plan_a)
    refused = [
        "UPDATE action_plans_snapshotoutline SET plan = '{}' WHERE version_id = %s",
        "UPDATE action_plans_snapshotrecord SET record = '{}' WHERE version_id = %s",
    ]
    if connection.vendor == "postgresql":  # SQLite keeps DELETE for the test flush
        refused += [
            "DELETE FROM action_plans_snapshotoutline WHERE version_id = %s",
            "DELETE FROM action_plans_snapshotrecord WHERE version_id = %s",
        ]
    for statement in refused:
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, [version.pk])
    with pytest.raises(DatabaseError), transaction.atomic():  # nor through the ORM
        SnapshotRecord.objects.filter(version=version).update(digest="")
    assert SnapshotOutline.objects.get(version=version).plan["title"] == cast.plan_a.title
    assert not SnapshotRecord.objects.filter(version=version, digest="").exists()


def test_the_versions_frozen_before_get_their_parts_from_their_snapshot(cast, ready):
    """The data migration gives a version frozen whole alone the parts ``snapshot_freeze``
    writes, and leaves the versions that have them alone."""
    fill = importlib.import_module(
        "action_plans.migrations.0016_snapshot_parts_of_existing_versions"
    ).fill
    frozen = _freeze(cast.plan_a, 0)
    older = PlanVersion.objects.create(
        plan=cast.plan_a, major=0, minor=9, status="withdrawn", submitted_at=timezone.now()
    )
    PlanSnapshot.objects.create(version=older, content=build_snapshot(cast.plan_a))
    fill(apps, None)

    def parts(version: PlanVersion) -> tuple:
        outline = SnapshotOutline.objects.get(version=version)
        return (
            (outline.format, outline.plan, outline.sections),
            list(
                SnapshotRecord.objects.filter(version=version)
                .order_by("section", "position")
                .values_list("section", "position", "key", "parent", "kind", "digest", "record")
            ),
        )

    assert parts(older) == parts(frozen)
    assert SnapshotOutline.objects.count() == 2
    assert SnapshotRecord.objects.filter(version=frozen).count() == sum(
        len(section["records"]) for section in build_snapshot(cast.plan_a)["sections"].values()
    )


def test_a_version_page_decodes_its_page_of_records_whatever_the_plans_size(
    client, cast, ready, django_assert_max_num_queries
):
    """60 or 300 interventions: the page of interventions decodes its 50 records, the
    outline's two fields and no whole snapshot, in the same queries (20 at most)."""
    targets = {"10.7": cast.plan_a.prioritised_targets.get()}
    client.force_login(cast.viewer_x)

    def read(version: PlanVersion) -> tuple[Counter[str], int]:
        url = reverse("version_detail", args=[cast.plan_a.pk, version.pk])
        client.get(url)  # the session, the language
        with (
            _decoded() as decoded,
            django_assert_max_num_queries(20),
            CaptureQueriesContext(connection) as queries,
        ):
            page = client.get(url, {"section": "interventions"})
        assert page.status_code == 200
        assert "Page 1 of" in page.content.decode()
        return decoded, len(queries)

    _grow(cast, targets, 59)
    small = read(_freeze(cast.plan_a, 0))
    _grow(cast, targets, 240)
    large = read(_freeze(cast.plan_a, 1))
    assert small[0]["SnapshotRecord"] == RECORDS_PER_PAGE
    assert small[0]["PlanSnapshot"] == 0
    assert small == large


def test_a_version_page_is_named_once_per_language(client, cast, ready, settings):
    settings.CACHES = {**settings.CACHES, "derived": LOCAL_CACHE}
    version = workflow.plan_submit(actor=cast.coordinator_a, plan=cast.plan_a)
    url = reverse("version_detail", args=[cast.plan_a.pk, version.pk])
    client.force_login(cast.viewer_x)
    assert "Labour and employment" in client.get(url, {"section": "interventions"}).content.decode()
    with CaptureQueriesContext(connection) as queries:
        again = client.get(url, {"section": "interventions"}).content.decode()
    assert "Labour and employment" in again
    assert not [query for query in queries if "action_plans_snapshot" in query["sql"]]
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    assert "Trabajo y empleo" in client.get(url, {"section": "interventions"}).content.decode()


def _two_versions(cast, ready) -> tuple[PlanVersion, PlanVersion, dict, dict]:
    """1.0, then 1.1 with a cost changed and an intervention added, and their contents."""
    targets = {"10.7": cast.plan_a.prioritised_targets.get()}
    first = _freeze(cast.plan_a, 0)
    _set_cost(cast, ready["intervention"], 1450000)
    _grow(cast, targets, 1)
    second = _freeze(cast.plan_a, 1)
    contents = dict(PlanSnapshot.objects.values_list("version_id", "content"))
    return first, second, contents[first.pk], contents[second.pk]


def test_comparing_two_versions_decodes_only_the_records_that_differ(cast, ready):
    targets = {"10.7": cast.plan_a.prioritised_targets.get()}
    _grow(cast, targets, 40)  # alike in both versions: never decoded
    first, second, old, new = _two_versions(cast, ready)
    differing = [
        record
        for content, other in ((old, new), (new, old))
        for name, data in content["sections"].items()
        for record in data["records"]
        if record not in other["sections"][name]["records"]
    ]
    # the intervention's cost and its funding gap changed (both sides), an intervention
    # and its funding added, a target's funding summing them changed (both sides)
    assert len(differing) >= 8
    with translation.override("en"):
        with _decoded() as decoded, CaptureQueriesContext(connection) as queries:
            changes = versions_compared(first, second)
        assert changes == compare(old, new)
    assert decoded["SnapshotRecord"] == len(differing)
    assert decoded["PlanSnapshot"] == 0
    assert len(queries) == 3  # the records that differ, the two outlines
    subjects = [change.subject for section in changes for change in section.changes]
    assert "Intervention “Fair recruitment”" in subjects
    assert "Intervention “Intervention 000”" in subjects


def test_comparing_a_version_with_the_draft_decodes_only_the_records_that_differ(cast, ready):
    first, _second, old, _new = _two_versions(cast, ready)
    draft = build_snapshot(cast.plan_a)
    with translation.override("en"):
        with _decoded() as decoded:
            changes = compared_with(first, draft)
        assert changes == compare(old, draft)
    assert 0 < decoded["SnapshotRecord"] < sum(len(s["records"]) for s in old["sections"].values())
    assert decoded["PlanSnapshot"] == 0


def test_the_comparison_with_the_draft_is_kept_per_revision_and_language(
    client, cast, ready, settings
):
    settings.CACHES = {**settings.CACHES, "derived": LOCAL_CACHE}
    first = _freeze(cast.plan_a, 0)
    _set_cost(cast, ready["intervention"], 1450000)
    url = reverse("version_compare", args=[cast.plan_a.pk])
    query = {"from": first.pk, "to": "draft"}
    client.force_login(cast.editor_y)
    assert "1,450,000.00\xa0GHS" in client.get(url, query).content.decode()
    with CaptureQueriesContext(connection) as queries:
        again = client.get(url, query).content.decode()
    assert "cost: 1,000,000.00\xa0GHS → 1,450,000.00\xa0GHS" in again
    assert not [item for item in queries if "action_plans_snapshot" in item["sql"]]
    assert not [item for item in queries if "interventions_intervention" in item["sql"]]
    _set_cost(cast, ready["intervention"], 1500000)  # a new revision: compared anew
    assert "1,500,000.00\xa0GHS" in client.get(url, query).content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    assert "coût" in client.get(url, query).content.decode()


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_stored_comparisons_read_as_the_whole_snapshots_compared(db, language):
    """Every pair of the demo's versions, each with the drafts, and a version frozen in
    words (format 1): compared from their parts, they read as ``compare`` of the whole
    snapshots (the words and codes alike, record for record)."""
    call_command("load_demo", stdout=io.StringIO())
    national = ActionPlan.objects.get(level="national")
    official = workflow.official_version(national)
    older = PlanVersion.objects.create(
        plan=national, major=0, minor=9, status="withdrawn", submitted_at=timezone.now()
    )
    in_words = _in_words(PlanSnapshot.objects.get(version=official).content)
    snapshot_freeze(version=older, content=in_words)
    contents = dict(PlanSnapshot.objects.values_list("version_id", "content"))
    versions = list(PlanVersion.objects.select_related("plan"))
    assert len(versions) >= 3
    with translation.override(language):
        assert versions_compared(older, official) == [] == compare(in_words, contents[official.pk])
        for one in versions:
            draft = build_snapshot(one.plan)
            assert compared_with(one, draft) == compare(contents[one.pk], draft)
            for other in versions:
                if other.plan_id == one.plan_id and other != one:
                    assert versions_compared(one, other) == compare(
                        contents[one.pk], contents[other.pk]
                    )
