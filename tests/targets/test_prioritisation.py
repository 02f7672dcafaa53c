import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from action_plans.models import ActionPlan
from targets.models import (
    Coherence,
    FollowedIndicator,
    Framework,
    FrameworkAssessment,
    Indicator,
    PrioritisedTarget,
    ProposalStatus,
    ScoringCriterion,
    Target,
    TargetScore,
)
from targets.services import (
    baseline_update,
    framework_assessments_set,
    framework_create,
    prioritised_target_add,
    target_scores_set,
)


@pytest.fixture
def plan_a(cast, catalogue):
    return cast.plan_a


def _add(cast, code, *, actor=None):
    return prioritised_target_add(
        actor=actor or cast.coordinator_a,
        plan=cast.plan_a,
        target=Target.objects.get(code=code),
        rationale=f"Why {code} matters",
    )


def _score_all(cast, item, value):
    criteria = cast.plan_a.scoring_criteria.all()
    return target_scores_set(
        actor=cast.coordinator_a,
        prioritised_target=item,
        expected_version=PrioritisedTarget.objects.get(pk=item.pk).version,
        scores={criterion.id: value for criterion in criteria},
    )


def test_a_coordinator_prioritises_a_target_from_the_picker(client, cast, plan_a):
    client.force_login(cast.coordinator_a)
    url = reverse("prioritised_target_add", args=[plan_a.pk])
    picker = client.get(url).content.decode()
    codes = re.findall(r"<strong>([0-9]+\.[0-9a-z]+)</strong>", picker)
    assert codes[:9] == ["4.b", "5.2", "8.5", "8.7", "8.8", "10.7", "10.c", "16.2", "17.18"]
    assert len(codes) == 58  # only migration-relevant targets until one searches
    assert (
        len(
            re.findall(
                r"<strong>[0-9.a-z]+</strong>", client.get(url, {"q": "15.7"}).content.decode()
            )
        )
        == 1
    )

    response = client.post(
        url, {"target": Target.objects.get(code="10.7").pk, "rationale": "Governance of migration"}
    )
    item = PrioritisedTarget.objects.get(plan=plan_a, target__code="10.7")
    assert response.url == reverse("prioritised_target_detail", args=[plan_a.pk, item.pk])
    assert item.status == ProposalStatus.ACCEPTED
    assert [c.name for c in plan_a.scoring_criteria.all()] == [
        "Relevance to the migration context",
        "Urgency",
        "Feasibility",
        "Political support",
        "Data availability",
    ]
    assert "10.7" not in re.findall(
        r"<strong>([0-9.a-z]+)</strong>", client.get(url).content.decode()
    )


def test_a_target_is_prioritised_once_per_plan_by_the_database_too(cast, plan_a):
    _add(cast, "10.7")
    with pytest.raises(ValidationError) as refused:
        _add(cast, "10.7")
    assert refused.value.message_dict["target"] == ["Target 10.7 is already in this plan."]
    with pytest.raises(IntegrityError), transaction.atomic():
        PrioritisedTarget.objects.create(plan=plan_a, target=Target.objects.get(code="10.7"))
    assert PrioritisedTarget.objects.filter(plan=plan_a).count() == 1


def test_an_editor_proposes_and_a_coordinator_accepts_with_a_comment(client, cast, plan_a):
    client.force_login(cast.editor_x)
    client.post(
        reverse("prioritised_target_add", args=[plan_a.pk]),
        {"target": Target.objects.get(code="8.8").pk, "rationale": "Labour rights of migrants"},
    )
    proposal = PrioritisedTarget.objects.get(plan=plan_a, target__code="8.8")
    assert proposal.status == ProposalStatus.PROPOSED
    assert proposal.proposed_by_organisation == cast.ministry_x
    listing = client.get(reverse("prioritised_target_list", args=[plan_a.pk])).content.decode()
    assert "Proposals awaiting a coordinator" in listing and "Labour rights of migrants" in listing
    assert client.get(reverse("proposal_decide", args=[plan_a.pk, proposal.pk])).status_code == 403

    client.force_login(cast.coordinator_a)
    decide = reverse("proposal_decide", args=[plan_a.pk, proposal.pk])
    refused = client.post(decide, {"decision": "decline", "comment": ""})
    assert "Say why the proposal is declined." in refused.content.decode()
    client.post(decide, {"decision": "accept", "comment": "Agreed at the May workshop"})
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.ACCEPTED
    assert proposal.decision_comment == "Agreed at the May workshop"


