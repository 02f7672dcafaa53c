"""Every URL × every member of the cast × GET and POST, against the expected outcome.

The URL configuration is walked: a URL without a row here fails the suite, so no view
can be added without saying who may use it. Each request runs in a savepoint that is
rolled back, so a POST by one role does not change what the next one sees.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from action_plans.permissions import PlanAction
from governance.models import Consultation
from governance.services import consultation_save
from targets.models import Framework, Indicator, PrioritisedTarget, Target
from targets.services import followed_indicator_add, framework_save, prioritised_target_add
from tests.action_plans.test_permissions import EXPECTED as PLAN_ACTIONS
from tests.conftest import Cast

ALLOW, REFUSE, HIDE, LOGIN, NOT_ALLOWED = "allow", "refuse (403)", "hide (404)", "login", "405"
SIGNED_IN = [role for role in Cast.ROLES if role != "anonymous"]


@dataclass
class Row:
    kwargs: Callable[[Cast], dict] = lambda cast: {}
    access: Callable[[Cast, str], str] = lambda cast, role: ALLOW
    # Outcome for one method where it differs from ``access``: a fixed outcome or a rule.
    methods: dict[str, str | Callable[[Cast, str], str]] = field(default_factory=dict)


def display_only(cast, role):
    """A page that only displays: GET as its access says, POST not allowed."""
    return LOGIN if role == "anonymous" else NOT_ALLOWED


def public(cast, role):
    return ALLOW


def signed_in(cast, role):
    return LOGIN if role == "anonymous" else ALLOW


def administrators(cast, role):
    return {"anonymous": LOGIN, "administrator": ALLOW}.get(role, HIDE)


def on_plan_a(action: PlanAction):
    def access(cast, role):
        if role == "anonymous":
            return LOGIN
        actions = PLAN_ACTIONS[role][0]
        if action in actions:
            return ALLOW
        return REFUSE if PlanAction.VIEW in actions else HIDE

    return access


# Ministry X takes part in plan A: its own members, plan A's other members, the
# administrator and whoever governs a plan (the whole registry, to find partners) see
# it; only the administrator (and X's coordinators, of whom the cast has none) may edit it.
SEES_MINISTRY_X = {
    "administrator",
    "coordinator_a",
    "coordinator_b",
    "editor_x",
    "signatory_x",
    "viewer_x",
    "editor_y",
}


def ministry_x(edit: bool):
    def access(cast, role):
        if role == "anonymous":
            return LOGIN
        if role not in SEES_MINISTRY_X:
            return HIDE
        if edit and role != "administrator":
            return REFUSE
        return ALLOW

    return access


def _participation_y(cast: Cast) -> dict:
    participation = cast.plan_a.participations.get(organisation=cast.ministry_y)
    return {"pk": cast.plan_a.pk, "participation_pk": participation.pk}


def _membership_x(cast: Cast) -> dict:
    membership = cast.editor_x.memberships.get()
    return {"user_pk": cast.editor_x.pk, "pk": membership.pk}


def _target_10_7(cast: Cast) -> dict:
    item = prioritised_target_add(
        actor=cast.coordinator_a,
        plan=cast.plan_a,
        target=Target.objects.get(code="10.7"),
        rationale="Labour migration governance",
    )
    return {"pk": cast.plan_a.pk, "item_pk": item.pk}


def _followed_indicator(cast: Cast) -> dict:
    kwargs = _target_10_7(cast)
    followed = followed_indicator_add(
        actor=cast.coordinator_a,
        prioritised_target=PrioritisedTarget.objects.get(pk=kwargs["item_pk"]),
        indicator=Indicator.objects.get(code="10.7.2"),
    )
    return {**kwargs, "indicator_pk": followed.pk}


def _framework(cast: Cast) -> dict:
    framework = framework_save(
        actor=cast.coordinator_a,
        framework=Framework(
            plan=cast.plan_a,
            name="Labour Migration Policy",
            kind="policy_framework",
            level="national",
        ),
    )
    return {"pk": cast.plan_a.pk, "framework_pk": framework.pk}


def _consultation(cast: Cast) -> dict:
    consultation = consultation_save(
        actor=cast.coordinator_a,
        plan=cast.plan_a,
        consultation=Consultation(
            held_on=date(2026, 1, 15), kind="review_workshop", title="Review workshop"
        ),
        organisations=[cast.lead_ministry, cast.ministry_x],
        prioritised_targets=[],
        frameworks=[],
    )
    return {"pk": cast.plan_a.pk, "consultation_pk": consultation.pk}


PLAN_A = lambda cast: {"pk": cast.plan_a.pk}  # noqa: E731
MINISTRY_X = lambda cast: {"pk": cast.ministry_x.pk}  # noqa: E731
EDITOR_X = lambda cast: {"pk": cast.editor_x.pk}  # noqa: E731

MATRIX: dict[str, Row] = {
    # accounts (django.contrib.auth)
    "login": Row(access=public),
    "logout": Row(access=public, methods={"GET": NOT_ALLOWED, "POST": LOGIN}),
    "password_change": Row(access=signed_in),
    "password_change_done": Row(access=signed_in, methods={"POST": display_only}),
    "password_reset": Row(access=public),
    "password_reset_done": Row(access=public, methods={"POST": NOT_ALLOWED}),
    "password_reset_confirm": Row(
        kwargs=lambda cast: {"uidb64": "MQ", "token": "set-password"}, access=public
    ),
    "password_reset_complete": Row(access=public, methods={"POST": NOT_ALLOWED}),
    "set_language": Row(access=public),
    "catalogue": Row(access=public),
    # plans
    "home": Row(access=signed_in),
    "plan_create": Row(access=administrators),
    "plan_detail": Row(kwargs=PLAN_A, access=on_plan_a(PlanAction.VIEW)),
    "plan_edit": Row(kwargs=PLAN_A, access=on_plan_a(PlanAction.CHANGE)),
    "plan_history": Row(kwargs=PLAN_A, access=on_plan_a(PlanAction.VIEW)),
    "plan_governance": Row(kwargs=PLAN_A, access=on_plan_a(PlanAction.VIEW)),
    "lead_arrangement_edit": Row(kwargs=PLAN_A, access=on_plan_a(PlanAction.GOVERN)),
    "participant_add": Row(kwargs=PLAN_A, access=on_plan_a(PlanAction.GOVERN)),
    "participant_edit": Row(kwargs=_participation_y, access=on_plan_a(PlanAction.GOVERN)),
    "participant_remove": Row(kwargs=_participation_y, access=on_plan_a(PlanAction.GOVERN)),
    "plan_access": Row(kwargs=PLAN_A, access=on_plan_a(PlanAction.GOVERN)),
    # prioritised targets and the review of existing frameworks
    "prioritised_target_list": Row(kwargs=PLAN_A, access=on_plan_a(PlanAction.VIEW)),
    "prioritised_target_add": Row(kwargs=PLAN_A, access=on_plan_a(PlanAction.CONTRIBUTE)),
    "scoring_criteria_edit": Row(kwargs=PLAN_A, access=on_plan_a(PlanAction.CHANGE)),
    "prioritised_target_detail": Row(kwargs=_target_10_7, access=on_plan_a(PlanAction.VIEW)),
    "prioritised_target_edit": Row(kwargs=_target_10_7, access=on_plan_a(PlanAction.CHANGE)),
    "prioritised_target_scores": Row(kwargs=_target_10_7, access=on_plan_a(PlanAction.CHANGE)),
    "proposal_decide": Row(kwargs=_target_10_7, access=on_plan_a(PlanAction.CHANGE)),
    "prioritised_target_remove": Row(kwargs=_target_10_7, access=on_plan_a(PlanAction.CHANGE)),
    "followed_indicator_add": Row(kwargs=_target_10_7, access=on_plan_a(PlanAction.CHANGE)),
    "followed_indicator_remove": Row(
        kwargs=_followed_indicator, access=on_plan_a(PlanAction.CHANGE)
    ),
    "coherence_matrix": Row(kwargs=PLAN_A, access=on_plan_a(PlanAction.VIEW)),
    "framework_create": Row(kwargs=PLAN_A, access=on_plan_a(PlanAction.CHANGE)),
    "framework_edit": Row(kwargs=_framework, access=on_plan_a(PlanAction.CHANGE)),
    "framework_assess": Row(kwargs=_framework, access=on_plan_a(PlanAction.CHANGE)),
    "framework_delete": Row(kwargs=_framework, access=on_plan_a(PlanAction.CHANGE)),
    # the consultation log
    "consultation_list": Row(kwargs=PLAN_A, access=on_plan_a(PlanAction.VIEW)),
    "consultation_create": Row(kwargs=PLAN_A, access=on_plan_a(PlanAction.CHANGE)),
    "consultation_detail": Row(kwargs=_consultation, access=on_plan_a(PlanAction.VIEW)),
    "consultation_edit": Row(kwargs=_consultation, access=on_plan_a(PlanAction.CHANGE)),
    "consultation_delete": Row(kwargs=_consultation, access=on_plan_a(PlanAction.CHANGE)),
    # organisations
    "organisation_list": Row(access=signed_in),
    "organisation_create": Row(access=administrators),
    "organisation_detail": Row(kwargs=MINISTRY_X, access=ministry_x(edit=False)),
    "organisation_edit": Row(kwargs=MINISTRY_X, access=ministry_x(edit=True)),
    # account administration
    "user_list": Row(access=administrators),
    "user_invite": Row(access=administrators),
    "user_detail": Row(kwargs=EDITOR_X, access=administrators),
    "user_deactivate": Row(kwargs=EDITOR_X, access=administrators),
    "user_reactivate": Row(kwargs=EDITOR_X, access=administrators),
    "invitation_resend": Row(kwargs=EDITOR_X, access=administrators),
    "membership_edit": Row(kwargs=_membership_x, access=administrators),
    "membership_remove": Row(kwargs=_membership_x, access=administrators),
    # an unknown or used token is refused to everyone alike
    "invitation_accept": Row(
        kwargs=lambda cast: {"token": "not-a-token"}, methods={"GET": HIDE, "POST": HIDE}
    ),
}


def _url_names(patterns, namespace=None) -> set[str]:
    names = set()
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue  # Django's own admin site, gated by is_staff
            names |= _url_names(pattern.url_patterns, pattern.namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)
    return names


def test_every_url_has_a_row_in_the_matrix():
    names = _url_names(get_resolver().url_patterns)
    assert names - MATRIX.keys() == set(), "add these URLs to the permission matrix"
    assert MATRIX.keys() - names == set(), "these rows name URLs that no longer exist"


def _check(response, expected: str) -> str | None:
    status = response.status_code
    location = response.headers.get("Location", "")
    if expected == ALLOW and (
        status == 200 or (status == 302 and "/accounts/login/" not in location)
    ):
        return None
    if expected == LOGIN and status == 302 and location.startswith("/accounts/login/"):
        return None
    if (expected, status) in {(REFUSE, 403), (HIDE, 404), (NOT_ALLOWED, 405)}:
        return None
    return f"expected {expected}, got {status} {location}"


@pytest.mark.parametrize("url_name", sorted(MATRIX))
def test_each_role_gets_exactly_the_access_the_matrix_gives(cast, catalogue, url_name):
    row = MATRIX[url_name]
    url = reverse(url_name, kwargs=row.kwargs(cast))
    failures = []
    for role in Cast.ROLES:
        for method in ("GET", "POST"):
            rule = row.methods.get(method, row.access)
            expected = rule(cast, role) if callable(rule) else rule
            with transaction.atomic():
                client = Client()
                if user := cast.user(role):
                    client.force_login(user)
                response = getattr(client, method.lower())(url)
                transaction.set_rollback(True)
            if problem := _check(response, expected):
                failures.append(f"{method} {url} as {role}: {problem}")
    assert failures == []
