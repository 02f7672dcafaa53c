"""No job runs inside a request: the default set-up's embedded broker (kombu's filesystem
transport) carries the PDFs and the emails to a real worker; a broker that cannot be
reached is said on the page, recorded, and swept up once it is back.

Real workers (``start_worker``, a thread of this process) on a broker folder of the
test's own; the database is committed for real (``transaction=True``) so that the worker
sees what the request wrote.
"""

import json
import os
import re
import socket
import threading
import time
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.db import connections
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from kombu import pools
from kombu.transport import filesystem, virtual

from action_plans import workflow
from action_plans.models import DocumentEdition, DocumentStatus, PlanDocument, PlanStatus
from action_plans.tasks import requeue_stuck_documents
from governance.models import Role
from governance.services.signing import plan_sign
from msd_planner.celery import app, make_broker_folders
from msd_planner.settings.base import celery_transport_options

pytestmark = pytest.mark.django_db(transaction=True)

NOT_QUEUED = "The PDF could not be queued: the job service cannot be reached."


@pytest.fixture(autouse=True)
def _own_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _reset_connections() -> None:
    """Forget the connections made to the previous broker: Celery's pools, and kombu's
    registry of them (keyed by broker, shared by the process)."""
    pools.reset()
    app._pool = None
    if "amqp" in app.__dict__:
        app.amqp._producer_pool = None
    # the filesystem transport keeps its bindings in memory too, per process
    filesystem.Transport.global_state = virtual.BrokerState()


@contextmanager
def broker(url: str, folder: Path | None = None):
    """Point the app at ``url``, jobs not eager (as in the local settings), for the block."""
    saved = (app.conf.broker_url, app.conf.broker_transport_options, app.conf.task_always_eager)
    options = celery_transport_options(url, folder) if folder else celery_transport_options(url)
    make_broker_folders(url, options)
    # Celery reads the CELERY_BROKER_URL environment variable before its configuration
    # (CI sets it to Redis): point both at the broker of the block.
    saved_environment = os.environ.get("CELERY_BROKER_URL")
    os.environ["CELERY_BROKER_URL"] = url
    app.conf.broker_url = url
    app.conf.broker_transport_options = options
    app.conf.task_always_eager = False
    _reset_connections()
    try:
        yield
    finally:
        if saved_environment is None:
            os.environ.pop("CELERY_BROKER_URL", None)
        else:
            os.environ["CELERY_BROKER_URL"] = saved_environment
        app.conf.broker_url, app.conf.broker_transport_options, app.conf.task_always_eager = saved
        _reset_connections()


@contextmanager
def a_worker():
    with start_worker(app, perform_ping_check=False, shutdown_timeout=30):
        yield


@pytest.fixture
def embedded(tmp_path):
    """The default set-up's broker, in a folder of this test's own."""
    folder = tmp_path / "broker"
    with broker("filesystem://localhost//", folder):
        yield folder


def _waiting(folder: Path, task: str = "") -> list[str]:
    """The jobs waiting in the embedded broker's folder (of ``task``, or all)."""
    names = []
    for path in (folder / "queue").iterdir():
        try:
            message = json.loads(path.read_bytes())
        except FileNotFoundError:  # taken by the worker meanwhile
            continue
        if message["headers"]["task"].endswith(task):
            names.append(message["headers"]["task"])
    return sorted(names)


