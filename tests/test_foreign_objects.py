"""An object of plan B (or of another user) asked for under plan A's (or a user's) URL.

Every nested object is fetched through the parent the user was authorised for, so such a
request is refused to everyone: 404 to whoever may use the URL on plan A's own object
(plan A's coordinator always), and 403 or 404 to the others, depending on what they may
do on plan A itself.

The URLs are not listed here: every URL of the project whose route names an object
inside another (any object kwarg after the parent's) is requested, with the foreign
kwargs its row of the permission matrix gives. A new URL of that kind without them
fails here.
"""

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from governance.models import Membership, Participation
from interventions.models import Intervention, Progress, ResultIndicator
from targets.models import Consultation, FollowedIndicator, Framework, PrioritisedTarget
from tests.conftest import Cast
from tests.test_url_matrix import ALLOW, MATRIX, SIGNED_IN, url_patterns

NESTED = {url.name: url for url in url_patterns() if url.nested_object_kwargs}


def test_the_matrix_has_urls_naming_nested_objects():
    """Guards the walk: were it to find none, the test below would prove nothing."""
    assert {"prioritised_target_edit", "organisation_member_remove"} <= NESTED.keys()


def _plan_b_state(cast: Cast) -> list[list[dict]]:
    """Plan B's objects and user Y's membership, as saved."""
    return [
        list(queryset.order_by("pk").values())
        for queryset in (
            PrioritisedTarget.objects.filter(plan=cast.plan_b),
            FollowedIndicator.objects.filter(prioritised_target__plan=cast.plan_b),
            Framework.objects.filter(plan=cast.plan_b),
            Consultation.objects.filter(plan=cast.plan_b),
            Participation.objects.filter(plan=cast.plan_b),
            Intervention.objects.filter(plan=cast.plan_b),
            ResultIndicator.objects.filter(intervention__plan=cast.plan_b),
            Progress.objects.filter(indicator__intervention__plan=cast.plan_b),
            Membership.objects.filter(user=cast.editor_y),
        )
    ]


@pytest.mark.parametrize("url_name", sorted(NESTED))
def test_objects_of_another_plan_are_not_found_under_plan_a(cast, catalogue, url_name):
    url_pattern, row = NESTED[url_name], MATRIX.get(url_name)
    assert row is not None, f"{url_name} has no row in the permission matrix"
    assert row.foreign is not None, (
        f"{url_name} names a nested object ({', '.join(url_pattern.nested_object_kwargs)}): "
        "give its matrix row a `foreign` asking for another plan's (user's) one"
    )
    parent = url_pattern.parent_kwarg
    parent_is_a_plan = url_pattern.route.startswith("plans/")
    own_parent = row.kwargs(cast)[parent]
    requests = row.foreign(cast)
    assert requests, f"{url_name}: `foreign` gave no kwargs"
    for other in MATRIX.values():  # plan B gets one object of every kind
        if other.foreign:
            other.foreign(cast)
    before = _plan_b_state(cast)
    assert all(before), "plan B has an object of every kind, and user Y a membership"
    failures = []
    for kwargs in requests:
        assert kwargs[parent] == own_parent, f"{url_name}: {kwargs} is not under plan A (user X)"
        url = reverse(url_name, kwargs=kwargs)
        for role in SIGNED_IN:  # the anonymous are sent to log in first
            for method in ("GET", "POST"):
                rule = row.methods.get(method, row.access)
                may_use = (rule(cast, role) if callable(rule) else rule) == ALLOW
                # Who may use the URL on plan A's own object: only the object is wrong.
                runs_plan_a = role == "coordinator_a" and parent_is_a_plan
                allowed = {404} if may_use or runs_plan_a else {403, 404}
                with transaction.atomic():
                    client = Client()
                    client.force_login(cast.user(role))
                    status = getattr(client, method.lower())(url).status_code
                    changed = _plan_b_state(cast) != before
                    transaction.set_rollback(True)
                if status not in allowed:
                    failures.append(f"{method} {url} as {role}: {status}")
                if changed:
                    failures.append(f"{method} {url} as {role} changed plan B's objects")
    assert failures == []
