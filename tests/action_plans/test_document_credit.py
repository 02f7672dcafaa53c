"""What leaves the building credits local actors as each chose: the official edition of a
plan's document (PDF and Word, and the coordinators' preview of it) and the annual report
do not name an organisation credited anonymously (they describe it) nor one not to be
credited; the edition given for validation names everyone, as its signatories validate
who does what."""

import io
from datetime import date
from decimal import Decimal

import pytest
from docx import Document
from pypdf import PdfReader

from action_plans import documents, workflow
from action_plans.models import (
    ActionPlan,
    DocumentEdition,
    DocumentFormat,
    DocumentStatus,
    PlanDocument,
)
from funding.models import CapacityNeed
from funding.services import capacity_need_create
from governance.models import CreditPreference, OrganisationType, Role
from governance.services.memberships import membership_set
from governance.services.participations import participation_add
from governance.services.signing import plan_sign
from interventions.models import Intervention, ResultIndicator
from interventions.services import Links, indicator_create, intervention_create
from tests import factories

ANONYMOUS_NAMES = ("Women Migrants Circle", "WMC")
HIDDEN_NAMES = ("Quiet Returnees Network", "QRN")


@pytest.fixture(autouse=True)
def _own_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _local_actor(name: str, acronym: str, credit: str):
    return factories.OrganisationFactory(
        name=name,
        acronym=acronym,
        type=OrganisationType.CIVIL_SOCIETY,
        level="local",
        is_local_actor=True,
        led_by_women=True,
        credit_preference=credit,
    )


def _intervention(cast, target, title: str, lead, partners: dict[int, str]) -> Intervention:
    """An intervention of plan A ready for validation (timeline, cost, an indicator)."""
    intervention = intervention_create(
        actor=cast.coordinator_a,
        plan=cast.plan_a,
        intervention=Intervention(
            title=title,
            level="programme",
            sector="labour",
            lead_organisation=lead,
            start_date=date(2026, 1, 1),
            end_date=date(2028, 12, 31),
            estimated_cost=Decimal(50000),
        ),
        links=Links(targets={target.pk: ""}, partners=partners),
    )
    indicator_create(
        actor=cast.coordinator_a,
        intervention=intervention,
        indicator=ResultIndicator(
            name=f"{title} reached", unit="people", baseline_value=Decimal(0), baseline_year=2025
        ),
        target_values={2028: Decimal(100)},
    )
    return intervention


@pytest.fixture
def local_actors(cast, ready) -> dict:
    """Plan A with two local actors taking part: one credited anonymously, leading an
    intervention with the other as its partner; one not to be credited, leading another;
    each with a capacity need."""
    anonymous = _local_actor(*ANONYMOUS_NAMES, CreditPreference.ANONYMOUS)
    hidden = _local_actor(*HIDDEN_NAMES, CreditPreference.NOT_CREDITED)
    for organisation in (anonymous, hidden):
        participation_add(
            actor=cast.coordinator_a,
            plan=cast.plan_a,
            organisation=organisation,
            signatory_required=True,
        )
        signatory = factories.UserFactory(
            first_name="Ama", last_name=f"Signer {organisation.acronym}"
        )
        membership_set(actor=None, user=signatory, organisation=organisation, role=Role.SIGNATORY)
    target = cast.plan_a.prioritised_targets.get()
    _intervention(cast, target, "Reception desks", anonymous, {hidden.pk: "local_partner"})
    _intervention(cast, target, "Returnee support", hidden, {anonymous.pk: "local_partner"})
    for organisation, what in ((anonymous, "Bookkeeping training"), (hidden, "Legal advice")):
        capacity_need_create(
            actor=cast.coordinator_a,
            plan=cast.plan_a,
            need=CapacityNeed(
                organisation=organisation, what=what, why="To grow", by_when=date(2026, 6, 30)
            ),
        )
    return {"anonymous": anonymous, "hidden": hidden}


def _rendered(document: PlanDocument) -> bytes:
    """``document`` made by the job, as a worker makes it."""
    documents.document_render(document.pk)
    document.refresh_from_db()
    assert document.status == DocumentStatus.READY, document.error
    return document.file.read()


