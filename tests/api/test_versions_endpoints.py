"""A plan's versions through the API, and its public part: anyone reads the adopted plans
and each adopted version's open document without signing in, and nothing else — no
draft, no version on its way to adoption, no plan never adopted. Every answer is checked
against the OpenAPI schema."""

from datetime import date

import pytest
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from action_plans import workflow
from action_plans.models import PlanChange, PlanVersion
from interventions.models import Intervention
from interventions.services import intervention_update
from open_data.formats import FORMAT
from targets.models import PrioritisedTarget
from tests.api.conftest import token_client
from tests.api.test_api import call
from tests.interventions.test_monitoring_page import _grow
from tests.portal.test_portal import _adopt, _frozen_version


@pytest.fixture
def adopted(cast, ready) -> PlanVersion:
    return _adopt(cast, ready)


def _open_version_url(version: PlanVersion) -> str:
    return reverse("api_open_version_detail", args=[version.plan_id, version.major, version.minor])


# --- for anyone ----------------------------------------------------------------------------


def test_anyone_reads_the_adopted_plans_and_a_versions_open_document(cast, adopted, ready):
    anyone = Client()
    plans = call(anyone, "GET", reverse("api_open_plan_list")).json()
    assert [plan["id"] for plan in plans["results"]] == [cast.plan_a.pk]
    listed = plans["results"][0]
    assert listed["title"] == cast.plan_a.title
    assert listed["current_version"]["number"] == "1.0"
    assert listed["current_version"]["adoption_reference"] == "Cabinet decision 12/2026"
    assert listed["current_version"]["portal"].endswith(
        reverse("portal_version", args=[cast.plan_a.pk, 1, 0])
    )

    document = call(anyone, "GET", listed["current_version"]["document"])
    assert document["Content-Type"] == "application/json"
    plan = document.json()
    assert (plan["format"], plan["version"]["number"]) == (FORMAT, "1.0")
    assert plan["plan"]["id"] == cast.plan_a.pk
    interventions = [
        record["label"]
        for record in plan["sections"]["interventions"]["records"]
        if record["kind"] == "intervention"
    ]
    assert interventions == [ready["intervention"].title]
    # the same document as the portal's plan.json
    download = anyone.get(reverse("open_version_plan_json", args=[cast.plan_a.pk, 1, 0]))
    assert b"".join(download) == document.content

    versions = call(anyone, "GET", reverse("api_open_version_list", args=[cast.plan_a.pk])).json()
    assert [version["number"] for version in versions] == ["1.0"]


def test_the_public_part_shows_a_plan_as_adopted_while_a_revision_changes_it(cast, adopted, ready):
    workflow.plan_revision_open(
        actor=cast.coordinator_a, plan=cast.plan_a, reason="re_scoping", text="Mid-term review"
    )
    intervention = Intervention.objects.get(pk=ready["intervention"].pk)
    intervention_update(
        actor=cast.coordinator_a,
        intervention=intervention,
        expected_version=intervention.version,
        data={"title": "A title still in draft"},
    )
    _frozen_version(cast.plan_a, 2, "in_validation")
    anyone = Client()
    urls = [
        reverse("api_open_plan_list"),
        reverse("api_open_version_list", args=[cast.plan_a.pk]),
        _open_version_url(adopted),
    ]
    for url in urls:
        response = call(anyone, "GET", url)
        assert response.status_code == 200, url
        assert b"A title still in draft" not in response.content, url
    assert ready["intervention"].title.encode() in anyone.get(_open_version_url(adopted)).content


def test_what_is_not_adopted_is_not_found_like_what_does_not_exist(cast, adopted):
    in_validation = _frozen_version(cast.plan_a, 2, "in_validation")
    withdrawn = _frozen_version(cast.plan_b, 1, "withdrawn")
    anyone = Client()
    missing = call(anyone, "GET", reverse("api_open_version_list", args=[999999]))
    assert missing.status_code == 404
    hidden = [
        reverse("api_open_version_list", args=[cast.plan_b.pk]),  # never adopted
        _open_version_url(in_validation),
        _open_version_url(withdrawn),
        reverse("api_open_version_detail", args=[cast.plan_a.pk, 9, 9]),
        reverse("api_open_version_detail", args=[999999, 1, 0]),
    ]
    for url in hidden:
        response = call(anyone, "GET", url)
        assert (response.status_code, response.json()) == (404, missing.json()), url
    # a user who sees plan B does not find it in the public part either
    coordinator_b = token_client(cast.coordinator_b)
    response = call(coordinator_b, "GET", reverse("api_open_version_list", args=[cast.plan_b.pk]))
    assert response.status_code == 404
    plans = call(coordinator_b, "GET", reverse("api_open_plan_list")).json()["results"]
    assert [plan["id"] for plan in plans] == [cast.plan_a.pk]


