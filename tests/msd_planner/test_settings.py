import ast
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from msd_planner.lib.env import (
    ConfigurationError,
    database_location,
    env_bool,
    env_database,
    env_int,
    env_list,
    env_secret_key,
    env_str,
)
from msd_planner.settings import DEFAULT_SETTINGS_MODULE, DEVELOPMENT_SECRET_KEY

PROJECT_DIR = Path(__file__).resolve().parents[2]
STRONG_KEY = "x7#kP2!vQ9zL$mR4wT8&nB1^cF6*hJ3@dG5(sA0)eY-uI_oW=Zr5%Lq2+Mv8"


def test_missing_required_string_names_the_variable(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ConfigurationError, match="SECRET_KEY is not set"):
        env_str("SECRET_KEY")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("true", True), ("1", True), ("Yes", True), ("false", False), ("0", False)],
)
def test_booleans_accept_the_usual_spellings(monkeypatch, raw, expected):
    monkeypatch.setenv("DEBUG", raw)
    assert env_bool("DEBUG", not expected) is expected


def test_a_malformed_boolean_is_refused(monkeypatch):
    monkeypatch.setenv("DEBUG", "maybe")
    with pytest.raises(ConfigurationError, match="DEBUG='maybe' is not a boolean"):
        env_bool("DEBUG", False)


def test_a_malformed_integer_is_refused(monkeypatch):
    monkeypatch.setenv("EMAIL_PORT", "twenty-five")
    with pytest.raises(ConfigurationError, match="EMAIL_PORT='twenty-five' is not a whole number"):
        env_int("EMAIL_PORT", 25)


def test_lists_are_comma_separated_and_trimmed(monkeypatch):
    monkeypatch.setenv("ALLOWED_HOSTS", " planner.gov.example , ,www.planner.gov.example")
    assert env_list("ALLOWED_HOSTS") == ["planner.gov.example", "www.planner.gov.example"]


def test_without_database_url_the_embedded_default_is_sqlite(monkeypatch, tmp_path):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    config = env_database("DATABASE_URL", tmp_path / "db.sqlite3")
    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert config["NAME"] == str(tmp_path / "db.sqlite3")


def test_a_postgres_url_is_parsed(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", "postgres://planner:secret@db.internal:5433/msd")
    config = env_database("DATABASE_URL", tmp_path / "unused")
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["HOST"], config["PORT"], config["NAME"], config["USER"]) == (
        "db.internal",
        5433,
        "msd",
        "planner",
    )


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("not a url", "must be a postgres:// or sqlite:// URL"),
        ("mysql://root@localhost/msd", "got scheme 'mysql'"),
        ("postgres://planner@db.internal:port/msd", "DATABASE_URL is malformed"),
        ("postgres://planner@db.internal:5432", "names no database"),
    ],
)
def test_bad_database_urls_are_refused_with_a_clear_reason(monkeypatch, tmp_path, url, message):
    monkeypatch.setenv("DATABASE_URL", url)
    with pytest.raises(ConfigurationError, match=message):
        env_database("DATABASE_URL", tmp_path / "unused")


# Variables the test run may have set that would change what a child process does.
_INHERITED_SETTINGS = {
    "DATABASE_URL",
    "SECRET_KEY",
    "DJANGO_SETTINGS_MODULE",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "CELERY_BROKER_URL",
    "ALLOWED_HOSTS",
}


def _run(*command: str, **env: str) -> subprocess.CompletedProcess:
    """Run ``python <command>`` in the project folder with only the settings given."""
    environment = {
        key: value for key, value in os.environ.items() if key not in _INHERITED_SETTINGS
    }
    environment.update(env)
    return subprocess.run(  # noqa: S603 - fixed interpreter and arguments
        [sys.executable, *command],
        cwd=PROJECT_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    return _run("manage.py", *args, **env)


def test_manage_py_stops_with_one_line_on_a_malformed_database_url():
    result = _manage("check", DATABASE_URL="postgresql//missing-colon")
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "msd-planner: configuration error: DATABASE_URL must be a postgres:// or sqlite:// URL;"
        " got scheme 'none'."
    ]


