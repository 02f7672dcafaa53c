"""Typed readers for settings that come from the environment.

Each reader either returns a value of the promised type or raises
``ConfigurationError`` with one line naming the variable and the problem.
``manage.py`` and the WSGI/ASGI entry points turn that error into a single
line on stderr instead of a traceback.
"""

import os
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}
_DATABASE_SCHEMES = {"postgres", "postgresql", "pgsql", "sqlite"}


class ConfigurationError(ImproperlyConfigured):
    """A setting is missing or malformed; the message is meant for the operator."""


_MISSING: Any = object()


def env_str(name: str, default: str = _MISSING) -> str:
    value = os.environ.get(name)
    if value is None or value == "":
        if default is _MISSING:
            raise ConfigurationError(f"{name} is not set; it is required in this environment.")
        return default
    return value


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ConfigurationError(f"{name}={value!r} is not a boolean; use true or false.")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ConfigurationError(f"{name}={value!r} is not a whole number.") from None


def env_list(name: str, default: list[str] = _MISSING) -> list[str]:
    """A comma-separated list; empty items are dropped."""
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        if default is _MISSING:
            raise ConfigurationError(
                f"{name} is not set; give a comma-separated list (for example a,b)."
            )
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


def env_database(name: str, default_sqlite_path: Path) -> dict[str, Any]:
    """Parse a database URL (PostgreSQL or SQLite) into Django's DATABASES entry.

    Without the variable, the embedded default is a SQLite file at
    ``default_sqlite_path``.
    """
    url = os.environ.get(name, "").strip()
    if not url:
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(default_sqlite_path),
            "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20},
        }
    scheme = url.split("://", 1)[0] if "://" in url else ""
    if scheme not in _DATABASE_SCHEMES:
        raise ConfigurationError(
            f"{name} must be a postgres:// or sqlite:// URL; got scheme {scheme or 'none'!r}."
        )
    try:
        config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    except (ValueError, dj_database_url.ParseError) as error:
        raise ConfigurationError(f"{name} is malformed: {error}") from None
    if not config.get("NAME"):
        raise ConfigurationError(f"{name} names no database (expected …/database_name).")
    return config
