"""The outline and the records of every version frozen before they were stored apart,
taken from its snapshot as ``action_plans.snapshot.snapshot_freeze`` takes them (written
out here as it is now: a migration does not change with the code). Versions that have
their outline already are left as they are."""

import hashlib
import json

from django.db import migrations


def _digest(record):
    text = json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def fill(apps, schema_editor):
    PlanSnapshot = apps.get_model("action_plans", "PlanSnapshot")
    SnapshotOutline = apps.get_model("action_plans", "SnapshotOutline")
    SnapshotRecord = apps.get_model("action_plans", "SnapshotRecord")
    done = set(SnapshotOutline.objects.values_list("version_id", flat=True))
    versions = (
        PlanSnapshot.objects.exclude(version_id__in=done)
        .order_by("version_id")
        .values_list("version_id", flat=True)
    )
    for version_id in list(versions):  # one snapshot in memory at a time
        content = PlanSnapshot.objects.values_list("content", flat=True).get(version_id=version_id)
        sections = content["sections"]
        SnapshotOutline.objects.create(
            version_id=version_id,
            format=content.get("format", 1),
            plan=content["plan"],
            sections={
                name: {"totals": data.get("totals", {}), "records": len(data.get("records", []))}
                for name, data in sections.items()
            },
        )
        SnapshotRecord.objects.bulk_create(
            (
                SnapshotRecord(
                    version_id=version_id,
                    section=name,
                    position=position,
                    key=record["key"],
                    parent=record.get("parent") or "",
                    kind=record["kind"],
                    digest=_digest(record),
                    record=record,
                )
                for name, data in sections.items()
                for position, record in enumerate(data.get("records", []))
            ),
            batch_size=1000,
        )


def empty(apps, schema_editor):
    apps.get_model("action_plans", "SnapshotRecord").objects.all().delete()
    apps.get_model("action_plans", "SnapshotOutline").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("action_plans", "0015_snapshot_outlines_and_records")]

    operations = [migrations.RunPython(fill, empty)]
