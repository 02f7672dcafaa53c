"""A snapshot's outline and records are written once, like the snapshot itself: the
database refuses to update them or delete them, with the snapshot's own trigger
function on PostgreSQL (``plan_snapshot_frozen``, 0007: both tables name the version in
``version_id``), and on SQLite a trigger refusing UPDATE (SQLite's test flush deletes).
"""

from django.db import migrations

TABLES = ("action_plans_snapshotoutline", "action_plans_snapshotrecord")

POSTGRESQL_UP = "".join(
    f"CREATE TRIGGER {table}_frozen BEFORE UPDATE OR DELETE ON {table} "
    "FOR EACH ROW EXECUTE FUNCTION plan_snapshot_frozen();\n"
    for table in TABLES
)
POSTGRESQL_DOWN = "".join(
    f"DROP TRIGGER IF EXISTS {table}_frozen ON {table};\n" for table in TABLES
)
SQLITE_UP = [
    f"CREATE TRIGGER {table}_frozen BEFORE UPDATE ON {table} BEGIN "
    "SELECT RAISE(ABORT, 'plan snapshot is frozen: a submitted version never changes'); END;"
    for table in TABLES
]
SQLITE_DOWN = [f"DROP TRIGGER IF EXISTS {table}_frozen;" for table in TABLES]


def _run(statements):
    def run(apps, schema_editor):
        sql = statements.get(schema_editor.connection.vendor, [])
        for statement in [sql] if isinstance(sql, str) else sql:
            schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("action_plans", "0016_snapshot_parts_of_existing_versions")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRESQL_UP, "sqlite": SQLITE_UP}),
            _run({"postgresql": POSTGRESQL_DOWN, "sqlite": SQLITE_DOWN}),
        )
    ]
