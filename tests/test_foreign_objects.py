"""An object of plan B (or of another user) asked for under plan A's (or a user's) URL.

Every nested object is fetched through the parent the user was authorised for, so such a
request is refused to everyone: 404 to plan A's coordinator, who may act on plan A, and
403 or 404 to the others, depending on what they may do on plan A itself.
"""

from datetime import date

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from governance.models import Consultation
from targets.models import FollowedIndicator, Framework, Indicator, PrioritisedTarget, Target
from tests.conftest import Cast


def _plan_b_objects(cast: Cast) -> dict:
    target = PrioritisedTarget.objects.create(
        plan=cast.plan_b, target=Target.objects.get(code="10.7"), status="accepted"
    )
    own = PrioritisedTarget.objects.create(
        plan=cast.plan_a, target=Target.objects.get(code="8.8"), status="accepted"
    )
    return {
        "target": target,
        "own_target": own,
        "indicator": FollowedIndicator.objects.create(
            prioritised_target=target, indicator=Indicator.objects.get(code="10.7.2")
        ),
        "framework": Framework.objects.create(
            plan=cast.plan_b, name="Accra by-law", kind="legislation", level="local"
        ),
        "consultation": Consultation.objects.create(
            plan=cast.plan_b, held_on=date(2026, 2, 1), kind="bilateral_meeting", title="B"
        ),
        "participation": cast.plan_b.participations.get(),
    }


def _urls(cast: Cast, objects: dict) -> list[str]:
    a = cast.plan_a.pk
    target, framework = objects["target"].pk, objects["framework"].pk
    consultation, participation = objects["consultation"].pk, objects["participation"].pk
    urls = [
        reverse(name, args=[a, target])
        for name in (
            "prioritised_target_detail",
            "prioritised_target_edit",
            "prioritised_target_scores",
            "proposal_decide",
            "prioritised_target_remove",
            "followed_indicator_add",
        )
    ]
    urls.append(
        reverse(
            "followed_indicator_remove",
            args=[a, objects["own_target"].pk, objects["indicator"].pk],
        )
    )
    urls += [
        reverse(name, args=[a, framework])
        for name in ("framework_edit", "framework_assess", "framework_delete")
    ]
    urls += [
        reverse(name, args=[a, consultation])
        for name in ("consultation_detail", "consultation_edit", "consultation_delete")
    ]
    urls += [
        reverse(name, args=[a, participation])
        for name in ("participant_edit", "participant_remove")
    ]
    membership_of_y = cast.editor_y.memberships.get()
    urls += [
        reverse(name, args=[cast.editor_x.pk, membership_of_y.pk])
        for name in ("membership_edit", "membership_remove")
    ]
    return urls


@pytest.mark.parametrize("role", [role for role in Cast.ROLES if role != "anonymous"])
def test_objects_of_another_plan_are_not_found_under_plan_a(cast, catalogue, role):
    objects = _plan_b_objects(cast)
    failures = []
    for url in _urls(cast, objects):
        for method in ("get", "post"):
            with transaction.atomic():
                client = Client()
                client.force_login(cast.user(role))
                status = getattr(client, method)(url).status_code
                transaction.set_rollback(True)
            # Plan A's coordinator may do everything in plan A: only the object is wrong.
            allowed = {404} if role == "coordinator_a" else {403, 404}
            if status not in allowed:
                failures.append(f"{method.upper()} {url} as {role}: {status}")
    assert failures == []
    assert PrioritisedTarget.objects.filter(pk=objects["target"].pk).exists()
