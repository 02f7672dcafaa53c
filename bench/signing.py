"""Time the steps that ask for a PDF — the last signature, the adoption, the draft's
preview — in the default set-up, against an ordinary page.

Run: .venv/bin/python bench/signing.py [--rounds N]    (from the repository's root)

The default set-up of ``make run``: the local settings, SQLite, no CELERY_BROKER_URL (the
embedded filesystem broker) and a Celery worker process beside the requests. Everything
lives in a throw-away folder (database, broker, media), removed at the end. The demo is
loaded; then, ROUNDS times (or N), the Accra plan gets its last signature (signatory.amwa,
over HTTP), is adopted (local.coordinator), and opened again for the next round
(services); the national plan's draft gets a preview (coordinator). After each step the
bench waits until the worker has made the PDF ready (and says how long that took) before
timing the next, so that the samples do not overlap a render.

The same rounds are then run eager (jobs in the request: the behaviour before the
embedded broker), for the before/after figures. Medians and 95th percentiles in ms, and
each step's median over the plan overview's (an ordinary page of the same plan).
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
FOLDER = Path(tempfile.mkdtemp(prefix="msd-signing-bench-"))
ENVIRONMENT = {
    "DJANGO_SETTINGS_MODULE": "msd_planner.settings.local",
    "DATABASE_URL": f"sqlite:///{FOLDER / 'db.sqlite3'}",
    "CELERY_BROKER_URL": "",
    "BROKER_FOLDER": str(FOLDER / "broker"),
    "MEDIA_ROOT": str(FOLDER / "media"),
    "CELERY_BEAT_SCHEDULE_FILENAME": str(FOLDER / "celerybeat-schedule"),
    "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    "ALLOWED_HOSTS": "testserver,127.0.0.1",
    "DEBUG": "false",
    # The steps are timed after sign-in; the second factor has its own tests.
    "TWO_FACTOR_REQUIRED": "false",
}
os.environ.update(ENVIRONMENT)

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from action_plans import workflow  # noqa: E402
from action_plans.models import (  # noqa: E402
    ActionPlan,
    DocumentEdition,
    DocumentStatus,
    PlanDocument,
)
from governance.models import Membership, Organisation, Role, User  # noqa: E402
from governance.services.signing import plan_sign  # noqa: E402
from governance.validation import required_signatures  # noqa: E402
from msd_planner.celery import app  # noqa: E402

ROUNDS = 5
PAGE_SAMPLES = 10
READY_WITHIN = 180  # seconds
OFFICIAL = DocumentEdition.OFFICIAL  # the edition the signature and the adoption ask for


def _signatory(organisation_id: int) -> User:
    return (
        Membership.objects.filter(
            organisation_id=organisation_id, role=Role.SIGNATORY, user__is_active=True
        )
        .select_related("user")
        .first()
        .user
    )


def _timed(method, *args) -> float:
    """Milliseconds ``method(*args)`` (a client's get or post) takes."""
    began = time.perf_counter()
    response = method(*args)
    elapsed = (time.perf_counter() - began) * 1000
    assert response.status_code in (200, 302), response.status_code
    return elapsed


def _ready(document_filter: dict) -> float | None:
    """Seconds until the document is ready (None: not within READY_WITHIN)."""
    began = time.monotonic()
    while time.monotonic() - began < READY_WITHIN:
        document = PlanDocument.objects.filter(**document_filter).first()
        if document and document.status == DocumentStatus.READY:
            return time.monotonic() - began
        if document and document.status == DocumentStatus.FAILED:
            return None
        time.sleep(0.1)
    return None


def _reopen(accra: ActionPlan, coordinator: User, amwa: User) -> None:
    """The adopted Accra plan back in validation, every signature given but AMWA's."""
    workflow.plan_revision_open(
        actor=coordinator, plan=accra, reason="correction", text="A round of the bench"
    )
    workflow.plan_submit(actor=coordinator, plan=accra)
    for required in required_signatures(accra):
        signatory = _signatory(required.organisation_id)
        if signatory != amwa:
            plan_sign(
                actor=signatory,
                plan=accra,
                organisation=Organisation.objects.get(pk=required.organisation_id),
                decision="approve",
                comment="",
            )


def run_rounds(label: str, rounds: int) -> dict[str, list[float]]:
    national = ActionPlan.objects.get(level="national")
    accra = ActionPlan.objects.get(level="local")
    users = {name: User.objects.get(username=name) for name in ("coordinator", "local.coordinator")}
    amwa = User.objects.get(username="signatory.amwa")
    clients = {}
    for name in ("coordinator", "local.coordinator", "signatory.amwa"):
        clients[name] = Client()
        clients[name].force_login(User.objects.get(username=name))
    amwa_organisation = Membership.objects.get(user=amwa, role=Role.SIGNATORY).organisation
    times: dict[str, list[float]] = {"signature": [], "adoption": [], "preview": [], "page": []}
    waits: dict[str, list[float | None]] = {"signature": [], "adoption": [], "preview": []}
    for round_number in range(rounds):
        accra.refresh_from_db()
        if accra.status != "in_validation":
            _reopen(accra, users["local.coordinator"], amwa)
        times["signature"].append(
            _timed(
                clients["signatory.amwa"].post,
                reverse("plan_sign", args=[accra.pk]),
                {"organisation": amwa_organisation.pk, "decision": "approve", "comment": ""},
            )
        )
        version = workflow.open_version(accra)
        waits["signature"].append(_ready({"version": version, "edition": OFFICIAL}))
        adoption = {
            "adoption_date": date.today().isoformat(),
            "reference": f"Council resolution {label} {round_number}",
        }
        times["adoption"].append(
            _timed(
                clients["local.coordinator"].post, reverse("plan_adopt", args=[accra.pk]), adoption
            )
        )
        waits["adoption"].append(_ready({"version": version, "edition": OFFICIAL}))
        times["preview"].append(
            _timed(clients["coordinator"].post, reverse("plan_preview", args=[national.pk]))
        )
        waits["preview"].append(_ready({"plan": national, "version": None}))
        overview = reverse("plan_detail", args=[accra.pk])
        clients["local.coordinator"].get(overview)
        for _ in range(PAGE_SAMPLES // rounds or 1):
            times["page"].append(_timed(clients["local.coordinator"].get, overview))
    return {"times": times, "waits": waits}


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(len(ordered) * 0.95) - 1)]