def test_production_refuses_to_start_without_a_secret_key():
    result = _manage(
        "check", DJANGO_SETTINGS_MODULE="msd_planner.settings.production", ALLOWED_HOSTS="x.org"
    )
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "msd-planner: configuration error: SECRET_KEY is not set; it is required in this"
        " environment."
    )


def test_production_settings_pass_the_deployment_checklist():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_SETTINGS_MODULE="msd_planner.settings.production",
        SECRET_KEY=STRONG_KEY,
        ALLOWED_HOSTS="planner.gov.example",
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    "entry_point",
    [
        "manage.py",
        "msd_planner/wsgi.py",
        "msd_planner/asgi.py",
        "msd_planner/celery.py",
        "gunicorn.conf.py",
    ],
)
def test_every_entry_point_falls_back_to_the_one_default_settings_module(entry_point):
    tree = ast.parse((PROJECT_DIR / entry_point).read_text())
    fallbacks = [
        node.args
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and ast.unparse(node.func) == "os.environ.setdefault"
        and isinstance(node.args[0], ast.Constant)
        and node.args[0].value == "DJANGO_SETTINGS_MODULE"
    ]
    assert [ast.unparse(args[1]) for args in fallbacks] == ["DEFAULT_SETTINGS_MODULE"]


def test_the_default_settings_are_the_development_settings():
    # `make run` and `make worker` set nothing; deployments set the variable (README).
    assert DEFAULT_SETTINGS_MODULE == "msd_planner.settings.local"
    result = _run(
        "-c",
        "from msd_planner.celery import app; from django.conf import settings;"
        " print(app.conf.task_acks_late, settings.SETTINGS_MODULE)",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", DEFAULT_SETTINGS_MODULE]


@pytest.mark.parametrize(
    ("key", "message"),
    [
        (DEVELOPMENT_SECRET_KEY, "SECRET_KEY is the development key from local settings"),
        ("k3y!" * 12, "SECRET_KEY is too short (48 characters)"),
        ("ab" * 30, "SECRET_KEY has too few distinct characters (2)"),
    ],
)
def test_weak_secret_keys_are_refused(monkeypatch, key, message):
    monkeypatch.setenv("SECRET_KEY", key)
    with pytest.raises(ConfigurationError, match="^" + re.escape(message)):
        env_secret_key("SECRET_KEY", development_key=DEVELOPMENT_SECRET_KEY)


def test_a_strong_secret_key_is_accepted(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", STRONG_KEY)
    assert env_secret_key("SECRET_KEY", development_key=DEVELOPMENT_SECRET_KEY) == STRONG_KEY


def test_production_refuses_the_development_key():
    result = _manage(
        "check",
        DJANGO_SETTINGS_MODULE="msd_planner.settings.production",
        SECRET_KEY=DEVELOPMENT_SECRET_KEY,
        ALLOWED_HOSTS="x.org",
    )
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "msd-planner: configuration error: SECRET_KEY is the development key from local"
        " settings; use a random key of 50 or more characters."
    )


def test_a_celery_worker_refuses_the_development_key_under_production_settings():
    result = _run(
        "-m",
        "celery",
        "-A",
        "msd_planner",
        "worker",
        "--pool",
        "solo",
        DJANGO_SETTINGS_MODULE="msd_planner.settings.production",
        SECRET_KEY=DEVELOPMENT_SECRET_KEY,
        ALLOWED_HOSTS="x.org",
        # Nothing listens there: a worker that did start would fail rather than run.
        CELERY_BROKER_URL="redis://127.0.0.1:1/0",
    )
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "msd-planner: configuration error: SECRET_KEY is the development key from local"
        " settings; use a random key of 50 or more characters."
    )


