"""Signatories sign what they see: the signing page shows the version, its page, its PDF
for validation and the comparison with the official version; the decision records the
version and the checksum of the PDF shown, and a request for changes may point at a
section of the version."""

import hashlib
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from action_plans import workflow
from action_plans.models import (
    ChangeReason,
    DocumentEdition,
    DocumentStatus,
    Notification,
    PlanDocument,
    PlanStatus,
)
from governance.models import SignOff
from tests.action_plans.test_versions_stored import _decoded
from tests.conftest import approve_all


@pytest.fixture(autouse=True)
def _own_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _hidden(page: str, name: str) -> str:
    match = re.search(rf'<input type="hidden" name="{name}"(?: value="([^"]*)")?', page)
    assert match, f"no hidden field {name}"
    return match.group(1) or ""


def _sign_url(cast) -> str:
    return reverse("plan_sign", args=[cast.plan_a.pk])


def _submit(client, cast):
    client.force_login(cast.coordinator_a)
    response = client.post(reverse("plan_submit", args=[cast.plan_a.pk]))
    assert response.status_code == 302
    return workflow.open_version(cast.plan_a)


def test_an_approval_records_the_version_and_the_checksum_of_the_pdf_shown(
    client, cast, ready, settings, django_capture_on_commit_callbacks
):
    settings.PLAN_DOCUMENTS_ON_VALIDATION = True
    with django_capture_on_commit_callbacks(execute=True):
        version = _submit(client, cast)
    document = PlanDocument.objects.get(version=version, edition=DocumentEdition.FOR_VALIDATION)
    assert document.status == DocumentStatus.READY

    client.force_login(cast.signatory_x)
    page = client.get(_sign_url(cast)).content.decode()
    assert "Sign version 1.0" in page
    assert reverse("version_detail", args=[cast.plan_a.pk, version.pk]) in page
    pdf_url = reverse("version_document", args=[cast.plan_a.pk, version.pk])
    assert f'href="{pdf_url}?edition=for_validation"' in page
    assert f"{document.checksum[:12]}…" in page
    assert _hidden(page, "document_checksum") == document.checksum
    assert _hidden(page, "version") == str(version.pk)
    assert "Compare version" not in page  # no official version yet
    # the link on the page gives the file whose checksum is shown
    response = client.get(f"{pdf_url}?edition=for_validation")
    assert hashlib.sha256(b"".join(response.streaming_content)).hexdigest() == document.checksum

    decision = {
        "organisation": cast.ministry_x.pk,
        "decision": "approve",
        "comment": "",
        "version": version.pk,
    }
    # a checksum that is not the document's: refused, nothing recorded
    stale = client.post(_sign_url(cast), {**decision, "document_checksum": "0" * 64})
    assert stale.status_code == 200
    assert "The document changed since you opened this page; read it again" in (
        stale.content.decode()
    )
    assert not SignOff.objects.exists()
    # the page shown again carries what it shows now
    assert _hidden(stale.content.decode(), "document_checksum") == document.checksum

    response = client.post(_sign_url(cast), {**decision, "document_checksum": document.checksum})
    assert response.status_code == 302
    sign_off = SignOff.objects.get()
    assert (sign_off.version, sign_off.document_checksum) == (version, document.checksum)
    page = client.get(reverse("plan_validation", args=[cast.plan_a.pk])).content.decode()
    assert f'SHA-256 <code title="{document.checksum}">{document.checksum[:12]}…</code>' in page


def test_a_decision_on_a_version_no_longer_in_validation_is_refused(client, cast, ready):
    first = _submit(client, cast)
    workflow.plan_withdraw(actor=cast.coordinator_a, plan=cast.plan_a, comment="One more target")
    second = _submit(client, cast)
    client.force_login(cast.signatory_x)
    response = client.post(
        _sign_url(cast),
        {
            "organisation": cast.ministry_x.pk,
            "decision": "approve",
            "version": first.pk,  # the page was opened on 1.0
            "document_checksum": "",
        },
    )
    assert response.status_code == 200
    assert "Version 1.1 is in validation now, not the version you read" in (
        response.content.decode()
    )
    assert not SignOff.objects.exists()
    assert _hidden(response.content.decode(), "version") == str(second.pk)


