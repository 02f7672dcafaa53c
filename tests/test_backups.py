"""Backups that restore: the README's procedure (``pg_dump -Fc`` of the database, a copy
of the files; ``pg_restore`` into a fresh database) run on the demo with its PDFs
rendered, and the restored database checked through its own connection: every frozen
version's snapshot the same, every PDF's checksum row intact and the copied files still
hashing to it, every table as full as before, and the snapshots still refusing change.
"""

import hashlib
import json
import os
import shutil
import subprocess

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection
from psycopg import sql

from action_plans.models import DocumentStatus, PlanDocument, PlanSnapshot

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="pg_dump and pg_restore need PostgreSQL"
    ),
]


def _client_environment() -> dict[str, str]:
    """The PostgreSQL client tools' connection, as the test database's."""
    database = connection.settings_dict
    environment = {
        **os.environ,
        "PGHOST": database["HOST"] or "127.0.0.1",
        "PGPORT": str(database["PORT"] or 5432),
        "PGUSER": database["USER"],
    }
    if database.get("PASSWORD"):
        environment["PGPASSWORD"] = database["PASSWORD"]
    return environment


def _connect(name: str) -> psycopg.Connection:
    database = connection.settings_dict
    return psycopg.connect(
        dbname=name,
        host=database["HOST"] or "127.0.0.1",
        port=database["PORT"] or 5432,
        user=database["USER"],
        password=database.get("PASSWORD") or None,
        autocommit=True,
    )


def _tool(name: str, *args: str) -> None:
    path = shutil.which(name)
    assert path, f"{name} is not installed (Debian's postgresql-client)"
    result = subprocess.run(  # noqa: S603 - a fixed command
        [path, *args], env=_client_environment(), capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, f"{name} failed: {result.stderr}"


def _snapshot_hashes(database: psycopg.Connection) -> dict[int, str]:
    rows = database.execute("SELECT version_id, content FROM action_plans_plansnapshot")
    return {
        version_id: hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()
        for version_id, content in rows
    }


def _documents(database: psycopg.Connection) -> dict[int, tuple]:
    rows = database.execute(
        "SELECT id, version_id, edition, file, checksum, size, status "
        "FROM action_plans_plandocument"
    )
    return {row[0]: row[1:] for row in rows}


def _row_counts(database: psycopg.Connection, tables: list[str]) -> dict[str, int]:
    return {
        table: database.execute(
            sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table))
        ).fetchone()[0]
        for table in tables
    }


def test_a_dump_of_the_demo_restores_with_its_snapshots_documents_and_triggers(
    catalogue, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PLAN_DOCUMENTS_ON_VALIDATION = True  # jobs run eagerly in the test settings
    call_command("load_demo")
    versioned = PlanDocument.objects.exclude(version=None)
    assert versioned.exists()
    assert set(versioned.values_list("status", flat=True)) == {DocumentStatus.READY}
    assert PlanSnapshot.objects.count() >= 2

    # The backup: the database in PostgreSQL's custom format, and the files beside it.
    name = connection.settings_dict["NAME"]
    dump = tmp_path / "backup" / "msd_planner.dump"
    dump.parent.mkdir()
    _tool("pg_dump", "--format=custom", f"--file={dump}", name)
    files = dump.parent / "media"
    shutil.copytree(settings.MEDIA_ROOT, files)

    # The restore, into a database of its own, named after the test database.
    restored = f"{name.removeprefix('test_')}_restored"[:63]
    with _connect("postgres") as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(restored)))
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(restored)))
    try:
        _tool("pg_restore", "--no-owner", "--exit-on-error", f"--dbname={restored}", str(dump))
        tables = connection.introspection.table_names()
        with _connect(name) as original, _connect(restored) as copy:
            assert _snapshot_hashes(copy) == _snapshot_hashes(original)
            assert _documents(copy) == _documents(original)
            assert _row_counts(copy, tables) == _row_counts(original, tables)
            documents = _documents(copy)
            for _version, _edition, file, checksum, _size, _status in documents.values():
                stored = (files / file).read_bytes()
                assert hashlib.sha256(stored).hexdigest() == checksum, file

            # The trigger came back with the data: a snapshot still cannot change.
            version_id = next(iter(_snapshot_hashes(copy)))
            for statement in (
                "UPDATE action_plans_plansnapshot SET content = '{}' WHERE version_id = %s",
                "DELETE FROM action_plans_plansnapshot WHERE version_id = %s",
            ):
                with pytest.raises(psycopg.errors.IntegrityConstraintViolation, match="frozen"):
                    copy.execute(statement, [version_id])
    finally:
        with _connect("postgres") as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(restored))
            )
