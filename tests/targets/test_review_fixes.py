"""Conflicts, declined proposals, statuses and database guarantees of the targets app."""

import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation

from action_plans.models import ActionPlan
from governance.models import Participation
from targets.models import (
    FollowedIndicator,
    Framework,
    Indicator,
    PrioritisedTarget,
    ProposalStatus,
    ScoringCriterion,
    Target,
    TargetScore,
)
from targets.services import (
    baseline_update,
    followed_indicator_add,
    framework_create,
    framework_update,
    prioritised_target_add,
    prioritised_target_update,
    proposal_decide,
    scoring_criteria_set,
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


def _version_on(page: str) -> str:
    return re.search(r'name="version" value="(\d+)"', page)[1]


# --- 1. the conflict screen -------------------------------------------------------------


def test_a_stale_edit_shows_the_other_persons_value_and_a_second_submit_saves(client, cast, plan_a):
    item = _add(cast, "10.7")
    opened = item.version
    baseline_update(
        actor=cast.coordinator_a,
        prioritised_target=item,
        expected_version=opened,
        data={"baseline_unit": "USD per worker"},
    )
    client.force_login(cast.coordinator_a)
    url = reverse("prioritised_target_baseline", args=[plan_a.pk, item.pk])
    data = {"version": opened, "baseline_unit": "persons"}
    page = client.post(url, data).content.decode()
    assert "Someone else saved this record after you opened it" in page
    assert "As it is saved now" in page and "USD per worker" in page
    assert 'value="persons"' in page  # the user's input is kept
    item.refresh_from_db()
    assert item.baseline_unit == "USD per worker"

    again = client.post(url, data | {"version": _version_on(page)})
    assert again.status_code == 302
    item.refresh_from_db()
    assert item.baseline_unit == "persons"


def test_stale_scores_show_the_saved_scores_and_a_second_submit_saves(client, cast, plan_a):
    item = _add(cast, "10.7")
    criteria = list(plan_a.scoring_criteria.all())
    opened = item.version
    target_scores_set(
        actor=cast.coordinator_a,
        prioritised_target=item,
        expected_version=opened,
        scores={criterion.id: 2 for criterion in criteria},
    )
    client.force_login(cast.coordinator_a)
    url = reverse("prioritised_target_scores", args=[plan_a.pk, item.pk])
    data = {"version": opened, **{f"criterion_{c.id}": 4 for c in criteria}}
    page = client.post(url, data).content.decode()
    assert "As it is saved now" in page and criteria[0].name in page
    assert client.post(url, data | {"version": _version_on(page)}).status_code == 302
    assert set(TargetScore.objects.values_list("score", flat=True)) == {4}


# --- 2. a declined proposal ---------------------------------------------------------------


def test_a_declined_target_shows_why_and_may_be_proposed_again(client, cast, plan_a):
    _add(cast, "10.7")  # seeds the criteria
    proposal = _add(cast, "8.8", actor=cast.editor_x)
    proposal_decide(
        actor=cast.coordinator_a,
        prioritised_target=proposal,
        accept=False,
        comment="Covered by target 10.7 this cycle",
    )
    client.force_login(cast.editor_x)
    listing = client.get(reverse("prioritised_target_list", args=[plan_a.pk])).content.decode()
    assert "Declined proposals" in listing and "Covered by target 10.7 this cycle" in listing

    url = reverse("prioritised_target_add", args=[plan_a.pk])
    picker = client.get(url, {"q": "8.8"}).content.decode()
    assert "<strong>8.8</strong>" in picker
    response = client.post(
        url, {"target": Target.objects.get(code="8.8").pk, "rationale": "New evidence"}
    )
    assert response.status_code == 302
    assert sorted(
        PrioritisedTarget.objects.filter(target__code="8.8").values_list("status", flat=True)
    ) == [ProposalStatus.DECLINED, ProposalStatus.PROPOSED]


def test_a_pending_proposal_is_still_once_per_plan_in_the_database(cast, plan_a):
    _add(cast, "8.8", actor=cast.editor_x)
    with pytest.raises(IntegrityError), transaction.atomic():
        PrioritisedTarget.objects.create(
            plan=plan_a, target=Target.objects.get(code="8.8"), status=ProposalStatus.PROPOSED
        )


# --- 3. the service decides who proposes ---------------------------------------------------


def test_a_coordinators_own_prioritisation_is_not_shown_as_a_proposal(client, cast, plan_a):
    client.force_login(cast.coordinator_a)
    client.post(
        reverse("prioritised_target_add", args=[plan_a.pk]),
        {"target": Target.objects.get(code="10.7").pk, "rationale": "Governance"},
    )
    item = PrioritisedTarget.objects.get(target__code="10.7")
    assert item.status == ProposalStatus.ACCEPTED
    assert item.proposed_by is None and item.proposed_by_organisation is None
    detail = client.get(reverse("prioritised_target_detail", args=[plan_a.pk, item.pk]))
    assert "Proposed by" not in detail.content.decode()

    proposal = prioritised_target_add(
        actor=cast.editor_x,
        plan=plan_a,
        target=Target.objects.get(code="8.8"),
        rationale="r",
        proposer_organisation=cast.ministry_x,
    )
    assert proposal.status == ProposalStatus.PROPOSED and proposal.proposed_by == cast.editor_x


# --- 4. only prioritised targets are edited ------------------------------------------------


@pytest.mark.parametrize("decided", [False, True])
def test_a_proposed_or_declined_target_cannot_be_edited_scored_or_followed(
    client, cast, plan_a, decided
):
    _add(cast, "10.7")
    item = _add(cast, "10.c", actor=cast.editor_x)
    followed = FollowedIndicator.objects.create(
        prioritised_target=item, indicator=Indicator.objects.get(code="10.c.1")
    )
    if decided:
        proposal_decide(
            actor=cast.coordinator_a, prioritised_target=item, accept=False, comment="No"
        )
    client.force_login(cast.coordinator_a)
    for name, args in (
        ("prioritised_target_edit", [plan_a.pk, item.pk]),
        ("prioritised_target_scores", [plan_a.pk, item.pk]),
        ("followed_indicator_add", [plan_a.pk, item.pk]),
        ("followed_indicator_remove", [plan_a.pk, item.pk, followed.pk]),
    ):
        assert client.get(reverse(name, args=args)).status_code == 404, name
        assert client.post(reverse(name, args=args), {"version": 1}).status_code == 404, name
    assert FollowedIndicator.objects.filter(pk=followed.pk).exists()


def test_an_accepted_target_cannot_be_decided_again(client, cast, plan_a):
    item = _add(cast, "10.7")
    client.force_login(cast.coordinator_a)
    response = client.post(
        reverse("proposal_decide", args=[plan_a.pk, item.pk]),
        {"decision": "decline", "comment": "Changed our mind"},
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == ProposalStatus.ACCEPTED and item.decision_comment == ""


# --- 5. default criteria -------------------------------------------------------------------


def test_default_criteria_are_stored_in_english_with_their_author(cast, plan_a):
    with translation.override("fr"):
        _add(cast, "10.7")
    names = list(plan_a.scoring_criteria.values_list("name", flat=True))
    assert names[:2] == ["Relevance to the migration context", "Urgency"]
    history = ScoringCriterion.history.filter(plan=plan_a)
    assert history.count() == 5
    assert {record.history_user for record in history} == {cast.coordinator_a}


# --- 6. a responsible organisation that left the plan --------------------------------------


def test_a_responsible_organisation_that_left_the_plan_is_kept_on_edit(client, cast, plan_a):
    item = _add(cast, "10.7")
    item = prioritised_target_update(
        actor=cast.coordinator_a,
        prioritised_target=item,
        expected_version=item.version,
        data={"responsible_organisation": cast.ministry_x},
    ).instance
    Participation.objects.filter(plan=plan_a, organisation=cast.ministry_x).delete()
    client.force_login(cast.coordinator_a)
    url = reverse("prioritised_target_edit", args=[plan_a.pk, item.pk])
    form = client.get(url).content.decode()
    assert re.search(rf'<option value="{cast.ministry_x.pk}" selected>', form)
    response = client.post(
        url,
        {
            "version": item.version,
            "rationale": "Updated",
            "responsible_organisation": cast.ministry_x.pk,
        },
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.rationale == "Updated" and item.responsible_organisation == cast.ministry_x

    with pytest.raises(ValidationError) as refused:
        prioritised_target_update(
            actor=cast.coordinator_a,
            prioritised_target=item,
            expected_version=item.version,
            data={"responsible_organisation": cast.outside_org},
        )
    assert "responsible_organisation" in refused.value.message_dict


# --- 8. weights and criteria -----------------------------------------------------------------


def _criteria_data(criteria, *, version: int | None = None, **overrides) -> dict:
    """The criteria page as posted by someone who opened it at ``version`` (the plan's
    version now, when not given)."""
    if version is None:
        version = ActionPlan.objects.get(pk=criteria[0].plan_id).version
    data = {
        "version": version,
        "form-TOTAL_FORMS": len(criteria),
        "form-INITIAL_FORMS": len(criteria),
    }
    for index, criterion in enumerate(criteria):
        data |= {
            f"form-{index}-id": criterion.id,
            f"form-{index}-name": criterion.name,
            f"form-{index}-weight": str(criterion.weight),
        }
    return data | overrides


def test_weights_summing_to_zero_are_reported_on_the_weight_fields(client, cast, plan_a):
    _add(cast, "10.7")
    criteria = list(plan_a.scoring_criteria.all())
    client.force_login(cast.coordinator_a)
    zero = {f"form-{index}-weight": "0" for index in range(len(criteria))}
    page = client.post(
        reverse("scoring_criteria_edit", args=[plan_a.pk]), _criteria_data(criteria, **zero)
    ).content.decode()
    assert 'href="#id_form-0-weight"' in page


def test_a_refused_criteria_save_is_shown_in_the_error_summary(client, cast, plan_a):
    _add(cast, "10.7")
    first, second, *rest = plan_a.scoring_criteria.all()
    client.force_login(cast.coordinator_a)
    swapped = {"form-0-name": second.name, "form-1-name": first.name}
    page = client.post(
        reverse("scoring_criteria_edit", args=[plan_a.pk]),
        _criteria_data([first, second, *rest], **swapped),
    ).content.decode()
    summary = page[page.index('id="error-summary"') :]
    assert "Rename one criterion at a time." in summary


# --- 9. lost updates ---------------------------------------------------------------------------


def test_a_criterion_added_meanwhile_is_never_deleted_by_a_stale_form(client, cast, plan_a):
    _add(cast, "10.7")
    opened = list(plan_a.scoring_criteria.all())
    opened_version = ActionPlan.objects.get(pk=plan_a.pk).version
    scoring_criteria_set(
        actor=cast.coordinator_a,
        plan=plan_a,
        criteria=[*((c.id, c.name, c.weight) for c in opened), (None, "Cost", Decimal(2))],
        expected_version=opened_version,
    )
    client.force_login(cast.coordinator_a)
    page = client.post(
        reverse("scoring_criteria_edit", args=[plan_a.pk]),
        _criteria_data(opened, version=opened_version, **{"form-0-DELETE": "on"}),
    ).content.decode()
    assert "Someone else changed the scoring criteria" in page
    assert 'value="Cost"' in page  # the form now shows the current criteria
    assert plan_a.scoring_criteria.count() == 6
    assert plan_a.scoring_criteria.filter(pk=opened[0].pk).exists()


def test_a_stale_framework_edit_shows_the_saved_values_and_a_second_submit_saves(
    client, cast, plan_a
):
    framework = framework_create(
        actor=cast.coordinator_a,
        plan=plan_a,
        framework=Framework(plan=plan_a, name="Diaspora Policy", kind="plan", level="national"),
    )
    opened = framework.version
    framework_update(
        actor=cast.coordinator_a,
        framework=framework,
        expected_version=opened,
        data={"reference": "Gazette 12/2020"},
    )
    client.force_login(cast.coordinator_a)
    url = reverse("framework_edit", args=[plan_a.pk, framework.pk])
    data = {
        "version": opened,
        "name": "Diaspora Policy",
        "kind": "plan",
        "level": "national",
        "reference": "https://example.org/diaspora",
    }
    page = client.post(url, data).content.decode()
    assert "Someone else saved this record after you opened it" in page
    assert "As it is saved now" in page and "Gazette 12/2020" in page
    framework.refresh_from_db()
    assert framework.reference == "Gazette 12/2020"

    assert client.post(url, data | {"version": _version_on(page)}).status_code == 302
    framework.refresh_from_db()
    assert framework.reference == "https://example.org/diaspora"
    assert framework.history.first().history_user == cast.coordinator_a


# --- 10. the database refuses values outside the choices ----------------------------------------


def test_the_database_refuses_values_outside_the_choices(cast, plan_a):
    item = _add(cast, "10.7")
    framework = framework_create(
        actor=cast.coordinator_a,
        plan=plan_a,
        framework=Framework(plan=plan_a, name="Act", kind="legislation", level="national"),
    )
    criterion = plan_a.scoring_criteria.first()
    for queryset, change in (
        (PrioritisedTarget.objects.filter(pk=item.pk), {"status": "maybe"}),
        (Framework.objects.filter(pk=framework.pk), {"kind": "rumour"}),
        (Framework.objects.filter(pk=framework.pk), {"level": "galactic"}),
        (ScoringCriterion.objects.filter(pk=criterion.pk), {"weight": Decimal("100.01")}),
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            queryset.update(**change)
    with pytest.raises(IntegrityError), transaction.atomic():
        framework.assessments.create(prioritised_target=item, coherence="maybe")


# --- 12. one rule, one place ---------------------------------------------------------------------


def test_a_global_indicator_and_a_proxy_together_are_refused_on_the_field(client, cast, plan_a):
    item = _add(cast, "10.7")
    client.force_login(cast.coordinator_a)
    page = client.post(
        reverse("followed_indicator_add", args=[plan_a.pk, item.pk]),
        {"indicator": Indicator.objects.get(code="10.7.2").pk, "proxy_name": "x"},
    ).content.decode()
    assert 'href="#id_indicator"' in page and "not both" in page
    with pytest.raises(ValidationError):
        followed_indicator_add(actor=cast.coordinator_a, prioritised_target=item)
    assert not FollowedIndicator.objects.exists()
