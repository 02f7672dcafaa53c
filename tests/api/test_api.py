"""The API as a script uses it: a token made on the account's page, the plans read, a
progress value reported, corrected when returned; and every way of getting it wrong
answered with a 4xx naming the problem, nothing saved. Every answer is checked against
the OpenAPI schema."""

import json
import re
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from action_plans.permissions import PlanAction
from api.models import ApiToken
from api.services import token_create
from governance.services.accounts import user_deactivate
from interventions import services as interventions
from interventions.models import Intervention, Progress, ResultIndicator
from tests import factories
from tests.api.conftest import token_client
from tests.api.schema_check import check_against_schema
from tests.cast_access import PLAN_A_DRAFT, PLAN_B_DRAFT
from tests.conftest import Cast
from tests.test_url_matrix import (
    _intervention_of_x,
    _plan_b_result_indicator,
    _result_indicator,
    _returned_progress,
)


def call(client, method, url, data=None, **headers):
    """A request as a script sends it (JSON), its answer checked against the schema."""
    body = data if isinstance(data, str | bytes) else json.dumps(data or {})
    response = client.generic(method, url, body, content_type="application/json", headers=headers)
    check_against_schema(response)
    return response


def _submit_url(cast, indicator=None):
    indicator = indicator or _result_indicator(cast)
    return reverse("api_progress_submit", args=[cast.plan_a.pk, indicator.pk])


def _detail_url(cast, progress):
    return reverse("api_progress_detail", args=[cast.plan_a.pk, progress.indicator_id, progress.pk])


GOOD = {"measured_on": "2026-02-15", "value": 42, "source": "Labour register"}


# --- the script ---------------------------------------------------------------------------


