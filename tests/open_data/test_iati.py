"""The IATI 2.03 file of an adopted version: valid against the official schema, every code
in its codelist, made from the version's snapshot only, public for adopted versions only."""

import copy
import re
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from lxml import etree

from action_plans import workflow
from action_plans.models import ActionPlan, PlanVersion
from action_plans.snapshot import snapshot_freeze
from governance.models import Organisation, User
from interventions.models import Intervention
from interventions.services import intervention_update
from open_data import iati_check
from open_data.iati import activities_xml

MARKER = "Unpublished-draft-marker-7f3a"


@pytest.fixture
def demo(db):
    """The demo: its national plan adopted (version 1.0)."""
    call_command("load_demo")
    plan = ActionPlan.objects.get(level="national")
    version = plan.versions.get(status="adopted")
    return plan, version


def _public_url(plan, major=1, minor=0) -> str:
    pk = plan if isinstance(plan, int) else plan.pk
    return reverse("open_version_iati", kwargs={"pk": pk, "major": major, "minor": minor})


def _signed_in_url(version) -> str:
    return reverse("version_iati", args=[version.plan_id, version.pk])


def _without_tokens(response) -> str:
    """A page without what differs on every response or names its address (the CSRF
    tokens, CSP nonces, the language form's return address)."""
    page = response.content.decode()
    return re.sub(r'("X-CSRFToken": "|nonce="|value=")[^"]*', r"\1", page)


def _activities(xml: bytes) -> dict[str, etree._Element]:
    root = etree.fromstring(xml)
    return {activity.findtext("iati-identifier"): activity for activity in root}


def _records(version, kind):
    content = version.snapshot.content
    return [
        record
        for data in content["sections"].values()
        for record in data["records"]
        if record["kind"] == kind
    ]


def test_anyone_downloads_the_demo_plans_iati_file_and_it_holds(client, demo):
    plan, _version = demo
    response = client.get(_public_url(plan))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="plan-{plan.pk}-version-1.0-iati.xml"'
    )
    xml = response.content
    assert iati_check.problems(xml) == []  # the 2.03 schema, then every code in its list
    root = etree.fromstring(xml)
    assert root.get("version") == "2.03"
    assert {activity.get("default-currency") for activity in root} == {"GHS"}


def test_each_intervention_is_an_activity_with_its_roles_tags_money_and_results(client, demo):
    plan, version = demo
    mint = Organisation.objects.get(acronym="MINT")
    activities = _activities(client.get(_public_url(plan)).content)
    interventions = _records(version, "intervention")
    expected = {
        f"{mint.iati_identifier}-MSDP-{plan.pk}-{record['key'].split(':')[1]}": record
        for record in interventions
    }
    assert activities.keys() == expected.keys()
    indicators = _records(version, "indicator")
    for identifier, activity in activities.items():
        record = expected[identifier]
        fields = record["fields"]
        assert activity.findtext("title/narrative") == record["label"]
        assert activity.find("reporting-org").get("ref") == mint.iati_identifier
        roles = {
            (org.get("role"), org.findtext("narrative"))
            for org in activity.iterfind("participating-org")
        }
        assert ("2", fields["lead"]) in roles  # accountable: the lead organisation
        for name, role in fields["partners"]:
            if name.startswith("Women on the Move"):  # credited anonymously
                continue
            assert ({"co_funding": "1"}.get(role, "4"), name) in roles
        assert not any("Women on the Move" in name for _role, name in roles)
        tags = [(tag.get("vocabulary"), tag.get("code")) for tag in activity.iterfind("tag")]
        assert [code for vocabulary, code in tags if vocabulary == "3"] == fields["targets"]
        assert {code for vocabulary, code in tags if vocabulary == "2"} == {
            target.split(".")[0] for target in fields["targets"]
        }
        own = [item for item in indicators if item["parent"] == record["key"]]
        shown = activity.findall("result/indicator")
        assert [item.findtext("title/narrative") for item in shown] == [
            item["name"] for item in own
        ]
        for item, element in zip(own, shown, strict=True):
            references = [
                (ref.get("vocabulary"), ref.get("code")) for ref in element.iter("reference")
            ]
            if item["name"] in {"10.7.1", "10.c.1", "8.8.2", "17.18.1"}:
                assert references == [("9", item["name"])]  # an SDG indicator
            else:
                assert references == []
            actuals = [actual.get("value") for actual in element.iter("actual")]
            progress_by_year = {day[:4]: value for day, value in item["fields"]["progress"]}
            assert actuals == list(progress_by_year.values())
            targets = [target.get("value") for target in element.iter("target")]
            assert targets == [value for _year, value in item["fields"]["target_values"]]


