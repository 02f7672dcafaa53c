"""Pages that list a plan's records, an organisation's or an account's: the same number
of queries whether they list a few or many, each page grown in what it lists.

Each round of ``_grow_plan_a`` adds one record of every kind a plan page lists (a
prioritised target with its scores and a followed indicator, a proposal and a declined
one, a framework assessed against every target, a consultation concerning them, a new
participant), so the small and the large plan hold the same kinds of record and the
history's latest page has every kind of change at both sizes.
"""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from action_plans.history import plan_change_log
from governance.models import Role
from governance.services.memberships import membership_set
from governance.services.participations import participation_add
from targets.models import (
    Coherence,
    Consultation,
    ConsultationKind,
    Framework,
    Indicator,
    PrioritisedTarget,
    Target,
)
from targets.services import (
    consultation_create,
    followed_indicator_add,
    framework_assessments_set,
    framework_create,
    prioritised_target_add,
    proposal_decide,
    target_scores_set,
)
from tests import factories
from tests.conftest import Cast


def _queries(client, url) -> int:
    client.get(url)  # fills the process's caches (content types), which outlive a request
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context)


def _unused_targets(cast: Cast, number: int) -> list[Target]:
    """Catalogue targets with an indicator, in no plan yet."""
    return list(
        Target.objects.exclude(prioritisations__plan=cast.plan_a)
        .filter(indicators__isnull=False)
        .distinct()
        .order_by("code")[:number]
    )


def _grow_plan_a(cast: Cast, rounds: int) -> None:
    plan = cast.plan_a
    for _ in range(rounds):
        accepted, proposed, declined = _unused_targets(cast, 3)
        item = prioritised_target_add(
            actor=cast.coordinator_a, plan=plan, target=accepted, rationale="Why it matters"
        )
        target_scores_set(
            actor=cast.coordinator_a,
            prioritised_target=item,
            expected_version=PrioritisedTarget.objects.get(pk=item.pk).version,
            scores={criterion.id: 3 for criterion in plan.scoring_criteria.all()},
        )
        followed_indicator_add(
            actor=cast.coordinator_a,
            prioritised_target=item,
            indicator=Indicator.objects.filter(target=accepted).first(),
        )
        for target in (proposed, declined):
            prioritised_target_add(
                actor=cast.editor_x,
                plan=plan,
                target=target,
                rationale="Ministry X proposes it",
                proposer_organisation=cast.ministry_x,
            )
        proposal_decide(
            actor=cast.coordinator_a,
            prioritised_target=PrioritisedTarget.objects.get(plan=plan, target=declined),
            accept=False,
            comment="Not this time",
        )
        framework = framework_create(
            actor=cast.coordinator_a,
            plan=plan,
            framework=Framework(name=f"Policy on {accepted.code}", kind="plan", level="national"),
        )
        framework_assessments_set(
            actor=cast.coordinator_a,
            framework=framework,
            expected_version=framework.version,
            assessments={
                target.id: (Coherence.SYNERGY, "Aligned")
                for target in plan.prioritised_targets.filter(status="accepted")
            },
        )
        organisation = factories.OrganisationFactory(is_local_actor=True)
        participation_add(
            actor=cast.coordinator_a,
            plan=plan,
            organisation=organisation,
            signatory_required=False,
        )
        consultation_create(
            actor=cast.coordinator_a,
            plan=plan,
            consultation=Consultation(
                held_on=date(2026, 3, 1),
                kind=ConsultationKind.REVIEW_WORKSHOP,
                title=f"Workshop on {accepted.code}",
            ),
            organisations=[cast.lead_ministry, cast.ministry_x, organisation],
            prioritised_targets=plan.prioritised_targets.filter(status="accepted"),
            frameworks=plan.frameworks.all(),
        )


# Rounds of records at the small size, then how many more. The history shows the latest
# 100 changes: both its sizes stay within that page (34 then 91 changes), so that it lists
# all that grew (past a full page, changes of the plan's setting-up drop off the page and
# with them a few lookups).
PLAN_PAGES = {
    "prioritised_target_list": (2, 12),
    "coherence_matrix": (2, 12),
    "consultation_list": (2, 12),
    "prioritised_target_detail": (2, 12),
    "consultation_detail": (2, 12),
    "plan_history": (1, 3),
}


def _plan_page(cast: Cast, url_name: str) -> str:
    """The page; a target's is the first target's (assessed by every framework), a
    consultation's the latest one's (concerning every target and framework)."""
    accepted = cast.plan_a.prioritised_targets.filter(status="accepted")
    kwargs = {
        "prioritised_target_detail": lambda: {"item_pk": accepted.earliest("pk").pk},
        "consultation_detail": lambda: {
            "consultation_pk": cast.plan_a.consultations.latest("pk").pk
        },
    }.get(url_name, dict)()
    return reverse(url_name, kwargs={"pk": cast.plan_a.pk, **kwargs})


@pytest.mark.parametrize("url_name", sorted(PLAN_PAGES))
def test_plan_pages_cost_the_same_queries_for_a_few_or_many_of_each_record(
    client, cast, catalogue, url_name
):
    rounds, more = PLAN_PAGES[url_name]
    client.force_login(cast.coordinator_a)
    _grow_plan_a(cast, rounds)
    small = _queries(client, _plan_page(cast, url_name))
    _grow_plan_a(cast, more)
    assert cast.plan_a.prioritised_targets.filter(status="accepted").count() == rounds + more
    if url_name == "plan_history":  # every change still on the one page
        assert plan_change_log(cast.plan_a).older is None
    assert _queries(client, _plan_page(cast, url_name)) == small


def test_an_organisation_page_costs_the_same_queries_for_a_few_or_many_members_and_plans(
    client, cast
):
    """The administrator sees its members and its plans; one of its editors its plans."""
    url = reverse("organisation_detail", args=[cast.ministry_x.pk])
    counts = {}
    for role in ("administrator", "editor_x"):
        client.force_login(cast.user(role))
        counts[role] = [_queries(client, url)]
    for number in range(25):
        membership_set(
            actor=None,
            user=factories.UserFactory(),
            organisation=cast.ministry_x,
            role=[Role.EDITOR, Role.VIEWER, Role.SIGNATORY][number % 3],
        )
        plan = factories.ActionPlanFactory(title=f"Plan {number}")
        participation_add(
            actor=cast.administrator,
            plan=plan,
            organisation=cast.ministry_x,
            signatory_required=True,
        )
    page = client.get(url).content.decode()
    assert "Plan 24" in page
    for role in ("administrator", "editor_x"):
        client.force_login(cast.user(role))
        counts[role].append(_queries(client, url))
    assert {role: small == large for role, (small, large) in counts.items()} == {
        "administrator": True,
        "editor_x": True,
    }, counts


def test_an_account_page_costs_the_same_queries_for_one_or_many_memberships(client, cast):
    """The administrator's page of an account: its memberships and its history."""
    client.force_login(cast.administrator)
    url = reverse("user_detail", args=[cast.editor_x.pk])
    small = _queries(client, url)
    for number in range(25):
        membership_set(
            actor=cast.administrator,
            user=cast.editor_x,
            organisation=factories.OrganisationFactory(name=f"Agency {number}"),
            role=Role.VIEWER,
        )
        cast.editor_x.last_name = f"Renamed {number}"
        cast.editor_x.save()
    page = client.get(url).content.decode()
    assert "Agency 24" in page
    assert _queries(client, url) == small