def test_a_script_with_a_token_made_on_the_page_reads_the_plan_and_reports_progress(
    cast, catalogue, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    indicator = _result_indicator(cast)
    browser = Client()
    browser.force_login(cast.editor_y)
    account = browser.get(reverse("two_factor_account"))
    assert reverse("api_tokens") in account.content.decode()
    made = browser.post(reverse("api_tokens"), {"name": "Ministry Y's statistics system"})
    secret = re.search(r'<code id="token-secret">([^<]+)</code>', made.content.decode()).group(1)
    assert ApiToken.objects.get(user=cast.editor_y).key_hash != secret  # only its hash
    assert secret not in browser.get(reverse("api_tokens")).content.decode()  # shown once

    script = Client(headers={"Authorization": f"Bearer {secret}"})
    plans = call(script, "GET", reverse("api_plan_list")).json()
    assert [plan["id"] for plan in plans["results"]] == [cast.plan_a.pk]
    listed = call(script, "GET", reverse("api_intervention_list", args=[cast.plan_a.pk])).json()
    assert [item["id"] for item in listed["results"]] == [indicator.intervention_id]
    assert listed["results"][0]["indicators"][0]["id"] == indicator.pk

    submitted = call(script, "POST", _submit_url(cast), GOOD)
    assert submitted.status_code == 201, submitted.json()
    value = submitted.json()
    assert (value["status"], value["period_year"], value["period_quarter"]) == (
        "submitted",
        2026,
        1,
    )
    assert submitted["ETag"] == '"1"'
    assert call(script, "GET", submitted["Location"]).json()["value"] == "42.0000"
    progress = Progress.objects.get(pk=value["id"])
    assert (progress.submitted_by, progress.source) == (cast.editor_y, "Labour register")
    # not approved yet: the intervention shows no progress until it is
    detail = call(
        script,
        "GET",
        reverse("api_intervention_detail", args=[cast.plan_a.pk, indicator.intervention_id]),
    ).json()
    assert detail["indicators"][0]["approved_progress"] == []
    interventions.progress_approve(actor=cast.editor_s, progress=progress, expected_version=1)
    detail = call(
        script,
        "GET",
        reverse("api_intervention_detail", args=[cast.plan_a.pk, indicator.intervention_id]),
    ).json()
    assert [p["value"] for p in detail["indicators"][0]["approved_progress"]] == ["42.0000"]
    page = browser.get(reverse("api_tokens")).content.decode()
    assert "Never" not in page  # its last use is shown


def test_a_second_value_for_the_period_is_a_conflict_and_saves_nothing(cast, catalogue):
    script = token_client(cast.editor_y)
    assert call(script, "POST", _submit_url(cast), GOOD).status_code == 201
    again = call(script, "POST", _submit_url(cast), {**GOOD, "measured_on": "2026-03-01"})
    assert again.status_code == 409
    assert "already submitted" in again.json()["detail"]
    assert Progress.objects.filter(indicator=_result_indicator(cast)).count() == 1


# --- credentials --------------------------------------------------------------------------


def test_a_revoked_token_and_a_deactivated_users_token_are_refused(cast, catalogue):
    browser = Client()
    browser.force_login(cast.editor_x)
    made = browser.post(reverse("api_tokens"), {"name": "Nightly export"})
    secret = re.search(r'<code id="token-secret">([^<]+)</code>', made.content.decode()).group(1)
    script = Client(headers={"Authorization": f"Bearer {secret}"})
    assert call(script, "GET", reverse("api_plan_list")).status_code == 200
    token = ApiToken.objects.get(user=cast.editor_x)
    assert browser.get(reverse("api_token_revoke", args=[token.pk])).status_code == 200
    browser.post(reverse("api_token_revoke", args=[token.pk]))
    refused = call(script, "GET", reverse("api_plan_list"))
    assert refused.status_code == 401
    assert refused["WWW-Authenticate"].startswith("Bearer")
    assert "revoked" in refused.json()["detail"]

    other = token_client(cast.editor_y)
    assert call(other, "GET", reverse("api_plan_list")).status_code == 200
    user_deactivate(actor=cast.administrator, user=cast.editor_y)
    assert call(other, "GET", reverse("api_plan_list")).status_code == 401
    assert call(other, "POST", _submit_url(cast), GOOD).status_code == 401
    assert not Progress.objects.exists()


def test_no_credentials_or_a_made_up_token_get_401(cast, catalogue):
    for client in (Client(), Client(headers={"Authorization": "Bearer msd_made_up"})):
        response = call(client, "GET", reverse("api_plan_list"))
        assert response.status_code == 401
    malformed = Client(headers={"Authorization": "Bearer two words"})
    assert call(malformed, "GET", reverse("api_plan_list")).status_code == 401


def test_a_user_revokes_only_their_own_tokens(cast, catalogue):
    token, _secret = token_create(actor=cast.editor_x, name="Mine")
    other = Client()
    other.force_login(cast.editor_y)
    assert other.post(reverse("api_token_revoke", args=[token.pk])).status_code == 404
    assert "Mine" not in other.get(reverse("api_tokens")).content.decode()
    token.refresh_from_db()
    assert token.revoked_at is None


def test_a_token_needs_a_name(cast, catalogue):
    browser = Client()
    browser.force_login(cast.editor_x)
    page = browser.post(reverse("api_tokens"), {"name": "   "})
    assert "Name the token" in page.content.decode()
    assert not ApiToken.objects.exists()


def test_the_browser_session_writes_only_with_its_csrf_token(cast, catalogue):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(cast.editor_y)
    assert call(browser, "GET", reverse("api_plan_list")).status_code == 200
    refused = call(browser, "POST", _submit_url(cast), GOOD)
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]
    assert not Progress.objects.exists()


# --- what each role sees ------------------------------------------------------------------


@pytest.mark.parametrize("role", [role for role in Cast.ROLES if role != "anonymous"])
def test_each_role_lists_exactly_the_plans_and_interventions_it_sees(cast, catalogue, role):
    _intervention_of_x(cast)
    _plan_b_result_indicator(cast)  # plan B has an intervention too
    client = token_client(cast.user(role))
    listed = call(client, "GET", reverse("api_plan_list")).json()["results"]
    expected = {
        plan.pk
        for plan, table in ((cast.plan_a, PLAN_A_DRAFT), (cast.plan_b, PLAN_B_DRAFT))
        if table.allows(role, PlanAction.VIEW)
    }
    assert {plan["id"] for plan in listed} == expected
    for plan in (cast.plan_a, cast.plan_b):
        response = call(client, "GET", reverse("api_intervention_list", args=[plan.pk]))
        if plan.pk in expected:
            ids = {item["id"] for item in response.json()["results"]}
            assert ids == set(Intervention.objects.filter(plan=plan).values_list("pk", flat=True))
            assert ids
        else:
            assert response.status_code == 404


