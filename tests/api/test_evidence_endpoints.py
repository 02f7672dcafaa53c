"""A progress value's evidence file through the API, as a script sends it: the raw file
after the value, with the value's ETag; read back by address; refused as the page refuses
it (too large, not what its name says, a value no longer open), nothing stored. Every
answer is checked against the OpenAPI schema."""

import zipfile
from io import BytesIO

import pytest
from django.test import Client
from django.urls import reverse

from interventions import services as interventions
from interventions.models import Progress, ProgressStatus
from msd_planner.lib.versioned_edit import EditConflict
from tests.api.conftest import token_client
from tests.api.schema_check import check_against_schema
from tests.api.test_api import GOOD, _detail_url, _submit_url, call
from tests.interventions.test_progress_review import PDF, PNG
from tests.test_url_matrix import _plan_b_progress, _returned_progress

pytestmark = pytest.mark.usefixtures("catalogue")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Evidence files go to a folder of the test's own, looked into by the tests."""
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _stored(media) -> list[str]:
    return sorted(path.name for path in media.rglob("*") if path.is_file())


def _evidence_url(cast, progress: Progress, plan=None) -> str:
    return reverse(
        "api_progress_evidence",
        args=[(plan or cast.plan_a).pk, progress.indicator_id, progress.pk],
    )


def _put(client, url, content: bytes, name="report.pdf", etag='"1"', content_type=None):
    """The file as the body, named in Content-Disposition, with ``etag`` in If-Match."""
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    if etag is not None:
        headers["If-Match"] = etag
    response = client.generic(
        "PUT", url, content, content_type=content_type or "application/pdf", headers=headers
    )
    check_against_schema(response)
    return response


def _get(client, url):
    response = client.get(url)
    check_against_schema(response)
    return response


def _submitted(cast, script) -> Progress:
    response = call(script, "POST", _submit_url(cast), GOOD)
    assert response.status_code == 201, response.json()
    return Progress.objects.get(pk=response.json()["id"])


def test_a_script_submits_a_value_attaches_its_pdf_and_reads_it_back(cast, media):
    script = token_client(cast.editor_y)
    progress = _submitted(cast, script)
    assert call(script, "GET", _detail_url(cast, progress)).json()["evidence"] is None
    url = _evidence_url(cast, progress)
    assert _get(script, url).status_code == 404  # none yet

    attached = _put(script, url, PDF)

    assert attached.status_code == 200, attached.json()
    assert attached["ETag"] == '"2"'
    assert attached.json()["evidence"] == f"http://testserver{url}"
    value = call(script, "GET", _detail_url(cast, progress)).json()
    assert (value["evidence"], value["status"], value["version"]) == (
        f"http://testserver{url}",
        "submitted",
        2,
    )
    downloaded = _get(script, url)
    assert downloaded.status_code == 200
    assert downloaded["Content-Type"] == "application/pdf"
    assert downloaded["Content-Disposition"].startswith('attachment; filename="report')
    assert b"".join(downloaded.streaming_content) == PDF
    # the page's download serves the same file to whoever sees the plan
    viewer = token_client(cast.viewer_x)
    assert b"".join(_get(viewer, url).streaming_content) == PDF
    browser = Client()
    browser.force_login(cast.viewer_x)
    page = browser.get(reverse("progress_evidence", args=[cast.plan_a.pk, progress.pk]))
    assert b"".join(page.streaming_content) == PDF

    stale = _put(script, url, PNG, name="scan.png", etag='"1"', content_type="image/png")
    assert stale.status_code == 412
    assert stale["ETag"] == '"2"'
    assert b"".join(_get(script, url).streaming_content) == PDF

    replaced = _put(script, url, PNG, name="scan.png", etag='"2"', content_type="image/png")
    assert replaced.status_code == 200
    assert _get(script, url)["Content-Type"] == "image/png"


def test_the_json_body_limit_does_not_apply_to_a_file(cast, settings):
    settings.API_MAX_BODY_BYTES = 100
    script = token_client(cast.editor_y)
    progress = _submitted(cast, script)
    content = PDF + b"%" * 1000

    response = _put(script, _evidence_url(cast, progress), content)

    assert response.status_code == 200, response.json()
    progress.refresh_from_db()
    assert progress.evidence.read() == content


