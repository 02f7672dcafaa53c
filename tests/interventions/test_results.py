"""The results framework of an intervention, through real requests: indicators (global
or national) with their target values per year, edited without lost updates, removed;
progress recorded by those who may; bad input refused on its field with nothing saved;
the chart and its data table on the intervention page."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import formats, timezone

from action_plans.history import plan_change_log
from governance.services.participations import participation_add
from interventions import services
from interventions.models import Intervention, Progress, ResultIndicator, TargetValue
from targets.models import Indicator, Target
from targets.services import prioritised_target_add

pytestmark = pytest.mark.usefixtures("catalogue")


def _intervention(cast, *, lead=None, start=date(2026, 1, 1), end=date(2028, 12, 31)):
    """An intervention of plan A addressing target 10.7, led by ministry X (2026–2028)."""
    prioritised = prioritised_target_add(
        actor=cast.coordinator_a,
        plan=cast.plan_a,
        target=Target.objects.get(code="10.7"),
        rationale="Labour migration governance",
    )
    return services.intervention_create(
        actor=cast.coordinator_a,
        plan=cast.plan_a,
        intervention=Intervention(
            title="Fair recruitment",
            level="programme",
            sector="labour",
            lead_organisation=lead or cast.ministry_x,
            start_date=start,
            end_date=end,
        ),
        links=services.Links(targets={prioritised.pk: "Lowers recruitment costs"}),
    )


def _indicator(cast, intervention, **values) -> ResultIndicator:
    return services.indicator_create(
        actor=cast.coordinator_a,
        intervention=intervention,
        indicator=ResultIndicator(
            **{"name": "Migrant workers recruited fairly", "unit": "people", **values}
        ),
        target_values={2026: Decimal(100), 2028: Decimal(300)},
    )


def _client(cast, role) -> Client:
    client = Client()
    client.force_login(cast.user(role))
    return client


def _add_url(cast, intervention):
    return reverse("result_indicator_add", args=[cast.plan_a.pk, intervention.pk])


def _edit_url(cast, indicator):
    return reverse(
        "result_indicator_edit", args=[cast.plan_a.pk, indicator.intervention_id, indicator.pk]
    )


def _progress_url(cast, indicator):
    return reverse(
        "progress_submit", args=[cast.plan_a.pk, indicator.intervention_id, indicator.pk]
    )


def _indicator_data(cast, **changes) -> dict:
    return {
        "sdg_indicator": "",
        "name": "",
        "unit": "%",
        "baseline_value": "12.5",
        "baseline_year": "2024",
        "baseline_source": "Labour force survey 2024",
        "means_of_verification": "Labour force survey, annual",
        "by_sex": "on",
        "by_migratory_status": "on",
        "reporting_organisation": cast.statistics_office.pk,
        "target_2026": "10",
        "target_2027": "",
        "target_2028": "8.5",
        **changes,
    }


def _edit_data(response) -> dict:
    """What the browser sends back for the edit page as opened."""
    data = {}
    for field in response.context["form"]:
        value = field.value()
        if field.widget_type == "checkbox":
            if value:
                data[field.html_name] = "on"
        elif value is not None:
            data[field.html_name] = getattr(value, "pk", value)
    return data


# --- adding, editing, removing ---------------------------------------------------------


def test_the_lead_organisations_editor_adds_a_global_indicator_with_targets_per_year(cast):
    intervention = _intervention(cast)
    sdg = Indicator.objects.get(code="10.7.1")
    client = _client(cast, "editor_x")

    page = client.get(_add_url(cast, intervention))
    assert page.status_code == 200
    body = page.content.decode()
    assert "10.7.1" in body and 'name="target_2026"' in body and 'name="target_2028"' in body
    assert 'name="target_2029"' not in body  # the intervention ends in 2028

    response = client.post(
        _add_url(cast, intervention), _indicator_data(cast, sdg_indicator=sdg.pk)
    )

    assert response.status_code == 302
    assert response["Location"].endswith(f"/interventions/{intervention.pk}/#results")
    indicator = ResultIndicator.objects.get(intervention=intervention)
    assert indicator.sdg_indicator == sdg and indicator.name == ""
    assert (indicator.unit, indicator.baseline_value, indicator.baseline_year) == (
        "%",
        Decimal("12.5"),
        2024,
    )
    assert (indicator.by_sex, indicator.by_age, indicator.by_migratory_status) == (
        True,
        False,
        True,
    )
    assert indicator.reporting_organisation == cast.statistics_office
    assert dict(indicator.target_values.values_list("year", "value")) == {
        2026: Decimal(10),
        2028: Decimal("8.5"),
    }
    subjects = [entry.subject for entry in plan_change_log(cast.plan_a).entries]
    assert "the indicator “10.7.1” of “Fair recruitment”" in subjects
    assert "the 2028 target of an SDG indicator" in subjects


def test_a_national_indicator_is_named(cast):
    intervention = _intervention(cast)

    response = _client(cast, "coordinator_x").post(
        _add_url(cast, intervention),
        _indicator_data(cast, name="Recruitment agencies licensed", unit="agencies"),
    )

    assert response.status_code == 302
    indicator = ResultIndicator.objects.get(intervention=intervention)
    assert (indicator.sdg_indicator, indicator.name) == (None, "Recruitment agencies licensed")
    subjects = [entry.subject for entry in plan_change_log(cast.plan_a).entries]
    assert "the 2026 target of the indicator “Recruitment agencies licensed”" in subjects


def test_an_indicator_needs_a_global_indicator_or_a_name(cast):
    intervention = _intervention(cast)

    response = _client(cast, "editor_x").post(_add_url(cast, intervention), _indicator_data(cast))

    assert response.status_code == 200
    assert response.context["form"].errors["name"] == [
        "Choose a global SDG indicator or name a national indicator."
    ]
    assert not ResultIndicator.objects.exists()


def test_an_edit_changes_the_indicator_and_its_target_values(cast):
    indicator = _indicator(cast, _intervention(cast))
    client = _client(cast, "editor_x")
    opened = client.get(_edit_url(cast, indicator))
    data = {**_edit_data(opened), "unit": "workers", "target_2026": "", "target_2027": "200"}

    response = client.post(_edit_url(cast, indicator), data)

    assert response.status_code == 302
    indicator.refresh_from_db()
    assert (indicator.unit, indicator.version) == ("workers", 2)
    assert dict(indicator.target_values.values_list("year", "value")) == {
        2027: Decimal(200),
        2028: Decimal(300),
    }


def test_a_stale_save_shows_the_conflict_screen_and_saves_nothing(cast):
    indicator = _indicator(cast, _intervention(cast))
    client = _client(cast, "editor_x")
    opened = client.get(_edit_url(cast, indicator))
    services.indicator_update(  # someone else saves meanwhile
        actor=cast.coordinator_a,
        indicator=indicator,
        expected_version=indicator.version,
        data={"unit": "workers"},
        target_values={2028: Decimal(350)},
    )

    response = client.post(
        _edit_url(cast, indicator),
        {**_edit_data(opened), "unit": "migrants", "target_2028": "400"},
    )

    assert response.status_code == 200
    form = response.context["form"]
    assert any(error.code == "conflict" for error in form.non_field_errors().as_data())
    assert form["version"].value() == 2
    assert ("Unit", "workers") in response.context["saved_values"]
    assert ("Target for 2028", "350") in response.context["saved_values"]
    assert 'value="migrants"' in response.content.decode()  # the user's input kept
    indicator.refresh_from_db()
    assert indicator.unit == "workers"
    assert indicator.target_values.get(year=2028).value == Decimal(350)


def test_removing_an_indicator_asks_first_then_removes_its_targets_and_progress(cast):
    intervention = _intervention(cast)
    indicator = _indicator(cast, intervention)
    services.progress_submit(
        actor=cast.editor_s,
        indicator=indicator,
        measured_on=date(2026, 6, 30),
        value=Decimal(40),
        source="Register",
    )
    url = reverse("result_indicator_remove", args=[cast.plan_a.pk, intervention.pk, indicator.pk])
    client = _client(cast, "editor_x")

    page = client.get(url)
    assert page.status_code == 200
    assert "Remove the indicator “Migrant workers recruited fairly”" in page.content.decode()
    assert ResultIndicator.objects.exists()

    response = client.post(url)
    assert response.status_code == 302
    assert not ResultIndicator.objects.exists()
    assert not TargetValue.objects.exists() and not Progress.objects.exists()
    assert client.post(url).status_code == 404  # removed once


# --- bad input: a message on its field, nothing saved ----------------------------------


def test_a_global_indicator_of_a_target_not_addressed_is_refused(cast):
    intervention = _intervention(cast)
    other = Indicator.objects.get(code="8.7.1")

    response = _client(cast, "editor_x").post(
        _add_url(cast, intervention), _indicator_data(cast, sdg_indicator=other.pk)
    )

    assert response.status_code == 200
    assert response.context["form"].errors["sdg_indicator"] == [
        "Choose an indicator of a target this intervention addresses."
    ]
    assert 'href="#id_sdg_indicator"' in response.content.decode()  # the error summary
    assert not ResultIndicator.objects.exists()


def test_a_reporting_organisation_outside_the_plan_is_refused(cast):
    intervention = _intervention(cast)

    response = _client(cast, "editor_x").post(
        _add_url(cast, intervention),
        _indicator_data(cast, name="Licensed agencies", reporting_organisation=cast.outside_org.pk),
    )

    assert response.status_code == 200
    assert response.context["form"].errors["reporting_organisation"] == [
        "Choose an organisation that takes part in this plan."
    ]
    assert not ResultIndicator.objects.exists()


def test_a_reporting_organisation_taking_part_in_two_plans_saves_again_and_again(cast):
    # Regression: the choice's query joined participations, so an organisation in two
    # plans came out twice once saved, and every later save answered 500.
    participation_add(
        actor=cast.administrator,
        plan=cast.plan_b,
        organisation=cast.ministry_y,
        signatory_required=False,
    )
    indicator = _indicator(cast, _intervention(cast))
    client = _client(cast, "editor_x")

    for unit in ("workers", "people"):
        opened = client.get(_edit_url(cast, indicator))
        assert opened.status_code == 200
        data = {**_edit_data(opened), "unit": unit, "reporting_organisation": cast.ministry_y.pk}
        response = client.post(_edit_url(cast, indicator), data)
        assert response.status_code == 302

    indicator.refresh_from_db()
    assert (indicator.unit, indicator.reporting_organisation) == ("people", cast.ministry_y)


def test_a_target_year_outside_the_interventions_timeline_is_refused(cast):
    intervention = _intervention(cast)
    indicator = _indicator(cast, intervention)  # targets for 2026 and 2028
    # The service refuses to end the intervention before its targets…
    links = services.Links(
        targets=dict(
            intervention.addressed_targets.values_list("prioritised_target_id", "contribution")
        )
    )
    with pytest.raises(ValidationError, match="targets for 2028, outside these dates"):
        services.intervention_update(
            actor=cast.coordinator_a,
            intervention=intervention,
            expected_version=intervention.version,
            data={"end_date": date(2027, 12, 31)},
            links=links,
        )
    # …but records saved before that rule (or by hand) may still hold such a year.
    Intervention.objects.filter(pk=intervention.pk).update(end_date=date(2027, 12, 31))
    client = _client(cast, "editor_x")
    opened = client.get(_edit_url(cast, indicator))
    assert 'name="target_2028"' in opened.content.decode()  # shown, to be cleared

    response = client.post(_edit_url(cast, indicator), {**_edit_data(opened), "unit": "workers"})

    assert response.status_code == 200
    assert response.context["form"].errors["target_2028"] == [
        "Set targets only for the years of the intervention (2026–2027)."
    ]
    indicator.refresh_from_db()
    assert (indicator.unit, indicator.version) == ("people", 1)

    cleared = client.post(
        _edit_url(cast, indicator), {**_edit_data(opened), "unit": "workers", "target_2028": ""}
    )
    assert cleared.status_code == 302
    assert list(indicator.target_values.values_list("year", flat=True)) == [2026]


def test_a_target_year_outside_the_timeline_is_refused_by_the_service_too(cast):
    intervention = _intervention(cast)
    with pytest.raises(services.ValidationError) as refused:
        services.indicator_create(
            actor=cast.coordinator_a,
            intervention=intervention,
            indicator=ResultIndicator(name="Licensed agencies", unit="agencies"),
            target_values={2030: Decimal(5)},
        )
    assert "target_values" in refused.value.message_dict
    assert not ResultIndicator.objects.exists()


def test_a_progress_value_dated_in_the_future_is_refused(cast):
    indicator = _indicator(cast, _intervention(cast))
    tomorrow = timezone.localdate() + timedelta(days=1)

    response = _client(cast, "editor_s").post(
        _progress_url(cast, indicator),
        {"measured_on": tomorrow.isoformat(), "value": "50", "source": "Register"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["measured_on"] == [
        "A progress value cannot be dated in the future."
    ]
    assert not Progress.objects.exists()


@pytest.mark.parametrize("measured_on", ["0001-01-01", "1989-12-31"])
def test_a_progress_value_dated_before_1990_is_refused(cast, measured_on):
    # The earliest baseline year an indicator may have; 0001-01-01 was once saved.
    indicator = _indicator(cast, _intervention(cast))

    response = _client(cast, "editor_s").post(
        _progress_url(cast, indicator),
        {"measured_on": measured_on, "value": "50", "source": "Register"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["measured_on"] == ["Enter a date from 1 Jan 1990."]
    assert not Progress.objects.exists()


@pytest.mark.parametrize("measured_on", ["2024-12-31", "1990-01-01"])
def test_a_progress_value_dated_before_the_plans_period_is_refused(cast, measured_on):
    indicator = _indicator(cast, _intervention(cast))  # plan A runs from 2025 to 2030

    response = _client(cast, "editor_s").post(
        _progress_url(cast, indicator),
        {"measured_on": measured_on, "value": "50", "source": "Census"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["measured_on"] == [
        "Enter a date within the plan's period, 2025 to 2030."
    ]
    assert 'min="2025-01-01"' in response.content.decode()
    assert not Progress.objects.exists()


def test_a_progress_value_dated_1_january_of_the_plans_first_year_is_submitted(cast):
    indicator = _indicator(cast, _intervention(cast))

    response = _client(cast, "editor_s").post(
        _progress_url(cast, indicator),
        {"measured_on": "2025-01-01", "value": "50", "source": "Census 2025"},
    )

    assert response.status_code == 302
    progress = Progress.objects.get()
    assert (progress.measured_on, progress.period) == (date(2025, 1, 1), "2025 Q1")


@pytest.mark.parametrize(
    ("measured_on", "message"),
    [
        (date(1, 1, 1), "Enter a date from 1 Jan 1990."),
        (date(9999, 12, 31), "A progress value cannot be dated in the future."),
    ],
)
def test_the_service_refuses_the_same_progress_dates(cast, measured_on, message):
    indicator = _indicator(cast, _intervention(cast))
    with pytest.raises(ValidationError) as refusal:
        services.progress_submit(
            actor=cast.editor_s,
            indicator=indicator,
            measured_on=measured_on,
            value=Decimal(50),
            source="Register",
        )
    assert refusal.value.message_dict == {"measured_on": [message]}
    assert not Progress.objects.exists()


# --- progress, and who may ------------------------------------------------------------


def test_the_monitoring_lead_records_progress_but_does_not_change_the_indicator(cast):
    indicator = _indicator(cast, _intervention(cast))
    client = _client(cast, "editor_s")

    assert client.get(_edit_url(cast, indicator)).status_code == 403
    assert client.get(_progress_url(cast, indicator)).status_code == 200
    response = client.post(
        _progress_url(cast, indicator),
        {"measured_on": "2026-06-30", "value": "120", "source": "Labour register"},
    )

    assert response.status_code == 302
    progress = Progress.objects.get()
    assert (progress.value, progress.submitted_by, progress.source) == (
        Decimal(120),
        cast.editor_s,
        "Labour register",
    )
    indicator.refresh_from_db()
    assert indicator.version == 1  # an edit opened meanwhile is not made stale by it
    subjects = [entry.subject for entry in plan_change_log(cast.plan_a).entries]
    assert any(subject.startswith("progress measured on") for subject in subjects)

    remove = reverse(
        "progress_remove",
        args=[cast.plan_a.pk, indicator.intervention_id, indicator.pk, progress.pk],
    )
    assert client.get(remove).status_code == 200
    assert client.post(remove).status_code == 302
    assert not Progress.objects.exists()


def test_the_reporting_organisation_records_progress(cast):
    indicator = _indicator(cast, _intervention(cast), reporting_organisation=cast.ministry_y)

    response = _client(cast, "editor_y").post(
        _progress_url(cast, indicator),
        {"measured_on": "2026-03-31", "value": "30", "source": "Health registry"},
    )

    assert response.status_code == 302
    assert Progress.objects.get().submitted_by == cast.editor_y


def test_an_editor_of_another_organisation_is_refused(cast):
    intervention = _intervention(cast)
    indicator = _indicator(cast, intervention)
    client = _client(cast, "editor_y")

    assert client.get(_add_url(cast, intervention)).status_code == 403
    assert client.post(_add_url(cast, intervention), _indicator_data(cast)).status_code == 403
    assert client.get(_edit_url(cast, indicator)).status_code == 403
    assert client.post(_edit_url(cast, indicator), {"unit": "x"}).status_code == 403
    assert (
        client.post(
            _progress_url(cast, indicator),
            {"measured_on": "2026-03-31", "value": "30", "source": "Registry"},
        ).status_code
        == 403
    )
    assert not Progress.objects.exists()
    assert ResultIndicator.objects.get().unit == "people"


def test_the_lead_organisations_editor_records_progress_too(cast):
    indicator = _indicator(cast, _intervention(cast))

    response = _client(cast, "editor_x").post(
        _progress_url(cast, indicator),
        {"measured_on": "2026-03-31", "value": "30", "source": "Agency returns"},
    )

    assert response.status_code == 302
    assert Progress.objects.exists()


# --- the intervention page's results framework ----------------------------------------


def _results_framework(cast, intervention, role: str) -> str:
    """The intervention's page as ``role`` sees it."""
    response = _client(cast, role).get(
        reverse("intervention_detail", args=[cast.plan_a.pk, intervention.pk])
    )
    assert response.status_code == 200
    return response.content.decode()


def test_progress_recorded_appears_in_the_charts_data_table(cast):
    indicator = _indicator(
        cast, _intervention(cast), baseline_value=Decimal(80), baseline_year=2024
    )
    _client(cast, "editor_x").post(
        _progress_url(cast, indicator),
        {"measured_on": "2026-06-30", "value": "1234.5", "source": "Labour register"},
    )
    waiting = _results_framework(cast, indicator.intervention, "editor_s")
    assert "Latest value 1,234.5" not in waiting, "not counted before approval"
    assert "<td>Progress</td>" not in waiting
    progress = Progress.objects.get()
    services.progress_approve(
        actor=cast.editor_s, progress=progress, expected_version=progress.version
    )

    html = _results_framework(cast, indicator.intervention, "editor_s")  # monitoring lead

    table = html[html.index(f'id="chart-data-{indicator.pk}"') :]
    table = table[: table.index("</table>")]
    day = formats.date_format(date(2026, 6, 30), "SHORT_DATE_FORMAT")
    assert f'<td>Progress</td><td>{day}</td><td class="text-end">1,234.5</td>' in table
    assert '<td>Target</td><td>2028</td><td class="text-end">300</td>' in table
    assert "<td>Baseline</td><td>2024</td>" in table
    assert 'role="img"' in html and "Latest value 1,234.5" in html
    assert f'aria-labelledby="indicator-{indicator.pk}-chart-title"' in html
    assert (
        reverse("progress_submit", args=[cast.plan_a.pk, indicator.intervention_id, indicator.pk])
        in html
    )
    assert "result_indicator_edit" not in html and "Add an indicator" not in html


