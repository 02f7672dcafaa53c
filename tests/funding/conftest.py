"""Plan A's funding, made through the services as the pages would: the interventions of
``tests/interventions``, a national budget line of ministry X in the plan's currency
(GHS) and a development partner's fund in EUR."""

from datetime import date
from decimal import Decimal

import pytest

from funding.models import Commitment, FundingSource, SourceKind
from funding.services import commitment_create, source_create
from tests import factories
from tests.interventions.conftest import make_intervention, targets_a  # noqa: F401 (fixture)


@pytest.fixture
def donor(cast):
    """A development partner taking part in plan A, with an editor."""
    from governance.services.participations import participation_add
    from tests.conftest import _member

    organisation = factories.OrganisationFactory(
        name="European Union Delegation", acronym="EU", type="development_partner"
    )
    participation_add(
        actor=cast.administrator,
        plan=cast.plan_a,
        organisation=organisation,
        signatory_required=False,
    )
    organisation.editor = _member(organisation, "editor", "editor_eu")
    return organisation


@pytest.fixture
def sources(cast, donor):
    return {
        "budget": source_create(
            actor=cast.coordinator_a,
            plan=cast.plan_a,
            source=FundingSource(
                name="Labour budget line",
                provider=cast.ministry_x,
                kind=SourceKind.NATIONAL_BUDGET,
                currency="GHS",
            ),
        ),
        "eu": source_create(
            actor=cast.coordinator_a,
            plan=cast.plan_a,
            source=FundingSource(
                name="EU migration fund",
                provider=donor,
                kind=SourceKind.PARTNER_MIGRATION_FUND,
                currency="EUR",
            ),
        ),
    }


def commit(actor, intervention, source, *, local_actors=(), **values) -> Commitment:
    values.setdefault("stage", "committed")
    values.setdefault("currency", source.currency)
    values.setdefault("dated", date(2026, 3, 1))
    if values["currency"] != "GHS":
        values.setdefault("exchange_rate", Decimal("13.5"))
        values.setdefault("rate_date", date(2026, 3, 1))
    for name in ("amount", "disbursed", "to_local_actors"):
        if name in values:
            values[name] = Decimal(values[name])
    return commitment_create(
        actor=actor,
        intervention=intervention,
        commitment=Commitment(source=source, **values),
        local_actors=list(local_actors),
    )


@pytest.fixture
def local_actor(cast):
    """A migrant-led local organisation taking part in plan A, credited by name."""
    from governance.services.participations import participation_add

    organisation = factories.OrganisationFactory(
        name="Ashaiman Migrant Workers' Association",
        acronym="AMWA",
        type="migrant_led",
        level="local",
        is_local_actor=True,
        led_by_migrants=True,
    )
    participation_add(
        actor=cast.administrator,
        plan=cast.plan_a,
        organisation=organisation,
        signatory_required=False,
    )
    return organisation
