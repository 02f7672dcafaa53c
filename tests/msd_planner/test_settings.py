import os
import subprocess
import sys
from pathlib import Path

import pytest

from msd_planner.lib.env import (
    ConfigurationError,
    env_bool,
    env_database,
    env_int,
    env_list,
    env_str,
)

PROJECT_DIR = Path(__file__).resolve().parents[2]


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


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {"DATABASE_URL", "SECRET_KEY", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    environment.update(env)
    return subprocess.run(  # noqa: S603 - fixed interpreter and arguments
        [sys.executable, "manage.py", *args],
        cwd=PROJECT_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


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
        SECRET_KEY="x7#kP2!vQ9zL$mR4wT8&nB1^cF6*hJ3@dG5(sA0)eY-uI_oW=Zr5%Lq2+Mv8",
        ALLOWED_HOSTS="planner.gov.example",
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout
