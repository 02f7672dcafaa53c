"""Interventions of plan A, made through the services as the pages would."""

import pytest

from interventions.models import Intervention
from interventions.services import Links, intervention_create
from targets.models import Target
from targets.services import prioritised_target_add


@pytest.fixture
def targets_a(cast, catalogue):
    """Plan A's prioritised targets 10.7 and 10.c."""
    return {
        code: prioritised_target_add(
            actor=cast.coordinator_a,
            plan=cast.plan_a,
            target=Target.objects.get(code=code),
            rationale=f"Why {code}",
        )
        for code in ("10.7", "10.c")
    }


def make_intervention(cast, targets, *, lead=None, title="Fair recruitment", **values):
    return intervention_create(
        actor=cast.coordinator_a,
        plan=cast.plan_a,
        intervention=Intervention(
            title=title,
            level=values.pop("level", "programme"),
            sector=values.pop("sector", "labour"),
            lead_organisation=lead or cast.ministry_x,
            **values,
        ),
        links=Links(targets={targets["10.7"].pk: "Fewer recruitment fees"}),
    )
