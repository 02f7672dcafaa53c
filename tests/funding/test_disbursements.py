"""Money disbursed is recorded on the living plan: once a plan is adopted its content is
frozen, but what its funders pay out goes on (funding.rules.DISBURSEMENT_RECORD).

Through real requests as the cast: ministry X's editor records what X's budget line has
paid out of its commitment to an adopted plan, and the funding figures show it; an
amount above the commitment is refused on the field; another ministry may not; a stale
page shows the conflict. In a draft the page is offered only to a funder who may not
change the commitment itself."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from action_plans import workflow
from action_plans.models import PlanStatus
from funding.models import Commitment, FundingSource, Stage
from funding.services import commitment_create, commitment_disbursement_record, source_create
from msd_planner.lib.money import format_money
from tests.conftest import approve_all
from tests.test_url_matrix import _commitment_of_x, _intervention_of_x


@pytest.fixture
def adopted(cast, catalogue, ready, settings) -> Commitment:
    """Plan A adopted, with ministry X's 250,000 GHS committed to the intervention it
    leads (nothing disbursed yet)."""
    settings.PLAN_DOCUMENTS_ON_VALIDATION = False
    commitment = _commitment_of_x(cast)
    workflow.plan_submit(actor=cast.coordinator_a, plan=cast.plan_a)
    approve_all(cast, ready)
    workflow.plan_adopt(
        actor=cast.coordinator_a,
        plan=cast.plan_a,
        adoption_date=timezone.localdate(),
        reference="Cabinet decision 12/2026",
    )
    cast.plan_a.refresh_from_db()
    assert cast.plan_a.status == PlanStatus.ADOPTED
    return commitment


def _url(commitment: Commitment) -> str:
    return reverse(
        "commitment_disbursement",
        args=[commitment.intervention.plan_id, commitment.intervention_id, commitment.pk],
    )


def _funding_page(commitment: Commitment) -> str:
    return reverse(
        "intervention_funding", args=[commitment.intervention.plan_id, commitment.intervention_id]
    )


def test_the_funders_editor_records_a_disbursement_on_an_adopted_plan(client, cast, adopted):
    client.force_login(cast.editor_x)
    funding_page = client.get(_funding_page(adopted)).content.decode()
    assert _url(adopted) in funding_page, "offered on the commitment's row"
    assert "Record a disbursement" in funding_page
    opened = client.get(_url(adopted))
    assert opened.status_code == 200
    assert "Disbursed to date, in GHS" in opened.content.decode()

    saved = client.post(
        _url(adopted), {"version": opened.context["form"]["version"].value(), "disbursed": "100000"}
    )

    assert saved.status_code == 302
    assert saved["Location"] == _funding_page(adopted)
    back = client.get(saved["Location"]).content.decode()
    assert "Disbursement of “Labour budget line” recorded." in back
    assert format_money(Decimal(100000), "GHS") in back, "on the commitment's row"
    adopted.refresh_from_db()
    assert (adopted.stage, adopted.disbursed, adopted.base_disbursed) == (
        Stage.DISBURSED,
        Decimal(100000),
        Decimal(100000),
    )
    overview = client.get(reverse("funding_overview", args=[cast.plan_a.pk])).content.decode()
    disbursed = overview.split(">Disbursed<", 1)[1].split("</dd>", 1)[0]
    assert format_money(Decimal(100000), "GHS") in disbursed


def test_more_than_was_committed_is_refused_on_the_field(client, cast, adopted):
    client.force_login(cast.editor_x)

    refused = client.post(_url(adopted), {"version": adopted.version, "disbursed": "300000"})

    assert refused.status_code == 200
    assert refused.context["form"].errors["disbursed"] == [
        "The amount disbursed cannot exceed the amount."
    ]
    page = refused.content.decode()
    assert 'href="#id_disbursed"' in page, "the error summary links to the field"
    assert 'value="300000"' in page, "the input is kept"
    adopted.refresh_from_db()
    assert (adopted.stage, adopted.disbursed) == (Stage.COMMITTED, 0)


def test_a_negative_or_too_precise_amount_is_refused(client, cast, adopted):
    client.force_login(cast.editor_x)

    refused = client.post(_url(adopted), {"version": adopted.version, "disbursed": "-5.123"})

    errors = refused.context["form"].errors["disbursed"]
    assert "Enter an amount of zero or more." in errors
    assert len(errors) == 2, "negative and more decimals than the cedi has"


def test_another_ministry_may_not_record_it(client, cast, adopted):
    client.force_login(cast.editor_y)
    assert _url(adopted) not in client.get(_funding_page(adopted)).content.decode()
    assert client.get(_url(adopted)).status_code == 403
    posted = client.post(_url(adopted), {"version": adopted.version, "disbursed": "1000"})
    assert posted.status_code == 403

    client.force_login(cast.coordinator_b)
    assert client.get(_url(adopted)).status_code == 404
    adopted.refresh_from_db()
    assert adopted.disbursed == 0


def test_a_stale_page_shows_the_conflict(client, cast, adopted):
    client.force_login(cast.coordinator_a)
    opened_version = adopted.version
    commitment_disbursement_record(
        actor=cast.coordinator_a,
        commitment=adopted,
        expected_version=opened_version,
        disbursed=Decimal(50000),
    )
    client.force_login(cast.editor_x)

    stale = client.post(_url(adopted), {"version": opened_version, "disbursed": "80000"})

    assert stale.status_code == 200
    form = stale.context["form"]
    assert any(error.code == "conflict" for error in form.non_field_errors().as_data())
    assert form["version"].value() == opened_version + 1, "a second submit replaces on purpose"
    assert "80000" in stale.content.decode(), "the user's input kept"
    adopted.refresh_from_db()
    assert adopted.disbursed == Decimal(50000)


def test_zero_disbursed_takes_the_commitment_back_to_committed(client, cast, adopted):
    commitment_disbursement_record(
        actor=cast.editor_x,
        commitment=adopted,
        expected_version=adopted.version,
        disbursed=Decimal(1),
    )
    adopted.refresh_from_db()
    client.force_login(cast.editor_x)

    corrected = client.post(_url(adopted), {"version": adopted.version, "disbursed": "0"})

    assert corrected.status_code == 302
    adopted.refresh_from_db()
    assert (adopted.stage, adopted.disbursed, adopted.base_disbursed) == (Stage.COMMITTED, 0, 0)


# --- in a draft ---------------------------------------------------------------------------


@pytest.fixture
def budget_of_y(cast, ready) -> FundingSource:
    """Ministry Y's budget line, beside ministry X's commitment (made first: the matrix's
    helpers take the plan's first source as X's)."""
    _commitment_of_x(cast)
    return source_create(
        actor=cast.coordinator_a,
        plan=cast.plan_a,
        source=FundingSource(
            name="Interior budget line",
            provider=cast.ministry_y,
            kind="national_budget",
            currency="GHS",
        ),
    )


def _commitment_of_y(cast, source: FundingSource, stage: str) -> Commitment:
    return commitment_create(
        actor=cast.coordinator_a,
        intervention=_intervention_of_x(cast),
        commitment=Commitment(
            source=source,
            stage=stage,
            amount=Decimal(40000),
            currency="GHS",
            dated=timezone.localdate(),
        ),
        local_actors=[],
    )


def test_in_a_draft_the_page_is_offered_to_a_funder_who_may_not_change_the_commitment(
    client, cast, budget_of_y
):
    """Ministry Y's money committed to ministry X's intervention: those who keep the
    resource mobilisation plan record it as committed, and Y's editor may then only
    record what it pays out; X's editor changes X's own commitment with the full form."""
    of_x = Commitment.objects.get(source__provider=cast.ministry_x)
    of_y = _commitment_of_y(cast, budget_of_y, Stage.COMMITTED)
    client.force_login(cast.editor_y)
    page = client.get(_funding_page(of_y)).content.decode()
    assert _url(of_y) in page
    assert _url(of_x) not in page
    saved = client.post(_url(of_y), {"version": of_y.version, "disbursed": "15000"})
    assert saved.status_code == 302
    of_y.refresh_from_db()
    assert (of_y.stage, of_y.disbursed) == (Stage.DISBURSED, Decimal(15000))

    client.force_login(cast.editor_x)
    page = client.get(_funding_page(of_x)).content.decode()
    assert reverse("commitment_edit", args=[cast.plan_a.pk, of_x.intervention_id, of_x.pk]) in (
        page
    )
    assert _url(of_x) not in page, "the full form records it in a draft"


def test_a_pledge_pays_nothing_out(client, cast, budget_of_y):
    pledge = _commitment_of_y(cast, budget_of_y, Stage.PLEDGED)
    client.force_login(cast.coordinator_a)
    assert client.get(_url(pledge)).status_code == 403
    with pytest.raises(ValidationError) as refused:
        commitment_disbursement_record(
            actor=cast.coordinator_a,
            commitment=pledge,
            expected_version=pledge.version,
            disbursed=Decimal(100),
        )
    assert "disbursed" in refused.value.message_dict
