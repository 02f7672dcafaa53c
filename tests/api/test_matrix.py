"""Every API endpoint × every member of the cast × every method, with a token and with a
signed-in session, against the outcome written here by hand (tests/test_url_matrix.py's
rules: the same as the page each endpoint mirrors). A new endpoint without a row fails.
Every answer is checked against the OpenAPI schema."""

from dataclasses import dataclass, field

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from action_plans.permissions import PlanAction
from api.services import token_create
from tests.api.schema_check import check_against_schema
from tests.conftest import Cast
from tests.test_url_matrix import (
    ALLOW,
    FUNDS_X,
    HIDE,
    LOGIN,
    PLAN_A,
    RECORDS_PROGRESS,
    REFUSE,
    _adopted_version,
    _commitment_of_x,
    _evidenced_progress,
    _framework,
    _intervention_kwargs,
    _public_version_kwargs,
    _result_indicator,
    _returned_progress,
    _source_kwargs,
    _target_10_7,
    _version_kwargs,
    api_url_patterns,
    on_plan_a,
    public,
    signed_in,
)

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


@dataclass
class ApiRow:
    kwargs: object = lambda cast: {}
    # method → who may use it (a rule of tests/test_url_matrix.py); any other method
    # answers 405 to the signed-in and 401 to the anonymous (405 too on a public endpoint).
    methods: dict = field(default_factory=dict)
    public: bool = False


def _commitment_kwargs(cast):
    return {"pk": cast.plan_a.pk, "commitment_pk": _commitment_of_x(cast).pk}


def _indicator_kwargs(cast):
    return {"pk": cast.plan_a.pk, "indicator_pk": _result_indicator(cast).pk}


def _target_kwargs(cast):
    return {"pk": cast.plan_a.pk, "target_pk": _target_10_7(cast)["item_pk"]}


def _returned_progress_kwargs(cast):
    progress = _returned_progress(cast)
    return {"pk": cast.plan_a.pk, "indicator_pk": progress.indicator_id, "progress_pk": progress.pk}


def _evidenced_progress_kwargs(cast):
    progress = _evidenced_progress(cast)
    return {"pk": cast.plan_a.pk, "indicator_pk": progress.indicator_id, "progress_pk": progress.pk}


def _adopted_plan_kwargs(cast):
    return {"pk": _adopted_version(cast).plan_id}


SEES_PLAN_A = on_plan_a(PlanAction.VIEW)

API_MATRIX = {
    "api_plan_list": ApiRow(methods={"GET": signed_in}),
    "api_plan_detail": ApiRow(PLAN_A, {"GET": SEES_PLAN_A}),
    "api_intervention_list": ApiRow(PLAN_A, {"GET": SEES_PLAN_A}),
    "api_intervention_detail": ApiRow(_intervention_kwargs, {"GET": SEES_PLAN_A}),
    # progress: submitted and corrected by those who record it, as on the pages
    "api_progress_submit": ApiRow(_indicator_kwargs, {"POST": RECORDS_PROGRESS}),
    "api_progress_detail": ApiRow(
        _returned_progress_kwargs, {"GET": SEES_PLAN_A, "PATCH": RECORDS_PROGRESS}
    ),
    # a value's evidence: downloaded as on progress_evidence, attached as progress is recorded
    "api_progress_evidence": ApiRow(
        _evidenced_progress_kwargs, {"GET": SEES_PLAN_A, "PUT": RECORDS_PROGRESS}
    ),
    # prioritised targets, frameworks and assessments, organisations
    "api_target_list": ApiRow(PLAN_A, {"GET": SEES_PLAN_A}),
    "api_target_detail": ApiRow(_target_kwargs, {"GET": SEES_PLAN_A}),
    "api_framework_list": ApiRow(PLAN_A, {"GET": SEES_PLAN_A}),
    "api_framework_detail": ApiRow(_framework, {"GET": SEES_PLAN_A}),
    "api_organisation_list": ApiRow(PLAN_A, {"GET": SEES_PLAN_A}),
    # funding sources and commitments: read by who sees the plan, recorded as on the pages
    # (commitment_create; commitment_edit and commitment_disbursement)
    "api_funding_source_list": ApiRow(PLAN_A, {"GET": SEES_PLAN_A}),
    "api_funding_source_detail": ApiRow(_source_kwargs, {"GET": SEES_PLAN_A}),
    "api_commitment_list": ApiRow(
        PLAN_A, {"GET": SEES_PLAN_A, "POST": on_plan_a(PlanAction.CONTRIBUTE)}
    ),
    "api_commitment_detail": ApiRow(_commitment_kwargs, {"GET": SEES_PLAN_A, "PATCH": FUNDS_X}),
    # versions; the public part
    "api_version_list": ApiRow(PLAN_A, {"GET": SEES_PLAN_A}),
    "api_version_detail": ApiRow(_version_kwargs, {"GET": SEES_PLAN_A}),
    "api_open_plan_list": ApiRow(methods={"GET": public}, public=True),
    "api_open_version_list": ApiRow(_adopted_plan_kwargs, {"GET": public}, public=True),
    "api_open_version_detail": ApiRow(_public_version_kwargs, {"GET": public}, public=True),
}


def test_every_api_endpoint_has_a_row():
    found = [(url.name, url.route) for url in api_url_patterns()]
    assert [route for name, route in found if name is None] == [], "name these endpoints"
    names = {name for name, _route in found}
    assert names - API_MATRIX.keys() == set(), "add these endpoints to API_MATRIX"
    assert API_MATRIX.keys() - names == set(), "these rows name endpoints that no longer exist"


def _expected(row: ApiRow, cast: Cast, role: str, method: str) -> str:
    rule = row.methods.get(method)
    if rule is None:
        return LOGIN if role == "anonymous" and not row.public else "405"
    return rule(cast, role)


def _check(status: int, expected: str) -> str | None:
    if expected == ALLOW and status < 500 and status not in {401, 403, 404, 405}:
        return None
    if (expected, status) in {(LOGIN, 401), (REFUSE, 403), (HIDE, 404), ("405", 405)}:
        return None
    return f"expected {expected}, got {status}"


def _client(cast: Cast, role: str, auth: str) -> Client:
    user = cast.user(role)
    if user is None:
        return Client()
    if auth == "token":
        _token, secret = token_create(actor=user, name="matrix")
        return Client(headers={"Authorization": f"Bearer {secret}"})
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    """Evidence files go to a folder of the test's own."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.mark.parametrize("auth", ["token", "session"])
@pytest.mark.parametrize("url_name", sorted(API_MATRIX))
def test_each_role_gets_exactly_the_access_the_matrix_gives(cast, catalogue, url_name, auth):
    row = API_MATRIX[url_name]
    url = reverse(url_name, kwargs=row.kwargs(cast))
    failures = []
    for role in Cast.ROLES:
        for method in METHODS:
            expected = _expected(row, cast, role, method)
            with transaction.atomic():
                client = _client(cast, role, auth)
                response = client.generic(method, url, "{}", content_type="application/json")
                transaction.set_rollback(True)
            if problem := _check(response.status_code, expected):
                failures.append(f"{method} {url} as {role} ({auth}): {problem}")
            else:
                check_against_schema(response)
    assert failures == []