def test_the_plans_list_filters_and_pages_with_a_cursor(cast, catalogue):
    client = token_client(cast.administrator)
    local = call(client, "GET", reverse("api_plan_list") + "?level=local").json()["results"]
    assert [plan["id"] for plan in local] == [cast.plan_b.pk]
    country = cast.plan_a.country.code
    by_country = call(client, "GET", reverse("api_plan_list") + f"?country={country}&status=draft")
    assert cast.plan_a.pk in {plan["id"] for plan in by_country.json()["results"]}
    wrong = call(client, "GET", reverse("api_plan_list") + "?status=sunk")
    assert wrong.status_code == 400 and "status" in wrong.json()
    first = call(client, "GET", reverse("api_plan_list") + "?page_size=1").json()
    assert len(first["results"]) == 1 and first["next"]
    second = call(client, "GET", first["next"]).json()
    assert second["results"][0]["id"] != first["results"][0]["id"]


def test_another_plans_records_are_not_found_under_plan_a(cast, catalogue):
    client = token_client(cast.coordinator_a)
    plan_b_indicator = _plan_b_result_indicator(cast)
    url = reverse("api_progress_submit", args=[cast.plan_a.pk, plan_b_indicator.pk])
    assert call(client, "POST", url, GOOD).status_code == 404
    url = reverse(
        "api_intervention_detail", args=[cast.plan_a.pk, plan_b_indicator.intervention_id]
    )
    assert call(client, "GET", url).status_code == 404
    assert not Progress.objects.filter(indicator=plan_b_indicator).exists()


def test_the_interventions_list_costs_the_same_queries_for_more_interventions(cast, catalogue):
    client = token_client(cast.coordinator_a)
    url = reverse("api_intervention_list", args=[cast.plan_a.pk])

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert call(client, "GET", url).status_code == 200
        return len(captured)

    indicator = _result_indicator(cast)
    queries()  # the token's first use is noted once (then at most once a minute)
    small = queries()
    for number in range(5):
        intervention = Intervention.objects.create(
            plan=cast.plan_a,
            title=f"Outreach {number}",
            level="programme",
            sector="labour",
            lead_organisation=cast.ministry_x,
        )
        ResultIndicator.objects.create(
            intervention=intervention, name=f"Reached {number}", unit="people"
        )
    Progress.objects.create(
        indicator=indicator,
        measured_on=date(2026, 1, 5),
        period_year=2026,
        period_quarter=1,
        value=Decimal(3),
        source="Register",
        status="approved",
    )
    assert queries() == small


def test_the_plans_list_costs_the_same_queries_for_more_plans(cast, catalogue):
    client = token_client(cast.administrator)
    url = reverse("api_plan_list")
    call(client, "GET", url)  # the token's first use is noted once

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert call(client, "GET", url).status_code == 200
        return len(captured)

    small = queries()
    for number in range(5):
        factories.ActionPlanFactory(title=f"Plan {number}")
    assert queries() == small


# --- bad input ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**GOOD, "colour": "blue"}, "colour"),
        ({**GOOD, "value": [1, 2]}, "value"),
        ({**GOOD, "value": True}, "value"),
        ({**GOOD, "value": "many"}, "value"),
        ({**GOOD, "measured_on": "yesterday"}, "measured_on"),
        ({**GOOD, "measured_on": "2099-01-01"}, "measured_on"),
        ({**GOOD, "source": "   "}, "source"),
        ({"measured_on": "2026-02-15", "value": 4}, "source"),
        ({**GOOD, "sex": "female"}, "sex"),  # the indicator is not disaggregated by sex
        ({**GOOD, "value": -3}, "value"),
    ],
)
def test_wrong_input_is_refused_on_its_field_and_saves_nothing(cast, catalogue, body, field):
    client = token_client(cast.editor_y)
    response = call(client, "POST", _submit_url(cast), body)
    assert response.status_code == 400
    assert field in response.json()
    assert not Progress.objects.exists()


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ('{"value": 4', 400),  # not JSON
        ("[1, 2]", 400),  # not an object
        (json.dumps({**GOOD, "comment": "x" * 70_000}), 413),
    ],
)
def test_a_body_that_is_not_a_json_object_or_too_large_is_refused(cast, catalogue, body, status):
    client = token_client(cast.editor_y)
    assert call(client, "POST", _submit_url(cast), body).status_code == status
    assert not Progress.objects.exists()


