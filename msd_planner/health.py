"""Health checks for the load balancer and the orchestrator.

``/healthz`` says the process answers (no database, nothing else); ``/readyz`` says it can
serve: the database answers a query, the cache keeps a value, the job broker takes a
connection and the storage of documents writes, reads and deletes a file. Each answer is
a small JSON object naming every check, 200 when all pass, 503 otherwise; no session,
no CSRF, never cached. Why a check failed goes to the log, not to the (public) answer.
"""

import logging
import uuid
from collections.abc import Callable

from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connections
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from msd_planner.celery import app as celery_app

log = logging.getLogger("msd_planner.health")

OK, FAILING = "ok", "failing"
# Seconds a health check waits for the broker: the load balancer's own timeout is short.
BROKER_TIMEOUT = 2.0
PROBE_CONTENT = b"msd-planner readiness probe\n"


def check_database() -> None:
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT 1")
        if cursor.fetchone() != (1,):
            raise RuntimeError("SELECT 1 did not answer 1")


def check_cache() -> None:
    key, value = f"health:{uuid.uuid4().hex}", uuid.uuid4().hex
    cache.set(key, value, timeout=30)
    try:
        if cache.get(key) != value:
            raise RuntimeError("the cache did not give back the value it was given")
    finally:
        cache.delete(key)


def check_broker() -> None:
    with celery_app.connection_for_write(connect_timeout=BROKER_TIMEOUT) as connection:
        # kombu takes the timeout in seconds as a float; its stubs say int.
        connection.ensure_connection(max_retries=1, interval_start=0, timeout=BROKER_TIMEOUT)  # type: ignore[arg-type]


def check_storage() -> None:
    name = default_storage.save(f"health/probe-{uuid.uuid4().hex}.txt", ContentFile(PROBE_CONTENT))
    try:
        with default_storage.open(name, "rb") as probe:
            if probe.read() != PROBE_CONTENT:
                raise RuntimeError("the storage did not give back the file it was given")
    finally:
        default_storage.delete(name)


READINESS_CHECKS: dict[str, Callable[[], None]] = {
    "database": check_database,
    "cache": check_cache,
    "broker": check_broker,
    "storage": check_storage,
}


def run_checks(checks: dict[str, Callable[[], None]]) -> dict[str, str]:
    results = {}
    for name, check in checks.items():
        try:
            check()
        except Exception as error:
            log.warning(
                "readiness check failed: check=%s error=%s: %s",
                name,
                type(error).__name__,
                error,
                extra={"check": name, "error": f"{type(error).__name__}: {error}"},
            )
            results[name] = FAILING
        else:
            results[name] = OK
    return results


def _answer(checks: dict[str, str]) -> JsonResponse:
    healthy = all(result == OK for result in checks.values())
    return JsonResponse(
        {"status": OK if healthy else FAILING, "checks": checks}, status=200 if healthy else 503
    )


@csrf_exempt
@never_cache
@require_http_methods(["GET", "HEAD"])
def healthz(request: HttpRequest) -> JsonResponse:
    """Live: the process answers."""
    return _answer({"process": OK})


@csrf_exempt
@never_cache
@require_http_methods(["GET", "HEAD"])
def readyz(request: HttpRequest) -> JsonResponse:
    """Ready: every service the app needs answers."""
    return _answer(run_checks(READINESS_CHECKS))