def test_the_links_follow_what_the_reader_may_do(cast):
    intervention = _intervention(cast)
    indicator = _indicator(cast, intervention, reporting_organisation=cast.ministry_y)

    editing = _results_framework(cast, intervention, "editor_x")  # the lead organisation
    reporting = _results_framework(cast, intervention, "editor_y")  # reports on the indicator
    reading = _results_framework(cast, intervention, "viewer_x")

    assert _edit_url(cast, indicator) in editing and _add_url(cast, intervention) in editing
    assert _progress_url(cast, indicator) in editing
    assert _progress_url(cast, indicator) in reporting
    assert f'href="{_edit_url(cast, indicator)}"' not in reporting
    assert f'href="{_edit_url(cast, indicator)}"' not in reading
    assert _add_url(cast, intervention) not in reading
    assert _progress_url(cast, indicator) not in reading


def test_the_results_framework_costs_the_same_queries_however_many_indicators(cast):
    intervention = _intervention(cast)

    client = _client(cast, "editor_x")
    url = reverse("intervention_detail", args=[cast.plan_a.pk, intervention.pk])

    def render_counted() -> int:
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    for number in range(2):
        indicator = _indicator(cast, intervention, name=f"Indicator {number}")
        services.progress_submit(
            actor=cast.editor_s,
            indicator=indicator,
            measured_on=date(2026, 3, 1),
            value=Decimal(number),
            source="Register",
        )
    small = render_counted()
    for number in range(2, 6):
        indicator = _indicator(
            cast, intervention, sdg_indicator=Indicator.objects.get(code="10.7.1"), name=""
        )
        services.progress_submit(
            actor=cast.editor_s,
            indicator=indicator,
            measured_on=date(2026, 3, number),
            value=Decimal(number),
            source="Register",
        )
    assert render_counted() == small
