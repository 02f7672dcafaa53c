"""The public portal of adopted plans: anyone reads an adopted version, as adopted, and
nothing else — no draft, no version on its way to adoption, no plan never adopted."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from action_plans import workflow
from action_plans.models import (
    ActionPlan,
    DocumentEdition,
    DocumentStatus,
    PlanDocument,
    PlanSnapshot,
    PlanVersion,
)
from action_plans.snapshot import build_snapshot, snapshot_freeze
from funding.models import Commitment, FundingSource
from funding.services import commitment_create, source_create
from governance.models import CreditPreference, OrganisationType
from governance.services.participations import participation_add
from interventions.models import Intervention, ResultIndicator
from interventions.services import Links, intervention_create, intervention_update
from targets.models import PrioritisedTarget, Target
from targets.services import prioritised_target_add, prioritised_target_update
from tests import factories
from tests.conftest import approve_all
from tests.interventions.test_monitoring_page import _grow

MARKER = "Zq7-unpublished-draft-marker"


def _adopt(cast, ready) -> PlanVersion:
    """Plan A submitted, approved by every signatory and adopted: its version 1.0."""
    workflow.plan_submit(actor=cast.coordinator_a, plan=cast.plan_a)
    approve_all(cast, ready)
    return workflow.plan_adopt(
        actor=cast.coordinator_a,
        plan=cast.plan_a,
        adoption_date=timezone.localdate(),
        reference="Cabinet decision 12/2026",
    )


def _version_url(version: PlanVersion, name: str = "portal_version") -> str:
    return reverse(name, args=[version.plan_id, version.major, version.minor])


def _frozen_version(plan: ActionPlan, major: int, status: str, **fields) -> PlanVersion:
    """A version of ``plan`` frozen as the plan stands now, in ``status``."""
    version = PlanVersion.objects.create(
        plan=plan, major=major, minor=0, status=status, submitted_at=timezone.now(), **fields
    )
    snapshot_freeze(version=version, content=build_snapshot(plan))
    return version


def _normalised(response) -> str:
    """A 404 page without what differs from one request to the next: the address asked
    for (the language switcher returns to it) and the CSRF token."""
    body = response.content.decode().replace(response.request["PATH_INFO"], "")
    body = re.sub(r'"X-CSRFToken": "[^"]+"', "", body)
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", body)


@pytest.fixture
def adopted(cast, ready) -> PlanVersion:
    return _adopt(cast, ready)


# --- anyone reads an adopted version -----------------------------------------------------


def test_anyone_reads_the_demo_plans_adopted_version_without_its_revision(db, client):
    call_command("load_demo")
    national = ActionPlan.objects.get(level="national")
    local = ActionPlan.objects.get(level="local")  # in validation, never adopted
    official = workflow.official_version(national)

    listing = client.get(reverse("portal_plans"))
    assert listing.status_code == 200
    page = listing.content.decode()
    assert _version_url(official) in page
    assert "Ghana" in page and "National" in page
    assert reverse("portal_plan", args=[local.pk]) not in page
    assert local.title not in page

    response = client.get(reverse("portal_plan", args=[national.pk]), follow=True)
    assert response.redirect_chain == [(_version_url(official), 302)]
    page = response.content.decode()
    assert "<h1>" + national.title in page.replace("<h1>\n", "<h1>")
    assert "Lead bodies" in page and "Prioritised targets" in page and "Funding" in page
    # the interventions as adopted: the revision in progress adds one and raises the
    # cost of another
    assert "Migrant resource centres in Accra, Kumasi and Tamale" in page
    assert "Health screening and insurance enrolment for returnees" not in page
    assert "2,450,000.00\xa0GHS" in page
    assert "2,750,000.00\xa0GHS" not in page
    assert "only adopted version." in page
    # its IATI activity file, for aid-transparency systems (its lead body has an IATI id)
    iati = reverse("open_version_iati", args=[national.pk, official.major, official.minor])
    assert f'href="{iati}"' in page
    assert client.get(iati)["Content-Type"].startswith("application/xml")
    assert client.get(reverse("portal_plan", args=[local.pk])).status_code == 404


def test_a_superseded_version_stays_readable_and_points_to_the_current_one(cast, adopted):
    workflow.plan_revision_open(
        actor=cast.coordinator_a, plan=cast.plan_a, reason="re_scoping", text="Mid-term review"
    )
    adopted.status = "superseded"
    adopted.save()
    current = _frozen_version(
        cast.plan_a,
        2,
        "adopted",
        adoption_date=date.today(),
        adoption_reference="Cabinet decision 40/2026",
    )
    client = Client()
    assert client.get(reverse("portal_plan", args=[cast.plan_a.pk])).url == _version_url(current)
    old = client.get(_version_url(adopted)).content.decode()
    assert "Adopted, since superseded" in old
    assert _version_url(current) in old
    new = client.get(_version_url(current)).content.decode()
    assert "Current adopted version" in new
    assert f'href="{_version_url(adopted)}">Version 1.0</a>' in new
    listing = client.get(reverse("portal_plans")).content.decode()
    assert _version_url(current) in listing and _version_url(adopted) not in listing


def test_local_actors_are_credited_as_each_chose(cast, catalogue):
    anonymous = factories.OrganisationFactory(
        name="Women Migrants Circle",
        acronym="WMC",
        type=OrganisationType.CIVIL_SOCIETY,
        is_local_actor=True,
        credit_preference=CreditPreference.ANONYMOUS,
    )
    hidden = factories.OrganisationFactory(
        name="Quiet Returnees Network",
        acronym="QRN",
        type=OrganisationType.CIVIL_SOCIETY,
        is_local_actor=True,
        credit_preference=CreditPreference.NOT_CREDITED,
    )
    for organisation in (anonymous, hidden):
        participation_add(
            actor=cast.coordinator_a,
            plan=cast.plan_a,
            organisation=organisation,
            signatory_required=False,
        )
    target = prioritised_target_add(
        actor=cast.coordinator_a,
        plan=cast.plan_a,
        target=Target.objects.get(code="10.7"),
        rationale="Labour migration first",
    )
    intervention_create(
        actor=cast.coordinator_a,
        plan=cast.plan_a,
        intervention=Intervention(
            title="Community reception desks",
            level="programme",
            sector="labour",
            lead_organisation=cast.ministry_x,
        ),
        links=Links(
            targets={target.pk: ""},
            partners={anonymous.pk: "local_partner", hidden.pk: "local_partner"},
        ),
    )
    version = _frozen_version(
        cast.plan_a, 1, "adopted", adoption_date=date.today(), adoption_reference="Decree 1"
    )
    page = Client().get(_version_url(version)).content.decode()
    assert "Community reception desks" in page
    assert "Women Migrants Circle" not in page and "WMC" not in page
    assert "Quiet Returnees Network" not in page and "QRN" not in page
    assert "A local organisation (Local partner)" in page  # the anonymous partner
    assert page.count("A local organisation") == 2  # as partner and as participant


# --- nothing unpublished ------------------------------------------------------------------


def _portal_urls() -> list[str]:
    """Every public address (the portal's and the API's public part) of every plan and
    version there is."""
    urls = [reverse("portal_plans"), reverse("api_open_plan_list")]
    for plan in ActionPlan.objects.all():
        urls += [reverse(name, args=[plan.pk]) for name in ("portal_plan", "api_open_version_list")]
        for version in plan.versions.all():
            urls += [
                _version_url(version, name)
                for name in (
                    "portal_version",
                    "portal_version_embed",
                    "portal_version_pdf",
                    "api_open_version_detail",
                )
            ]
    return urls


def test_a_draft_revisions_words_appear_in_no_public_response(
    cast, ready, adopted, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    _official_pdf(adopted)
    workflow.plan_revision_open(
        actor=cast.coordinator_a, plan=cast.plan_a, reason="re_scoping", text="Mid-term review"
    )
    intervention = Intervention.objects.get(pk=ready["intervention"].pk)
    intervention_update(
        actor=cast.coordinator_a,
        intervention=intervention,
        expected_version=intervention.version,
        data={"title": f"Fair recruitment {MARKER}"},
    )
    target = PrioritisedTarget.objects.get(plan=cast.plan_a)
    prioritised_target_update(
        actor=cast.coordinator_a,
        prioritised_target=target,
        expected_version=target.version,
        data={"rationale": f"Reworded {MARKER}"},
    )
    source = source_create(
        actor=cast.coordinator_a,
        plan=cast.plan_a,
        source=FundingSource(
            name=f"Budget line {MARKER}",
            provider=cast.ministry_x,
            kind="national_budget",
            currency="GHS",
        ),
    )
    commitment_create(
        actor=cast.coordinator_a,
        intervention=intervention,
        commitment=Commitment(
            source=source,
            stage="committed",
            amount=Decimal(250000),
            currency="GHS",
            dated=date(2026, 3, 1),
            notes=f"Note {MARKER}",
        ),
        local_actors=[],
    )
    # the revision frozen on its way to adoption, and plan B never adopted
    _frozen_version(cast.plan_a, 2, "in_validation")
    _frozen_version(cast.plan_b, 1, "withdrawn")
    assert MARKER in str(build_snapshot(cast.plan_a))

    urls = _portal_urls()
    assert len(urls) == 2 + 2 * 2 + 3 * 4
    for role in ("anonymous", "coordinator_a"):
        client = Client()
        if user := cast.user(role):
            client.force_login(user)
        for url in urls:
            response = client.get(url, follow=True)
            body = b"".join(response) if response.streaming else response.content
            assert MARKER.encode() not in body, f"{url} as {role}"
    page = Client().get(_version_url(adopted)).content.decode()
    assert "Fair recruitment" in page and "Labour migration is the country" in page


def test_what_is_not_adopted_is_not_found_like_what_does_not_exist(cast, adopted):
    in_validation = _frozen_version(cast.plan_a, 2, "in_validation")
    withdrawn = _frozen_version(cast.plan_b, 1, "withdrawn")
    client = Client()
    missing_plan = client.get(reverse("portal_plan", args=[999999]))
    missing_version = client.get(
        reverse("portal_version", args=[cast.plan_a.pk, 9, 9])  # no such number
    )
    assert missing_plan.status_code == missing_version.status_code == 404
    expected = _normalised(missing_plan)
    assert expected == _normalised(missing_version)
    hidden = [
        reverse("portal_plan", args=[cast.plan_b.pk]),  # a draft, never adopted
        _version_url(withdrawn),
        _version_url(in_validation),
        _version_url(in_validation, "portal_version_embed"),
        _version_url(in_validation, "portal_version_pdf"),
        _version_url(withdrawn, "portal_version_embed"),
        reverse("portal_version", args=[999999, 1, 0]),
    ]
    for url in hidden:
        response = client.get(url)
        assert response.status_code == 404, url
        assert _normalised(response) == expected, url


# --- the PDF and the embeddable fragment --------------------------------------------------


def _official_pdf(version: PlanVersion) -> PlanDocument:
    document = PlanDocument.objects.create(
        plan_id=version.plan_id,
        version=version,
        edition=DocumentEdition.OFFICIAL,
        status=DocumentStatus.READY,
    )
    document.file.save("plan-official.pdf", ContentFile(b"%PDF-1.7 official"), save=True)
    return document


def test_the_official_pdf_is_downloadable_once_ready(cast, adopted, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = Client()
    pdf = _version_url(adopted, "portal_version_pdf")
    assert client.get(pdf).status_code == 404
    page = client.get(_version_url(adopted)).content.decode()
    assert "The official PDF of this version is not available yet." in page
    assert pdf not in page

    _official_pdf(adopted)
    response = client.get(pdf)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.7 official"
    assert pdf in client.get(_version_url(adopted)).content.decode()


def test_the_fragment_to_embed_is_plain_markup_readable_from_any_origin(cast, adopted):
    response = Client().get(_version_url(adopted, "portal_version_embed"))
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    fragment = response.content.decode()
    for tag in ("<html", "<body", "<head", "<script", "<iframe", "<style", "<form", " style="):
        assert tag not in fragment.lower()
    classes = {name for found in re.findall(r'class="([^"]*)"', fragment) for name in found.split()}
    assert classes and all(name.startswith("msdp") for name in classes)
    ids = re.findall(r'id="([^"]*)"', fragment)
    assert ids and all(name.startswith("msdp-") for name in ids)
    assert "Fair recruitment" in fragment and "Workers recruited fairly" in fragment
    assert Client().post(_version_url(adopted, "portal_version_embed")).status_code == 405


# --- in the reader's language, cached per version ---------------------------------------


def test_an_anonymous_reader_switches_the_language(cast, adopted):
    client = Client()
    client.post(reverse("set_language"), {"language": "fr", "next": "/open/"})
    page = client.get(_version_url(adopted)).content.decode()
    assert '<html lang="fr">' in page
    assert "Cibles priorisées" in page
    assert "Plans ouverts" in page
    client.post(reverse("set_language"), {"language": "es", "next": "/open/"})
    page = client.get(_version_url(adopted)).content.decode()
    assert "Metas priorizadas" in page


def _snapshot_reads(client, url) -> tuple[int, int]:
    """The page's queries, and how many of them read a whole snapshot's content."""
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    table = PlanSnapshot._meta.db_table
    reads = [query["sql"] for query in context.captured_queries if f'"{table}"' in query["sql"]]
    return len(context), len(reads)


# what a cold summary reads of the snapshot's parts besides the outline (read with the
# version): the records shown whole, the interventions' titles, the page's interventions
PARTS_READ = 3


def test_a_version_page_is_read_from_its_snapshots_parts_once_then_from_the_cache(cast, adopted):
    client, url = Client(), _version_url(adopted)
    cold, cold_reads = _snapshot_reads(client, url)
    warm, warm_reads = _snapshot_reads(client, url)
    assert cold_reads == warm_reads == 0  # never the whole snapshot
    assert warm == cold - PARTS_READ
    # another language is read once for itself
    client.post(reverse("set_language"), {"language": "fr", "next": "/open/"})
    assert _snapshot_reads(client, url)[0] == cold
    assert _snapshot_reads(client, url)[0] == warm
    embed = _version_url(adopted, "portal_version_embed")
    embed_cold, embed_reads = _snapshot_reads(client, embed)
    assert embed_reads == 0
    assert _snapshot_reads(client, embed)[0] == embed_cold - PARTS_READ


# --- the same queries for 10 or 300 interventions --------------------------------------


def _cold_queries(client, url) -> int:
    client.get(url)  # fills the process's caches (content types), which outlive a request
    cache.clear()
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context)


def test_the_list_and_the_version_page_cost_the_same_queries_for_10_or_300_interventions(
    cast, ready
):
    prioritised = PrioritisedTarget.objects.get(plan=cast.plan_a)
    _grow(cast, prioritised, 9)
    small = _frozen_version(
        cast.plan_a, 1, "adopted", adoption_date=date.today(), adoption_reference="Decree 1"
    )
    client = Client()
    small_counts = (
        _cold_queries(client, reverse("portal_plans")),
        _cold_queries(client, _version_url(small)),
    )
    _grow(cast, prioritised, 290)
    small.status = "superseded"
    small.save()
    large = _frozen_version(
        cast.plan_a, 2, "adopted", adoption_date=date.today(), adoption_reference="Decree 2"
    )
    _frozen_version(
        cast.plan_b, 1, "adopted", adoption_date=date.today(), adoption_reference="By-law 3"
    )
    assert Intervention.objects.filter(plan=cast.plan_a).count() == 300
    assert ResultIndicator.objects.filter(intervention__plan=cast.plan_a).count() == 898
    large_counts = (
        _cold_queries(client, reverse("portal_plans")),
        _cold_queries(client, _version_url(large)),
    )
    assert large_counts == small_counts
    assert small_counts[0] <= 5 and small_counts[1] <= 8
    page = client.get(_version_url(large)).content.decode()
    assert "Intervention 289" in page
    assert "300 interventions, not counting those dropped." in page
    print(f"portal: list {small_counts[0]}, version page {small_counts[1]} queries (10 or 300)")


def test_every_portal_page_refuses_a_post(cast, adopted):
    client = Client()
    for url in _portal_urls():
        assert client.post(url).status_code == 405, url


# --- a large plan's interventions, a page at a time --------------------------------------


def test_a_large_plans_interventions_are_described_a_page_at_a_time(cast, ready):
    _grow(cast, PrioritisedTarget.objects.get(plan=cast.plan_a), 44)
    version = _frozen_version(
        cast.plan_a, 1, "adopted", adoption_date=date.today(), adoption_reference="Decree 1"
    )
    client, url = Client(), _version_url(version)
    pages = [client.get(url, {"page": number}).content.decode() for number in (1, 2, 3)]
    described = [re.findall(r'<h4[^>]* id="msdp-([^"]+)"', page) for page in pages]
    without_number = client.get(url).content.decode()
    assert re.findall(r'<h4[^>]* id="msdp-([^"]+)"', without_number) == described[0]
    assert [len(ids) for ids in described] == [20, 20, 5]
    assert len({name for ids in described for name in ids}) == 45  # each once
    for number, page in enumerate(pages, start=1):
        assert "45 interventions, not counting those dropped." in page
        assert f"Page {number} of 3" in page
        # every intervention is named on every page, with a link to where it is described
        assert all(f"Intervention {index:03}" in page for index in range(44))
        assert page.count("Progress of the indicators of") == len(described[number - 1])
    anchor = described[1][0]
    assert f'href="{url}?page=2#msdp-{anchor}"' in pages[0]
    assert "described on page 2" in pages[0]
    assert f'href="{url}?page=2#msdp-interventions">Next' in pages[0]
    assert f'href="{url}?page=2#msdp-interventions">Previous' in pages[2]
    for wrong in ("0", "4", "x", "-1"):
        assert client.get(url, {"page": wrong}).status_code == 404, wrong
    fragment = client.get(_version_url(version, "portal_version_embed")).content.decode()
    assert f'href="http://testserver{url}?page=2#msdp-{anchor}"' in fragment
    # the last page costs the queries of the first
    assert _cold_queries(client, f"{url}?page=3") == _cold_queries(client, url)