def test_a_file_too_large_is_refused_with_the_pages_message_and_nothing_stored(
    cast, settings, media
):
    settings.PROGRESS_EVIDENCE_MAX_BYTES = 1024 * 1024
    script = token_client(cast.editor_y)
    progress = _submitted(cast, script)

    response = _put(script, _evidence_url(cast, progress), PDF + b"%" * (1024 * 1024))

    assert response.status_code == 400
    assert response.json() == {"evidence": ["The file is larger than 1 MB: attach a smaller one."]}
    progress.refresh_from_db()
    assert (progress.evidence.name, progress.version) == ("", 1)
    assert _stored(media) == []


def _zip() -> bytes:
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("payload.txt", "not a report")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 56, "Attach a PDF, PNG, JPEG or XLSX file"),
        (_zip(), "Attach a PDF, PNG, JPEG or XLSX file"),
        (PNG, "The file's name does not match its content, which is PNG"),
    ],
)
def test_a_file_that_is_not_what_its_name_says_is_refused(cast, media, content, message):
    script = token_client(cast.editor_y)
    progress = _submitted(cast, script)

    response = _put(script, _evidence_url(cast, progress), content, name="report.pdf")

    assert response.status_code == 400
    (error,) = response.json()["evidence"]
    assert error.startswith(message)
    assert _stored(media) == []


def test_a_file_without_a_name_or_a_request_without_its_etag_is_refused(cast, media):
    script = token_client(cast.editor_y)
    progress = _submitted(cast, script)
    url = _evidence_url(cast, progress)

    unnamed = script.generic(
        "PUT", url, PDF, content_type="application/pdf", headers={"If-Match": '"1"'}
    )
    check_against_schema(unnamed)
    assert unnamed.status_code == 400
    assert "Content-Disposition" in unnamed.json()["detail"]
    assert _put(script, url, PDF, etag=None).status_code == 428
    assert _stored(media) == []


def test_an_approved_value_and_anothers_value_waiting_for_review_are_closed(cast, media):
    script = token_client(cast.editor_y)
    progress = _submitted(cast, script)
    url = _evidence_url(cast, progress)

    # editor X records progress on the indicator too, but did not submit this value
    anothers = _put(token_client(cast.editor_x), url, PDF)
    assert anothers.status_code == 409
    assert "who submitted it" in anothers.json()["detail"]

    interventions.progress_approve(actor=cast.editor_s, progress=progress, expected_version=1)
    approved = _put(script, url, PDF, etag='"2"')
    assert approved.status_code == 409
    assert "approved" in approved.json()["detail"]
    assert _stored(media) == []


def test_evidence_attached_to_a_returned_value_submits_it_again_as_the_correction_page(cast):
    returned = _returned_progress(cast)
    script = token_client(cast.editor_y)

    response = _put(script, _evidence_url(cast, returned), PDF, etag=f'"{returned.version}"')

    assert response.status_code == 200, response.json()
    corrected = Progress.objects.get(pk=returned.pk)
    assert (corrected.status, corrected.value, corrected.review_comment) == (
        ProgressStatus.SUBMITTED,
        returned.value,
        "",
    )
    assert corrected.evidence.read() == PDF


def test_another_plans_value_is_not_found_and_a_viewer_may_not_attach(cast, media):
    script = token_client(cast.editor_y)
    progress = _submitted(cast, script)
    foreign = _plan_b_progress(cast)
    assert _put(script, _evidence_url(cast, foreign), PDF).status_code == 404
    assert _get(script, _evidence_url(cast, foreign)).status_code == 404
    other_indicator = reverse(
        "api_progress_evidence", args=[cast.plan_a.pk, foreign.indicator_id, progress.pk]
    )
    assert _get(script, other_indicator).status_code == 404

    viewer = token_client(cast.viewer_x)
    assert _put(viewer, _evidence_url(cast, progress), PDF).status_code == 403
    assert (
        _put(token_client(cast.coordinator_b), _evidence_url(cast, progress), PDF).status_code
        == 404
    )
    assert _stored(media) == []


def test_a_reviewers_decision_opened_before_the_file_was_attached_is_a_conflict(cast):
    script = token_client(cast.editor_y)
    progress = _submitted(cast, script)
    assert _put(script, _evidence_url(cast, progress), PDF).status_code == 200

    with pytest.raises(EditConflict):
        interventions.progress_approve(actor=cast.editor_s, progress=progress, expected_version=1)

    assert Progress.objects.get(pk=progress.pk).status == ProgressStatus.SUBMITTED
