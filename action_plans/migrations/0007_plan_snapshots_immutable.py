"""A plan snapshot is written once: the database refuses to update it or delete it.

PostgreSQL: a trigger function raising on UPDATE and DELETE (TRUNCATE, which only a
maintenance job or a test database's flush uses, is left alone). SQLite, the embedded
default: a trigger raising on UPDATE; a DELETE trigger would also stop the test runner's
flush, which SQLite does with DELETE.
"""

from django.db import migrations

TABLE = "action_plans_plansnapshot"

POSTGRESQL_UP = f"""
CREATE FUNCTION plan_snapshot_frozen() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION USING
        MESSAGE = 'plan snapshot ' || OLD.version_id || ' is frozen: a submitted version never changes',
        ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER plan_snapshot_frozen BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION plan_snapshot_frozen();
"""
POSTGRESQL_DOWN = f"""
DROP TRIGGER IF EXISTS plan_snapshot_frozen ON {TABLE};
DROP FUNCTION IF EXISTS plan_snapshot_frozen();
"""
SQLITE_UP = f"""
CREATE TRIGGER plan_snapshot_frozen BEFORE UPDATE ON {TABLE}
BEGIN
    SELECT RAISE(ABORT, 'plan snapshot is frozen: a submitted version never changes');
END;
"""
SQLITE_DOWN = "DROP TRIGGER IF EXISTS plan_snapshot_frozen;"


def _run(statements: dict[str, str]):
    def run(apps, schema_editor):
        sql = statements.get(schema_editor.connection.vendor)
        if sql:
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("action_plans", "0006_plan_versions_snapshots_changes_notifications")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRESQL_UP, "sqlite": SQLITE_UP}),
            _run({"postgresql": POSTGRESQL_DOWN, "sqlite": SQLITE_DOWN}),
        )
    ]
