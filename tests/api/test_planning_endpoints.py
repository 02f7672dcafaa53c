"""A plan's planning read through the API: its targets (prioritised and ranked, proposed,
declined), the existing frameworks reviewed with their assessments, and the
organisations taking part, each as its page shows it, to exactly those who see the
plan; another plan's records are not found under this one; the lists cost the same
queries for 10 rows as for 300. Every answer is checked against the OpenAPI schema."""

from collections.abc import Callable

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from action_plans.models import ActionPlan
from action_plans.permissions import PlanAction
from governance.models import Organisation, Participation, Role
from targets.models import (
    FollowedIndicator,
    Framework,
    FrameworkAssessment,
    Goal,
    Indicator,
    PrioritisedTarget,
    Target,
    TargetScore,
    target_position,
)
from targets.selectors import plan_criteria
from targets.services import (
    followed_indicator_add,
    framework_assessments_set,
    framework_create,
    prioritised_target_add,
    proposal_decide,
    target_scores_set,
)
from tests.api.conftest import token_client
from tests.api.test_api import call
from tests.cast_access import PLAN_A_DRAFT, PLAN_B_DRAFT
from tests.conftest import Cast, _member
from tests.test_url_matrix import (
    _plan_b_framework,
    _plan_b_target,
    _proposal_8_7,
    _target_10_7,
)


def _score(cast: Cast, item: PrioritisedTarget, score: int) -> None:
    """Score the target ``score`` on every criterion of plan A."""
    item.refresh_from_db()
    target_scores_set(
        actor=cast.coordinator_a,
        prioritised_target=item,
        expected_version=item.version,
        scores={criterion.id: score for criterion in plan_criteria(cast.plan_a)},
    )


def _planning(cast: Cast) -> dict:
    """Plan A's planning: 10.7 prioritised (ministry Y responsible), followed by 10.7.2
    and a national proxy, scored 4; 8.8 prioritised and scored 3; 8.7 proposed by
    ministry X; 5.2 proposed by ministry Y and declined; a framework assessed against
    10.7. Plan B has a target and a framework of its own."""
    ten_seven = PrioritisedTarget.objects.get(pk=_target_10_7(cast)["item_pk"])
    followed_indicator_add(
        actor=cast.coordinator_a,
        prioritised_target=ten_seven,
        indicator=Indicator.objects.get(code="10.7.2"),
    )
    followed_indicator_add(
        actor=cast.coordinator_a,
        prioritised_target=ten_seven,
        proxy_name="Recruitment fees paid",
        proxy_unit="GHS",
    )
    _score(cast, ten_seven, 4)
    eight_eight = prioritised_target_add(
        actor=cast.coordinator_a,
        plan=cast.plan_a,
        target=Target.objects.get(code="8.8"),
        rationale="Migrant workers' rights",
    )
    _score(cast, eight_eight, 3)
    proposal = PrioritisedTarget.objects.get(pk=_proposal_8_7(cast)["item_pk"])
    declined = prioritised_target_add(
        actor=cast.editor_y,
        plan=cast.plan_a,
        target=Target.objects.get(code="5.2"),
        rationale="Trafficking of women",
        proposer_organisation=cast.ministry_y,
    )
    proposal_decide(
        actor=cast.coordinator_a,
        prioritised_target=declined,
        accept=False,
        comment="Covered by the trafficking plan.",
    )
    framework = framework_create(
        actor=cast.coordinator_a,
        plan=cast.plan_a,
        framework=Framework(
            name="Labour Migration Policy",
            kind="policy_framework",
            level="national",
            owner=cast.ministry_x,
            period_start_year=2020,
            period_end_year=2030,
        ),
    )
    framework_assessments_set(
        actor=cast.coordinator_a,
        framework=framework,
        expected_version=framework.version,
        assessments={ten_seven.pk: ("synergy", "Same recruitment reforms")},
    )
    _plan_b_target(cast)
    _plan_b_framework(cast)
    return {
        "10.7": ten_seven,
        "8.8": eight_eight,
        "8.7": proposal,
        "5.2": declined,
        "framework": framework,
    }


def _results(client, url: str) -> list[dict]:
    response = call(client, "GET", url)
    assert response.status_code == 200, response.json()
    return response.json()["results"]


# --- prioritised targets -------------------------------------------------------------------


def test_the_targets_read_as_the_targets_page_shows_them(cast, catalogue):
    planning = _planning(cast)
    client = token_client(cast.viewer_x)
    url = reverse("api_target_list", args=[cast.plan_a.pk])
    listed = {item["target"]: item for item in _results(client, url)}
    assert sorted(listed) == ["10.7", "5.2", "8.7", "8.8"]

    ten_seven = listed["10.7"]
    assert (ten_seven["goal"], ten_seven["status"], ten_seven["rank"]) == (10, "accepted", 1)
    assert (ten_seven["weighted_score"], ten_seven["tied"]) == ("4.00", False)
    assert ten_seven["responsible_organisation"] == "Ministry of Health"
    assert ten_seven["rationale"] == "Labour migration governance"
    assert ten_seven["scores"] == [
        {"criterion": criterion.name, "weight": "1.00", "score": 4}
        for criterion in plan_criteria(cast.plan_a)
    ]
    assert [(i["sdg_indicator"], i["proxy_name"]) for i in ten_seven["indicators"]] == [
        ("10.7.2", ""),
        (None, "Recruitment fees paid"),
    ]
    assert ten_seven["assessments"] == [
        {
            "framework": planning["framework"].pk,
            "framework_name": "Labour Migration Policy",
            "coherence": "synergy",
            "note": "Same recruitment reforms",
        }
    ]
    assert (listed["8.8"]["rank"], listed["8.8"]["weighted_score"]) == (2, "3.00")

    proposal = listed["8.7"]
    assert (proposal["status"], proposal["rank"], proposal["weighted_score"]) == (
        "proposed",
        None,
        None,
    )
    assert proposal["scores"] == []
    assert proposal["proposed_by"] == str(cast.editor_x)
    assert proposal["proposed_by_organisation"] == "Ministry of Labour"
    declined = listed["5.2"]
    assert declined["status"] == "declined"
    assert declined["decision_comment"] == "Covered by the trafficking plan."

    detail_url = reverse("api_target_detail", args=[cast.plan_a.pk, planning["10.7"].pk])
    assert call(client, "GET", detail_url).json() == ten_seven


def test_the_targets_filter_by_status_and_goal(cast, catalogue):
    _planning(cast)
    client = token_client(cast.editor_y)
    url = reverse("api_target_list", args=[cast.plan_a.pk])
    assert [item["target"] for item in _results(client, url + "?status=proposed")] == ["8.7"]
    assert {item["target"] for item in _results(client, url + "?goal=8")} == {"8.7", "8.8"}
    accepted = _results(client, url + "?goal=8&status=accepted")
    assert [item["target"] for item in accepted] == ["8.8"]
    wrong = call(client, "GET", url + "?status=ranked&goal=eight")
    assert wrong.status_code == 400
    assert {"status", "goal"} <= wrong.json().keys()


def test_another_plans_target_is_not_found_under_plan_a(cast, catalogue):
    client = token_client(cast.coordinator_a)
    plan_b_target = _plan_b_target(cast)
    url = reverse("api_target_detail", args=[cast.plan_a.pk, plan_b_target.pk])
    response = call(client, "GET", url)
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}
    # ... though its own plan's coordinator reads it under plan B
    own = token_client(cast.coordinator_b)
    url = reverse("api_target_detail", args=[cast.plan_b.pk, plan_b_target.pk])
    assert call(own, "GET", url).json()["target"] == "10.7"


# --- frameworks and assessments ------------------------------------------------------------


def test_the_frameworks_read_with_their_assessments(cast, catalogue):
    planning = _planning(cast)
    client = token_client(cast.signatory_x)
    url = reverse("api_framework_list", args=[cast.plan_a.pk])
    (framework,) = _results(client, url)
    assert framework == {
        "id": planning["framework"].pk,
        "name": "Labour Migration Policy",
        "kind": "policy_framework",
        "level": "national",
        "owner": "Ministry of Labour",
        "period_start_year": 2020,
        "period_end_year": 2030,
        "reference": "",
        "version": framework["version"],
        "assessments": [
            {
                "prioritised_target": planning["10.7"].pk,
                "target": "10.7",
                "coherence": "synergy",
                "note": "Same recruitment reforms",
            }
        ],
    }
    detail = reverse("api_framework_detail", args=[cast.plan_a.pk, planning["framework"].pk])
    assert call(client, "GET", detail).json() == framework

    assert _results(client, url + "?kind=policy_framework&level=national") == [framework]
    assert _results(client, url + "?level=local") == []
    wrong = call(client, "GET", url + "?kind=treaty")
    assert wrong.status_code == 400 and "kind" in wrong.json()


