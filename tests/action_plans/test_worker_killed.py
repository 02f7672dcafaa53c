"""A worker killed with SIGKILL in the middle of a render, then started again: the job is
delivered again (acks late) and done once — one PDF, one row.

Real worker processes (``celery -A msd_planner worker``) against the test's PostgreSQL
database and Redis; the broker's visibility timeout is shortened for the run so that the
unacknowledged job comes back within seconds instead of hours.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from action_plans.models import DocumentStatus, PlanDocument, PlanVersion
from action_plans.snapshot import build_snapshot, snapshot_freeze
from tests.action_plans.test_documents import _redis_reachable
from tests.interventions.test_interventions import _grow

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="a worker process needs a shared database"
    ),
    pytest.mark.skipif(not _redis_reachable(), reason="needs Redis on 127.0.0.1:6379"),
]
ROOT = Path(__file__).resolve().parents[2]
VISIBILITY = 4  # seconds


def _worker(media: Path, log: Path) -> subprocess.Popen:
    database = connection.settings_dict
    url = (
        f"postgres://{database['USER']}@{database['HOST'] or '127.0.0.1'}:"
        f"{database['PORT'] or 5432}/{database['NAME']}"
    )
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "msd_planner.settings.local",
        "DATABASE_URL": url,
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY),
        "MEDIA_ROOT": str(media),
    }
    return subprocess.Popen(
        [
            sys.executable, "-m", "celery", "-A", "msd_planner", "worker",
            "--pool=solo", "--without-heartbeat", "--without-mingle", "--without-gossip",
            "--loglevel=INFO",
        ],
        cwd=ROOT,
        env=environment,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
    )  # fmt: skip


def _wait(document_id: int, statuses: set[str], seconds: float) -> PlanDocument:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        document = PlanDocument.objects.get(pk=document_id)
        if document.status in statuses:
            return document
        time.sleep(0.2)
    raise AssertionError(f"still {document.status} after {seconds} s")


def test_a_worker_killed_mid_render_and_started_again_makes_one_pdf(cast, ready, tmp_path):
    from action_plans.tasks import render_document
    from msd_planner.celery import app

    media = tmp_path / "media"
    _grow(cast, {"10.7": cast.plan_a.prioritised_targets.get()}, 300)  # a long render
    version = PlanVersion.objects.create(
        plan=cast.plan_a, major=1, minor=0, status="withdrawn", submitted_at=timezone.now()
    )
    snapshot_freeze(version=version, content=build_snapshot(cast.plan_a))
    document = PlanDocument.objects.create(plan=cast.plan_a, version=version)
    log = tmp_path / "worker.log"

    app.conf.task_always_eager = False
    worker = _worker(media, log)
    try:
        render_document.delay(document.pk)
        _wait(document.pk, {DocumentStatus.RENDERING}, 60)
        worker.send_signal(signal.SIGKILL)  # in the middle of the render
        worker.wait(timeout=10)
        killed = PlanDocument.objects.get(pk=document.pk)
        assert killed.status == DocumentStatus.RENDERING and not killed.file
        time.sleep(VISIBILITY + 1)  # the job becomes visible again
        worker = _worker(media, log)
        done = _wait(document.pk, {DocumentStatus.READY, DocumentStatus.FAILED}, 120)
    finally:
        app.conf.task_always_eager = True
        if worker.poll() is None:
            worker.terminate()
            worker.wait(timeout=30)
    assert done.status == DocumentStatus.READY, log.read_text()[-2000:]
    assert done.attempts == 2
    files = list((media / "plan-documents").iterdir())
    assert [path.name for path in files] == [Path(done.file.name).name]
    assert PlanDocument.objects.filter(version=version).count() == 1
