"""The PDF holds what was validated: the consultations held (frozen with the version), each
signatory's decision with its comment and the section it points at, and every entry of
the change log."""

import io
from datetime import date

import pytest
from django.urls import reverse
from django.utils import formats, timezone
from pypdf import PdfReader

from action_plans import documents, workflow
from action_plans.models import ChangeReason, PlanDocument
from governance.models import CreditPreference
from governance.services.participations import participation_add
from governance.services.signing import plan_sign
from targets.models import Consultation, ConsultationKind
from targets.services import consultation_create
from tests import factories
from tests.conftest import approve_all


@pytest.fixture(autouse=True)
def _own_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _text(pdf: bytes) -> str:
    pages = PdfReader(io.BytesIO(pdf)).pages
    return " ".join(" ".join(page.extract_text() for page in pages).split())


def test_the_validated_pdf_holds_consultations_comments_and_every_change(cast, ready):
    plan = cast.plan_a
    network = factories.OrganisationFactory(
        name="Women Migrants Network",
        acronym="WMN",
        is_local_actor=True,
        credit_preference=CreditPreference.ANONYMOUS,
    )
    participation_add(
        actor=cast.administrator, plan=plan, organisation=network, signatory_required=False
    )
    consultation_create(
        actor=cast.coordinator_a,
        plan=plan,
        consultation=Consultation(
            held_on=date(2025, 3, 4),
            kind=ConsultationKind.REVIEW_WORKSHOP,
            title="Workshop on recruitment fees",
            topic_beneficiaries=True,
            outcomes="Fees are to be capped.",
            decisions="The labour ministry drafts the cap.",
        ),
        organisations=[cast.lead_ministry, network],
        prioritised_targets=[],
        frameworks=[],
    )
    workflow.plan_submit(actor=cast.coordinator_a, plan=plan)
    approve_all(cast, ready)
    workflow.plan_adopt(
        actor=cast.coordinator_a,
        plan=plan,
        adoption_date=timezone.localdate(),
        reference="Decree 12",
    )
    workflow.plan_revision_open(
        actor=cast.coordinator_a,
        plan=plan,
        reason=ChangeReason.CORRECTION,
        text="The recruitment costs were wrong.",
    )
    workflow.plan_change_record(
        actor=cast.coordinator_a,
        plan=plan,
        reason=ChangeReason.FUNDING_CHANGE,
        text="A new donor joined the plan.",
    )
    version = workflow.plan_submit(actor=cast.coordinator_a, plan=plan)
    comments = {
        "ministry_x": ("The costs are now explained.", "interventions"),
        "lead_ministry": ("Approved at the cabinet's request.", ""),
    }
    for name, signatory in ready["signatories"].items():
        comment, section = comments.get(name, ("", ""))
        plan_sign(
            actor=signatory,
            plan=plan,
            organisation=getattr(cast, name),
            decision="approve",
            comment=comment,
            section=section,
        )
    document = PlanDocument.objects.create(plan=plan, version=version)
    documents.document_render(document.pk)
    document.refresh_from_db()
    text = _text(document.file.read())

    # the consultation, named in the plan's language, anonymity kept
    assert "Consultations held" in text
    held = formats.date_format(date(2025, 3, 4), "DATE_FORMAT")
    assert f"{held} – Workshop on recruitment fees" in text
    assert "Review workshop" in text and "target beneficiaries" in text
    assert "Ministry of the Interior (MOI) and 1 organisation not named" in text
    assert "Women Migrants Network" not in text
    assert "Fees are to be capped." in text and "The labour ministry drafts the cap." in text
    # each signatory's comment, with the section it points at
    assert "About “Interventions and their results framework”: The costs are now explained." in text
    assert "Approved at the cabinet's request." in text
    # every entry of the change log: reason, what and why, who, when
    changes = list(documents.change_log(version))
    assert [change.text for change in changes] == [
        "The recruitment costs were wrong.",
        "A new donor joined the plan.",
    ]
    for change in changes:
        when = formats.date_format(timezone.localtime(change.created_at), "DATE_FORMAT")
        reason = change.get_reason_display()
        assert f"{reason} {change.text} {cast.coordinator_a} {when}" in text


def test_the_consultation_log_is_frozen_with_the_version_in_words(client, cast, ready):
    consultation_create(
        actor=cast.coordinator_a,
        plan=cast.plan_a,
        consultation=Consultation(
            held_on=date(2025, 3, 4),
            kind=ConsultationKind.BILATERAL_MEETING,
            title="Meeting with the recruiters",
            topic_resources_needed=True,
        ),
        organisations=[cast.ministry_x],
        prioritised_targets=[],
        frameworks=[],
    )
    version = workflow.plan_submit(actor=cast.coordinator_a, plan=cast.plan_a)
    record = next(
        record
        for record in version.snapshot.content["sections"]["targets"]["records"]
        if record["kind"] == "consultation"
    )
    assert record["fields"]["consultation_kind"] == "bilateral_meeting"  # a code, frozen
    assert record["fields"]["held_on"] == "2025-03-04"
    client.force_login(cast.viewer_x)
    page = client.get(
        reverse("version_detail", args=[cast.plan_a.pk, version.pk]), {"section": "targets"}
    ).content.decode()
    assert "Meeting with the recruiters" in page
    assert "Bilateral meeting" in page and "resources needed" in page
    assert formats.date_format(date(2025, 3, 4), "DATE_FORMAT") in page
    assert "Ministry of Labour (MOL)" in page
