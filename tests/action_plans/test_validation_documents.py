"""The PDF given for validation: queued on submission, watermarked on every page, kept as
it was approved beside the official PDF rendered on validation and adoption."""

import io

import pytest
from django.urls import reverse
from django.utils import formats, timezone
from pypdf import PdfReader

from action_plans import workflow
from action_plans.models import DocumentEdition, DocumentFormat, DocumentStatus, PlanDocument
from tests.conftest import approve_all


@pytest.fixture(autouse=True)
def _own_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _pages(pdf: bytes) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages]


def _download(client, url: str) -> bytes:
    response = client.get(url)
    assert response.status_code == 200, response
    assert response["Content-Type"] == "application/pdf"
    return b"".join(response.streaming_content)


def _submit(client, cast, capture):
    client.force_login(cast.coordinator_a)
    with capture(execute=True):
        response = client.post(reverse("plan_submit", args=[cast.plan_a.pk]))
    assert response.status_code == 302
    return workflow.open_version(cast.plan_a)


def test_submission_renders_the_pdf_for_validation_marked_on_every_page(
    client, cast, ready, settings, django_capture_on_commit_callbacks
):
    settings.PLAN_DOCUMENTS_ON_VALIDATION = True
    version = _submit(client, cast, django_capture_on_commit_callbacks)
    client.force_login(cast.viewer_x)  # whoever may see the plan reads it
    state = client.get(
        reverse("version_document_state", args=[cast.plan_a.pk, version.pk]),
        {"edition": "for_validation"},
    ).content.decode()
    assert "Download the PDF of version 1.0 given for validation" in state
    pdf = _download(
        client,
        reverse("version_document", args=[cast.plan_a.pk, version.pk]) + "?edition=for_validation",
    )
    pages = _pages(pdf)
    assert len(pages) >= 8
    assert all("FOR VALIDATION – not adopted" in page for page in pages)
    day = formats.date_format(timezone.localtime(version.submitted_at), "DATE_FORMAT")
    assert f"Version 1.0, submitted for validation on {day}" in pages[0]  # the cover
    # the official PDF is not made before the validation
    assert not PlanDocument.objects.filter(version=version, edition=DocumentEdition.OFFICIAL)
    client.force_login(cast.coordinator_b)  # another plan's coordinator does not get it
    response = client.get(
        reverse("version_document", args=[cast.plan_a.pk, version.pk]) + "?edition=for_validation"
    )
    assert response.status_code == 404


def test_the_pdf_for_validation_stays_as_approved_beside_the_official_one(
    client, cast, ready, settings, django_capture_on_commit_callbacks
):
    settings.PLAN_DOCUMENTS_ON_VALIDATION = True
    version = _submit(client, cast, django_capture_on_commit_callbacks)
    given = PlanDocument.objects.get(version=version, edition=DocumentEdition.FOR_VALIDATION)
    assert given.status == DocumentStatus.READY
    with django_capture_on_commit_callbacks(execute=True):
        approve_all(cast, ready)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.plan_adopt(
            actor=cast.coordinator_a,
            plan=cast.plan_a,
            adoption_date=timezone.localdate(),
            reference="Decree 12",
        )
    official = PlanDocument.objects.get(
        version=version, edition=DocumentEdition.OFFICIAL, format=DocumentFormat.PDF
    )
    kept = PlanDocument.objects.get(pk=given.pk)
    assert (kept.checksum, kept.file.name, kept.rendered_at) == (
        given.checksum,
        given.file.name,
        given.rendered_at,
    )
    assert official.file.name != kept.file.name and official.checksum != kept.checksum
    client.force_login(cast.viewer_x)
    page = client.get(reverse("version_detail", args=[cast.plan_a.pk, version.pk])).content
    assert "Download the PDF of version 1.0 given for validation" in page.decode()
    assert "Download the PDF of version 1.0</a>" in page.decode()
    official_url = reverse("version_document", args=[cast.plan_a.pk, version.pk])
    adopted = _pages(_download(client, official_url))
    assert "Decree 12" in adopted[0]
    assert not any("FOR VALIDATION" in page for page in adopted)


def test_with_documents_off_submission_queues_nothing(
    client, cast, ready, django_capture_on_commit_callbacks
):
    version = _submit(client, cast, django_capture_on_commit_callbacks)
    assert not PlanDocument.objects.filter(version=version).exists()