def test_a_body_that_is_not_json_is_refused(cast, catalogue):
    client = token_client(cast.editor_y)
    response = client.post(_submit_url(cast), GOOD)  # a form, not JSON
    check_against_schema(response)
    assert response.status_code == 415


# --- correcting a returned value ----------------------------------------------------------


def test_a_returned_value_is_corrected_with_its_etag_and_a_stale_one_is_refused(cast, catalogue):
    returned = _returned_progress(cast)
    client = token_client(cast.editor_y)
    url = _detail_url(cast, returned)
    read = call(client, "GET", url)
    etag = read["ETag"]
    assert call(client, "PATCH", url, {"value": 58}).status_code == 428
    stale = call(client, "PATCH", url, {"value": 58}, if_match='"1"')
    assert stale.status_code == 412
    assert stale["ETag"] == etag
    unknown = call(client, "PATCH", url, {"valeur": 58}, if_match=etag)
    assert unknown.status_code == 400 and "valeur" in unknown.json()
    returned.refresh_from_db()
    assert (returned.value, returned.status) == (Decimal(55), "returned")

    corrected = call(
        client, "PATCH", url, {"value": 58, "source": "Register, page 4"}, if_match=etag
    )
    assert corrected.status_code == 200, corrected.json()
    assert corrected.json()["status"] == "submitted"
    assert corrected["ETag"] != etag
    returned.refresh_from_db()
    assert (returned.value, returned.source, returned.measured_on) == (
        Decimal(58),
        "Register, page 4",
        date(2026, 4, 30),
    )
    # submitted again: no longer open to correction
    again = call(client, "PATCH", url, {"value": 59}, if_match=corrected["ETag"])
    assert again.status_code == 409


def test_someone_who_sees_the_plan_but_does_not_record_progress_is_refused(cast, catalogue, caplog):
    client = token_client(cast.viewer_x)
    with caplog.at_level("WARNING", logger="msd_planner.security"):
        refused = call(client, "POST", _submit_url(cast), GOOD)
    assert refused.status_code == 403
    assert refused.json()["detail"].startswith("Your role does not allow this action.")
    refusals = [r.getMessage() for r in caplog.records if r.name == "msd_planner.security"]
    assert len(refusals) == 1 and "user=viewer_x action=record_progress" in refusals[0]
    returned = _returned_progress(cast)
    response = call(client, "PATCH", _detail_url(cast, returned), {"value": 1}, if_match='"2"')
    assert response.status_code == 403
    assert Progress.objects.count() == 1


# --- throttling, schema, docs -------------------------------------------------------------


def test_requests_beyond_the_rate_are_throttled_per_token(cast, catalogue, settings):
    settings.API_THROTTLE_RATES = {"read": "3/min", "write": "1/min"}
    first, second = token_client(cast.editor_y), token_client(cast.editor_y)
    for _ in range(3):
        assert call(first, "GET", reverse("api_plan_list")).status_code == 200
    throttled = call(first, "GET", reverse("api_plan_list"))
    assert throttled.status_code == 429
    assert "Retry-After" in throttled
    assert call(second, "GET", reverse("api_plan_list")).status_code == 200  # its own count


def test_the_schema_generates_without_warnings(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "s.yaml"))
    assert "/api/v1/plans/{pk}/interventions/" in (tmp_path / "s.yaml").read_text()


def test_the_documentation_is_served_by_the_app_without_a_cdn(client):
    page = client.get(reverse("api_docs"))
    assert page.status_code == 200
    html = page.content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources and all(source.startswith("/") for source in sources), sources
    assert "<style" not in html and '<html lang="en">' in html  # the CSP allows no inline style
    for source in sources:
        assert client.get(source).status_code == 200, source
    schema = client.get(reverse("api_schema"))
    assert schema.status_code == 200 and b"openapi: 3.1.0" in schema.content
