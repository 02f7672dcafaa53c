"""A plan's PDF in Chromium: adopted, queued, rendered by a real worker while the page
watches, downloaded — and the file is the version's PDF."""

import hashlib

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from playwright.sync_api import expect

from action_plans import workflow
from action_plans.models import ActionPlan, DocumentEdition, DocumentFormat, PlanDocument
from governance.models import User
from tests.action_plans.test_documents import _redis_reachable
from tests.browser.test_catalogue_journey import _sign_in
from tests.browser.test_lifecycle_journey import _sign_the_rest

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not _redis_reachable(), reason="needs Redis on 127.0.0.1:6379"),
]


def test_the_coordinator_adopts_and_watches_the_pdf_become_ready(page, settings, tmp_path):
    from celery.contrib.testing.worker import start_worker

    from msd_planner.celery import app

    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("load_demo")
    plan = ActionPlan.objects.get(level="national")
    workflow.plan_submit(actor=User.objects.get(username="coordinator"), plan=plan)
    _sign_the_rest(plan)

    app.conf.task_always_eager = False  # the jobs go to the broker (the test settings')
    try:
        with override_settings(PLAN_DOCUMENTS_ON_VALIDATION=True):
            _sign_in(page, "coordinator")
            page.goto(f"/plans/{plan.pk}/validation/adopt/")
            page.get_by_label("Date of adoption").fill(timezone.localdate().isoformat())
            page.get_by_label("Adopting act or reference").fill("Cabinet decision CD/2026/130")
            page.get_by_role("button", name="Adopt the plan").click()
            state = page.locator(".document-state").first
            expect(state).to_contain_text("Queued")  # no worker yet: the job waits
            with start_worker(app, perform_ping_check=False, shutdown_timeout=30):
                expect(state).to_contain_text("Ready", timeout=60_000)  # htmx polled it
                with page.expect_download() as download:
                    page.get_by_role("link", name="Download the PDF of version 2.0").click()
                path = download.value.path()
    finally:
        app.conf.task_always_eager = True
    document = PlanDocument.objects.get(
        version=workflow.official_version(plan),
        edition=DocumentEdition.OFFICIAL,
        format=DocumentFormat.PDF,
    )
    content = open(path, "rb").read()  # noqa: SIM115 - read once
    assert content.startswith(b"%PDF")
    assert hashlib.sha256(content).hexdigest() == document.checksum
    assert download.value.suggested_filename == f"plan-{plan.pk}-v2.0.pdf"


def test_the_monitoring_lead_makes_the_annual_report_and_a_viewer_downloads_it(
    page, settings, tmp_path
):
    """From the Monitoring tab to the annual report: asked for, made by a real worker
    while the page watches, then downloaded in PDF and Word by a member who only sees."""
    from celery.contrib.testing.worker import start_worker

    from msd_planner.celery import app

    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("load_demo")
    plan = ActionPlan.objects.get(level="national")
    year = timezone.localdate().year

    app.conf.task_always_eager = False
    try:
        _sign_in(page, "stats.editor")
        page.goto(f"/plans/{plan.pk}/monitoring/")
        page.get_by_role("link", name="Annual reports, in PDF and Word").click()
        reports = page.locator("#annual-reports")
        row = reports.get_by_role("row", name=str(year))
        for cell in (0, 1):  # PDF, then Word
            make = row.get_by_role("cell").nth(cell).get_by_role("button", name="Make the report")
            make.click()
        expect(reports).to_contain_text("Queued")  # no worker yet: the click did not wait
        with start_worker(app, perform_ping_check=False, shutdown_timeout=30):
            for kind in ("PDF", "Word"):
                expect(
                    page.get_by_role("link", name=f"Download the report of {year} ({kind})")
                ).to_be_visible(timeout=60_000)  # htmx polled it
    finally:
        app.conf.task_always_eager = True

    page.context.clear_cookies()
    _sign_in(page, "viewer")
    page.goto(f"/plans/{plan.pk}/monitoring/reports/")
    expect(page.get_by_role("button", name="Make the report")).to_have_count(0)
    for kind, extension in (("PDF", "pdf"), ("Word", "docx")):
        with page.expect_download() as download:
            page.get_by_role("link", name=f"Download the report of {year} ({kind})").click()
        document = PlanDocument.objects.get(plan=plan, year=year, format=extension)
        content = open(download.value.path(), "rb").read()  # noqa: SIM115 - read once
        assert hashlib.sha256(content).hexdigest() == document.checksum
        assert download.value.suggested_filename == (
            f"plan-{plan.pk}-annual-report-{year}.{extension}"
        )
