"""The localisation pledge held as a target: the plan's target share of funds to local
actors, set on its page and shown against the share on the funding overview, the plan's
dashboard, its chart and the frozen version's document."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from action_plans import documents, workflow
from action_plans.models import PlanDocument
from action_plans.snapshot import build_snapshot
from funding.charts import localisation_chart
from funding.models import LocalisationTarget
from funding.selectors import Figures, LocalTargets
from funding.services import localisation_target_save
from tests.conftest import approve_all
from tests.funding.conftest import commit
from tests.interventions.conftest import make_intervention


@pytest.fixture
def fair(cast, targets_a):
    return make_intervention(cast, targets_a, estimated_cost=Decimal("2000000"))


@pytest.fixture
def funded(cast, fair, sources, local_actor):
    """Plan A with 1,000,000 GHS committed, 200,000 of it (20 %) to a local actor."""
    commit(
        cast.coordinator_a,
        fair,
        sources["budget"],
        amount="1000000",
        to_local_actors="200000",
        local_channel="direct",
        local_actors=[local_actor],
    )
    return fair


def _url(cast) -> str:
    return reverse("localisation_target_edit", args=[cast.plan_a.pk])


def _set(client, cast, **values) -> object:
    data = {"version": "0", "of_committed": "", "of_disbursed": ""}
    data.update(values)
    return client.post(_url(cast), data)


def _overview(client, cast) -> str:
    return client.get(reverse("funding_overview", args=[cast.plan_a.pk])).content.decode()


def test_the_coordinator_sets_the_target_and_the_overview_shows_the_share_below_it(
    client, cast, funded
):
    client.force_login(cast.coordinator_a)
    assert "No target share of funds to local actors is set yet." in _overview(client, cast)

    response = _set(client, cast, of_committed="25")

    assert response.status_code == 302
    target = LocalisationTarget.objects.get(plan=cast.plan_a)
    assert (target.of_committed, target.of_disbursed) == (Decimal("25.00"), None)
    page = _overview(client, cast)
    assert (
        "Of committed funds, 20.0\xa0% reaches local actors; target 25.0\xa0%: below target."
        in page
    )
    assert "Of disbursed funds" not in page.split("localisation-target")[1].split("</div>")[0]
    assert "Change the target share" in page


def test_the_share_meets_a_lower_target_and_a_reader_sees_it_without_a_link_to_change_it(
    client, cast, funded
):
    client.force_login(cast.coordinator_a)
    _set(client, cast, of_committed="20", of_disbursed="12.5")
    client.force_login(cast.viewer_x)

    page = _overview(client, cast)

    assert "target 20.0\xa0%: target met." in page
    assert "Of disbursed funds, no funds yet; target 12.5\xa0%: nothing to measure yet." in page
    assert "Change the target share" not in page
    assert client.get(_url(cast)).status_code == 403


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("100.01", "Enter a share from 0 to 100 percent."),
        ("-1", "Enter a share from 0 to 100 percent."),
        ("1000", "Enter a share from 0 to 100 percent."),
        ("25.125", "Enter a share with at most two decimals, such as 25.5."),
        ("a quarter", "Enter a number."),
    ],
)
def test_a_share_out_of_range_or_too_precise_is_refused_on_its_field(client, cast, value, message):
    client.force_login(cast.coordinator_a)

    response = _set(client, cast, of_committed="25", of_disbursed=value)

    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["of_disbursed"] == [message]
    assert "of_committed" not in form.errors
    assert 'href="#id_of_disbursed"' in response.content.decode()  # the error summary
    assert not LocalisationTarget.objects.exists()


def test_the_database_refuses_a_share_over_100(cast):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        LocalisationTarget.objects.create(plan=cast.plan_a, of_committed=Decimal("100.5"))


def test_the_service_refuses_a_share_over_100_with_its_message(cast):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        localisation_target_save(
            actor=cast.coordinator_a,
            plan=cast.plan_a,
            expected_version=0,
            data={"of_committed": Decimal(120), "of_disbursed": None},
        )
    assert refused.value.message_dict["of_committed"] == ["Enter a share from 0 to 100 percent."]
    assert not LocalisationTarget.objects.exists()


def test_the_dashboard_shows_the_share_against_the_target(client, cast, funded):
    client.force_login(cast.coordinator_a)
    _set(client, cast, of_committed="25")
    client.force_login(cast.viewer_x)

    page = client.get(reverse("plan_detail", args=[cast.plan_a.pk])).content.decode()

    assert "of committed funds; target 25.0\xa0%: below target" in page


def test_the_chart_marks_the_target_names_it_in_its_legend_and_its_table():
    figures = Figures(committed=Decimal(1000), to_local_actors=Decimal(300))
    chart = localisation_chart(figures, "GHS", targets=LocalTargets(of_committed=Decimal("0.25")))

    assert chart.svg.count('class="target"') == 2  # the mark on the bar, and the legend's key
    assert ">Target share<" in chart.svg
    assert "Its target is 25.0\xa0%: target met." in chart.svg  # in words under the bar
    assert chart.headers[-2:] == ["Target share", "Against the target"]
    assert chart.rows[0][-2:] == ["25.0\xa0%", "target met"]
    assert chart.rows[1][-2:] == ["—", "—"]  # no target for disbursed funds
    assert "Its target is 25.0\xa0%: target met." in chart.description
    # the mark on the bar stands at a quarter of the bar's width (459 wide, from 0.5)
    marks = re.findall(r'<line x1="([\d.]+)"[^>]*class="target"', chart.svg)
    assert abs(float(marks[-1]) - (0.5 + 459 / 4)) <= 0.1


def test_without_a_target_the_chart_is_as_before():
    chart = localisation_chart(Figures(committed=Decimal(1000)), "GHS")

    assert 'class="target"' not in chart.svg
    assert len(chart.headers) == 4


def test_the_frozen_version_and_its_document_carry_the_target(
    client, cast, ready, sources, local_actor
):
    commit(
        cast.coordinator_a,
        ready["intervention"],
        sources["budget"],
        amount="1000000",
        to_local_actors="200000",
        local_channel="direct",
        local_actors=[local_actor],
    )
    client.force_login(cast.coordinator_a)
    _set(client, cast, of_committed="25")

    version = workflow.plan_submit(actor=cast.coordinator_a, plan=cast.plan_a)
    approve_all(cast, ready)

    totals = build_snapshot(cast.plan_a)["sections"]["funding"]["totals"]
    assert totals["local_target_of_committed"] == "0.2500"
    assert totals["local_target_of_disbursed"] is None
    document = PlanDocument.objects.create(plan=cast.plan_a, version=version)
    html = documents.document_html(document)
    assert "Target share to local actors" in html
    assert "target 25.0\xa0%: below target" in html
    assert 'id="pdf-localisation' in html and 'class="target"' in html


def test_a_change_of_the_target_shows_in_the_plans_history(client, cast):
    client.force_login(cast.coordinator_a)
    _set(client, cast, of_committed="25")

    page = client.get(reverse("plan_history", args=[cast.plan_a.pk])).content.decode()

    assert "the target share of funds to local actors" in page


def test_outside_a_draft_the_target_cannot_change(client, cast, ready):
    workflow.plan_submit(actor=cast.coordinator_a, plan=cast.plan_a)
    client.force_login(cast.coordinator_a)

    assert _set(client, cast, of_committed="25").status_code == 409
    assert not LocalisationTarget.objects.exists()