def _transactions(activity: etree._Element) -> list[tuple]:
    """An activity's transactions: type, amount, currency, date (and value date), provider."""
    found = []
    for transaction in activity.iterfind("transaction"):
        value = transaction.find("value")
        assert value.get("value-date") == transaction.find("transaction-date").get("iso-date")
        provider = transaction.find("provider-org")
        found.append(
            (
                transaction.find("transaction-type").get("code"),
                Decimal(value.text),
                value.get("currency"),
                value.get("value-date"),
                None if provider is None else (provider.get("ref"), provider.findtext("narrative")),
            )
        )
    return found


def test_each_firm_commitment_is_a_transaction_in_its_currency_dated_when_committed(client, demo):
    """The reporting body's own commitments go out (2, disbursed 3); another provider's
    come in (11, received as 1); pledged and identified money is no commitment."""
    plan, version = demo
    mint = Organisation.objects.get(acronym="MINT")
    activities = _activities(client.get(_public_url(plan)).content)
    frozen_on = timezone.localdate(version.submitted_at).isoformat()
    commitments = _records(version, "commitment")
    assert {record["fields"]["currency"] for record in commitments} == {"GHS", "EUR", "USD"}
    firm_in_base = Decimal(0)
    for identifier, activity in activities.items():
        key = f"intervention:{identifier.rsplit('-', 1)[1]}"
        expected = []
        for record in (item for item in commitments if item["parent"] == key):
            fields = record["fields"]
            if fields["stage"] not in ("committed", "disbursed"):
                continue
            firm_in_base += Decimal(fields["base_amount"])
            own = fields["provider"] == str(mint)
            provider = (mint.iati_identifier if own else None, fields["provider"])
            money = (fields["currency"],)
            expected.append(
                ("2" if own else "11", Decimal(fields["amount"]), *money, fields["dated"], provider)
            )
            if Decimal(fields["disbursed_to_date"]):
                paid = Decimal(fields["disbursed_to_date"])
                expected.append(("3" if own else "1", paid, *money, frozen_on, provider))
        assert _transactions(activity) == expected, identifier
    totals = version.snapshot.content["sections"]["funding"]["totals"]
    assert firm_in_base == Decimal(totals["committed"])  # the same money as the figures
    everything = [item for activity in activities.values() for item in _transactions(activity)]
    assert {(code, currency) for code, _amount, currency, _day, _by in everything} >= {
        ("2", "GHS"),
        ("3", "GHS"),
        ("11", "EUR"),
        ("1", "EUR"),
        ("11", "USD"),
    }
    assert {by for _code, _amount, currency, _day, by in everything if currency == "EUR"} == {
        (None, str(Organisation.objects.get(acronym="EU")))
    }


def _demo_content_with_credit(version: PlanVersion, acronym: str, credit: str) -> dict:
    """The demo's snapshot with the participant ``acronym`` credited as ``credit``."""
    content = copy.deepcopy(version.snapshot.content)
    participant = next(
        record
        for record in content["sections"]["governance"]["records"]
        if record["kind"] == "participant" and record["label"].endswith(f"({acronym})")
    )
    participant["credit"] = participant["fields"]["credit"] = credit
    return content


