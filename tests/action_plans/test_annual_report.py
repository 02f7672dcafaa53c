"""The plan's annual report: asked for on the reports page by those who lead monitoring,
made by the job in PDF and in Word from the same HTML, downloaded by whoever sees the
plan; it counts only the values approved and measured by the end of its year, holds the
money committed and disbursed, the local actors' share against the plan's target, and the
versions adopted in the year with their changes."""

import io
import re
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from docx import Document
from lxml import html as lxml_html
from pypdf import PdfReader

from action_plans import documents, reports
from action_plans.models import (
    ActionPlan,
    DocumentFormat,
    DocumentStatus,
    PlanDocument,
    PlanVersion,
    VersionStatus,
)
from funding.models import CapacityNeed
from governance.models import User
from interventions.models import TOTAL, Progress, ProgressStatus
from interventions.services import progress_approve

PDF_TYPE = "application/pdf"
WORD_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture(autouse=True)
def _own_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def demo(db):
    call_command("load_demo")
    return ActionPlan.objects.get(level="national")


def _word_headings(data: bytes) -> list[tuple[int, str]]:
    return [
        (int(paragraph.style.name.removeprefix("Heading ")), paragraph.text)
        for paragraph in Document(io.BytesIO(data)).paragraphs
        if paragraph.style.name.startswith("Heading ")
    ]


def _word_text(data: bytes) -> str:
    word = Document(io.BytesIO(data))
    texts = [paragraph.text for paragraph in word.paragraphs]
    for table in word.tables:
        for row in table.rows:
            texts.extend(cell.text for cell in row.cells)
    return "\n".join(texts)


def _pdf_text(data: bytes) -> str:
    return " ".join(
        " ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(data)).pages
    )


def _html_headings(html: str) -> list[tuple[int, str]]:
    tree = lxml_html.fromstring(html)
    return [
        (int(element.tag[1]), " ".join(element.text_content().split()))
        for element in tree.iter("h1", "h2", "h3")
    ]


def _made(client, plan: ActionPlan, year: int, format: str, capture) -> PlanDocument:
    with capture(execute=True):  # the job, as the worker runs it after the commit
        response = client.post(reverse("plan_report", args=[plan.pk, year, format]))
    assert response.status_code == 302 and response["Location"] == reverse(
        "plan_reports", args=[plan.pk]
    )
    document = PlanDocument.objects.get(plan=plan, year=year, format=format)
    assert document.status == DocumentStatus.READY, document.error
    return document


def _download(client, plan: ActionPlan, year: int, format: str) -> bytes:
    response = client.get(reverse("plan_report", args=[plan.pk, year, format]))
    assert response.status_code == 200
    assert response["Content-Type"] == (PDF_TYPE if format == "pdf" else WORD_TYPE)
    assert (
        f'filename="plan-{plan.pk}-annual-report-{year}.{format}"'
        in (response["Content-Disposition"])
    )
    return b"".join(response.streaming_content)


@pytest.mark.django_db(transaction=True)
def test_the_demos_report_for_2026_is_made_and_downloaded_as_pdf_and_word(
    client, django_capture_on_commit_callbacks
):
    call_command("load_demo")
    national = ActionPlan.objects.get(level="national")
    adopted = PlanVersion.objects.get(plan=national, status=VersionStatus.ADOPTED)
    page_url = reverse("plan_reports", args=[national.pk])
    client.force_login(User.objects.get(username="stats.editor"))  # leads monitoring
    page = client.get(page_url).content.decode()
    year = timezone.localdate().year
    assert f'<th scope="row">{year}</th>' in page and "Make the report" in page

    pdf = _made(client, national, year, "pdf", django_capture_on_commit_callbacks)
    word = _made(client, national, year, "docx", django_capture_on_commit_callbacks)
    page = client.get(page_url).content.decode()
    assert f"Download the report of {year} (PDF)" in page
    assert f"Download the report of {year} (Word)" in page
    assert "hx-trigger" not in page  # nothing left to wait for

    client.force_login(User.objects.get(username="viewer"))  # any member who sees the plan
    pdf_text = _pdf_text(_download(client, national, year, "pdf"))
    word_data = _download(client, national, year, "docx")
    word_text = _word_text(word_data)
    # The same chapters in both, as the HTML they are made of has them.
    html_headings = _html_headings(documents.document_html(pdf))
    assert _word_headings(word_data) == html_headings
    chapters = [heading for level, heading in html_headings if level == 2]
    assert chapters == [
        "Contents",
        "Progress of the indicators",
        "Money committed and disbursed",
        f"Changes to the plan in {year}",
    ]
    for chapter in chapters:
        assert chapter in pdf_text
    for text in (pdf_text, word_text):
        # the status per indicator, with the SDG codes of the indicators that measure one
        assert "On track" in text and "10.7.1" in text
        # money disbursed against committed, and the local share against the 25 % target
        assert "Committed" in text and "Disbursed" in text
        assert re.search(r"target 25(\.0)? %", text), "the local share held against its target"
        # the version adopted this year, with its act
        assert adopted.adoption_reference in text
        # the local actors' capacity needs, met (by an intervention) or not
        assert "Capacity-strengthening needs of local actors" in text and "Unmet" in text
        for need in CapacityNeed.objects.filter(plan=national):
            assert need.what in text
    assert word.size and pdf.pages and pdf.pages >= 4
    assert Document(io.BytesIO(word_data)).core_properties.title == (
        f"{national.title} – annual report {year}"
    )


