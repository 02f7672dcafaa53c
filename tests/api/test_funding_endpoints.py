"""A plan's funding through the API as a ministry's system uses it: the sources read, a
commitment recorded and its disbursements reported with the ETag it was read with; every
way of getting it wrong answered with a 4xx naming the problem, nothing saved; the same
rights as the funding pages. Every answer is checked against the OpenAPI schema."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from action_plans.models import ActionPlan, PlanStatus
from action_plans.permissions import PlanAction
from funding.models import Commitment, Stage
from tests.api.conftest import token_client
from tests.api.test_api import call
from tests.cast_access import PLAN_A_DRAFT, PLAN_B_DRAFT
from tests.conftest import Cast
from tests.test_url_matrix import (
    _commitment_of_x,
    _intervention_of_x,
    _local_actor,
    _plan_b_commitment,
    _plan_b_intervention,
    _plan_b_source,
    _source_of_x,
)


def _list_url(cast, plan=None):
    return reverse("api_commitment_list", args=[(plan or cast.plan_a).pk])


def _detail_url(cast, commitment):
    return reverse("api_commitment_detail", args=[cast.plan_a.pk, commitment.pk])


def _good(cast) -> dict:
    """Ministry X's budget committed to the intervention it leads, a fifth of it to
    ministry Y (a local actor taking part in plan A) directly."""
    _local_actor(cast.ministry_y)
    return {
        "intervention": _intervention_of_x(cast).pk,
        "source": _source_of_x(cast).pk,
        "stage": "committed",
        "amount": "250000.00",
        "dated": "2026-03-01",
        "to_local_actors": 50000,
        "local_channel": "direct",
        "local_actors": [cast.ministry_y.pk],
        "notes": "Budget law 2026, line 14",
    }


# --- the script ---------------------------------------------------------------------------


def test_a_script_records_a_commitment_then_reports_its_disbursements(cast, catalogue):
    script = token_client(cast.editor_x)
    source = _source_of_x(cast)
    sources = call(script, "GET", reverse("api_funding_source_list", args=[cast.plan_a.pk]))
    assert [(s["id"], s["provider"]) for s in sources.json()["results"]] == [
        (source.pk, cast.ministry_x.pk)
    ]
    one = call(
        script, "GET", reverse("api_funding_source_detail", args=[cast.plan_a.pk, source.pk])
    )
    assert (one.json()["name"], one.json()["currency"]) == ("Labour budget line", "GHS")

    recorded = call(script, "POST", _list_url(cast), _good(cast))
    assert recorded.status_code == 201, recorded.json()
    assert recorded["ETag"] == '"1"'
    body = recorded.json()
    assert (body["stage"], body["amount"], body["base_currency"], body["base_amount"]) == (
        "committed",
        "250000.000",
        "GHS",
        "250000.000",
    )
    assert body["local_actors"] == [cast.ministry_y.pk]
    commitment = Commitment.objects.get()
    assert (commitment.source, commitment.intervention) == (source, _intervention_of_x(cast))
    assert commitment.history.first().history_user == cast.editor_x

    read = call(script, "GET", recorded["Location"])
    assert read["ETag"] == '"1"'
    assert call(script, "PATCH", recorded["Location"], {"disbursed": 100000}).status_code == 428
    paid = call(script, "PATCH", recorded["Location"], {"disbursed": 100000}, if_match=read["ETag"])
    assert paid.status_code == 200, paid.json()
    assert (paid.json()["stage"], paid.json()["disbursed"], paid["ETag"]) == (
        "disbursed",
        "100000.000",
        '"2"',
    )
    stale = call(script, "PATCH", recorded["Location"], {"disbursed": 150000}, if_match='"1"')
    assert stale.status_code == 412
    assert stale["ETag"] == '"2"'
    commitment.refresh_from_db()
    assert (commitment.disbursed, commitment.stage, commitment.version) == (
        Decimal(100000),
        Stage.DISBURSED,
        2,
    )

    # other fields change as on the commitment's form; those not sent keep their values
    noted = call(script, "PATCH", recorded["Location"], {"notes": "Tranche 1 paid"}, if_match='"2"')
    assert noted.status_code == 200, noted.json()
    commitment.refresh_from_db()
    assert (commitment.notes, commitment.disbursed, list(commitment.local_actors.all())) == (
        "Tranche 1 paid",
        Decimal(100000),
        [cast.ministry_y],
    )


def test_the_list_filters_by_stage_provider_and_intervention(cast, catalogue):
    committed = _commitment_of_x(cast)
    client = token_client(cast.coordinator_a)
    url = _list_url(cast)

    def ids(query):
        response = call(client, "GET", url + query)
        assert response.status_code == 200, response.json()
        return [item["id"] for item in response.json()["results"]]

    assert ids("?stage=committed") == [committed.pk]
    assert ids("?stage=pledged") == []
    assert ids(f"?provider={cast.ministry_x.pk}") == [committed.pk]
    assert ids(f"?provider={cast.ministry_y.pk}") == []
    assert ids(f"?intervention={committed.intervention_id}&stage=committed") == [committed.pk]
    wrong = call(client, "GET", url + "?stage=spent")
    assert wrong.status_code == 400 and "stage" in wrong.json()


# --- bad input ----------------------------------------------------------------------------


def _local_actor_of_plan_b(cast):
    """City B, a local actor taking part in plan B (not in plan A)."""
    _local_actor(cast.city_b)
    return cast.city_b


def _wrong(cast, field: str, value) -> tuple[dict, str]:
    return {**_good(cast), field: value}, field


WRONG_BODIES = {
    "unknown field": lambda cast: ({**_good(cast), "colour": "blue"}, "colour"),
    "amount a list": lambda cast: _wrong(cast, "amount", [1, 2]),
    "amount a boolean": lambda cast: _wrong(cast, "amount", True),
    "amount a word": lambda cast: _wrong(cast, "amount", "many"),
    "amount below zero": lambda cast: _wrong(cast, "amount", -5),
    "stage unknown": lambda cast: _wrong(cast, "stage", "spent"),
    "date not a date": lambda cast: _wrong(cast, "dated", "yesterday"),
    "local actors not ids": lambda cast: _wrong(cast, "local_actors", [{"id": 1}]),
    "disbursed beyond the amount": lambda cast: (
        {**_good(cast), "stage": "disbursed", "disbursed": 300000},
        "disbursed",
    ),
    "no intervention": lambda cast: (
        {k: v for k, v in _good(cast).items() if k != "intervention"},
        "intervention",
    ),
    "another plan's intervention": lambda cast: _wrong(
        cast, "intervention", _plan_b_intervention(cast).pk
    ),
    "another plan's source": lambda cast: _wrong(cast, "source", _plan_b_source(cast).pk),
    "another plan's local actor": lambda cast: _wrong(
        cast, "local_actors", [_local_actor_of_plan_b(cast).pk]
    ),
}


@pytest.mark.parametrize("case", sorted(WRONG_BODIES))
def test_wrong_input_is_refused_on_its_field_and_saves_nothing(cast, catalogue, case):
    _plan_b_commitment(cast)  # plan B's own money, untouched
    body, field = WRONG_BODIES[case](cast)
    response = call(token_client(cast.editor_x), "POST", _list_url(cast), body)
    assert response.status_code == 400
    assert field in response.json(), response.json()
    assert Commitment.objects.count() == 1


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ('{"amount": 4', 400),  # not JSON
        ("[1, 2]", 400),  # not an object
        ('{"notes": "' + "x" * 70_000 + '"}', 413),
    ],
)
def test_a_body_that_is_not_a_json_object_or_too_large_is_refused(cast, catalogue, body, status):
    client = token_client(cast.editor_x)
    assert call(client, "POST", _list_url(cast), body).status_code == status
    commitment = _commitment_of_x(cast)
    assert call(
        client, "PATCH", _detail_url(cast, commitment), body, if_match='"1"'
    ).status_code == (status)
    assert Commitment.objects.count() == 1
    commitment.refresh_from_db()
    assert commitment.version == 1


def test_a_change_with_wrong_input_saves_nothing(cast, catalogue):
    commitment = _commitment_of_x(cast)
    client = token_client(cast.editor_x)
    url = _detail_url(cast, commitment)
    for body, field in (
        ({"valeur": 5}, "valeur"),
        ({"stage": "spent"}, "stage"),
        ({"disbursed": 999999}, "disbursed"),  # beyond the amount
        ({"disbursed": "lots"}, "disbursed"),
        ({"source": _plan_b_source(cast).pk}, "source"),
        ({"notes": "Tranche 1", "intervention": _plan_b_intervention(cast).pk}, "intervention"),
    ):
        response = call(client, "PATCH", url, body, if_match='"1"')
        assert response.status_code == 400, (body, response.json())
        assert field in response.json(), response.json()
    commitment.refresh_from_db()
    assert (commitment.version, commitment.disbursed, commitment.notes) == (1, 0, "")


# --- rights, as on the pages --------------------------------------------------------------


def test_who_may_not_record_the_money_is_refused_as_on_the_pages(cast, catalogue, caplog):
    commitment = _commitment_of_x(cast)
    good = _good(cast)
    # sees the plan, contributes nothing
    viewer = token_client(cast.viewer_x)
    with caplog.at_level("WARNING", logger="msd_planner.security"):
        assert call(viewer, "POST", _list_url(cast), good).status_code == 403
    assert any("user=viewer_x" in r.getMessage() for r in caplog.records)
    assert call(viewer, "PATCH", _detail_url(cast, commitment), {"notes": "x"}).status_code == 403
    # contributes, but the source is ministry X's: on the field, as the page's form says
    other_ministry = token_client(cast.editor_y)
    refused = call(other_ministry, "POST", _list_url(cast), good)
    assert refused.status_code == 400 and "source" in refused.json()
    for body in ({"notes": "x"}, {"disbursed": 10}):
        response = call(
            other_ministry, "PATCH", _detail_url(cast, commitment), body, if_match='"1"'
        )
        assert response.status_code == 403
    # does not see plan A at all
    stranger = token_client(cast.coordinator_b)
    assert call(stranger, "POST", _list_url(cast), good).status_code == 404
    assert call(stranger, "GET", _detail_url(cast, commitment)).status_code == 404
    assert Commitment.objects.count() == 1
    commitment.refresh_from_db()
    assert commitment.version == 1


def test_another_plans_commitment_is_not_found_under_plan_a(cast, catalogue):
    foreign = _plan_b_commitment(cast)
    client = token_client(cast.administrator)
    assert call(client, "GET", _detail_url(cast, foreign)).status_code == 404
    url = reverse("api_funding_source_detail", args=[cast.plan_a.pk, foreign.source_id])
    assert call(client, "GET", url).status_code == 404
    coordinator = token_client(cast.coordinator_a)
    response = call(
        coordinator, "PATCH", _detail_url(cast, foreign), {"notes": "x"}, if_match='"1"'
    )
    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.notes == ""


@pytest.mark.parametrize("status", [PlanStatus.IN_VALIDATION, PlanStatus.ADOPTED])
def test_a_plan_outside_a_draft_takes_disbursements_only(cast, catalogue, status):
    commitment = _commitment_of_x(cast)
    good = _good(cast)
    ActionPlan.objects.filter(pk=cast.plan_a.pk).update(status=status)
    client = token_client(cast.editor_x)
    closed = call(client, "POST", _list_url(cast), good)
    assert closed.status_code == 409
    assert "not a draft" in closed.json()["detail"]
    url = _detail_url(cast, commitment)
    assert call(client, "PATCH", url, {"amount": 1}, if_match='"1"').status_code == 409
    assert Commitment.objects.count() == 1
    # the money disbursed is the living plan's: reported whatever the status
    paid = call(client, "PATCH", url, {"disbursed": 1000}, if_match='"1"')
    assert paid.status_code == 200, paid.json()
    commitment.refresh_from_db()
    assert (commitment.amount, commitment.disbursed) == (Decimal(250000), Decimal(1000))


def test_a_pledge_takes_no_disbursement(cast, catalogue):
    commitment = _commitment_of_x(cast)
    Commitment.objects.filter(pk=commitment.pk).update(stage=Stage.PLEDGED)
    client = token_client(cast.coordinator_a)
    response = call(
        client, "PATCH", _detail_url(cast, commitment), {"disbursed": 5}, if_match='"1"'
    )
    assert response.status_code == 403
    commitment.refresh_from_db()
    assert commitment.disbursed == 0


@pytest.mark.parametrize("role", [role for role in Cast.ROLES if role != "anonymous"])
def test_each_role_lists_the_funding_of_exactly_the_plans_it_sees(cast, catalogue, role):
    _commitment_of_x(cast)
    _plan_b_commitment(cast)
    client = token_client(cast.user(role))
    for plan, table in ((cast.plan_a, PLAN_A_DRAFT), (cast.plan_b, PLAN_B_DRAFT)):
        commitments = call(client, "GET", _list_url(cast, plan))
        sources = call(client, "GET", reverse("api_funding_source_list", args=[plan.pk]))
        if table.allows(role, PlanAction.VIEW):
            expected = set(
                Commitment.objects.filter(intervention__plan=plan).values_list("pk", flat=True)
            )
            assert {item["id"] for item in commitments.json()["results"]} == expected
            assert expected
            assert {item["id"] for item in sources.json()["results"]} == set(
                plan.funding_sources.values_list("pk", flat=True)
            )
        else:
            assert (commitments.status_code, sources.status_code) == (404, 404)


# --- query counts -------------------------------------------------------------------------


def _more_commitments(cast, number: int) -> None:
    """``number`` more commitments of ministry X's source, each to a local actor."""
    _local_actor(cast.ministry_y)
    source, intervention = _source_of_x(cast), _intervention_of_x(cast)
    made = Commitment.objects.bulk_create(
        Commitment(
            intervention=intervention,
            source=source,
            stage=Stage.COMMITTED,
            amount=Decimal(1000 + index),
            currency="GHS",
            dated=date(2026, 3, 1),
            base_amount=Decimal(1000 + index),
        )
        for index in range(number)
    )
    Commitment.local_actors.through.objects.bulk_create(
        Commitment.local_actors.through(commitment_id=c.pk, organisation_id=cast.ministry_y.pk)
        for c in made
    )


def test_the_lists_cost_the_same_queries_for_10_and_300_commitments(cast, catalogue):
    client = token_client(cast.coordinator_a)
    urls = [
        _list_url(cast) + "?page_size=200",
        reverse("api_funding_source_list", args=[cast.plan_a.pk]),
    ]

    def queries(url, rows):
        with CaptureQueriesContext(connection) as captured:
            response = call(client, "GET", url)
        assert response.status_code == 200
        assert len(response.json()["results"]) == rows
        return len(captured)

    call(client, "GET", urls[0])  # the token's first use is noted once
    _more_commitments(cast, 10)
    small = [queries(urls[0], 10), queries(urls[1], 1)]
    _more_commitments(cast, 290)
    assert [queries(urls[0], 200), queries(urls[1], 1)] == small
