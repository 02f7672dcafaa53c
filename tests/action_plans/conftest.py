"""A plan ready for validation, made through the services as the pages would."""

from datetime import date
from decimal import Decimal

import pytest

from governance.models import Role
from governance.services import membership_set
from governance.validation import plan_sign
from interventions.models import Intervention, ResultIndicator
from interventions.services import Links, indicator_create, intervention_create
from targets.models import Target
from targets.services import prioritised_target_add
from tests import factories
from tests.conftest import Cast


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


def _approve_all(cast: Cast, ready: dict) -> None:
    for name, signatory in ready["signatories"].items():
        plan_sign(
            actor=signatory,
            plan=cast.plan_a,
            organisation=getattr(cast, name),
            decision="approve",
            comment="",
        )