def test_only_values_approved_and_measured_by_the_years_end_count(demo):
    year = timezone.localdate().year
    waiting = Progress.objects.get(
        indicator__intervention__plan=demo, status=ProgressStatus.SUBMITTED
    )

    def value_shown(progress: Progress):
        context = reports.report_context(demo, year)
        row = next(
            row
            for row in _progress_rows(context)
            if row.assessed.indicator.pk == progress.indicator_id
        )
        return row.value.value if row.value else None

    before = value_shown(waiting)
    assert before != waiting.value  # waiting for review: not in the report
    progress_approve(
        actor=User.objects.get(username="coordinator"),
        progress=waiting,
        expected_version=waiting.version,
    )
    assert value_shown(waiting) == waiting.value  # approved: the year's latest value
    # A report of the year before does not see it: measured after that year ended.
    context = reports.report_context(demo, year - 1)
    for row in _progress_rows(context):
        if row.value:
            assert row.value.measured_on < date(year, 1, 1)
            assert row.assessed.assessment.latest.measured_on < date(year, 1, 1)


def _progress_rows(context: dict):
    """The rows of the progress chapter, as the report lays them out."""
    from interventions.report import progress_context

    return progress_context(context["plan"], context["year"])["rows"]


def test_the_figures_equal_the_sums_of_approved_values_in_the_year(demo):
    year = timezone.localdate().year
    from interventions.report import progress_context

    context = progress_context(demo, year)
    totals = context["figures"].totals
    assert totals.total == len(context["rows"]) > 0
    for row in context["rows"]:
        approved = list(
            Progress.objects.filter(
                indicator=row.assessed.indicator,
                status=ProgressStatus.APPROVED,
                measured_on__year=year,
                sex=TOTAL,
                age=TOTAL,
                migratory_status=TOTAL,
            ).order_by("measured_on", "pk")
        )
        latest = approved[-1].value if approved else None
        assert (row.value.value if row.value else None) == latest


