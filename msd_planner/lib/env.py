"""Typed readers for settings that come from the environment.

Each reader either returns a value of the promised type or raises
``ConfigurationError`` with one line naming the variable and the problem.
Every entry point (manage.py, WSGI, ASGI, the Celery app, gunicorn.conf.py)
runs under ``stop_on_configuration_error``, which turns that error into a
single line on stderr instead of a traceback.
"""

import os
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
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

# Django's deployment check (security.W009) calls a key shorter than this, or with
# fewer distinct characters, weak.
SECRET_KEY_MIN_LENGTH = 50
SECRET_KEY_MIN_DISTINCT_CHARACTERS = 5


@contextmanager
def stop_on_configuration_error(exit_status: int = 1) -> Iterator[None]:
    """Turn a ``ConfigurationError`` into one line on stderr and exit with ``exit_status``."""
    try:
        yield
    except ConfigurationError as error:
        print(f"msd-planner: configuration error: {error}", file=sys.stderr)
        sys.exit(exit_status)


def env_str(name: str, default: str = _MISSING) -> str:
    value = os.environ.get(name)
    if value is None or value == "":
        if default is _MISSING:
            raise ConfigurationError(f"{name} is not set; it is required in this environment.")
        return default
    return value


def env_secret_key(name: str, *, development_key: str) -> str:
    """A required secret key: long, varied, and not the development key (which is public)."""
    value = env_str(name)
    advice = f"use a random key of {SECRET_KEY_MIN_LENGTH} or more characters."
    if value == development_key:
        raise ConfigurationError(f"{name} is the development key from local settings; {advice}")
    if len(value) < SECRET_KEY_MIN_LENGTH:
        raise ConfigurationError(f"{name} is too short ({len(value)} characters); {advice}")
    if len(set(value)) < SECRET_KEY_MIN_DISTINCT_CHARACTERS:
        raise ConfigurationError(
            f"{name} has too few distinct characters ({len(set(value))}); {advice}"
        )
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
    return dict(config)


def database_location(config: Mapping[str, Any]) -> str:
    """Where a ``DATABASES`` entry points, as a URL without the password, for messages."""
    if config["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{config['NAME']}"
    user = f"{config['USER']}@" if config.get("USER") else ""
    port = f":{config['PORT']}" if config.get("PORT") else ""
    return f"postgres://{user}{config.get('HOST') or ''}{port}/{config['NAME']}"


_FILE_STORAGES = ("filesystem", "s3")
_S3_ADDRESSING_STYLES = ("auto", "path", "virtual")
FILESYSTEM_STORAGE = "django.core.files.storage.FileSystemStorage"
S3_STORAGE = "storages.backends.s3.S3Storage"


def env_file_storage() -> dict[str, Any]:
    """``STORAGES["default"]``, where the rendered PDFs are kept: the filesystem
    (``MEDIA_ROOT``) unless ``STORAGE_BACKEND=s3`` names an S3-compatible object store,
    which every web process and worker then shares.

    The choice is explicit: a bucket named while the backend is the filesystem is refused
    rather than ignored (the files would stay on one machine's disk unnoticed), and s3
    without a bucket is refused. Keys are optional (boto3 then finds its credentials
    itself: an instance role, ``~/.aws``), but never one without the other.
    """
    backend = env_str("STORAGE_BACKEND", "filesystem").strip().lower()
    if backend not in _FILE_STORAGES:
        raise ConfigurationError(
            f"STORAGE_BACKEND={backend!r} is not one of {', '.join(_FILE_STORAGES)}."
        )
    bucket = env_str("AWS_STORAGE_BUCKET_NAME", "")
    if backend == "filesystem":
        if bucket:
            raise ConfigurationError(
                "AWS_STORAGE_BUCKET_NAME is set but STORAGE_BACKEND is not s3; set "
                "STORAGE_BACKEND=s3 to keep the files there, or unset the bucket."
            )
        return {"BACKEND": FILESYSTEM_STORAGE}
    if not bucket:
        raise ConfigurationError(
            "AWS_STORAGE_BUCKET_NAME is not set; it is required when STORAGE_BACKEND=s3."
        )
    return {
        "BACKEND": S3_STORAGE,
        "OPTIONS": {
            "bucket_name": bucket,
            # The app serves every file itself, to those who may see it: objects stay
            # private (the bucket's own policy), and a URL, were one ever made, is signed.
            "default_acl": None,
            "querystring_auth": env_bool("AWS_QUERYSTRING_AUTH", True),
            "file_overwrite": True,
            "location": env_str("AWS_LOCATION", "").strip("/"),
            **_s3_connection(),
            **_s3_keys(),
        },
    }


def _s3_connection() -> dict[str, Any]:
    """Where and how the S3 storage is reached, when not AWS's defaults: an endpoint (a
    store other than AWS), a region, an addressing style."""
    options: dict[str, Any] = {}
    endpoint = env_str("AWS_S3_ENDPOINT_URL", "")
    if endpoint:
        if not endpoint.startswith(("https://", "http://")):
            raise ConfigurationError(
                f"AWS_S3_ENDPOINT_URL={endpoint!r} must be an http:// or https:// URL."
            )
        options["endpoint_url"] = endpoint
    region = env_str("AWS_S3_REGION_NAME", "")
    if region:
        options["region_name"] = region
    style = env_str("AWS_S3_ADDRESSING_STYLE", "")
    if style:
        if style not in _S3_ADDRESSING_STYLES:
            raise ConfigurationError(
                f"AWS_S3_ADDRESSING_STYLE={style!r} is not one of "
                f"{', '.join(_S3_ADDRESSING_STYLES)}."
            )
        options["addressing_style"] = style
    return options


def _s3_keys() -> dict[str, str]:
    """The S3 storage's keys, when given (boto3 otherwise finds its credentials itself):
    both or neither."""
    access_key = env_str("AWS_ACCESS_KEY_ID", "")
    secret_key = env_str("AWS_SECRET_ACCESS_KEY", "")
    if bool(access_key) != bool(secret_key):
        raise ConfigurationError(
            "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY go together: set both or neither."
        )
    if not access_key:
        return {}
    return {"access_key": access_key, "secret_key": secret_key}


def unreachable_database_line(config: Mapping[str, Any], error: Exception) -> str:
    """The one line an entry point prints when it cannot connect to a database: where
    (without the password) and the driver's first line of why."""
    cause = str(error).strip().partition("\n")[0]
    return f"msd-planner: database error: cannot connect to {database_location(config)}: {cause}"


def stop_unless_database_reachable(alias: str = "default", exit_status: int = 1) -> None:
    """Connect once to the database ``alias``; if that fails, print the one line and exit
    with ``exit_status``. The connection is closed again either way, so that processes
    forked afterwards (gunicorn's workers) open their own."""
    from django.db import connections
    from django.db.utils import OperationalError

    connection = connections[alias]
    try:
        connection.ensure_connection()
    except OperationalError as error:
        print(unreachable_database_line(connection.settings_dict, error), file=sys.stderr)
        sys.exit(exit_status)
    finally:
        connection.close()