def test_scores_outside_the_scale_are_refused_and_nothing_is_saved(client, cast, plan_a):
    item = _add(cast, "10.7")
    criteria = list(plan_a.scoring_criteria.all())
    client.force_login(cast.coordinator_a)
    data = {"version": item.version, **{f"criterion_{c.id}": 3 for c in criteria}}
    data[f"criterion_{criteria[1].id}"] = 6
    response = client.post(reverse("prioritised_target_scores", args=[plan_a.pk, item.pk]), data)
    page = response.content.decode()
    assert "Ensure this value is less than or equal to 5." in page
    assert f'href="#id_criterion_{criteria[1].id}"' in page
    assert TargetScore.objects.count() == 0
    with pytest.raises(ValidationError):
        target_scores_set(
            actor=cast.coordinator_a,
            prioritised_target=item,
            expected_version=item.version,
            scores={criteria[0].id: 0},
        )
    assert TargetScore.objects.count() == 0


def test_weights_that_sum_to_zero_are_refused(client, cast, plan_a):
    _add(cast, "10.7")
    client.force_login(cast.coordinator_a)
    criteria = list(plan_a.scoring_criteria.all())
    data = {
        "version": ActionPlan.objects.get(pk=plan_a.pk).version,
        "form-TOTAL_FORMS": len(criteria),
        "form-INITIAL_FORMS": len(criteria),
    }
    for index, criterion in enumerate(criteria):
        data |= {
            f"form-{index}-id": criterion.id,
            f"form-{index}-name": criterion.name,
            f"form-{index}-weight": "0",
        }
    response = client.post(reverse("scoring_criteria_edit", args=[plan_a.pk]), data)
    assert "At least one criterion needs a weight above zero." in response.content.decode()
    assert set(ScoringCriterion.objects.filter(plan=plan_a).values_list("weight", flat=True)) == {
        Decimal(1)
    }


def test_weights_change_the_ranking(client, cast, plan_a):
    first, second = _add(cast, "10.7"), _add(cast, "8.8")
    relevance, urgency, *rest = plan_a.scoring_criteria.all()
    target_scores_set(
        actor=cast.coordinator_a,
        prioritised_target=first,
        expected_version=first.version,
        scores={relevance.id: 5, urgency.id: 1, **{c.id: 3 for c in rest}},
    )
    target_scores_set(
        actor=cast.coordinator_a,
        prioritised_target=second,
        expected_version=second.version,
        scores={relevance.id: 1, urgency.id: 5, **{c.id: 3 for c in rest}},
    )
    client.force_login(cast.viewer_x)
    url = reverse("prioritised_target_list", args=[plan_a.pk])

    def order():
        return re.findall(r"<strong>(10\.7|8\.8)</strong></a>", client.get(url).content.decode())

    assert order() == ["8.8", "10.7"]  # equal scores: official order
    client.force_login(cast.coordinator_a)
    data = {
        "version": ActionPlan.objects.get(pk=plan_a.pk).version,
        "form-TOTAL_FORMS": 5,
        "form-INITIAL_FORMS": 5,
    }
    for index, criterion in enumerate(plan_a.scoring_criteria.all()):
        weight = "3" if criterion == relevance else "1"
        data |= {
            f"form-{index}-id": criterion.id,
            f"form-{index}-name": criterion.name,
            f"form-{index}-weight": weight,
        }
    client.post(reverse("scoring_criteria_edit", args=[plan_a.pk]), data)
    assert order() == ["10.7", "8.8"]


def test_a_baseline_year_after_the_plan_period_is_refused(client, cast, plan_a):
    item = _add(cast, "10.7")
    client.force_login(cast.coordinator_a)
    response = client.post(
        reverse("prioritised_target_baseline", args=[plan_a.pk, item.pk]),
        {"version": item.version, "baseline_value": "12.5", "baseline_year": "2031"},
    )
    page = response.content.decode()
    assert 'href="#id_baseline_year"' in page
    assert "less than or equal to 2030" in page
    item.refresh_from_db()
    assert item.baseline_value is None and item.rationale == "Why 10.7 matters"


def test_a_rank_set_by_hand_needs_a_reason_that_is_kept(client, cast, plan_a):
    _add(cast, "8.8")
    second = _add(cast, "10.7")
    client.force_login(cast.coordinator_a)
    url = reverse("prioritised_target_edit", args=[plan_a.pk, second.pk])
    refused = client.post(url, {"version": second.version, "rationale": "r", "rank_override": "1"})
    assert "Say why you set the rank by hand." in refused.content.decode()
    client.post(
        url,
        {
            "version": second.version,
            "rationale": "r",
            "rank_override": "1",
            "rank_override_reason": "Cabinet priority for 2026",
        },
    )
    listing = client.get(reverse("prioritised_target_list", args=[plan_a.pk])).content.decode()
    assert re.findall(r"<strong>(10\.7|8\.8)</strong></a>", listing) == ["10.7", "8.8"]
    detail = client.get(reverse("prioritised_target_detail", args=[plan_a.pk, second.pk]))
    assert "Cabinet priority for 2026" in detail.content.decode()


