"""Frozen versions: the snapshot taken at submission, what the database refuses, the
version's page and the comparison of two versions."""

import io
import json
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from action_plans import workflow
from action_plans.models import ActionPlan, PlanSnapshot, PlanVersion, VersionStatus
from action_plans.policy import Activity
from action_plans.snapshot import FORMAT, build_snapshot, compare, snapshot_freeze
from funding.models import SourceKind
from governance.models import (
    LEADERSHIP,
    CreditPreference,
    LeadModel,
    OrganisationType,
    User,
)
from interventions.models import (
    BeneficiaryGroup,
    Intervention,
    InterventionLevel,
    InterventionStatus,
    PartnerRole,
    Sector,
)
from interventions.services import Links, intervention_create, intervention_update
from targets.models import Coherence, FrameworkKind, FrameworkLevel, Target
from tests.interventions.test_interventions import _grow


def _frozen(cast) -> PlanVersion:
    return workflow.plan_submit(actor=cast.coordinator_a, plan=cast.plan_a)


def test_the_database_refuses_to_update_a_frozen_snapshot(cast, ready):
    version = _frozen(cast)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE action_plans_plansnapshot SET content = %s WHERE version_id = %s",
            ['{"format": 0}', version.pk],
        )
    assert PlanSnapshot.objects.get(version=version).content["format"] == FORMAT
    assert "sections" in PlanSnapshot.objects.get(version=version).content
    with pytest.raises(DatabaseError), transaction.atomic():  # nor through the ORM
        PlanSnapshot.objects.filter(version=version).update(content={})


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite keeps DELETE for flush")
def test_the_database_refuses_to_delete_a_frozen_snapshot(cast, ready):
    version = _frozen(cast)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM action_plans_plansnapshot WHERE version_id = %s", [version.pk])
    assert PlanSnapshot.objects.filter(version=version).exists()


def test_a_version_reads_its_snapshot_not_the_live_plan(client, cast, ready):
    version = _frozen(cast)
    workflow.plan_withdraw(actor=cast.coordinator_a, plan=cast.plan_a, comment="One more change")
    intervention = ready["intervention"]
    intervention_update(
        actor=cast.coordinator_a,
        intervention=intervention,
        expected_version=intervention.version,
        data={"title": "Ethical recruitment", "estimated_cost": Decimal("1450000")},
    )
    client.force_login(cast.viewer_x)
    page = client.get(
        reverse("version_detail", args=[cast.plan_a.pk, version.pk]), {"section": "interventions"}
    ).content.decode()
    assert "Fair recruitment" in page
    assert "Ethical recruitment" not in page
    assert "1,000,000.00\xa0GHS" in page


def test_two_versions_compare_target_by_target_and_intervention_by_intervention(
    client, cast, ready
):
    first = _frozen(cast)
    workflow.plan_withdraw(actor=cast.coordinator_a, plan=cast.plan_a, comment="Changes")
    intervention = ready["intervention"]
    intervention_update(
        actor=cast.coordinator_a,
        intervention=intervention,
        expected_version=intervention.version,
        data={"estimated_cost": Decimal("1450000")},
    )
    target = cast.plan_a.prioritised_targets.get()
    intervention_create(
        actor=cast.coordinator_a,
        plan=cast.plan_a,
        intervention=Intervention(
            title="Remittance price survey",
            level="programme",
            sector="financial_inclusion",
            lead_organisation=cast.ministry_y,
        ),
        links=Links(targets={target.pk: ""}),
    )
    # The new intervention lacks its timeline and indicator: the plan is not ready. The
    # comparison reads snapshots, so a snapshot of the plan as it is now will do.
    second = PlanVersion.objects.create(
        plan=cast.plan_a,
        major=1,
        minor=1,
        status=VersionStatus.WITHDRAWN,
        submitted_at=timezone.now(),
        submitted_by=cast.coordinator_a,
    )
    snapshot_freeze(version=second, content=build_snapshot(cast.plan_a))
    client.force_login(cast.editor_y)
    page = client.get(
        reverse("version_compare", args=[cast.plan_a.pk]),
        {"from": first.pk, "to": second.pk},
    ).content.decode()
    assert "Intervention “Fair recruitment”" in page
    assert "cost: 1,000,000.00\xa0GHS → 1,450,000.00\xa0GHS" in page
    assert "Intervention “Remittance price survey”" in page
    assert ">Added<" in page
    assert "interventions (not dropped): 1 → 2" in page
    assert "funding gap: 1,000,000.00\xa0GHS → 1,450,000.00\xa0GHS" in page