def test_without_a_pdf_the_signatory_approves_the_version_as_shown_on_its_page(client, cast, ready):
    version = _submit(client, cast)  # documents are off
    client.force_login(cast.signatory_x)
    page = client.get(_sign_url(cast)).content.decode()
    assert "you approve the version as shown on its page" in page
    assert _hidden(page, "document_checksum") == ""
    response = client.post(
        _sign_url(cast),
        {
            "organisation": cast.ministry_x.pk,
            "decision": "approve",
            "version": _hidden(page, "version"),
            "document_checksum": "",
        },
    )
    assert response.status_code == 302
    assert SignOff.objects.get().document_checksum == ""
    assert SignOff.objects.get().version == version
    page = client.get(reverse("plan_validation", args=[cast.plan_a.pk])).content.decode()
    assert "Approved the version as shown on its page (no PDF was ready)." in page


def test_a_revision_is_signed_with_a_link_to_its_comparison_with_the_official_version(
    client, cast, ready
):
    official = workflow.plan_submit(actor=cast.coordinator_a, plan=cast.plan_a)
    approve_all(cast, ready)
    workflow.plan_adopt(
        actor=cast.coordinator_a,
        plan=cast.plan_a,
        adoption_date=timezone.localdate(),
        reference="Decree 12",
    )
    workflow.plan_revision_open(
        actor=cast.coordinator_a,
        plan=cast.plan_a,
        reason=ChangeReason.CORRECTION,
        text="The recruitment costs were wrong.",
    )
    revision = _submit(client, cast)
    client.force_login(cast.signatory_x)
    page = client.get(_sign_url(cast)).content.decode()
    compare = reverse("version_compare", args=[cast.plan_a.pk])
    assert f"{compare}?from={official.pk}&amp;to={revision.pk}" in page
    assert "Compare version 2.0 with the official version 1.0" in page
    assert reverse("version_detail", args=[cast.plan_a.pk, revision.pk]) in page
    comparison = client.get(compare, {"from": official.pk, "to": revision.pk})
    assert comparison.status_code == 200


def test_a_request_for_changes_points_at_a_section_of_the_version(client, cast, ready):
    version = _submit(client, cast)
    client.force_login(cast.signatory_x)
    with _decoded() as decoded:
        page = client.get(_sign_url(cast)).content.decode()
    assert '<option value="interventions">Interventions and their results' in page
    assert decoded["PlanSnapshot"] == 0  # the sections are named from the version's outline
    unknown = client.post(
        _sign_url(cast),
        {
            "organisation": cast.ministry_x.pk,
            "decision": "request_changes",
            "comment": "Costs",
            "section": "nowhere",
        },
    )
    assert unknown.status_code == 200 and not SignOff.objects.exists()
    response = client.post(
        _sign_url(cast),
        {
            "organisation": cast.ministry_x.pk,
            "decision": "request_changes",
            "comment": "The cost of fair recruitment is not explained.",
            "section": "interventions",
            "version": version.pk,
        },
    )
    assert response.status_code == 302
    cast.plan_a.refresh_from_db()
    assert cast.plan_a.status == PlanStatus.DRAFT
    assert SignOff.objects.get().section == "interventions"
    section_url = (
        reverse("version_detail", args=[cast.plan_a.pk, version.pk])
        + "?section=interventions#content"
    )
    client.force_login(cast.coordinator_a)
    page = client.get(reverse("plan_validation", args=[cast.plan_a.pk])).content.decode()
    assert (
        f'About the section: <a href="{section_url}">Interventions and their results framework</a>'
        in page
    )
    assert "The cost of fair recruitment is not explained." in page
    told = Notification.objects.get(user=cast.coordinator_a, event="changes_requested")
    assert "about its section “Interventions and their results framework”" in told.message
    assert "The cost of fair recruitment is not explained." in told.message
    assert told.url == section_url
    # the link opens that section of the version
    shown = client.get(section_url).content.decode()
    assert 'aria-current="page" href="?section=interventions#content">Interventions' in shown