def test_a_rank_larger_than_its_column_holds_is_refused_on_the_field(client, cast, plan_a):
    # A 2-byte column: 32,768 once answered 500 on PostgreSQL ("smallint out of range").
    item = _add(cast, "10.7")
    client.force_login(cast.coordinator_a)
    url = reverse("prioritised_target_edit", args=[plan_a.pk, item.pk])
    response = client.post(
        url,
        {
            "version": item.version,
            "rationale": "r",
            "rank_override": "32768",
            "rank_override_reason": "Cabinet priority",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["rank_override"] == [
        "Enter a number no larger than 32,767."
    ]
    item.refresh_from_db()
    assert item.rank_override is None and item.rationale == "Why 10.7 matters"


def test_a_stale_edit_is_refused_and_the_first_one_kept(client, cast, plan_a):
    item = _add(cast, "10.7")
    opened_version = item.version
    baseline_update(
        actor=cast.coordinator_a,
        prioritised_target=item,
        expected_version=opened_version,
        data={"baseline_value": Decimal("14")},
    )
    client.force_login(cast.coordinator_a)
    response = client.post(
        reverse("prioritised_target_edit", args=[plan_a.pk, item.pk]),
        {"version": opened_version, "rationale": "Overwritten?"},
    )
    assert "Someone else saved this record after you opened it" in response.content.decode()
    item.refresh_from_db()
    assert item.baseline_value == Decimal("14") and item.rationale == "Why 10.7 matters"


def test_indicators_are_global_of_the_target_or_a_named_proxy(client, cast, plan_a):
    item = _add(cast, "10.7")
    client.force_login(cast.coordinator_a)
    url = reverse("followed_indicator_add", args=[plan_a.pk, item.pk])
    other = Indicator.objects.get(code="8.8.1")
    assert "Select a valid choice" in client.post(url, {"indicator": other.pk}).content.decode()
    both = client.post(
        url, {"indicator": Indicator.objects.get(code="10.7.2").pk, "proxy_name": "x"}
    )
    assert "not both" in both.content.decode()
    client.post(url, {"indicator": Indicator.objects.get(code="10.7.2").pk})
    client.post(
        url, {"proxy_name": "Labour migrants registered before departure", "proxy_unit": "persons"}
    )
    followed = FollowedIndicator.objects.filter(prioritised_target=item)
    assert {str(f) for f in followed} == {"10.7.2", "Labour migrants registered before departure"}


def test_a_framework_period_ending_before_it_starts_is_refused(client, cast, plan_a):
    client.force_login(cast.coordinator_a)
    response = client.post(
        reverse("framework_create", args=[plan_a.pk]),
        {
            "name": "Diaspora Policy",
            "kind": "policy_framework",
            "level": "national",
            "period_start_year": "2022",
            "period_end_year": "2019",
        },
    )
    assert 'href="#id_period_end_year"' in response.content.decode()
    assert not Framework.objects.exists()


def test_the_coherence_matrix_shows_assessments_and_flags_unreviewed_targets(client, cast, plan_a):
    reviewed, unreviewed = _add(cast, "10.7"), _add(cast, "8.8")
    framework = framework_create(
        actor=cast.coordinator_a,
        plan=plan_a,
        framework=Framework(
            plan=plan_a, name="Emigration Act 1994", kind="legislation", level="national"
        ),
    )
    framework_assessments_set(
        actor=cast.coordinator_a,
        framework=framework,
        expected_version=framework.version,
        assessments={reviewed.id: (Coherence.INCOHERENCE, "Exit permits deter regular migration")},
    )
    client.force_login(cast.viewer_x)
    url = reverse("coherence_matrix", args=[plan_a.pk])
    page = client.get(url).content.decode()
    assert "Incoherence" in page and "Exit permits deter regular migration" in page
    assert re.search(r"8\.8</a>\s*<span class=\"tag\">Not reviewed", page)
    assert (
        "<strong>Incoherence</strong>"
        not in client.get(url, {"coherence": "synergy"}).content.decode()
    )
    assert "Emigration Act" not in client.get(url, {"kind": "project"}).content.decode()
    assert unreviewed.id not in FrameworkAssessment.objects.values_list(
        "prioritised_target", flat=True
    )


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context)


def _grow(cast, codes, frameworks):
    items = [_add(cast, code) for code in codes]
    for item in items:
        _score_all(cast, item, 4)
    for index in range(frameworks):
        framework = framework_create(
            actor=cast.coordinator_a,
            plan=cast.plan_a,
            framework=Framework(
                # A plan reviews a framework once: each round adds new names.
                plan=cast.plan_a,
                name=f"Framework {index} of {frameworks}",
                kind="plan",
                level="national",
            ),
        )
        framework_assessments_set(
            actor=cast.coordinator_a,
            framework=framework,
            expected_version=framework.version,
            assessments={item.id: (Coherence.SYNERGY, "") for item in items},
        )


MORE_CODES = ["1.1", "3.8", "4.b", "5.2", "8.5", "8.7", "10.c", "16.2", "17.18", "17.3"]


@pytest.mark.parametrize(
    "url_name", ["coherence_matrix", "prioritised_target_list", "plan_history"]
)
def test_target_pages_cost_the_same_queries_at_two_sizes(client, cast, plan_a, url_name):
    _grow(cast, ["10.7", "8.8"], frameworks=2)
    client.force_login(cast.coordinator_a)
    url = reverse(url_name, args=[plan_a.pk])
    small = _queries(client, url)
    _grow(cast, MORE_CODES, frameworks=8)
    # The history may need fewer lookups once targets crowd older kinds of change out.
    assert _queries(client, url) <= small
    print(f"{url_name}: {small} queries with 2 targets × 2 frameworks and with 12 × 10")


def test_the_history_reads_as_sentences(client, cast, plan_a):
    item = _add(cast, "10.7")
    baseline_update(
        actor=cast.coordinator_a,
        prioritised_target=item,
        expected_version=item.version,
        data={"baseline_value": Decimal("12"), "baseline_unit": "USD per worker"},
    )
    item.refresh_from_db()
    baseline_update(
        actor=cast.coordinator_a,
        prioritised_target=item,
        expected_version=item.version,
        data={"baseline_value": Decimal("9.5")},
    )
    client.force_login(cast.viewer_x)
    page = client.get(reverse("plan_history", args=[plan_a.pk])).content.decode()
    assert (
        f"{cast.coordinator_a} (MOI) changed the baseline value of target 10.7 from “12” to “9.5”"
        in page
    )
    assert f"{cast.coordinator_a} (MOI) added target 10.7" in page


@pytest.mark.parametrize(
    ("language", "shown"), [("en", "21,500.5"), ("fr", "500,5"), ("es", "21.500,5")]
)
def test_baselines_read_in_the_readers_number_format(client, cast, plan_a, language, shown):
    item = _add(cast, "10.7")
    baseline_update(
        actor=cast.coordinator_a,
        prioritised_target=item,
        expected_version=item.version,
        data={"baseline_value": Decimal("21500.5000"), "baseline_unit": "USD"},
    )
    client.force_login(cast.viewer_x)
    client.post(reverse("set_language"), {"language": language, "next": "/"})
    page = client.get(reverse("prioritised_target_list", args=[plan_a.pk])).content.decode()
    assert f"{shown} USD" in page
    assert "21500.5000" not in page


def test_the_history_keeps_a_removed_targets_scores(client, cast, plan_a):
    from targets.services import prioritised_target_remove

    item = _add(cast, "10.7")
    _score_all(cast, item, 4)
    prioritised_target_remove(
        actor=cast.coordinator_a, prioritised_target=PrioritisedTarget.objects.get(pk=item.pk)
    )
    client.force_login(cast.viewer_x)
    page = client.get(reverse("plan_history", args=[plan_a.pk])).content.decode()
    assert "removed target 10.7" in page
    assert "added the “Urgency” score of 10.7" in page


def test_a_coordinator_removes_a_target_after_confirming(client, cast, plan_a):
    item = _add(cast, "10.7")
    _score_all(cast, item, 3)
    client.force_login(cast.coordinator_a)
    url = reverse("prioritised_target_remove", args=[plan_a.pk, item.pk])
    assert "Remove target 10.7 from the plan?" in client.get(url).content.decode()
    assert PrioritisedTarget.objects.filter(pk=item.pk).exists()  # asking changed nothing
    assert client.post(url).url == reverse("prioritised_target_list", args=[plan_a.pk])
    assert not PrioritisedTarget.objects.filter(pk=item.pk).exists()
    assert not TargetScore.objects.filter(prioritised_target_id=item.pk).exists()


def test_a_coordinator_removes_a_framework_with_its_assessments(client, cast, plan_a):
    item = _add(cast, "10.7")
    framework = framework_create(
        actor=cast.coordinator_a,
        plan=plan_a,
        framework=Framework(
            plan=plan_a, name="Old Emigration Act", kind="legislation", level="national"
        ),
    )
    framework_assessments_set(
        actor=cast.coordinator_a,
        framework=framework,
        expected_version=framework.version,
        assessments={item.id: (Coherence.GAP, "")},
    )
    client.force_login(cast.coordinator_a)
    url = reverse("framework_delete", args=[plan_a.pk, framework.pk])
    assert "Remove Old Emigration Act from the review?" in client.get(url).content.decode()
    client.post(url)
    assert not Framework.objects.filter(pk=framework.pk).exists()
    assert not FrameworkAssessment.objects.filter(framework_id=framework.pk).exists()
