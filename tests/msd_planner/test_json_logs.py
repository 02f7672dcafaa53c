"""Production writes one JSON object per log line, for the log collector."""

import importlib
import io
import json
import logging
import logging.config

import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from msd_planner.lib.json_log import JsonFormatter

LOGGERS = [
    "",
    "msd_planner.security",
    "msd_planner.jobs",
    "msd_planner.governance",
    "msd_planner.health",
    "django.request",
]


@pytest.fixture
def production_logging(monkeypatch):
    """The production settings' LOGGING applied to this process, its console written to a
    buffer; the test settings' logging back afterwards."""
    monkeypatch.setenv("SECRET_KEY", "a-production-key-for-this-test-only-" + "x1y2z3" * 8)
    monkeypatch.setenv("ALLOWED_HOSTS", "planner.example.org")
    production = importlib.import_module("msd_planner.settings.production")
    stream = io.StringIO()
    monkeypatch.setattr("sys.stderr", stream)  # where the console handler writes
    logging.config.dictConfig(production.LOGGING)
    try:
        yield production, stream
    finally:
        logging.config.dictConfig(django_settings.LOGGING)


def _lines(stream) -> list[dict]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_every_logger_of_the_project_writes_json(production_logging):
    for name in LOGGERS:
        logger = logging.getLogger(name)
        while logger is not None and not logger.handlers:
            logger = logger.parent if logger.propagate else None
        assert logger is not None, name
        # (pytest adds its own capturing handlers to the root logger)
        ours = [h for h in logger.handlers if not type(h).__module__.startswith("_pytest")]
        assert ours, name
        assert all(isinstance(handler.formatter, JsonFormatter) for handler in ours), name


def test_a_refused_authorisation_is_one_json_line_with_its_fields(client, cast, production_logging):
    _, stream = production_logging
    client.force_login(cast.viewer_x)
    url = reverse("plan_edit", args=[cast.plan_a.pk])

    assert client.get(url, REMOTE_ADDR="10.1.2.3").status_code == 403

    [line] = _lines(stream)  # Django's own "Forbidden" line stays out (the filter is kept)
    assert line["level"] == "WARNING"
    assert line["logger"] == "msd_planner.security"
    assert line["message"].startswith("authorisation refused: user=viewer_x action=change")
    assert {key: line[key] for key in ("user", "action", "object", "path", "ip")} == {
        "user": "viewer_x",
        "action": "change",
        "object": f"plan {cast.plan_a.pk}",
        "path": url,
        "ip": "10.1.2.3",
    }
    assert line["time"].endswith("+00:00")


def test_django_request_lines_and_tracebacks_stay_on_one_line(db, client, production_logging):
    _, stream = production_logging
    assert client.get("/no-such-page/").status_code == 404
    try:
        raise ValueError("two\nlines")
    except ValueError:
        logging.getLogger("msd_planner.jobs").exception("a job failed")

    assert len(stream.getvalue().splitlines()) == 2
    not_found, failure = _lines(stream)
    assert not_found["logger"] == "django.request"
    assert not_found["request"] == {"method": "GET", "path": "/no-such-page/"}
    assert not_found["status_code"] == 404
    assert failure["message"] == "a job failed"
    assert "ValueError: two\nlines" in failure["exception"]
