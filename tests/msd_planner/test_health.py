"""The health checks: ``/healthz`` (the process answers) and ``/readyz`` (the database,
the cache, the broker and the storage answer), for the load balancer."""

import importlib
import json
import socket
import time

import pytest
from django.db import connections
from django.urls import reverse

from tests.action_plans.test_jobs import SilentBroker, broker

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _own_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def broker_as_set(monkeypatch):
    """``broker`` (as the jobs' tests use it), the app's setting alone deciding: Celery
    reads the variable CELERY_BROKER_URL before its setting (CI sets it)."""
    monkeypatch.delenv("CELERY_BROKER_URL", raising=False)
    return broker


def _dead_port() -> int:
    """A port nothing listens on (taken, then given back)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _checks(response) -> dict:
    assert response["Content-Type"] == "application/json"
    return json.loads(response.content)


def test_healthz_answers_without_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert _checks(response) == {"status": "ok", "checks": {"process": "ok"}}
    assert "no-cache" in response["Cache-Control"]
    assert "no-store" in response["Cache-Control"]
    assert "sessionid" not in response.cookies
    assert "csrftoken" not in response.cookies


def test_readyz_names_every_check_and_answers_200_when_all_pass(client, settings, tmp_path):
    response = client.get(reverse("readyz"))
    assert _checks(response) == {
        "status": "ok",
        "checks": {"database": "ok", "cache": "ok", "broker": "ok", "storage": "ok"},
    }
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert not response.cookies
    # The probe file is gone.
    assert list((tmp_path / "media").rglob("probe-*")) == []


def test_readyz_answers_503_naming_the_broker_when_it_cannot_be_reached(
    client, caplog, broker_as_set
):
    with broker_as_set(f"redis://127.0.0.1:{_dead_port()}/0"):
        response = client.get(reverse("readyz"))
    assert response.status_code == 503
    assert _checks(response) == {
        "status": "failing",
        "checks": {"database": "ok", "cache": "ok", "broker": "failing", "storage": "ok"},
    }
    assert "check=broker" in caplog.text


def test_readyz_does_not_hang_on_a_broker_that_never_answers(client, broker_as_set):
    server = SilentBroker()
    try:
        with broker_as_set(server.url):
            started = time.monotonic()
            response = client.get(reverse("readyz"))
            elapsed = time.monotonic() - started
    finally:
        server.close()
    assert response.status_code == 503
    assert _checks(response)["checks"]["broker"] == "failing"
    assert elapsed < 10


@pytest.fixture
def unreachable_database(tmp_path):
    """The default connection replaced, for this thread, by one to a database that is not
    there: a PostgreSQL port nothing listens on, or a SQLite file in a missing folder."""
    real = connections["default"]
    settings_dict = dict(real.settings_dict)
    if real.vendor == "postgresql":
        settings_dict.update(HOST="127.0.0.1", PORT=str(_dead_port()))
    else:
        settings_dict["NAME"] = str(tmp_path / "missing" / "db.sqlite3")
    connections["default"] = type(real)(settings_dict, alias="default")
    try:
        yield
    finally:
        connections["default"].close()
        connections["default"] = real


def test_readyz_answers_503_naming_the_database_when_it_cannot_be_reached(
    client, unreachable_database
):
    response = client.get(reverse("readyz"))
    assert response.status_code == 503
    assert _checks(response) == {
        "status": "failing",
        "checks": {"database": "failing", "cache": "ok", "broker": "ok", "storage": "ok"},
    }


def test_healthz_answers_while_the_database_is_down(client, unreachable_database):
    assert client.get(reverse("healthz")).status_code == 200


def test_a_failing_storage_is_named(client, settings, tmp_path):
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("not a folder")
    settings.MEDIA_ROOT = blocked
    response = client.get(reverse("readyz"))
    assert response.status_code == 503
    assert _checks(response)["checks"]["storage"] == "failing"


@pytest.mark.parametrize("name", ["healthz", "readyz"])
def test_health_checks_refuse_other_methods(client, name):
    assert client.post(reverse(name)).status_code == 405


def test_the_load_balancer_asks_over_plain_http_where_pages_redirect_to_https(
    client, settings, monkeypatch
):
    monkeypatch.setenv("SECRET_KEY", "a-production-key-for-this-test-only-" + "x1y2z3" * 8)
    monkeypatch.setenv("ALLOWED_HOSTS", "planner.example.org")
    production = importlib.import_module("msd_planner.settings.production")
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_REDIRECT_EXEMPT = production.SECURE_REDIRECT_EXEMPT

    assert client.get(reverse("healthz")).status_code == 200
    assert client.get(reverse("readyz")).status_code == 200
    assert client.get(reverse("catalogue")).status_code == 301
