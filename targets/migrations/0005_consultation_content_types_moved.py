"""The consultation log's content types follow its models from governance to targets, so
the permissions attached to them keep their ids instead of being recreated while the old
ones go stale."""

from django.db import migrations

MODELS = [
    "consultation",
    "historicalconsultation",
    "historicalconsultation_frameworks",
    "historicalconsultation_organisations",
    "historicalconsultation_prioritised_targets",
]


def _move(apps, schema_editor, source: str, destination: str) -> None:
    content_type = apps.get_model("contenttypes", "ContentType")
    database = schema_editor.connection.alias
    already_there = content_type.objects.using(database).filter(
        app_label=destination, model__in=MODELS
    )
    # Where post_migrate already created the new one, the old one is left for
    # remove_stale_contenttypes rather than risking a unique clash.
    content_type.objects.using(database).filter(app_label=source, model__in=MODELS).exclude(
        model__in=already_there.values("model")
    ).update(app_label=destination)


def to_targets(apps, schema_editor) -> None:
    _move(apps, schema_editor, "governance", "targets")


def to_governance(apps, schema_editor) -> None:
    _move(apps, schema_editor, "targets", "governance")


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("targets", "0004_consultation_log_moved_from_governance"),
    ]

    operations = [migrations.RunPython(to_targets, to_governance)]