def _pdf_text(data: bytes) -> str:
    return " ".join(
        " ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(data)).pages
    )


def _word_text(data: bytes) -> str:
    word = Document(io.BytesIO(data))
    texts = [paragraph.text for paragraph in word.paragraphs]
    texts += [cell.text for table in word.tables for row in table.rows for cell in row.cells]
    return " ".join(" ".join(texts).split())


def _names_none(text: str) -> None:
    for name in (*ANONYMOUS_NAMES, *HIDDEN_NAMES):
        assert name not in text, name


def _sign_for_each(cast, local_actors) -> None:
    """Each local actor's signatory approves the version in validation."""
    for organisation in local_actors.values():
        plan_sign(
            actor=organisation.memberships.get(role=Role.SIGNATORY).user,
            plan=cast.plan_a,
            organisation=organisation,
            decision="approve",
            comment="",
        )


def test_the_official_pdf_and_word_document_credit_local_actors_as_each_chose(cast, local_actors):
    version = workflow.plan_submit(actor=cast.coordinator_a, plan=cast.plan_a)
    _sign_for_each(cast, local_actors)
    pdf = _pdf_text(_rendered(PlanDocument.objects.create(plan=cast.plan_a, version=version)))
    word = _word_text(
        _rendered(
            PlanDocument.objects.create(
                plan=cast.plan_a, version=version, format=DocumentFormat.DOCX
            )
        )
    )
    for text in (pdf, word):
        _names_none(text)
        # the participant described, as lead and as partner
        assert "A local organisation (Civil-society organisation, led by women)" in text
        assert "Reception desks – A local organisation ·" in text  # its intervention's lead
        assert "A local organisation (Local partner)" in text
        assert "Returnee support – — ·" in text  # led by the one not to be credited
        assert "Ministry of Labour" in text  # organisations credited by name stay named
        # their sign-offs: the organisation as credited, who signed for it not named
        assert "Signer" not in text
        assert text.count("Approved") == 2


def test_the_pdf_for_validation_names_every_organisation(cast, local_actors):
    version = workflow.plan_submit(actor=cast.coordinator_a, plan=cast.plan_a)
    given = PlanDocument.objects.create(
        plan=cast.plan_a, version=version, edition=DocumentEdition.FOR_VALIDATION
    )
    text = _pdf_text(_rendered(given))
    assert "Reception desks – Women Migrants Circle (WMC) ·" in text
    assert "Returnee support – Quiet Returnees Network (QRN) ·" in text
    assert "Quiet Returnees Network (QRN) (Local partner)" in text


def test_the_preview_shows_what_will_be_published(cast, local_actors):
    preview = PlanDocument.objects.create(plan=cast.plan_a, version=None)
    text = _pdf_text(_rendered(preview))
    _names_none(text)
    assert "A local organisation (Local partner)" in text


def test_the_official_pdf_describes_in_the_plans_language(cast, local_actors):
    ActionPlan.objects.filter(pk=cast.plan_a.pk).update(language="fr")
    version = workflow.plan_submit(actor=cast.coordinator_a, plan=cast.plan_a)
    text = _pdf_text(_rendered(PlanDocument.objects.create(plan=cast.plan_a, version=version)))
    _names_none(text)
    assert "Reception desks – Une organisation locale ·" in text
    assert "A local organisation" not in text


def test_the_annual_report_credits_local_actors_as_each_chose(cast, local_actors):
    for format in (DocumentFormat.PDF, DocumentFormat.DOCX):
        report = PlanDocument.objects.create(plan=cast.plan_a, year=2026, format=format)
        data = _rendered(report)
        text = _pdf_text(data) if format == DocumentFormat.PDF else _word_text(data)
        _names_none(text)
        # the anonymous lead described in the tables by lead; the one not to be credited
        # left out of them
        # (a narrow column may break "Civil-society" at its hyphen)
        assert text.count("A local organisation (Civil") == 3  # by lead twice, beside its need
        # both needs are the plan's: listed, the one of the actor not credited unnamed
        assert "Bookkeeping training" in text and "— Legal advice" in text
        assert "Ministry of Labour" in text