def report(label: str, result: dict) -> dict[str, float]:
    times, waits = result["times"], result["waits"]
    page = statistics.median(times["page"])
    print(f"\n{label}")
    name = "plan overview (ordinary page)"
    print(f"  {name:32} median {page:7.1f} ms  p95 {_p95(times['page']):7.1f} ms")
    medians = {}
    for step, name in (
        ("signature", "last signature (POST)"),
        ("adoption", "adoption (POST)"),
        ("preview", "draft preview (POST)"),
    ):
        median = medians[step] = statistics.median(times[step])
        ready = [wait for wait in waits[step] if wait is not None]
        appeared = f"PDF ready {len(ready)}/{len(waits[step])}" + (
            f", {statistics.median(ready):.1f} s after the response" if ready else ""
        )
        print(
            f"  {name:32} median {median:7.1f} ms  p95 {_p95(times[step]):7.1f} ms  "
            f"{median / page:5.1f}× the page  ({appeared})"
        )
    return medians


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=ROUNDS, help=f"default {ROUNDS}")
    rounds = parser.parse_args().rounds
    worker = None
    try:
        call_command("migrate", verbosity=0)
        call_command("load_sdg_catalogue", verbosity=0)
        app.conf.task_always_eager = True  # the demo's own PDFs, rendered here once
        call_command("load_demo", verbosity=0)
        app.conf.task_always_eager = False
        print(f"demo loaded in {FOLDER} (SQLite, filesystem broker); {rounds} rounds each")
        log = (FOLDER / "worker.log").open("ab")
        worker = subprocess.Popen(
            [
                sys.executable, "-m", "celery", "-A", "msd_planner", "worker",
                "--concurrency", "1", "--without-gossip", "--without-mingle",
                "--without-heartbeat", "--loglevel", "INFO",
            ],
            cwd=ROOT,
            env={**os.environ, **ENVIRONMENT},
            stdout=log,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
        queued = report(
            "embedded broker, a worker process (make run now)", run_rounds("queued", rounds)
        )
        app.conf.task_always_eager = True
        eager = report("eager: the job inside the request (before)", run_rounds("eager", rounds))
        print("\nbefore → after (medians)")
        for step in ("signature", "adoption", "preview"):
            print(
                f"  {step:10} {eager[step]:7.1f} ms → {queued[step]:7.1f} ms  "
                f"({eager[step] / queued[step]:.0f}× faster)"
            )
    finally:
        if worker is not None:
            worker.terminate()
            worker.wait(timeout=60)
        shutil.rmtree(FOLDER, ignore_errors=True)


if __name__ == "__main__":
    main()
