"""The plan as a document: what the PDF says, what the renderer refuses to fetch, and how
the job behaves (once, in process after commit, on a real worker)."""

import io
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from action_plans import documents, workflow
from action_plans.models import (
    DocumentStatus,
    PlanDocument,
    PlanStatus,
    PlanVersion,
)
from action_plans.pdf import html_to_pdf
from action_plans.snapshot import build_snapshot, snapshot_freeze
from interventions.models import AddressedTarget
from interventions.services import intervention_update
from targets.models import Target
from targets.services import prioritised_target_add
from tests.conftest import approve_all
from tests.interventions.test_interventions import _grow


@pytest.fixture(autouse=True)
def _own_media(settings, tmp_path):
    """Each test keeps its files apart (a plan's id comes back in the next test)."""
    settings.MEDIA_ROOT = tmp_path / "media"


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


class _Listener:
    """A local HTTP server that counts the requests it gets (it must get none)."""

    def __init__(self):
        hits = self.hits = []

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                hits.append(self.path)
                self.send_response(302)
                self.send_header("Location", "http://169.254.169.254/latest/meta-data/")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()


@pytest.fixture
def listener():
    server = _Listener()
    yield server
    server.close()


def _hostile(port: int) -> list[str]:
    return [
        "file:///etc/passwd",
        f"http://127.0.0.1:{port}/secret.png",
        f"http://localhost:{port}/redirect",
        "http://169.254.169.254/latest/meta-data/",
        "https://example.org/tracker.png",
        "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    ]


def test_the_renderer_fetches_nothing_but_the_apps_own_static_files(listener):
    urls = _hostile(listener.port)
    html = (
        "<html><head><link rel='stylesheet' href='static/css/pdf.css'>"
        + "".join(f"<link rel='stylesheet' href='{url}'>" for url in urls)
        + "<style>"
        + "".join(f"p.n{index} {{ background: url('{url}') }}" for index, url in enumerate(urls))
        + "</style></head><body>"
        + "".join(
            f"<p class='n{i}'><img src='{url}'><a href='{url}'>link</a></p>"
            for i, url in enumerate(urls)
        )
        + "<p>Plan</p></body></html>"
    )
    pdf, pages, refused = html_to_pdf(html)
    assert pdf.startswith(b"%PDF") and pages == 1
    assert listener.hits == []  # nothing reached the network, loopback included
    for url in urls[:4]:
        assert url in refused
    assert "root:" not in _text(pdf)  # /etc/passwd was not read


def test_text_a_user_typed_is_printed_not_interpreted(cast, ready, listener):
    intervention = ready["intervention"]
    typed = (
        f"<img src='http://127.0.0.1:{listener.port}/x.png'> "
        "<style>body { background: url(file:///etc/passwd) }</style> done"
    )
    intervention_update(
        actor=cast.coordinator_a,
        intervention=intervention,
        expected_version=intervention.version,
        data={"design": typed},
    )
    version = workflow.plan_submit(actor=cast.coordinator_a, plan=cast.plan_a)
    document = PlanDocument.objects.create(plan=cast.plan_a, version=version)
    documents.document_render(document.pk)
    document.refresh_from_db()
    text = _text(document.file.read())
    assert "<img src=" in text and "url(file:///etc/passwd)" in text
    assert listener.hits == []


def test_the_document_of_a_version_reads_like_the_plan(cast, ready):
    version = workflow.plan_submit(actor=cast.coordinator_a, plan=cast.plan_a)
    approve_all(cast, ready)
    document = PlanDocument.objects.create(plan=cast.plan_a, version=version)
    documents.document_render(document.pk)
    document.refresh_from_db()
    assert document.status == DocumentStatus.READY
    assert document.pages >= 8
    text = _text(document.file.read())
    assert "Plan A" in text
    assert "10.7" in text and "Fair recruitment" in text
    for organisation in ("MOH", "MOI", "MOL", "NSO"):  # every sign-off
        assert organisation in text
    assert f"of {document.pages}" in text.replace(" / ", " of ")  # page X of Y
    assert "Cost and funding of each prioritised target" in text  # the funding issue's charts
    assert "Funding mix by kind of source" in text


def test_an_intervention_under_two_targets_is_described_once(cast, ready):
    second = prioritised_target_add(
        actor=cast.coordinator_a,
        plan=cast.plan_a,
        target=Target.objects.get(code="8.8"),
        rationale="Labour rights of migrant workers",
    )
    AddressedTarget.objects.create(intervention=ready["intervention"], prioritised_target=second)
    version = workflow.plan_submit(actor=cast.coordinator_a, plan=cast.plan_a)
    document = PlanDocument.objects.create(plan=cast.plan_a, version=version)
    documents.document_render(document.pk)
    document.refresh_from_db()
    text = " ".join(_text(document.file.read()).split())
    assert text.count("Workers recruited fairly") == 1  # its results framework, once
    # ... and referred to under the other target
    assert text.count("Fair recruitment – described under target") == 1


def test_rendering_twice_leaves_one_pdf(cast, ready, settings):
    version = workflow.plan_submit(actor=cast.coordinator_a, plan=cast.plan_a)
    document = PlanDocument.objects.create(plan=cast.plan_a, version=version)
    documents.document_render(document.pk)
    first = PlanDocument.objects.get(pk=document.pk)
    documents.document_render(document.pk)  # a redone job: already ready, nothing changes
    PlanDocument.objects.filter(pk=document.pk).update(status=DocumentStatus.RENDERING)
    documents.document_render(document.pk)  # a job redone after a crash mid-render
    again = PlanDocument.objects.get(pk=document.pk)
    assert again.file.name == first.file.name
    folder = Path(settings.MEDIA_ROOT) / "plan-documents"
    assert sorted(path.name for path in folder.glob(f"plan-{cast.plan_a.pk}-*")) == [
        Path(first.file.name).name
    ]
    assert again.attempts == 2
    assert PlanDocument.objects.filter(version=version).count() == 1


@override_settings(PLAN_DOCUMENTS_ON_VALIDATION=True)
def test_a_validated_version_is_rendered_after_commit_without_a_broker(
    client, cast, ready, django_capture_on_commit_callbacks
):
    workflow.plan_submit(actor=cast.coordinator_a, plan=cast.plan_a)
    with django_capture_on_commit_callbacks(execute=True):
        approve_all(cast, ready)
    cast.plan_a.refresh_from_db()
    assert cast.plan_a.status == PlanStatus.VALIDATED
    version = workflow.open_version(cast.plan_a)
    document = PlanDocument.objects.get(version=version, edition="official")
    assert document.status == DocumentStatus.READY
    client.force_login(cast.viewer_x)
    response = client.get(reverse("version_document", args=[cast.plan_a.pk, version.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    client.force_login(cast.coordinator_b)  # another plan's coordinator does not get it
    response = client.get(reverse("version_document", args=[cast.plan_a.pk, version.pk]))
    assert response.status_code == 404


def test_the_preview_is_marked_draft_and_only_for_coordinators(
    client, cast, ready, django_capture_on_commit_callbacks
):
    client.force_login(cast.coordinator_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("plan_preview", args=[cast.plan_a.pk]))
    assert response.status_code == 302
    state = client.get(reverse("plan_preview_state", args=[cast.plan_a.pk])).content.decode()
    assert "Download the preview (DRAFT)" in state
    pdf = b"".join(client.get(reverse("plan_preview", args=[cast.plan_a.pk])).streaming_content)
    reader = PdfReader(io.BytesIO(pdf))
    assert all("DRAFT" in page.extract_text() for page in reader.pages)
    client.force_login(cast.editor_x)
    assert client.get(reverse("plan_preview", args=[cast.plan_a.pk])).status_code == 403


def test_the_state_polls_while_queued_and_stops_once_ready(client, cast, ready):
    version = workflow.plan_submit(actor=cast.coordinator_a, plan=cast.plan_a)
    document = PlanDocument.objects.create(plan=cast.plan_a, version=version)
    client.force_login(cast.viewer_x)
    url = reverse("version_document_state", args=[cast.plan_a.pk, version.pk])
    queued = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-trigger="every 2s"' in queued and "Queued" in queued
    documents.document_render(document.pk)
    ready_state = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in ready_state and "Download the PDF of version 1.0" in ready_state


def test_the_document_is_built_in_the_same_queries_for_10_or_300_interventions(cast, ready):
    targets = {"10.7": cast.plan_a.prioritised_targets.get()}

    def built(minor: int) -> int:
        version = PlanVersion.objects.create(
            plan=cast.plan_a,
            major=1,
            minor=minor,
            status="withdrawn",
            submitted_at=timezone.now(),
        )
        snapshot_freeze(version=version, content=build_snapshot(cast.plan_a))
        document = PlanDocument.objects.create(
            plan=cast.plan_a,
            version=PlanVersion.objects.select_related("snapshot").get(pk=version.pk),
        )
        with CaptureQueriesContext(connection) as context:
            html = documents.document_html(document)
        assert html.count('class="intervention"') >= 10
        return len(context)

    _grow(cast, targets, 9)
    small = built(0)
    _grow(cast, targets, 290)
    assert built(1) == small
    print(f"the document: {small} queries with 10 and with 300 interventions")


def _redis_reachable() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(not _redis_reachable(), reason="needs Redis on 127.0.0.1:6379")
def test_a_real_worker_renders_the_demo_plans_adopted_version():
    from celery.contrib.testing.worker import start_worker
    from django.core.management import call_command

    from action_plans.hooks import validation_policy
    from msd_planner.celery import app

    call_command("load_demo")
    national = __import__("action_plans.models", fromlist=["ActionPlan"]).ActionPlan.objects.get(
        level="national"
    )
    version = workflow.official_version(national)
    app.conf.task_always_eager = False  # the jobs go to the broker (the test settings')
    try:
        with start_worker(app, perform_ping_check=False, shutdown_timeout=30):
            document = documents.document_request(plan=national, version=version)
            from action_plans.tasks import render_document

            render_document.delay(document.pk)
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                document.refresh_from_db()
                if document.status in (DocumentStatus.READY, DocumentStatus.FAILED):
                    break
                time.sleep(0.5)
    finally:
        app.conf.task_always_eager = True
    document.refresh_from_db()
    assert document.status == DocumentStatus.READY
    text = _text(document.file.read())
    assert national.title.split(" 2025")[0] in text
    for code in national.prioritised_targets.filter(status="accepted").values_list(
        "target__code", flat=True
    ):
        assert code in text
    snapshot = version.snapshot.content
    for record in snapshot["sections"]["interventions"]["records"]:
        if record["kind"] == "intervention":
            assert record["label"][:40] in text.replace("\n", " ")
    for item in validation_policy().required(national):
        assert item.name in text


def test_a_newer_request_during_a_render_is_rendered_after_it(cast, ready, monkeypatch):
    """The validation's render still running when the plan is adopted: its file is kept
    until the adoption's job renders the newer state (the cover with the adoption)."""
    version = workflow.plan_submit(actor=cast.coordinator_a, plan=cast.plan_a)
    document = PlanDocument.objects.create(plan=cast.plan_a, version=version)
    real = documents.document_html

    def meanwhile(rendering):
        PlanDocument.objects.filter(pk=rendering.pk).update(requested_at=timezone.now())
        return real(rendering)

    monkeypatch.setattr(documents, "document_html", meanwhile)
    documents.document_render(document.pk)
    assert PlanDocument.objects.get(pk=document.pk).status == DocumentStatus.QUEUED
    monkeypatch.setattr(documents, "document_html", real)
    documents.document_render(document.pk)
    assert PlanDocument.objects.get(pk=document.pk).status == DocumentStatus.READY


def test_the_document_is_written_in_the_plans_language(cast, ready):
    from action_plans.models import ActionPlan

    ActionPlan.objects.filter(pk=cast.plan_a.pk).update(language="fr")
    version = workflow.plan_submit(actor=cast.coordinator_a, plan=cast.plan_a)
    document = PlanDocument.objects.create(plan=cast.plan_a, version=version)
    documents.document_render(document.pk)
    document.refresh_from_db()
    text = " ".join(_text(document.file.read()).split())
    assert "Sommaire" in text and "Cibles priorisées" in text
    assert "Contents" not in text
    # The frozen values too: a status, a type, yes or no, dates, the target's official
    # title, the country, all in French although the snapshot was frozen in codes.
    assert "Proposée" in text and "Proposed" not in text
    assert "Ministère ou organisme public" in text and "Ministry or agency" not in text
    assert "Ministère ou organisme public Non" in text  # a participant: type, local actor
    assert "1 janv. 2026" in text and "2026-01-01" not in text
    title = Target.objects.get(code="10.7").title_fr
    assert " ".join(title.split()[:6]) in text
    assert Target.objects.get(code="10.7").title_en.split(",")[0] not in text