def test_the_adopted_plans_are_filtered_by_frozen_country_and_level(cast, adopted):
    anyone = Client()
    url = reverse("api_open_plan_list")
    country = cast.plan_a.country.code
    by_country = call(anyone, "GET", f"{url}?country={country}&level=national").json()
    assert [plan["id"] for plan in by_country["results"]] == [cast.plan_a.pk]
    assert call(anyone, "GET", f"{url}?level=local").json()["results"] == []
    wrong = call(anyone, "GET", f"{url}?country=XX")
    assert wrong.status_code == 400 and "country" in wrong.json()


def test_a_write_to_the_public_part_is_not_allowed(cast, adopted):
    for client in (Client(), token_client(cast.coordinator_a)):
        response = call(client, "POST", _open_version_url(adopted), {"title": "Renamed"})
        assert response.status_code == 405
    assert PlanVersion.objects.get(pk=adopted.pk).plan.title == cast.plan_a.title


# --- for those who see the plan ------------------------------------------------------------


def test_a_viewer_reads_every_version_and_the_changes_a_revision_carries(cast, adopted):
    workflow.plan_revision_open(
        actor=cast.coordinator_a, plan=cast.plan_a, reason="re_scoping", text="Mid-term review"
    )
    revision = _frozen_version(cast.plan_a, 2, "in_validation")
    PlanChange.objects.filter(plan=cast.plan_a).update(version=revision)
    viewer = token_client(cast.viewer_x)
    versions = call(viewer, "GET", reverse("api_version_list", args=[cast.plan_a.pk])).json()
    assert sorted((v["number"], v["status"]) for v in versions["results"]) == [
        ("1.0", "adopted"),
        ("2.0", "in_validation"),
    ]
    detail = call(
        viewer, "GET", reverse("api_version_detail", args=[cast.plan_a.pk, revision.pk])
    ).json()
    assert [(c["reason"], c["text"]) for c in detail["changes"]] == [
        ("re_scoping", "Mid-term review")
    ]
    assert detail["open_document"] is None  # not adopted: nothing public
    official = call(
        viewer, "GET", reverse("api_version_detail", args=[cast.plan_a.pk, adopted.pk])
    ).json()
    assert official["changes"] == []
    assert official["open_document"].endswith(_open_version_url(adopted))


def test_another_plans_version_is_not_found_under_a_plan(cast, adopted):
    version_b = _frozen_version(cast.plan_b, 1, "withdrawn")
    coordinator_a = token_client(cast.coordinator_a)
    response = call(
        coordinator_a, "GET", reverse("api_version_detail", args=[cast.plan_a.pk, version_b.pk])
    )
    assert response.status_code == 404
    outsider = token_client(cast.coordinator_b)
    response = call(outsider, "GET", reverse("api_version_list", args=[cast.plan_a.pk]))
    assert response.status_code == 404


# --- the same queries for 10 or 300 interventions --------------------------------------------


def _cold_queries(client, url) -> int:
    client.get(url)  # fills the process's caches (content types), which outlive a request
    caches["derived"].clear()
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context)


def test_the_public_part_costs_the_same_queries_for_10_or_300_interventions(cast, ready):
    prioritised = PrioritisedTarget.objects.get(plan=cast.plan_a)
    _grow(cast, prioritised, 9)
    small = _frozen_version(
        cast.plan_a, 1, "adopted", adoption_date=date.today(), adoption_reference="Decree 1"
    )
    anyone = Client()

    def counts(version):
        return [
            _cold_queries(anyone, url)
            for url in (
                reverse("api_open_plan_list"),
                reverse("api_open_version_list", args=[cast.plan_a.pk]),
                _open_version_url(version),
                reverse("api_version_list", args=[cast.plan_a.pk]),
            )
        ]

    anyone.force_login(cast.viewer_x)
    small_counts = counts(small)
    _grow(cast, prioritised, 290)
    PlanVersion.objects.filter(pk=small.pk).update(status="superseded")
    large = _frozen_version(
        cast.plan_a, 2, "adopted", adoption_date=date.today(), adoption_reference="Decree 2"
    )
    _frozen_version(
        cast.plan_b, 1, "adopted", adoption_date=date.today(), adoption_reference="By-law 3"
    )
    assert Intervention.objects.filter(plan=cast.plan_a).count() == 300
    assert counts(large) == small_counts
    assert max(small_counts) <= 8