def _until(check, seconds: float = 90):
    """Poll ``check()`` until it returns something true, or fail at the deadline."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.2)
    raise AssertionError(f"not done within {seconds} s")


def _sign_all_but_one(cast, ready) -> tuple:
    # The PDF for validation (queued on submission) is not what these tests follow: the
    # one the last signature asks for is.
    with override_settings(PLAN_DOCUMENTS_ON_VALIDATION=False):
        workflow.plan_submit(actor=cast.coordinator_a, plan=cast.plan_a)
    *others, (last_name, last_signatory) = ready["signatories"].items()
    for name, signatory in others:
        plan_sign(
            actor=signatory,
            plan=cast.plan_a,
            organisation=getattr(cast, name),
            decision="approve",
            comment="",
        )
    return getattr(cast, last_name), last_signatory


def _post_last_signature(client, cast, ready):
    organisation, signatory = _sign_all_but_one(cast, ready)
    client.force_login(signatory)
    return client.post(
        reverse("plan_sign", args=[cast.plan_a.pk]),
        {"organisation": organisation.pk, "decision": "approve", "comment": ""},
        follow=True,
    )


@override_settings(PLAN_DOCUMENTS_ON_VALIDATION=True)
def test_the_last_signature_queues_the_pdf_and_the_worker_renders_it(
    client, cast, ready, embedded, settings
):
    page = _post_last_signature(client, cast, ready).content.decode()
    cast.plan_a.refresh_from_db()
    assert cast.plan_a.status == PlanStatus.VALIDATED
    # The request rendered nothing: the page shows the PDF queued, its job waits in the
    # broker's folder for a worker.
    assert "Version 1.0 as a document" in page and "Queued" in page
    assert NOT_QUEUED not in page
    document = PlanDocument.objects.get(
        version=workflow.open_version(cast.plan_a), edition=DocumentEdition.OFFICIAL
    )
    assert document.status == DocumentStatus.QUEUED and not document.file
    assert document.handed_over_at is not None
    assert _waiting(embedded, "render_document") == ["action_plans.tasks.render_document"]

    with a_worker():
        done = _until(
            lambda: PlanDocument.objects.filter(
                pk=document.pk, status__in=[DocumentStatus.READY, DocumentStatus.FAILED]
            ).first()
        )
    assert done.status == DocumentStatus.READY, done.error
    assert done.file.read().startswith(b"%PDF")
    assert _waiting(embedded) == []
    page = client.get(reverse("plan_validation", args=[cast.plan_a.pk])).content.decode()
    assert "Download the PDF of version 1.0" in page


class SilentBroker:
    """A port that takes connections and never answers: a broker that hangs (worse than
    one refusing them), on a port of its own."""

    def __init__(self):
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(50)
        self.url = f"redis://127.0.0.1:{self.socket.getsockname()[1]}/0"

    def close(self):
        self.socket.close()


@pytest.fixture
def silent_broker():
    server = SilentBroker()
    yield server
    server.close()


def _within(seconds: float, call):
    """Run ``call()`` in a thread and fail if it has not returned by then (a request must
    not wait on a broker that does not answer)."""
    outcome = {}

    def run():
        try:
            outcome["value"] = call()
        except Exception as error:
            outcome["error"] = error
        finally:
            connections.close_all()  # this thread's own

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"still waiting for the broker after {seconds} s"
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


@override_settings(PLAN_DOCUMENTS_ON_VALIDATION=True)
def test_a_broker_that_cannot_be_reached_is_said_and_swept_up_once_it_is_back(
    client, cast, ready, silent_broker, tmp_path, settings
):
    with broker(silent_broker.url):
        response = _within(30, lambda: _post_last_signature(client, cast, ready))
        page = response.content.decode()
        assert NOT_QUEUED in page  # the step's message
        assert "Not queued yet" in page  # the document's state on the validation page
        assert "It will be queued again automatically" in page
        document = PlanDocument.objects.get(
            version=workflow.open_version(cast.plan_a), edition=DocumentEdition.OFFICIAL
        )
        assert document.status == DocumentStatus.QUEUED
        assert document.handed_over_at is None and document.queue_error
        # a fresh request is not swept yet
        assert requeue_stuck_documents() == 0

    # Minutes later the broker (the embedded one) is back and its worker running.
    PlanDocument.objects.filter(pk=document.pk).update(
        requested_at=timezone.now() - timedelta(minutes=settings.PLAN_DOCUMENT_REQUEUE_MINUTES + 1)
    )
    folder = tmp_path / "broker"
    with broker("filesystem://localhost//", folder):
        assert requeue_stuck_documents() == 1
        assert requeue_stuck_documents() == 0  # handed over: not queued a second time
        assert len(_waiting(folder, "render_document")) == 1
        with a_worker():
            done = _until(
                lambda: PlanDocument.objects.filter(
                    pk=document.pk, status__in=[DocumentStatus.READY, DocumentStatus.FAILED]
                ).first()
            )
    assert done.status == DocumentStatus.READY, done.error
    assert done.attempts == 1 and not done.queue_error
    files = list((Path(settings.MEDIA_ROOT) / "plan-documents").iterdir())
    assert [path.name for path in files] == [Path(done.file.name).name]
    client.force_login(cast.coordinator_a)
    page = client.get(reverse("plan_validation", args=[cast.plan_a.pk])).content.decode()
    assert NOT_QUEUED not in page and "Download the PDF of version 1.0" in page


def test_a_dead_broker_is_waited_for_once_per_request_not_once_per_job(silent_broker):
    """The step's emails and its PDF: the first hand-over waits for the broker's timeout,
    the next ones are refused at once for a while."""
    from action_plans.jobs import NotQueued, hand_over

    with broker(silent_broker.url):
        with pytest.raises(NotQueued, match="Timeout"):
            _within(30, lambda: hand_over("action_plans.tasks.send_emails", []))
        with pytest.raises(NotQueued, match="did not answer a moment ago"):
            hand_over("action_plans.tasks.send_emails", [])


def test_a_document_handed_over_and_lost_is_queued_again_and_rendered_once(
    cast, ready, embedded, settings
):
    """The message was handed over but no worker took it (lost): the sweep queues it
    again; the worker then finds two messages and renders one file."""
    version = workflow.plan_submit(actor=cast.coordinator_a, plan=cast.plan_a)
    stale = timezone.now() - timedelta(minutes=settings.PLAN_DOCUMENT_REQUEUE_MINUTES + 1)
    document = PlanDocument.objects.create(
        plan=cast.plan_a, version=version, requested_at=stale, handed_over_at=stale
    )
    app.send_task("action_plans.tasks.render_document", args=[document.pk])
    assert requeue_stuck_documents() == 1
    assert len(_waiting(embedded, "render_document")) == 2
    with a_worker():
        _until(lambda: not _waiting(embedded))
        done = _until(
            lambda: PlanDocument.objects.filter(pk=document.pk, status=DocumentStatus.READY).first()
        )
    assert done.attempts == 1
    assert len(list((Path(settings.MEDIA_ROOT) / "plan-documents").iterdir())) == 1


def test_the_workflows_emails_and_an_invitation_are_sent_by_the_worker(
    client, cast, ready, embedded
):
    client.force_login(cast.coordinator_a)
    assert client.post(reverse("plan_submit", args=[cast.plan_a.pk])).status_code == 302
    client.force_login(cast.coordinator_x)
    response = client.post(
        reverse("organisation_member_invite", args=[cast.ministry_x.pk]),
        {
            "email": "k.appiah@mol.example",
            "first_name": "Kwame",
            "last_name": "Appiah",
            "role": Role.EDITOR,
        },
    )
    assert response.status_code == 302
    # Nothing sent by the requests: the emails wait in the broker for the worker.
    assert mail.outbox == []
    assert _waiting(embedded) == ["action_plans.tasks.send_emails"] * 2
    with a_worker():
        _until(lambda: len(mail.outbox) >= 5)
    signatories = sorted(user.email for user in ready["signatories"].values())
    asked = sorted(message.to[0] for message in mail.outbox if "validation" in message.body)
    assert asked == signatories
    invitation = next(message for message in mail.outbox if message.to == ["k.appiah@mol.example"])
    assert re.search(r"/invitations/\S+/", invitation.body)
    assert _waiting(embedded) == []


def test_emails_the_broker_cannot_take_are_sent_all_the_same(client, cast, silent_broker):
    client.force_login(cast.coordinator_x)
    with broker(silent_broker.url):
        response = _within(
            30,
            lambda: client.post(
                reverse("organisation_member_invite", args=[cast.ministry_x.pk]),
                {
                    "email": "k.appiah@mol.example",
                    "first_name": "Kwame",
                    "last_name": "Appiah",
                    "role": Role.EDITOR,
                },
            ),
        )
    assert response.status_code == 302
    assert [message.to for message in mail.outbox] == [["k.appiah@mol.example"]]