def test_who_may_make_and_download_a_report(client, demo, django_capture_on_commit_callbacks):
    year = timezone.localdate().year
    page_url = reverse("plan_reports", args=[demo.pk])
    pdf_url = reverse("plan_report", args=[demo.pk, year, "pdf"])
    for username in ("viewer", "editor", "signatory"):  # see the plan, do not lead monitoring
        client.force_login(User.objects.get(username=username))
        page = client.get(page_url).content.decode()
        assert "Make the report" not in page and "Not made yet." in page
        assert client.post(pdf_url).status_code == 403
        # not made yet: the reports page, at once
        response = client.get(pdf_url)
        assert response.status_code == 302 and response["Location"] == page_url
    assert not PlanDocument.objects.filter(year__isnull=False).exists()

    client.force_login(User.objects.get(username="coordinator"))  # the plan's lead
    _made(client, demo, year, "pdf", django_capture_on_commit_callbacks)

    client.force_login(User.objects.get(username="local.coordinator"))  # another plan
    assert client.get(page_url).status_code == 404
    assert client.get(pdf_url).status_code == 404
    assert client.post(pdf_url).status_code == 404
    client.logout()
    response = client.get(pdf_url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_year_outside_the_adopted_plans_years_or_an_unknown_format_is_not_found(client, demo):
    client.force_login(User.objects.get(username="coordinator"))
    this_year = timezone.localdate().year
    for year, format in (
        (this_year + 1, "pdf"),  # not begun
        (demo.period_start_year - 1, "pdf"),  # before the plan
        (this_year, "xlsx"),
        (this_year, "html"),
    ):
        url = reverse("plan_report", args=[demo.pk, year, format])
        assert client.post(url).status_code == 404
        assert client.get(url).status_code == 404
    assert not PlanDocument.objects.filter(year__isnull=False).exists()


def test_a_plan_never_adopted_has_no_report(client, demo):
    accra = ActionPlan.objects.get(level="local")  # in validation, never adopted
    client.force_login(User.objects.get(username="local.coordinator"))
    page = client.get(reverse("plan_reports", args=[accra.pk])).content.decode()
    assert "Annual reports are made once the plan has been adopted." in page
    url = reverse("plan_report", args=[accra.pk, timezone.localdate().year, "pdf"])
    assert client.post(url).status_code == 404


def test_the_click_does_not_wait_and_the_report_made_before_stays_downloadable(
    client, demo, django_capture_on_commit_callbacks
):
    year = timezone.localdate().year
    client.force_login(User.objects.get(username="coordinator"))
    first = _made(client, demo, year, "pdf", django_capture_on_commit_callbacks)
    first_bytes = first.file.open("rb").read()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(reverse("plan_report", args=[demo.pk, year, "pdf"]))
    queued = PlanDocument.objects.get(pk=first.pk)
    assert queued.status == DocumentStatus.QUEUED  # the click rendered nothing
    page = client.get(reverse("plan_reports", args=[demo.pk]), HTTP_HX_REQUEST="true")
    body = page.content.decode()
    assert 'hx-trigger="every 2s"' in body and "Queued" in body
    assert f"Download the report of {year} (PDF)" in body
    assert _download(client, demo, year, "pdf") == first_bytes  # the last one meanwhile
    for callback in callbacks:
        callback()
    again = PlanDocument.objects.get(pk=first.pk)
    assert again.status == DocumentStatus.READY and again.attempts == 2
    assert PlanDocument.objects.filter(plan=demo, year=year).count() == 1


def test_rendering_a_report_twice_leaves_one_file_and_one_row(demo, settings):
    year = timezone.localdate().year
    document = documents.report_request(plan=demo, year=year, format=DocumentFormat.DOCX)
    documents.document_render(document.pk)
    first = PlanDocument.objects.get(pk=document.pk)
    documents.document_render(document.pk)  # delivered twice: nothing more
    assert PlanDocument.objects.get(pk=document.pk).rendered_at == first.rendered_at
    PlanDocument.objects.filter(pk=document.pk).update(status=DocumentStatus.RENDERING)
    documents.document_render(document.pk)  # redone after a crash mid-render
    folder = Path(settings.MEDIA_ROOT) / "plan-documents"
    assert [path.name for path in folder.iterdir()] == [f"plan-{demo.pk}-annual-report-{year}.docx"]
    assert PlanDocument.objects.filter(plan=demo, year=year).count() == 1


def test_the_database_keeps_reports_apart_from_versions(demo):
    version = PlanVersion.objects.filter(plan=demo, status=VersionStatus.ADOPTED).first()
    with pytest.raises(IntegrityError), transaction.atomic():
        PlanDocument.objects.create(plan=demo, version=version, year=2026)
    PlanDocument.objects.create(plan=demo, year=2026, format=DocumentFormat.PDF)
    with pytest.raises(IntegrityError), transaction.atomic():
        PlanDocument.objects.create(plan=demo, year=2026, format=DocumentFormat.PDF)
    # The preview of the draft is still one per plan, beside the reports.
    PlanDocument.objects.create(plan=demo, format=DocumentFormat.PDF)
    with pytest.raises(IntegrityError), transaction.atomic():
        PlanDocument.objects.create(plan=demo, format=DocumentFormat.PDF)


def test_the_years_run_from_the_first_adoption_to_this_year_within_the_period(demo):
    adopted = PlanVersion.objects.get(plan=demo, status=VersionStatus.ADOPTED)
    PlanVersion.objects.filter(pk=adopted.pk).update(adoption_date=date(2025, 3, 1))
    assert reports.report_years(demo, today=date(2027, 6, 1)) == [2027, 2026, 2025]
    assert reports.report_years(demo, today=date(2040, 1, 1)) == list(range(2030, 2024, -1))
    assert reports.report_years(demo, today=date(2025, 1, 1)) == [2025]


@pytest.mark.usefixtures("catalogue")
def test_the_report_costs_the_same_queries_for_10_or_300_interventions(cast):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.interventions.test_monitoring_page import _grow
    from tests.interventions.test_results import _indicator, _intervention

    indicator = _indicator(cast, _intervention(cast), reporting_organisation=cast.ministry_y)
    prioritised = indicator.intervention.addressed_targets.get().prioritised_target
    report = PlanDocument(plan=cast.plan_a, year=2026, format=DocumentFormat.PDF)

    def queries() -> tuple[int, str]:
        with CaptureQueriesContext(connection) as context:
            html = documents.document_html(report)
        return len(context), html

    _grow(cast, prioritised, 9)
    small, _html = queries()
    _grow(cast, prioritised, 291)
    large, html = queries()
    assert large == small <= 25
    assert html.count("Indicator 2") >= 300  # every intervention's indicators are in it