@pytest.mark.parametrize(
    ("config", "location"),
    [
        (
            {
                "ENGINE": "django.db.backends.postgresql",
                "NAME": "msd",
                "USER": "planner",
                "PASSWORD": "secret",
                "HOST": "db.internal",
                "PORT": 5433,
            },
            "postgres://planner@db.internal:5433/msd",
        ),
        (
            {"ENGINE": "django.db.backends.postgresql", "NAME": "msd", "HOST": "", "PORT": ""},
            "postgres:///msd",
        ),
        (
            {"ENGINE": "django.db.backends.sqlite3", "NAME": "/srv/planner/db.sqlite3"},
            "sqlite:////srv/planner/db.sqlite3",
        ),
    ],
)
def test_a_database_is_named_without_its_password(config, location):
    assert database_location(config) == location


def test_an_unreachable_database_stops_migrate_with_one_line():
    # Nothing listens on port 1: the connection is refused at once.
    result = _manage(
        "migrate", DATABASE_URL="postgres://planner:secret-password@127.0.0.1:1/msd_planner"
    )
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(
        "msd-planner: database error: cannot connect to"
        " postgres://planner@127.0.0.1:1/msd_planner: connection failed:"
    )
    assert "Connection refused" in lines[0]
    assert "secret-password" not in result.stderr


def test_a_failing_query_keeps_its_traceback(tmp_path):
    result = _manage(
        "shell",
        "-c",
        "from django.db import connection; connection.cursor().execute('select * from missing')",
        DATABASE_URL=f"sqlite:///{tmp_path / 'empty.sqlite3'}",
    )
    assert result.returncode == 1
    assert "Traceback (most recent call last)" in result.stderr
    assert "OperationalError: no such table: missing" in result.stderr


def _gunicorn(*args: str, **env: str) -> tuple[subprocess.CompletedProcess, float]:
    started = time.monotonic()
    result = _run(
        "-m",
        "gunicorn",
        "msd_planner.wsgi",
        "--bind",
        "127.0.0.1:0",
        *args,
        DJANGO_SETTINGS_MODULE="msd_planner.settings.production",
        ALLOWED_HOSTS="x.org",
        **env,
    )
    return result, time.monotonic() - started


def test_gunicorn_stops_at_once_without_a_secret_key():
    result, seconds = _gunicorn("--workers", "3")
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "msd-planner: configuration error: SECRET_KEY is not set; it is required in this"
        " environment."
    )
    assert seconds < 10


def test_gunicorn_refuses_to_start_when_the_database_cannot_be_reached():
    # Nothing listens on port 1: gunicorn once started anyway and answered 500s.
    result, _seconds = _gunicorn(
        "--workers",
        "2",
        SECRET_KEY=STRONG_KEY,
        DATABASE_URL="postgres://planner:secret-password@127.0.0.1:1/msd_planner",
    )
    assert result.returncode == 1
    ours = [line for line in result.stderr.splitlines() if "msd-planner" in line]
    assert len(ours) == 1, result.stderr
    assert ours[0].startswith(
        "msd-planner: database error: cannot connect to"
        " postgres://planner@127.0.0.1:1/msd_planner: connection failed:"
    )
    assert result.stderr.strip().splitlines()[-1] == ours[0]  # the last word, no traceback
    assert "Traceback" not in result.stderr
    assert "Booting worker" not in result.stderr
    assert "secret-password" not in result.stderr


def test_gunicorn_without_its_config_file_stops_when_the_first_worker_fails(tmp_path):
    # Started from another folder, gunicorn does not read gunicorn.conf.py: the worker's
    # exit status still stops the master instead of letting it start new workers.
    empty_config = tmp_path / "gunicorn.conf.py"
    empty_config.write_text("")
    result, seconds = _gunicorn("--workers", "1", "--config", str(empty_config))
    # 3, gunicorn's "worker failed to boot"; 1 when its master halts while reaping a
    # worker under load. Either way it has stopped rather than booting workers forever.
    assert result.returncode in {1, 3}
    assert "Booting worker" in result.stderr
    assert (
        "msd-planner: configuration error: SECRET_KEY is not set; it is required in this"
        " environment."
    ) in result.stderr.splitlines()
    assert "Reason: Worker failed to boot." in result.stderr
    assert seconds < 20
