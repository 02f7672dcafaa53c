"""The open formats of an adopted version beside its IATI file: the plan as JSON and its
tables as CSV files in a zip, made from the version's snapshot only, with the local
actors credited as each chose, public for adopted versions only."""

import copy
import csv
import io
import json
import zipfile
from datetime import date

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from action_plans import workflow
from action_plans.models import ActionPlan, PlanVersion
from action_plans.snapshot import snapshot_freeze
from governance.models import CreditPreference, Organisation, OrganisationType, User
from governance.services.participations import participation_add
from interventions.models import Intervention
from interventions.services import Links, intervention_create, intervention_update
from targets.models import Target
from targets.services import prioritised_target_add
from tests import factories
from tests.open_data.test_iati import _with_interventions, _without_tokens
from tests.portal.test_portal import _frozen_version

MARKER = "Unpublished-draft-marker-c41e"
ANONYMOUS_NAME = "Women on the Move Network (WOMN)"  # the demo's, credited anonymously


@pytest.fixture
def demo(db):
    """The demo: its national plan adopted (version 1.0)."""
    call_command("load_demo")
    plan = ActionPlan.objects.get(level="national")
    return plan, plan.versions.get(status="adopted")


def _public(name: str, plan, major: int = 1, minor: int = 0) -> str:
    pk = plan if isinstance(plan, int) else plan.pk
    return reverse(f"open_version_{name}", kwargs={"pk": pk, "major": major, "minor": minor})


def _signed_in(name: str, version) -> str:
    return reverse(f"version_{name}", args=[version.plan_id, version.pk])