def test_another_plans_framework_is_not_found_under_plan_a(cast, catalogue):
    client = token_client(cast.administrator)
    url = reverse("api_framework_detail", args=[cast.plan_a.pk, _plan_b_framework(cast).pk])
    assert call(client, "GET", url).status_code == 404


# --- organisations taking part ------------------------------------------------------------


def test_the_organisations_read_as_the_governance_page_shows_them(cast, catalogue):
    ministry_x = cast.ministry_x
    ministry_x.iati_identifier = "GH-COA-123"
    ministry_x.led_by_women = True
    ministry_x.save(update_fields=["iati_identifier", "led_by_women"])
    former = _member(ministry_x, Role.SIGNATORY, "former_signatory_x")
    former.is_active = False
    former.save(update_fields=["is_active"])
    client = token_client(cast.viewer_x)
    url = reverse("api_organisation_list", args=[cast.plan_a.pk])
    response = call(client, "GET", url)
    listed = {item["name"]: item for item in response.json()["results"]}
    assert sorted(listed) == [
        "Ministry of Health",
        "Ministry of Labour",
        "Ministry of the Interior",
        "National Statistics Office",
    ]
    labour = listed["Ministry of Labour"]
    assert labour == {
        "id": Participation.objects.get(plan=cast.plan_a, organisation=ministry_x).pk,
        "organisation": ministry_x.pk,
        "name": "Ministry of Labour",
        "acronym": "MOL",
        "type": "ministry",
        "level": "national",
        "country": "GH",
        "iati_identifier": "GH-COA-123",
        "part": "participant",
        "is_local_actor": False,
        "leadership": ["led_by_women"],
        "credit_preference": "by_name",
        "signatory_required": True,
        "signatories": [str(cast.signatory_x)],  # the active ones only
    }
    parts = {name: item["part"] for name, item in listed.items()}
    assert parts["Ministry of the Interior"] == parts["National Statistics Office"] == "lead"
    # The members' list (with emails) is for the organisation's coordinators' page only.
    assert "@" not in response.content.decode()

    leads = _results(client, url + "?part=lead")
    assert {item["name"] for item in leads} == {
        "Ministry of the Interior",
        "National Statistics Office",
    }
    assert _results(client, url + "?is_local_actor=true") == []
    assert len(_results(client, url + "?type=ministry&level=national")) == 4
    wrong = call(client, "GET", url + "?part=host")
    assert wrong.status_code == 400 and "part" in wrong.json()


# --- what each role sees ------------------------------------------------------------------

LISTS: dict[str, Callable[[ActionPlan], set[int]]] = {
    "api_target_list": lambda plan: set(plan.prioritised_targets.values_list("pk", flat=True)),
    "api_framework_list": lambda plan: set(plan.frameworks.values_list("pk", flat=True)),
    "api_organisation_list": lambda plan: set(plan.participations.values_list("pk", flat=True)),
}


@pytest.mark.parametrize("role", [role for role in Cast.ROLES if role != "anonymous"])
def test_each_role_lists_exactly_the_records_of_the_plans_it_sees(cast, catalogue, role):
    _planning(cast)
    client = token_client(cast.user(role))
    for plan, table in ((cast.plan_a, PLAN_A_DRAFT), (cast.plan_b, PLAN_B_DRAFT)):
        for url_name, records in LISTS.items():
            response = call(client, "GET", reverse(url_name, args=[plan.pk]))
            if table.allows(role, PlanAction.VIEW):
                assert response.status_code == 200, (url_name, plan.title)
                ids = {item["id"] for item in response.json()["results"]}
                assert ids == records(plan) != set(), (url_name, plan.title)
            else:
                assert response.status_code == 404, (url_name, plan.title)


# --- query counts -------------------------------------------------------------------------