@pytest.mark.parametrize("credit", ["anonymous", "not_credited"])
def test_a_provider_is_credited_in_its_transactions_as_it_chose(demo, credit):
    plan, version = demo
    """MELR commits 350,000 GHS to the labour agreements: named with its identifier by
    default; described, or not named at all, as it chooses."""
    melr = Organisation.objects.get(acronym="MELR")
    identifiers = {Organisation.objects.get(acronym="MINT").pk: "GH-GOV-MINT"}

    def melrs_commitment(content: dict, hidden: bool) -> etree._Element:
        xml = activities_xml(
            content,
            plan_id=plan.pk,
            language="en",
            identifiers={**identifiers, melr.pk: "GH-GOV-MELR"},
            frozen_on=version.submitted_at,
            adopted_at=version.adopted_at,
        ).xml
        assert iati_check.problems(xml) == []
        if hidden:
            assert b"GH-GOV-MELR" not in xml and str(melr).encode() not in xml
        (found,) = etree.fromstring(xml).xpath(
            "//transaction[transaction-type/@code='11'][value=350000]"
        )
        return found

    by_name = melrs_commitment(version.snapshot.content, hidden=False).find("provider-org")
    assert (by_name.get("ref"), by_name.get("type")) == ("GH-GOV-MELR", "10")
    assert by_name.findtext("narrative") == str(melr)
    chosen = melrs_commitment(_demo_content_with_credit(version, "MELR", credit), hidden=True)
    provider = chosen.find("provider-org")
    if credit == "anonymous":
        assert provider.get("ref") is None
        assert provider.findtext("narrative") == "Ministry or agency"  # its type, in words
    else:
        assert provider is None


def test_a_migration_intervention_reports_dac_sector_15190_and_its_own(client, demo):
    plan, _version = demo
    activities = _activities(client.get(_public_url(plan)).content)
    border = next(
        activity
        for activity in activities.values()
        if activity.find("sector[@vocabulary='99']").get("code") == "border"
    )
    assert border.find("sector[@vocabulary='1']").get("code") == "15190"
    assert border.find("sector[@vocabulary='99']").findtext("narrative") == (
        "Border and mobility management"
    )


def test_the_words_the_file_adds_are_in_the_plans_language(client, demo):
    plan, _version = demo
    ActionPlan.objects.filter(pk=plan.pk).update(language="fr")
    xml = client.get(_public_url(plan)).content
    assert iati_check.problems(xml) == []
    activities = _activities(xml)
    assert {
        activity.get("{http://www.w3.org/XML/1998/namespace}lang")
        for activity in activities.values()
    } == {"fr"}
    sectors = {
        activity.find("sector[@vocabulary='99']").findtext("narrative")
        for activity in activities.values()
    }
    assert "Gestion des frontières et de la mobilité" in sectors, sectors
    assert "Organisation de la société civile, dirigée par des femmes" in xml.decode()


def test_a_dropped_intervention_is_left_out(demo):
    plan, version = demo
    content = copy.deepcopy(version.snapshot.content)
    first = next(
        record
        for record in content["sections"]["interventions"]["records"]
        if record["kind"] == "intervention"
    )
    first["fields"]["status"] = "dropped"
    export = activities_xml(
        content,
        plan_id=plan.pk,
        language="en",
        identifiers={Organisation.objects.get(acronym="MINT").pk: "GH-GOV-MINT"},
        frozen_on=version.submitted_at,
        adopted_at=version.adopted_at,
    )
    assert len(export.activities) == len(_records(version, "intervention")) - 1
    assert f"-{first['key'].split(':')[1]}" not in {
        identifier[identifier.rindex("-") :] for identifier in export.activities
    }
    assert first["label"] not in export.xml.decode()
    assert iati_check.problems(export.xml) == []