def test_a_version_reads_in_the_readers_language(client, cast, ready):
    version = _frozen(cast)
    client.force_login(cast.viewer_x)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    page = client.get(
        reverse("version_detail", args=[cast.plan_a.pk, version.pk]), {"section": "interventions"}
    ).content.decode()
    assert "Trabajo y empleo" in page and "Labour and employment" not in page
    page = client.get(
        reverse("version_detail", args=[cast.plan_a.pk, version.pk]), {"section": "targets"}
    ).content.decode()
    assert Target.objects.get(code="10.7").title_es.split(",")[0] in page
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(
        reverse("version_detail", args=[cast.plan_a.pk, version.pk]), {"section": "interventions"}
    ).content.decode()
    assert "Labour and employment" in page


def _in_words(content: dict) -> dict:
    """``content`` as the builders of format 1 froze it, written out here as the oracle:
    choices, yes or no and leadership in English words, lists sorted by those words, pairs
    joined into strings, target labels without their titles in other languages, and the
    participants' anonymous description."""
    content = json.loads(json.dumps(content))
    content["format"] = 1

    def words(choices, code):
        return str(dict(choices)[code])

    def yes(flag):
        return "Yes" if flag else "No"

    with translation.override("en"):
        for section in content["sections"].values():
            for record in section["records"]:
                record.pop("titles", None)
                record.pop("name", None)
                kind, fields = record["kind"], record["fields"]
                if kind == "arrangement":
                    record["label"] = words(LeadModel.choices, record["label"])
                    fields["decision_power"] = yes(fields["decision_power"])
                elif kind in ("lead", "adviser"):
                    fields["responsible_for"] = sorted(
                        words(Activity.choices, code) for code in fields["responsible_for"]
                    )
                elif kind == "participant":
                    led_by = [str(LEADERSHIP[flag]) for flag in fields["led_by"]]
                    record["anonymous_label"] = ", ".join(
                        [words(OrganisationType.choices, fields["type"]), *led_by]
                    )
                    fields["type"] = words(OrganisationType.choices, fields["type"])
                    fields["local_actor"] = yes(fields["local_actor"])
                    fields["led_by"] = led_by
                    fields["credit"] = words(CreditPreference.choices, fields["credit"])
                    fields["signature_required"] = yes(fields["signature_required"])
                elif kind == "framework":
                    fields["framework_kind"] = words(
                        FrameworkKind.choices, fields["framework_kind"]
                    )
                    fields["level"] = words(FrameworkLevel.choices, fields["level"])
                    fields["assessments"] = [
                        f"{code}: {words(Coherence.choices, coherence)}"
                        + (f" ({note})" if note else "")
                        for code, coherence, note in fields["assessments"]
                    ]
                elif kind == "intervention":
                    fields["level"] = words(InterventionLevel.choices, fields["level"])
                    fields["sector"] = words(Sector.choices, fields["sector"])
                    fields["status"] = words(InterventionStatus.choices, fields["status"])
                    fields["partners"] = sorted(
                        f"{name} ({words(PartnerRole.choices, role)})"
                        for name, role in fields["partners"]
                    )
                    fields["beneficiaries"] = sorted(
                        words(BeneficiaryGroup.choices, group) + (f": {number}" if number else "")
                        for group, number in fields["beneficiaries"]
                    )
                elif kind == "indicator":
                    if fields["baseline"]:
                        fields["baseline"] = "{} ({})".format(*fields["baseline"])
                    fields["target_values"] = [f"{y}: {v}" for y, v in fields["target_values"]]
                    fields["progress"] = [f"{d}: {v}" for d, v in fields["progress"]]
                elif kind == "source":
                    fields["source_kind"] = words(SourceKind.choices, fields["source_kind"])
                elif kind == "mix":
                    record["label"] = words(SourceKind.choices, record["label"])
    return content


