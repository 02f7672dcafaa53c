"""Funding dates within bounds, through the pages and the services alike: a commitment (and
its exchange rate) dated from 2010 to the end of the year after the plan period, an
engagement from 2010 to today. 9999-12-31 was once saved."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from funding.models import Commitment, Engagement, EngagementKind
from funding.services import engagement_create
from tests.funding.conftest import commit
from tests.funding.test_pages import _commitment_data
from tests.interventions.conftest import make_intervention

pytestmark = pytest.mark.usefixtures("catalogue")

# Plan A runs 2025–2030.
TOO_LATE = "Enter a date no later than 31 Dec 2031, a year after the plan period."


@pytest.fixture
def fair(cast, targets_a):
    return make_intervention(cast, targets_a)


def _commitment_post(client, cast, fair, source, **values):
    client.force_login(cast.coordinator_a)
    return client.post(
        reverse("commitment_create", args=[cast.plan_a.pk, fair.pk]),
        _commitment_data(source, **values),
    )


@pytest.mark.parametrize("dated", ["9999-12-31", "2032-01-01"])
def test_a_commitment_dated_after_the_year_following_the_plan_is_refused(
    client, cast, fair, sources, dated
):
    response = _commitment_post(client, cast, fair, sources["budget"], dated=dated)

    assert response.status_code == 200
    assert response.context["form"].errors["dated"] == [TOO_LATE]
    assert 'href="#id_dated"' in response.content.decode()
    assert not Commitment.objects.exists()


def test_a_commitment_dated_on_the_last_day_allowed_is_saved(client, cast, fair, sources):
    response = _commitment_post(client, cast, fair, sources["budget"], dated="2031-12-31")

    assert response.status_code == 302
    assert Commitment.objects.get().dated == date(2031, 12, 31)


def test_an_exchange_rate_dated_after_the_year_following_the_plan_is_refused(
    client, cast, fair, sources
):
    response = _commitment_post(
        client,
        cast,
        fair,
        sources["eu"],
        currency="EUR",
        exchange_rate="16.4523",
        rate_date="9999-12-31",
    )

    assert response.status_code == 200
    assert response.context["form"].errors["rate_date"] == [TOO_LATE]
    assert not Commitment.objects.exists()


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"dated": date(9999, 12, 31)}, "dated", TOO_LATE),
        ({"dated": date(2009, 12, 31)}, "dated", "Enter a date from 1 January 2010."),
        (
            {"currency": "EUR", "rate_date": date(2032, 1, 1)},
            "rate_date",
            TOO_LATE,
        ),
    ],
)
def test_the_service_refuses_the_same_dates_as_the_form(
    cast, fair, sources, values, field, message
):
    source = sources["eu"] if values.get("currency") == "EUR" else sources["budget"]
    with pytest.raises(ValidationError) as refusal:
        commit(cast.coordinator_a, fair, source, amount="1000", **values)

    assert refusal.value.message_dict == {field: [message]}
    assert not Commitment.objects.exists()


def _engagement_post(client, cast, held_on: str):
    client.force_login(cast.coordinator_a)
    return client.post(
        reverse("engagement_create", args=[cast.plan_a.pk]),
        {
            "version": "0",
            "held_on": held_on,
            "partner": str(cast.outside_org.pk),
            "kind": "bilateral_meeting",
        },
    )


@pytest.mark.parametrize("days_ahead", [1, 2_900_000])  # tomorrow; about 9966
def test_an_engagement_dated_in_the_future_is_refused(client, cast, days_ahead):
    held_on = timezone.localdate() + timedelta(days=days_ahead)

    response = _engagement_post(client, cast, held_on.isoformat())

    assert response.status_code == 200
    (message,) = response.context["form"].errors["held_on"]
    assert message.startswith("An engagement is recorded once it has taken place")
    assert not Engagement.objects.exists()


def test_an_engagement_held_today_is_saved(client, cast):
    response = _engagement_post(client, cast, timezone.localdate().isoformat())

    assert response.status_code == 302
    assert Engagement.objects.get().held_on == timezone.localdate()


@pytest.mark.parametrize(
    ("held_on", "starts"),
    [
        (date(2009, 12, 31), "Enter a date from 1 January 2010."),
        (date(9999, 12, 31), "An engagement is recorded once it has taken place"),
    ],
)
def test_the_service_refuses_an_engagement_out_of_bounds(cast, held_on, starts):
    engagement = Engagement(
        held_on=held_on, partner=cast.outside_org, kind=EngagementKind.BILATERAL_MEETING
    )
    with pytest.raises(ValidationError) as refusal:
        engagement_create(
            actor=cast.coordinator_a, plan=cast.plan_a, engagement=engagement, interventions=[]
        )

    assert list(refusal.value.message_dict) == ["held_on"]
    assert refusal.value.message_dict["held_on"][0].startswith(starts)
    assert not Engagement.objects.exists()