def test_a_draft_revision_never_shows_in_the_iati_file(client, demo):
    plan, version = demo
    coordinator = User.objects.get(username="coordinator")
    plan.refresh_from_db()
    if plan.status == "adopted":  # the demo may have opened its revision already
        workflow.plan_revision_open(
            actor=coordinator, plan=plan, reason="correction", text="Titles made clearer."
        )
    intervention = Intervention.objects.filter(plan=plan).order_by("pk").first()
    intervention_update(
        actor=coordinator,
        intervention=intervention,
        expected_version=intervention.version,
        data={"title": MARKER},
    )
    client.force_login(User.objects.get(username="viewer"))
    for url in (_public_url(plan), _signed_in_url(version)):
        response = client.get(url)
        assert response.status_code == 200
        assert MARKER.encode() not in response.content
        assert iati_check.problems(response.content) == []


def test_only_adopted_versions_are_public_and_others_are_a_plain_404(client, demo):
    plan, version = demo
    local = ActionPlan.objects.get(level="local")
    in_validation = local.versions.get()  # the local plan: submitted, never adopted
    assert in_validation.status == "in_validation"
    withdrawn = PlanVersion.objects.create(
        plan=plan, major=1, minor=1, status="withdrawn", submitted_at=timezone.now()
    )
    snapshot_freeze(version=withdrawn, content=version.snapshot.content)
    missing = client.get(_public_url(plan, 9, 0))
    assert missing.status_code == 404
    for url in (
        _public_url(local),  # a plan never adopted
        _public_url(plan, 1, 1),  # a version of the plan it did not adopt
        _public_url(plan.pk + 100),  # no such plan
        _public_url(plan, 99_999_999, 0),  # no such number, not even a small integer
        f"/open/plans/{plan.pk}/versions/{version.pk}/iati.xml",  # an id, not a number
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert _without_tokens(response) == _without_tokens(missing), url
    # signed in, a version not adopted is not found either
    client.force_login(User.objects.get(username="admin"))
    assert client.get(_signed_in_url(in_validation)).status_code == 404
    assert client.get(_signed_in_url(withdrawn)).status_code == 404


def test_the_adopted_version_page_links_to_its_iati_file(client, demo):
    plan, version = demo
    client.force_login(User.objects.get(username="viewer"))
    page = client.get(reverse("version_detail", args=[plan.pk, version.pk])).content.decode()
    assert f'href="{_signed_in_url(version)}"' in page
    assert f'href="{_public_url(plan)}"' in page
    local_version = ActionPlan.objects.get(level="local").versions.get()
    client.force_login(User.objects.get(username="admin"))
    page = client.get(
        reverse("version_detail", args=[local_version.plan_id, local_version.pk])
    ).content.decode()
    assert "iati.xml" not in page


def test_without_an_iati_identifier_the_plan_has_no_file_and_the_page_says_why(client, demo):
    plan, version = demo
    Organisation.objects.filter(acronym="MINT").update(iati_identifier="")
    assert client.get(_public_url(plan)).status_code == 404
    client.force_login(User.objects.get(username="viewer"))
    page = client.get(reverse("version_detail", args=[plan.pk, version.pk])).content.decode()
    assert "iati.xml" not in page  # no link to a file that cannot be made
    response = client.get(_signed_in_url(version), follow=True)  # the address typed
    assert response.redirect_chain[-1][0] == reverse("version_detail", args=[plan.pk, version.pk])
    assert "No lead body of the plan has an IATI organisation identifier" in (
        response.content.decode()
    )


def test_the_file_is_kept_per_version_and_follows_a_new_identifier(client, demo, derived_cache):
    plan, _version = demo
    client.get(_public_url(plan))
    with CaptureQueriesContext(connection) as kept:
        first = client.get(_public_url(plan)).content
    assert len(kept) == 2  # the version, the organisations' identifiers: no snapshot read
    Organisation.objects.filter(acronym="MINT").update(iati_identifier="GH-COA-12345")
    again = client.get(_public_url(plan)).content
    assert b"GH-GOV-MINT" in first and b"GH-GOV-MINT" not in again
    assert b"<iati-identifier>GH-COA-12345-MSDP-" in again


@pytest.mark.parametrize(
    "wrong",
    ["xm-dac-41304", "XM DAC 41304", "41304", "XM-DAC-", "XM-DAC-41304/2", "X-DAC-41304"],
)
def test_a_wrong_iati_identifier_is_refused_on_the_form_and_nothing_is_saved(client, cast, wrong):
    client.force_login(cast.administrator)
    url = reverse("organisation_edit", args=[cast.ministry_x.pk])
    data = {
        "name": cast.ministry_x.name,
        "acronym": "NEW",
        "type": cast.ministry_x.type,
        "level": cast.ministry_x.level,
        "country": cast.ministry_x.country.code or "",
        "credit_preference": cast.ministry_x.credit_preference,
        "iati_identifier": wrong,
        "version": cast.ministry_x.version,
    }
    response = client.post(url, data)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'href="#id_iati_identifier"' in page
    assert "Enter an IATI organisation identifier" in page
    cast.ministry_x.refresh_from_db()
    assert (cast.ministry_x.acronym, cast.ministry_x.iati_identifier) == ("MOL", "")
    assert cast.ministry_x.version == 1


def test_an_organisation_coordinator_records_its_iati_identifier(client, cast):
    client.force_login(cast.coordinator_x)
    url = reverse("organisation_edit", args=[cast.ministry_x.pk])
    data = {
        "name": cast.ministry_x.name,
        "acronym": cast.ministry_x.acronym,
        "credit_preference": cast.ministry_x.credit_preference,
        "iati_identifier": " XM-DAC-41304 ",
        "version": cast.ministry_x.version,
    }
    assert client.post(url, data).status_code == 302
    cast.ministry_x.refresh_from_db()
    assert cast.ministry_x.iati_identifier == "XM-DAC-41304"
    page = client.get(reverse("organisation_detail", args=[cast.ministry_x.pk])).content.decode()
    assert "<code>XM-DAC-41304</code>" in page


def test_the_command_writes_a_file_that_holds(demo, tmp_path, capsys):
    plan, _version = demo
    output = tmp_path / "plan.xml"
    call_command("export_iati", str(plan.pk), "1.0", "--output", str(output), "--check")
    assert iati_check.problems(output.read_bytes()) == []
    assert "10 activities reported by Ministry of the Interior (MINT) (GH-GOV-MINT)" in (
        capsys.readouterr().err
    )


def test_the_command_refuses_a_version_the_plan_did_not_adopt(demo):
    local = ActionPlan.objects.get(level="local")
    with pytest.raises(CommandError, match=r"has no adopted version 1\.0"):
        call_command("export_iati", str(local.pk), "1.0")


def test_the_check_finds_a_code_outside_its_list_and_a_file_the_schema_refuses(client, demo):
    plan, _version = demo
    xml = client.get(_public_url(plan)).content
    assert iati_check.problems(xml.replace(b'code="15190"', b'code="99999"', 1)) == [
        "//iati-activity/sector/@code: 99999 is not in Sector"
    ]
    wrong_tag = xml.replace(b'vocabulary="3" code="10.7"', b'vocabulary="3" code="10.99"', 1)
    assert iati_check.problems(wrong_tag) == [
        "//iati-activity/tag/@code: 10.99 is not in UNSDG-Targets"
    ]
    without_status = xml.replace(b'<activity-status code="1"/>', b"", 1)
    assert "This element is not expected" in iati_check.problems(without_status)[0]


def _with_interventions(version: PlanVersion, count: int) -> dict:
    """``version``'s snapshot with its first intervention (its indicators and funding)
    copied to make ``count`` interventions."""
    content = copy.deepcopy(version.snapshot.content)
    interventions = content["sections"]["interventions"]
    model = next(record for record in interventions["records"] if record["kind"] == "intervention")
    own = [record for record in interventions["records"] if record.get("parent") == model["key"]]
    funding = next(
        record
        for record in content["sections"]["funding"]["records"]
        if record.get("parent") == model["key"]
    )
    for number in range(count):
        key = f"intervention:{10_000 + number}"
        interventions["records"].append({**model, "key": key, "label": f"Copy {number}"})
        interventions["records"].extend(
            {**record, "key": f"{record['key']}-{number}", "parent": key} for record in own
        )
        content["sections"]["funding"]["records"].append(
            {**funding, "key": f"funding:{10_000 + number}", "parent": key}
        )
    return content


def test_the_exports_queries_do_not_grow_with_the_interventions(client, demo):
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
            response = client.get(_public_url(plan, major, 0))
        assert response.status_code == 200
        assert response.content.count(b"<iati-activity ") >= count
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 4


def _frozen_before_commitments_were_kept(version: PlanVersion) -> dict:
    """``version``'s snapshot as it was frozen before commitments and SDG indicator codes
    were kept: no commitment records, no indicator's ``sdg_indicator``."""
    content = copy.deepcopy(version.snapshot.content)
    for data in content["sections"].values():
        data["records"] = [record for record in data["records"] if record["kind"] != "commitment"]
        for record in data["records"]:
            record.pop("sdg_indicator", None)
    return content


def test_a_version_frozen_before_commitments_were_kept_reports_its_totals(demo):
    plan, version = demo
    export = activities_xml(
        _frozen_before_commitments_were_kept(version),
        plan_id=plan.pk,
        language="en",
        identifiers={Organisation.objects.get(acronym="MINT").pk: "GH-GOV-MINT"},
        frozen_on=version.submitted_at,
        adopted_at=version.adopted_at,
    )
    assert iati_check.problems(export.xml) == []
    frozen_on = timezone.localdate(version.submitted_at).isoformat()
    funding = {record["parent"]: record["fields"] for record in _records(version, "funding")}
    for identifier, activity in _activities(export.xml).items():
        figures = funding[f"intervention:{identifier.rsplit('-', 1)[1]}"]
        expected = [
            (code, Decimal(figures[name]), "GHS", frozen_on, None)
            for code, name in (("2", "committed"), ("3", "disbursed"))
            if Decimal(figures[name])
        ]
        assert _transactions(activity) == expected, identifier


def _nationally_named(version: PlanVersion) -> tuple[dict, dict]:
    """``version``'s snapshot with its indicator following SDG indicator 10.7.2 named in
    national words instead of by its code; and that indicator's record."""
    content = copy.deepcopy(version.snapshot.content)
    indicator = next(
        record
        for record in content["sections"]["interventions"]["records"]
        if record["kind"] == "indicator" and record.get("sdg_indicator")
    )
    indicator["name"] = "Share of migrants recruited through licensed agencies"
    return content, indicator


def test_a_nationally_named_indicator_still_references_its_sdg_indicator(demo):
    plan, version = demo
    content, indicator = _nationally_named(version)
    code = indicator["sdg_indicator"]

    def references(content: dict) -> list[tuple[str, str]]:
        xml = activities_xml(
            content,
            plan_id=plan.pk,
            language="en",
            identifiers={Organisation.objects.get(acronym="MINT").pk: "GH-GOV-MINT"},
            frozen_on=version.submitted_at,
            adopted_at=version.adopted_at,
        ).xml
        assert iati_check.problems(xml) == []
        (element,) = etree.fromstring(xml).xpath(
            "//result/indicator[title/narrative=$name]", name=indicator["name"]
        )
        return [(ref.get("vocabulary"), ref.get("code")) for ref in element.iter("reference")]

    assert references(content) == [("9", code)]
    # frozen before the code was kept: only an indicator named by its code is recognised
    indicator.pop("sdg_indicator")
    assert references(content) == []


def test_a_value_in_a_currency_outside_the_codelist_is_found(client, demo):
    plan, _version = demo
    xml = client.get(_public_url(plan)).content
    assert b'currency="EUR"' in xml
    wrong = xml.replace(b'currency="EUR"', b'currency="EUX"', 1)
    assert iati_check.problems(wrong) == [
        "//iati-activity/transaction/value/@currency: EUX is not in Currency"
    ]
