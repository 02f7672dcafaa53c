"""Shared fixtures: the SDG catalogue and the cast every view is tested against."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest
from django.core.cache import cache, caches

from action_plans.models import ActionPlan
from action_plans.policy import Activity, PlanAction
from governance.models import (
    LeadArrangement,
    LeadModel,
    Organisation,
    OrganisationType,
    Role,
    User,
)
from governance.services.lead_arrangement import LeadArrangementData, lead_arrangement_set
from governance.services.memberships import membership_set
from governance.services.participations import participation_add
from governance.services.signing import plan_sign
from interventions.models import Intervention, ResultIndicator
from interventions.services import Links, indicator_create, intervention_create
from targets.models import Target
from targets.services import catalogue_load, prioritised_target_add
from tests import factories
from tests.cast_access import PLAN_A_DRAFT, PLAN_B_DRAFT


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters live in the cache: each test starts with none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def derived_cache(settings):
    """The "derived" cache on, as it is outside the tests (local memory)."""
    settings.CACHES = {
        **settings.CACHES,
        "derived": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "derived-tests",
        },
    }
    caches["derived"].clear()
    yield caches["derived"]
    caches["derived"].clear()


def arrangement_version(plan: ActionPlan) -> int:
    """The version of the plan's lead arrangement as saved now (0 when it has none): what
    a user who opens the lead arrangement page now starts from."""
    arrangement = LeadArrangement.objects.filter(plan=plan).first()
    return arrangement.version if arrangement else 0


@pytest.fixture
def catalogue(db):
    """The official SDG catalogue, loaded through the same service the set-up runs."""
    catalogue_load()


@pytest.fixture
def plan(db):
    return factories.ActionPlanFactory()


@pytest.fixture
def administrator(db):
    return factories.UserFactory(username="administrator", is_superuser=True, is_staff=True)


@pytest.fixture
def member(db):
    return factories.UserFactory(username="member")


@dataclass
class Cast:
    """Plan A is led jointly by the lead ministry and the statistics office, which leads
    monitoring and evaluation (the lead ministry every other activity); ministries X and
    Y take part.

    Plan B is a local plan led by a city; the outsider's organisation is in no plan.
    """

    plan_a: ActionPlan
    plan_b: ActionPlan
    lead_ministry: Organisation
    statistics_office: Organisation
    ministry_x: Organisation
    ministry_y: Organisation
    city_b: Organisation
    outside_org: Organisation
    administrator: User
    coordinator_a: User
    editor_s: User
    coordinator_x: User
    editor_x: User
    signatory_x: User
    viewer_x: User
    editor_y: User
    coordinator_b: User
    outsider: User

    ROLES = (
        "anonymous",
        "administrator",
        "coordinator_a",
        "editor_s",
        "coordinator_x",
        "editor_x",
        "signatory_x",
        "viewer_x",
        "editor_y",
        "coordinator_b",
        "outsider",
    )

    def user(self, role: str) -> User | None:
        return None if role == "anonymous" else getattr(self, role)

    def membership(self, role: str) -> tuple[Organisation, str] | None:
        """The organisation and role of a member of the cast (None for the anonymous
        visitor and the administrator, who belong to no organisation)."""
        user = self.user(role)
        membership = user.memberships.select_related("organisation").first() if user else None
        return (membership.organisation, membership.role) if membership else None

    def participants(self, plan: ActionPlan) -> set[int]:
        if plan == self.plan_a:
            return {
                self.lead_ministry.pk,
                self.statistics_office.pk,
                self.ministry_x.pk,
                self.ministry_y.pk,
            }
        return {self.city_b.pk}

    def expected_actions(self, role: str, plan: ActionPlan) -> frozenset[PlanAction]:
        """What this member of the cast holds on ``plan`` (A or B), as tests/cast_access.py
        writes it out by hand: the expectation of the permission tests, the workflow's
        steps and the URL matrix, never computed from the policy they test."""
        return {self.plan_a: PLAN_A_DRAFT, self.plan_b: PLAN_B_DRAFT}[plan].held(role)


def _member(organisation: Organisation, role: str, username: str) -> User:
    user = factories.UserFactory(username=username)
    membership_set(actor=None, user=user, organisation=organisation, role=role)
    return user


@pytest.fixture
def cast(db) -> Cast:
    administrator = factories.UserFactory(
        username="administrator", is_superuser=True, is_staff=True
    )
    lead_ministry = factories.OrganisationFactory(name="Ministry of the Interior", acronym="MOI")
    statistics_office = factories.OrganisationFactory(
        name="National Statistics Office", acronym="NSO"
    )
    ministry_x = factories.OrganisationFactory(name="Ministry of Labour", acronym="MOL")
    ministry_y = factories.OrganisationFactory(name="Ministry of Health", acronym="MOH")
    city_b = factories.OrganisationFactory(
        name="Accra Metropolitan Assembly",
        acronym="AMA",
        type=OrganisationType.LOCAL_GOVERNMENT,
        level="local",
    )
    outside_org = factories.OrganisationFactory(name="Ministry of Energy", acronym="MOE")
    plan_a = factories.ActionPlanFactory(title="Plan A")
    plan_b = factories.ActionPlanFactory(title="Plan B", level="local", area_name="Accra")
    lead_arrangement_set(
        actor=administrator,
        plan=plan_a,
        data=LeadArrangementData(
            model=LeadModel.JOINT,
            leads=[lead_ministry, statistics_office],
            responsibilities={
                activity.value: statistics_office
                if activity == Activity.MONITORING
                else lead_ministry
                for activity in Activity
            },
        ),
        expected_version=0,
    )
    lead_arrangement_set(
        actor=administrator,
        plan=plan_b,
        data=LeadArrangementData(model=LeadModel.SINGLE, leads=[city_b]),
        expected_version=0,
    )
    for organisation in (ministry_x, ministry_y):
        participation_add(
            actor=administrator, plan=plan_a, organisation=organisation, signatory_required=True
        )
    return Cast(
        plan_a=plan_a,
        plan_b=plan_b,
        lead_ministry=lead_ministry,
        statistics_office=statistics_office,
        ministry_x=ministry_x,
        ministry_y=ministry_y,
        city_b=city_b,
        outside_org=outside_org,
        administrator=administrator,
        coordinator_a=_member(lead_ministry, Role.COORDINATOR, "coordinator_a"),
        editor_s=_member(statistics_office, Role.EDITOR, "editor_s"),
        coordinator_x=_member(ministry_x, Role.COORDINATOR, "coordinator_x"),
        editor_x=_member(ministry_x, Role.EDITOR, "editor_x"),
        signatory_x=_member(ministry_x, Role.SIGNATORY, "signatory_x"),
        viewer_x=_member(ministry_x, Role.VIEWER, "viewer_x"),
        editor_y=_member(ministry_y, Role.EDITOR, "editor_y"),
        coordinator_b=_member(city_b, Role.COORDINATOR, "coordinator_b"),
        outsider=_member(outside_org, Role.EDITOR, "outsider"),
    )


# --- a plan ready for validation ---------------------------------------------------------


def _signatory(organisation, username: str):
    user = factories.UserFactory(username=username)
    membership_set(actor=None, user=user, organisation=organisation, role=Role.SIGNATORY)
    return user


@pytest.fixture
def ready(cast, catalogue) -> dict:
    """Plan A ready for validation: a target with its intervention, measured; a
    signatory in every organisation whose signature is required."""
    target = prioritised_target_add(
        actor=cast.coordinator_a,
        plan=cast.plan_a,
        target=Target.objects.get(code="10.7"),
        rationale="Labour migration is the country's first concern",
    )
    intervention = intervention_create(
        actor=cast.coordinator_a,
        plan=cast.plan_a,
        intervention=Intervention(
            title="Fair recruitment",
            level="programme",
            sector="labour",
            lead_organisation=cast.ministry_x,
            start_date=date(2026, 1, 1),
            end_date=date(2028, 12, 31),
            estimated_cost=Decimal(1000000),
        ),
        links=Links(targets={target.pk: "Lower recruitment costs"}),
    )
    indicator_create(
        actor=cast.coordinator_a,
        intervention=intervention,
        indicator=ResultIndicator(
            name="Workers recruited fairly",
            unit="people",
            baseline_value=Decimal(100),
            baseline_year=2025,
        ),
        target_values={2028: Decimal(900)},
    )
    signatories = {
        "ministry_x": cast.signatory_x,
        "ministry_y": _signatory(cast.ministry_y, "signatory_y"),
        "lead_ministry": _signatory(cast.lead_ministry, "signatory_lead"),
        "statistics_office": _signatory(cast.statistics_office, "signatory_stats"),
    }
    return {"intervention": intervention, "signatories": signatories}


def approve_all(cast: Cast, ready: dict) -> None:
    for name, signatory in ready["signatories"].items():
        plan_sign(
            actor=signatory,
            plan=cast.plan_a,
            organisation=getattr(cast, name),
            decision="approve",
            comment="",
        )