def _ten_seven(cast: Cast) -> PrioritisedTarget:
    """Plan A's target 10.7, prioritised the first time it is asked for."""
    return cast.plan_a.prioritised_targets.filter(
        target__code="10.7"
    ).first() or PrioritisedTarget.objects.get(pk=_target_10_7(cast)["item_pk"])


def _many_targets(cast: Cast, count: int) -> None:
    """``count`` targets in plan A, beyond the catalogue's (goals 40 on), each
    prioritised, scored on every criterion, followed by a proxy indicator and assessed
    against a framework; every fifth a proposal instead."""
    _ten_seven(cast)  # the plan's first target gives it its scoring criteria
    first_goal = 40 + Goal.objects.filter(number__gte=40).count()
    goals = Goal.objects.bulk_create(
        Goal(number=first_goal + number, title_en="Test goal", short_title_en="Test")
        for number in range(count // 90 + 1)
    )
    codes = [f"{goals[index // 90].number}.{index % 90 + 1}" for index in range(count)]
    targets = Target.objects.bulk_create(
        Target(
            goal=goals[index // 90],
            code=code,
            position=target_position(code),
            title_en="Test target",
        )
        for index, code in enumerate(codes)
    )
    items = PrioritisedTarget.objects.bulk_create(
        PrioritisedTarget(
            plan=cast.plan_a,
            target=target,
            status="proposed" if index % 5 == 0 else "accepted",
            responsible_organisation=cast.ministry_y,
        )
        for index, target in enumerate(targets)
    )
    criteria = plan_criteria(cast.plan_a)
    TargetScore.objects.bulk_create(
        TargetScore(prioritised_target=item, criterion=criterion, score=3)
        for item in items
        for criterion in criteria
        if item.status == "accepted"
    )
    FollowedIndicator.objects.bulk_create(
        FollowedIndicator(prioritised_target=item, proxy_name="Proxy") for item in items
    )
    framework = Framework.objects.create(
        plan=cast.plan_a, name=f"Policy {count}", kind="strategy", level="national"
    )
    FrameworkAssessment.objects.bulk_create(
        FrameworkAssessment(framework=framework, prioritised_target=item, coherence="gap")
        for item in items
        if item.status == "accepted"
    )


def _many_frameworks(cast: Cast, count: int) -> None:
    """``count`` frameworks in plan A, each owned by ministry X and assessed against
    the plan's prioritised target."""
    target = _ten_seven(cast)
    start = Framework.objects.filter(plan=cast.plan_a).count()
    frameworks = Framework.objects.bulk_create(
        Framework(
            plan=cast.plan_a,
            name=f"Framework {start + number}",
            kind="legislation",
            level="national",
            owner=cast.ministry_x,
        )
        for number in range(count)
    )
    FrameworkAssessment.objects.bulk_create(
        FrameworkAssessment(framework=framework, prioritised_target=target, coherence="synergy")
        for framework in frameworks
    )


def _many_organisations(cast: Cast, count: int) -> None:
    """``count`` more organisations taking part in plan A, each with a signatory."""
    start = Organisation.objects.count()
    organisations = Organisation.objects.bulk_create(
        Organisation(name=f"Partner {start + number}", type="civil_society", level="local")
        for number in range(count)
    )
    Participation.objects.bulk_create(
        Participation(plan=cast.plan_a, organisation=organisation) for organisation in organisations
    )
    for organisation in organisations[:3] + organisations[-3:]:
        _member(organisation, Role.SIGNATORY, f"signatory_{organisation.pk}")


GROWTH = {
    "api_target_list": _many_targets,
    "api_framework_list": _many_frameworks,
    "api_organisation_list": _many_organisations,
}


@pytest.mark.parametrize("url_name", sorted(GROWTH))
def test_each_list_costs_the_same_queries_for_10_rows_as_for_300(cast, catalogue, url_name):
    grow = GROWTH[url_name]
    client = token_client(cast.editor_x)
    url = reverse(url_name, args=[cast.plan_a.pk]) + "?page_size=200"
    call(client, "GET", url)  # the token's first use is noted once

    def queries() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as captured:
            response = call(client, "GET", url)
        assert response.status_code == 200
        return len(captured), len(response.json()["results"])

    grow(cast, 10)
    small, shown = queries()
    assert shown >= 10
    grow(cast, 290)
    large, shown = queries()
    assert shown == 200  # a full page, of more than 300 rows
    assert large == small