def _tables(content: bytes) -> dict[str, list[dict[str, str]]]:
    """Each CSV of a zip, read by the csv module: its rows by header."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {
            name.removesuffix(".csv"): list(
                csv.DictReader(io.StringIO(archive.read(name).decode("utf-8-sig")))
            )
            for name in archive.namelist()
        }


def _text_of_tables(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return "".join(archive.read(name).decode("utf-8-sig") for name in archive.namelist())


def _records(version, section: str, kind: str) -> list[dict]:
    records = version.snapshot.content["sections"][section]["records"]
    return [record for record in records if record["kind"] == kind]


def test_anyone_reads_the_demo_plans_adopted_version_as_json(client, demo):
    plan, version = demo
    response = client.get(_public("plan_json", plan))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == (
        f'attachment; filename="plan-{plan.pk}-version-1.0-plan.json"'
    )
    document = json.loads(response.content)
    assert (document["format"], document["format_version"]) == ("msd-planner/plan", 1)
    assert document["plan"]["id"] == plan.pk
    assert document["plan"]["title"] == plan.title
    assert document["plan"]["country_name"] == "Ghana"
    assert document["version"] == {
        "number": "1.0",
        "status": "adopted",
        "adoption_date": version.adoption_date.isoformat(),
        "adoption_reference": version.adoption_reference,
    }
    interventions = document["sections"]["interventions"]
    assert interventions["title"] == "Interventions and their results framework"
    shown = {r["key"]: r for r in interventions["records"] if r["kind"] == "intervention"}
    frozen = {r["key"]: r for r in _records(version, "interventions", "intervention")}
    assert shown.keys() == frozen.keys() and len(shown) == 10
    for key, record in frozen.items():
        assert shown[key]["label"] == record["label"]
        assert shown[key]["fields"]["start"] == record["fields"]["start"]  # ISO, as stored
        assert shown[key]["fields"]["cost"] == record["fields"]["cost"]  # a plain decimal
    in_plan = next(r for r in shown.values() if r["fields"]["status"] == "in_plan")
    assert in_plan["words"]["status"] == "In the plan"  # the code, and in words
    totals = document["sections"]["funding"]["totals"]
    assert totals == version.snapshot.content["sections"]["funding"]["totals"]


def test_the_anonymous_local_actor_is_described_not_named(client, demo):
    plan, version = demo
    page = client.get(_public("plan_json", plan)).content.decode()
    tables = client.get(_public("tables", plan)).content
    assert ANONYMOUS_NAME in json.dumps(version.snapshot.content)  # frozen with its name
    for text in (page, _text_of_tables(tables)):
        assert ANONYMOUS_NAME not in text and '"WOMN' not in text
        assert "A local organisation" in text
    participants = [
        record
        for record in json.loads(page)["sections"]["governance"]["records"]
        if record["kind"] == "participant"
    ]
    anonymous = next(record for record in participants if record["credit"] == "anonymous")
    described = "A local organisation (Civil-society organisation, led by women)"
    assert anonymous["label"] == described
    organisations = _tables(tables)["organisations"]
    assert anonymous["label"] in {row["name"] for row in organisations}


def test_local_actors_not_to_be_credited_are_left_out(cast, catalogue):
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
    client = Client()
    page = client.get(_public("plan_json", cast.plan_a)).content.decode()
    tables = client.get(_public("tables", cast.plan_a)).content
    for text in (page, _text_of_tables(tables)):
        assert "Community reception desks" in text
        for word in ("Women Migrants Circle", "WMC", "Quiet Returnees Network", "QRN"):
            assert word not in text
    (row,) = _tables(tables)["interventions"]
    assert row["partners"] == "A local organisation (Local partner)"
    organisations = _tables(tables)["organisations"]
    names = [row["name"] for row in organisations if row["role"] == "participant"]
    assert "A local organisation (Civil-society organisation)" in names
    assert len(names) == len(_records(version, "governance", "participant")) - 1


def test_a_draft_revision_never_shows_in_the_open_files(client, demo):
    plan, version = demo
    coordinator = User.objects.get(username="coordinator")
    plan.refresh_from_db()
    if plan.status == "adopted":  # the demo may have opened its revision already
        workflow.plan_revision_open(
            actor=coordinator, plan=plan, reason="correction", text="Titles made clearer."
        )
    intervention = Intervention.objects.filter(plan=plan).order_by("pk").first()
    adopted_title = intervention.title
    intervention_update(
        actor=coordinator,
        intervention=intervention,
        expected_version=intervention.version,
        data={"title": MARKER},
    )
    client.force_login(User.objects.get(username="viewer"))
    for name in ("plan_json", "tables"):
        for url in (_public(name, plan), _signed_in(name, version)):
            response = client.get(url)
            assert response.status_code == 200, url
            body = response.content
            text = body.decode() if name == "plan_json" else _text_of_tables(body)
            assert MARKER not in text
            assert adopted_title in text


def test_the_tables_hold_the_snapshots_records(client, demo):
    plan, version = demo
    response = client.get(_public("tables", plan))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == (
        f'attachment; filename="plan-{plan.pk}-version-1.0-tables.zip"'
    )
    tables = _tables(response.content)
    assert set(tables) == {
        "interventions",
        "indicators",
        "indicator_values",
        "targets",
        "funding",
        "sources",
        "commitments",
        "organisations",
    }
    interventions = _records(version, "interventions", "intervention")
    assert [row["intervention"] for row in tables["interventions"]] == [
        record["key"].split(":")[1] for record in interventions
    ]
    for row, record in zip(tables["interventions"], interventions, strict=True):
        assert row["title"] == record["label"]
        assert (row["start"], row["end"]) == (record["fields"]["start"], record["fields"]["end"])
        assert (row["cost"], row["currency"]) == (record["fields"]["cost"], "GHS")
        assert row["lead"] == record["fields"]["lead"]
    indicators = _records(version, "interventions", "indicator")
    assert len(tables["indicators"]) == len(indicators) == 12
    first = indicators[0]
    assert tables["indicators"][0] == {
        "indicator": first["key"].split(":")[1],
        "intervention": first["parent"].split(":")[1],
        "name": first["name"],
        "label": first["label"],
        "unit": first["fields"]["unit"],
        "baseline": first["fields"]["baseline"][0],
        "baseline_year": str(first["fields"]["baseline"][1]),
        "reported_by": first["fields"]["reporting"],
    }
    values = tables["indicator_values"]
    expected = [
        (record["key"].split(":")[1], kind, str(period), value)
        for record in indicators
        for kind, pairs in (
            ("target", record["fields"]["target_values"]),
            ("approved", record["fields"]["progress"]),
        )
        for period, value in pairs
    ]
    assert [(row["indicator"], row["kind"], row["period"], row["value"]) for row in values] == (
        expected
    )
    assert any(row["kind"] == "approved" for row in values)
    targets = _records(version, "targets", "target")
    assert [row["target"] for row in tables["targets"]] == [
        record["key"].split(":")[1] for record in targets
    ]
    assert tables["targets"][0]["title"] == targets[0]["titles"]["en"]
    funding = _records(version, "funding", "funding")
    assert len(tables["funding"]) == len(funding) == 10
    assert sum(float(row["committed"]) for row in tables["funding"]) == pytest.approx(
        float(version.snapshot.content["sections"]["funding"]["totals"]["committed"])
    )
    assert len(tables["sources"]) == len(_records(version, "funding", "source"))
    commitments = _records(version, "funding", "commitment")
    assert [row["commitment"] for row in tables["commitments"]] == [
        record["key"].split(":")[1] for record in commitments
    ]
    for row, record in zip(tables["commitments"], commitments, strict=True):
        fields = record["fields"]
        assert row["intervention"] == record["parent"].split(":")[1]
        assert (row["amount"], row["currency"], row["date"]) == (
            fields["amount"],
            fields["currency"],
            fields["dated"],
        )
        assert (row["amount_in_base_currency"], row["base_currency"]) == (
            fields["base_amount"],
            "GHS",
        )
    assert {row["currency"] for row in tables["commitments"]} == {"GHS", "EUR", "USD"}
    assert {row["stage"] for row in tables["commitments"]} >= {"Committed", "Disbursed", "Pledged"}
    roles = [row["role"] for row in tables["organisations"]]
    assert roles.count("lead_body") == len(_records(version, "governance", "lead"))
    assert roles.count("participant") == len(_records(version, "governance", "participant"))


def test_a_cell_a_spreadsheet_would_run_as_a_formula_is_made_inert(client, demo):
    plan, version = demo
    content = copy.deepcopy(version.snapshot.content)
    first = next(
        record
        for record in content["sections"]["interventions"]["records"]
        if record["kind"] == "intervention"
    )
    first["label"] = '=HYPERLINK("http://example.com/x","Click")'
    first["fields"]["description"] = "+1 more"
    later = PlanVersion.objects.create(
        plan=plan,
        major=2,
        minor=0,
        status="superseded",
        submitted_at=timezone.now(),
        adoption_date=timezone.localdate(),
        adoption_reference="Decree 2",
    )
    snapshot_freeze(version=later, content=content)
    rows = _tables(client.get(_public("tables", plan, 2)).content)["interventions"]
    assert rows[0]["title"] == '\'=HYPERLINK("http://example.com/x","Click")'
    assert rows[0]["description"] == "'+1 more"
    document = json.loads(client.get(_public("plan_json", plan, 2)).content)
    assert document["version"]["status"] == "superseded"
    assert document["sections"]["interventions"]["records"][0]["label"] == first["label"]


def test_a_provider_not_to_be_credited_is_left_out_of_the_commitments(client, demo):
    plan, version = demo
    melr = str(Organisation.objects.get(acronym="MELR"))
    content = copy.deepcopy(version.snapshot.content)
    participant = next(
        record
        for record in content["sections"]["governance"]["records"]
        if record["kind"] == "participant" and record["label"] == melr
    )
    participant["credit"] = participant["fields"]["credit"] = "not_credited"
    later = PlanVersion.objects.create(
        plan=plan,
        major=2,
        minor=0,
        status="superseded",
        submitted_at=timezone.now(),
        adoption_date=timezone.localdate(),
        adoption_reference="Decree 2",
    )
    snapshot_freeze(version=later, content=content)
    rows = _tables(client.get(_public("tables", plan, 2)).content)["commitments"]
    providers = [row["provider"] for row in rows if row["source"].startswith("MELR budget")]
    assert providers and set(providers) == {""}
    assert melr not in {row["provider"] for row in rows}
    document = client.get(_public("plan_json", plan, 2)).content.decode()
    assert melr not in document


def test_the_words_are_in_the_plans_language(client, demo):
    plan, _version = demo
    ActionPlan.objects.filter(pk=plan.pk).update(language="fr")
    document = json.loads(client.get(_public("plan_json", plan)).content)
    assert document["language"] == "fr"
    records = document["sections"]["interventions"]["records"]
    assert "Inscrite au plan" in {record["words"].get("status") for record in records}
    rows = _tables(client.get(_public("tables", plan)).content)["interventions"]
    assert "Inscrite au plan" in {row["status"] for row in rows}


def test_only_adopted_versions_are_public_and_others_are_a_plain_404(client, demo):
    plan, version = demo
    local = ActionPlan.objects.get(level="local")
    in_validation = local.versions.get()  # the local plan: submitted, never adopted
    assert in_validation.status == "in_validation"
    withdrawn = PlanVersion.objects.create(
        plan=plan, major=1, minor=1, status="withdrawn", submitted_at=timezone.now()
    )
    snapshot_freeze(version=withdrawn, content=version.snapshot.content)
    for name, file in (("plan_json", "plan.json"), ("tables", "tables.zip")):
        missing = client.get(_public(name, plan, 9, 0))
        assert missing.status_code == 404
        for url in (
            _public(name, local),  # a plan never adopted
            _public(name, plan, 1, 1),  # a version of the plan it did not adopt
            _public(name, plan.pk + 100),  # no such plan
            _public(name, plan, 99_999_999, 0),  # no such number
            f"/open/plans/{plan.pk}/versions/{version.pk}/{file}",  # an id, not a number
        ):
            response = client.get(url)
            assert response.status_code == 404, url
            assert _without_tokens(response) == _without_tokens(missing), url
    client.force_login(User.objects.get(username="admin"))
    for name in ("plan_json", "tables"):
        assert client.get(_signed_in(name, in_validation)).status_code == 404
        assert client.get(_signed_in(name, withdrawn)).status_code == 404


def test_the_version_page_and_the_portal_link_to_the_open_files(client, demo):
    plan, version = demo
    client.force_login(User.objects.get(username="viewer"))
    page = client.get(reverse("version_detail", args=[plan.pk, version.pk])).content.decode()
    for name in ("plan_json", "tables"):
        assert f'href="{_signed_in(name, version)}"' in page
        assert f'href="{_public(name, plan)}"' in page
    local_version = ActionPlan.objects.get(level="local").versions.get()
    client.force_login(User.objects.get(username="admin"))
    page = client.get(
        reverse("version_detail", args=[local_version.plan_id, local_version.pk])
    ).content.decode()
    assert "plan.json" not in page and "tables.zip" not in page
    portal = Client().get(reverse("portal_version", args=[plan.pk, 1, 0])).content.decode()
    for name in ("plan_json", "tables", "iati"):
        assert f'href="{_public(name, plan)}"' in portal


@pytest.mark.parametrize("name", ["plan_json", "tables"])
def test_the_files_queries_do_not_grow_with_the_interventions(client, demo, name):
    plan, version = demo
    counts = []
    for major, count in ((2, 10), (3, 100)):
        grown = PlanVersion.objects.create(
            plan=plan,
            major=major,
            minor=0,
            status="superseded",
            submitted_at=timezone.now(),
            adoption_date=timezone.localdate(),
            adoption_reference="Decree",
        )
        snapshot_freeze(version=grown, content=_with_interventions(version, count))
        with CaptureQueriesContext(connection) as queries:
            response = client.get(_public(name, plan, major))
        assert response.status_code == 200
        body = response.content
        text = body.decode() if name == "plan_json" else _text_of_tables(body)
        assert f"Copy {count - 1}" in text
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 2  # the version with its plan, the snapshot


def test_the_files_are_kept_per_version(client, demo, derived_cache):
    plan, _version = demo
    for name in ("plan_json", "tables"):
        first = client.get(_public(name, plan)).content
        with CaptureQueriesContext(connection) as kept:
            again = client.get(_public(name, plan)).content
        assert len(kept) == 1  # the version: no snapshot read
        assert again == first