@pytest.mark.parametrize("language", ["en", "fr", "es"])
def test_a_version_of_format_1_reads_and_compares_as_it_did(db, client, language):
    """The demo's adopted version holds every kind of value a snapshot has: frozen in
    words (format 1), it reads in the reader's language and compares with the same plan
    frozen in codes without a single difference."""
    call_command("load_demo", stdout=io.StringIO())
    national = ActionPlan.objects.get(level="national")
    official = workflow.official_version(national)
    codes = PlanSnapshot.objects.get(version=official).content
    in_words = _in_words(codes)
    older = PlanVersion.objects.create(
        plan=national,
        major=0,
        minor=9,
        status=VersionStatus.WITHDRAWN,
        submitted_at=timezone.now(),
        submitted_by=official.submitted_by,
    )
    snapshot_freeze(version=older, content=in_words)
    with translation.override(language):
        assert compare(in_words, codes) == []
        assert compare(codes, in_words) == []
        sector = str(Sector.LABOUR.label)
        yes = translation.gettext("Yes")
    client.force_login(User.objects.get(username="signatory.mint"))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    url = reverse("version_detail", args=[national.pk, older.pk])
    assert sector in client.get(url, {"section": "interventions"}).content.decode()
    assert yes in client.get(url, {"section": "governance"}).content.decode()


def test_a_version_is_read_a_section_and_a_page_at_a_time(client, cast, ready):
    _grow(cast, {"10.7": cast.plan_a.prioritised_targets.get()}, 60)
    version = PlanVersion.objects.create(  # frozen as it is (the grown ones are not ready)
        plan=cast.plan_a,
        major=1,
        minor=0,
        status=VersionStatus.WITHDRAWN,
        submitted_at=timezone.now(),
        submitted_by=cast.coordinator_a,
    )
    snapshot_freeze(version=version, content=build_snapshot(cast.plan_a))
    url = reverse("version_detail", args=[cast.plan_a.pk, version.pk])
    client.force_login(cast.viewer_x)
    page = client.get(url).content.decode()  # the first section: governance
    assert "Participant" in page and "Fair recruitment" not in page
    assert 'Interventions and their results framework <span class="small">(62<' in page
    first = client.get(url, {"section": "interventions"}).content.decode()
    assert "Page 1 of 2" in first and "Fair recruitment" in first  # 61 interventions, 1 indicator
    second = client.get(url, {"section": "interventions", "page": 2}).content.decode()
    assert "Intervention 059" in second and "Intervention 059" not in first


@pytest.mark.parametrize(
    "page", ["version_detail", "version_compare", "plan_validation", "plan_detail"]
)
def test_version_pages_cost_the_same_queries_for_10_or_300_interventions(client, cast, ready, page):
    targets = {"10.7": cast.plan_a.prioritised_targets.get()}

    def freeze(number: int) -> PlanVersion:
        version = PlanVersion.objects.create(
            plan=cast.plan_a,
            major=1,
            minor=number,
            status=VersionStatus.WITHDRAWN,
            submitted_at=timezone.now(),
            submitted_by=cast.coordinator_a,
        )
        snapshot_freeze(version=version, content=build_snapshot(cast.plan_a))
        return version

    def queries() -> int:
        latest = PlanVersion.objects.order_by("-minor").first()
        url = (
            reverse(page, args=[cast.plan_a.pk, latest.pk])
            if page == "version_detail"
            else reverse(page, args=[cast.plan_a.pk])
        )
        client.get(url)
        with CaptureQueriesContext(connection) as context:
            assert client.get(url).status_code == 200
        return len(context)

    _grow(cast, targets, 9)
    freeze(0)
    freeze(1)
    client.force_login(cast.coordinator_a)
    small = queries()
    _grow(cast, targets, 290)
    freeze(2)
    assert Intervention.objects.count() == 300
    assert queries() == small
    print(f"{page}: {small} queries with 10 and with 300 interventions")


def test_a_snapshot_is_built_in_the_same_queries_for_10_or_300_interventions(cast, ready):
    targets = {"10.7": cast.plan_a.prioritised_targets.get()}

    def built() -> int:
        with CaptureQueriesContext(connection) as context:
            content = build_snapshot(cast.plan_a)
        assert content["sections"]["interventions"]["records"]
        return len(context)

    _grow(cast, targets, 9)
    small = built()
    _grow(cast, targets, 290)
    assert built() == small
    print(f"a snapshot: {small} queries with 10 and with 300 interventions")
