"""Progress reported and reviewed, through real requests: the reporting side submits a
value for a quarter (with its disaggregation, comment and evidence), those who lead
monitoring approve it or return it with a comment, a returned value is corrected and
submitted again; only approved values count. Bad input is refused on its field with
nothing saved."""

import io
import zipfile
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from action_plans import workflow
from action_plans.history import plan_change_log
from interventions import services
from interventions.models import Progress, ProgressStatus
from tests.interventions.test_results import _client, _indicator, _intervention, _progress_url

pytestmark = pytest.mark.usefixtures("catalogue")

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 20


def _xlsx() -> bytes:
    """The smallest parts that make a ZIP an XLSX workbook."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
    return buffer.getvalue()


def _docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def reported(cast):
    """An indicator of ministry X's intervention that ministry Y reports on."""
    return _indicator(cast, _intervention(cast), reporting_organisation=cast.ministry_y)


def _submit(client, cast, indicator, **fields):
    data = {"measured_on": "2026-03-31", "value": "30", "source": "Labour register", **fields}
    return client.post(_progress_url(cast, indicator), data)


def _review_url(cast, progress) -> str:
    return reverse("progress_review", args=[cast.plan_a.pk, progress.pk])


def _correct_url(cast, progress) -> str:
    return reverse("progress_correct", args=[cast.plan_a.pk, progress.pk])


def _page(cast, indicator, role: str) -> str:
    response = _client(cast, role).get(
        reverse("intervention_detail", args=[cast.plan_a.pk, indicator.intervention_id])
    )
    assert response.status_code == 200
    return response.content.decode()


def _submitted(cast, indicator, *, actor=None, **values) -> Progress:
    return services.progress_submit(
        actor=actor or cast.editor_y,
        indicator=indicator,
        **{
            "measured_on": date(2026, 3, 31),
            "value": Decimal(30),
            "source": "Labour register",
            **values,
        },
    )


# --- the workflow, by role --------------------------------------------------------------


def test_a_value_is_submitted_reviewed_and_approved_and_only_then_counts(cast, reported):
    reporter = _client(cast, "editor_y")
    response = _submit(reporter, cast, reported, comment="First quarter, provisional")
    assert response.status_code == 302
    progress = Progress.objects.get()
    assert (progress.status, progress.period, progress.submitted_by) == (
        ProgressStatus.SUBMITTED,
        "2026 Q1",
        cast.editor_y,
    )
    page = _page(cast, reported, "viewer_x")  # whoever sees the plan sees the state
    assert '<span class="tag">Submitted</span>' in page
    assert "Latest value 30" not in page  # not in the chart until approved

    reviewer = _client(cast, "editor_s")  # the statistics office leads monitoring
    listed = reviewer.get(reverse("progress_review_list", args=[cast.plan_a.pk]))
    assert listed.status_code == 200
    assert _review_url(cast, progress) in listed.content.decode()
    assert "1 value waiting for review" in listed.content.decode()

    decided = reviewer.post(
        _review_url(cast, progress), {"version": progress.version, "decision": "approve"}
    )

    assert decided.status_code == 302
    progress.refresh_from_db()
    assert (progress.status, progress.reviewed_by) == (ProgressStatus.APPROVED, cast.editor_s)
    page = _page(cast, reported, "viewer_x")
    assert '<span class="tag">Approved</span>' in page and "Latest value 30" in page
    empty = reviewer.get(reverse("progress_review_list", args=[cast.plan_a.pk]))
    assert "No value waits for review." in empty.content.decode()


def test_the_history_names_who_submitted_and_who_approved(cast, reported):
    _submit(_client(cast, "editor_y"), cast, reported)
    progress = Progress.objects.get()
    _client(cast, "coordinator_a").post(
        _review_url(cast, progress), {"version": progress.version, "decision": "approve"}
    )

    page = _client(cast, "coordinator_a").get(reverse("plan_history", args=[cast.plan_a.pk]))
    text = page.content.decode()

    submitted = f"{cast.editor_y.get_full_name()}"
    approved = f"{cast.coordinator_a.get_full_name()}"
    entries = [entry.sentence for entry in plan_change_log(cast.plan_a).entries if entry.sentence]
    assert any(
        "submitted progress measured on" in sentence and "(2026 Q1) for review" in sentence
        for sentence in entries
    )
    assert any("approved progress measured on" in sentence for sentence in entries)
    assert submitted in text and approved in text
    assert "(2026 Q1) for review" in text and "approved progress measured on" in text


def test_a_returned_value_says_why_and_is_corrected_and_submitted_again(cast, reported):
    progress = _submitted(cast, reported)
    reviewer = _client(cast, "editor_s")

    no_reason = reviewer.post(
        _review_url(cast, progress), {"version": progress.version, "decision": "return"}
    )
    assert no_reason.status_code == 200
    assert no_reason.context["form"].errors["comment"] == ["Say why the value is returned."]
    assert Progress.objects.get().status == ProgressStatus.SUBMITTED

    reviewer.post(
        _review_url(cast, progress),
        {"version": progress.version, "decision": "return", "comment": "Give the survey round."},
    )
    progress.refresh_from_db()
    assert progress.status == ProgressStatus.RETURNED
    page = _page(cast, reported, "editor_y")
    assert "Why: Give the survey round." in page
    assert _correct_url(cast, progress) in page

    reporter = _client(cast, "editor_y")
    opened = reporter.get(_correct_url(cast, progress))
    assert opened.status_code == 200 and "Give the survey round." in opened.content.decode()
    corrected = reporter.post(
        _correct_url(cast, progress),
        {
            "version": progress.version,
            "measured_on": "2026-03-31",
            "value": "31",
            "source": "Labour register, round 2",
        },
    )

    assert corrected.status_code == 302
    progress.refresh_from_db()
    assert (progress.status, progress.value, progress.review_comment) == (
        ProgressStatus.SUBMITTED,
        Decimal(31),
        "",
    )
    sentences = [entry.sentence for entry in plan_change_log(cast.plan_a).entries]
    assert any(s and "returned progress" in s and "Give the survey round." in s for s in sentences)
    assert any(s and "and submitted it again" in s for s in sentences)


def test_a_reviewer_cannot_approve_or_return_their_own_submission(cast, reported):
    progress = _submitted(cast, reported, actor=cast.editor_s)  # the monitoring lead reports
    client = _client(cast, "editor_s")

    assert "You submitted this value" in client.get(_review_url(cast, progress)).content.decode()
    for decision in ({"decision": "approve"}, {"decision": "return", "comment": "Mine"}):
        response = client.post(_review_url(cast, progress), {"version": 1, **decision})
        assert response.status_code == 403
        assert "You submitted this value: someone else who leads monitoring reviews it." in (
            response.content.decode()
        )
    assert Progress.objects.get().status == ProgressStatus.SUBMITTED

    other = _client(cast, "coordinator_a")  # the lead ministry's coordinator reviews too
    assert (
        other.post(_review_url(cast, progress), {"version": 1, "decision": "approve"}).status_code
        == 302
    )
    assert Progress.objects.get().status == ProgressStatus.APPROVED


def test_a_stale_review_decides_nothing(cast, reported):
    progress = _submitted(cast, reported)
    opened_version = progress.version
    services.progress_return(
        actor=cast.coordinator_a, progress=progress, expected_version=opened_version, comment="No"
    )
    returned = Progress.objects.get()
    services.progress_resubmit(
        actor=cast.editor_y,
        progress=returned,
        expected_version=returned.version,
        data={"measured_on": date(2026, 3, 31), "value": Decimal(32), "source": "Register"},
    )

    response = _client(cast, "editor_s").post(
        _review_url(cast, progress), {"version": opened_version, "decision": "approve"}
    )

    assert response.status_code == 409
    assert "The value was changed after you opened it" in response.content.decode()
    assert Progress.objects.get().status == ProgressStatus.SUBMITTED


def test_those_who_do_not_lead_monitoring_do_not_review(cast, reported):
    progress = _submitted(cast, reported)
    for role in ("editor_x", "editor_y", "coordinator_x", "viewer_x"):
        client = _client(cast, role)
        assert client.get(reverse("progress_review_list", args=[cast.plan_a.pk])).status_code == 403
        response = client.post(_review_url(cast, progress), {"version": 1, "decision": "approve"})
        assert response.status_code == 403
    assert Progress.objects.get().status == ProgressStatus.SUBMITTED
    assert (
        "wait for your review"
        not in _client(cast, "editor_x")
        .get(reverse("intervention_list", args=[cast.plan_a.pk]))
        .content.decode()
    )


def test_the_monitoring_lead_sees_how_many_values_wait_for_review(cast, reported):
    _submitted(cast, reported)
    _submitted(cast, reported, measured_on=date(2026, 6, 30))

    page = _client(cast, "editor_s").get(reverse("intervention_list", args=[cast.plan_a.pk]))

    assert "2 progress values wait for your review" in page.content.decode()
    assert reverse("progress_review_list", args=[cast.plan_a.pk]) in page.content.decode()


def test_an_approved_value_is_removed_only_by_those_who_lead_monitoring(cast, reported):
    progress = _submitted(cast, reported)
    services.progress_approve(actor=cast.editor_s, progress=progress, expected_version=1)
    remove = reverse(
        "progress_remove",
        args=[cast.plan_a.pk, reported.intervention_id, reported.pk, progress.pk],
    )

    refused = _client(cast, "editor_y").post(remove, follow=True)
    assert "An approved value is removed only by those who lead monitoring." in (
        refused.content.decode()
    )
    assert Progress.objects.exists()

    _client(cast, "editor_s").post(remove)
    assert not Progress.objects.exists()


def test_the_review_list_is_filtered_by_organisation(cast, reported):
    own = _indicator(cast, reported.intervention, name="Agencies inspected", unit="agencies")
    _submitted(cast, reported)  # reported by ministry Y
    _submitted(cast, own, actor=cast.editor_x)  # ministry X's own indicator
    client = _client(cast, "editor_s")
    url = reverse("progress_review_list", args=[cast.plan_a.pk])

    everyone = client.get(url).content.decode()
    of_y = client.get(url, {"organisation": cast.ministry_y.pk}).content.decode()

    assert "2 values waiting for review" in everyone
    assert "1 value waiting for review" in of_y and "Agencies inspected" not in of_y


def test_the_review_list_runs_over_pages(cast):
    by_sex = _indicator(cast, _intervention(cast), name="Workers placed", by_sex=True)
    for quarter in range(8):  # 2025 Q1 to 2026 Q4, women, men and both: 24 values
        for sex in ("F", "M", "_T"):
            _submitted(
                cast,
                by_sex,
                actor=cast.editor_x,
                measured_on=date(2025 + quarter // 4, 3 * (quarter % 4) + 1, 1),
                sex=sex,
            )
    other = _indicator(cast, by_sex.intervention, name="Agencies licensed")
    for month in (1, 4):
        _submitted(cast, other, actor=cast.editor_x, measured_on=date(2025, month, 1))
    client = _client(cast, "editor_s")
    url = reverse("progress_review_list", args=[cast.plan_a.pk])

    first = client.get(url).content.decode()
    second = client.get(url, {"page": 2}).content.decode()

    assert "26 values waiting for review" in first and "Page 1 of 2" in first
    assert first.count('/review/">Review') == 25
    assert "Page 2 of 2" in second and second.count('/review/">Review') == 1


def test_the_review_list_costs_the_same_queries_however_many_values(cast, reported):
    client = _client(cast, "editor_s")
    url = reverse("progress_review_list", args=[cast.plan_a.pk])

    def counted() -> int:
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    _submitted(cast, reported)
    small = counted()
    for year in (2025, 2026):
        for month in (2, 5, 8, 11):
            if (year, month) != (2026, 2):
                _submitted(cast, reported, measured_on=date(year, month, 1))
    assert counted() == small


# --- bad input, refused on its field with nothing saved ----------------------------------


def test_a_second_value_for_the_same_period_is_a_conflict(cast, reported):
    client = _client(cast, "editor_y")
    assert _submit(client, cast, reported, measured_on="2026-01-15").status_code == 302

    again = _submit(client, cast, reported, measured_on="2026-03-20", value="35")

    assert again.status_code == 409
    assert "A value for 2026 Q1 is already submitted on this indicator." in again.content.decode()
    assert Progress.objects.count() == 1

    services.progress_approve(
        actor=cast.editor_s, progress=Progress.objects.get(), expected_version=1
    )
    approved_again = _submit(client, cast, reported, measured_on="2026-02-10")
    assert approved_again.status_code == 409
    assert "already approved" in approved_again.content.decode()
    assert _submit(client, cast, reported, measured_on="2026-04-01").status_code == 302


def test_a_returned_value_does_not_hold_its_period(cast, reported):
    progress = _submitted(cast, reported)
    services.progress_return(
        actor=cast.editor_s, progress=progress, expected_version=1, comment="Wrong round"
    )
    assert _submit(_client(cast, "editor_y"), cast, reported).status_code == 302
    assert Progress.objects.filter(status=ProgressStatus.SUBMITTED).count() == 1


def test_the_database_refuses_a_second_value_for_a_period_too(cast, reported):
    first = _submitted(cast, reported)
    second = Progress(
        indicator=reported,
        measured_on=date(2026, 2, 1),
        period_year=first.period_year,
        period_quarter=first.period_quarter,
        value=Decimal(1),
        source="Bypass",
    )
    with pytest.raises(ValidationError) as refused:
        second.validate_constraints()
    assert "already submitted or approved" in str(refused.value)


@pytest.mark.parametrize(
    ("unit", "value", "message"),
    [
        ("% of monthly income", "120", "A percentage lies between 0 and 100."),
        ("percent", "-1", "A percentage lies between 0 and 100."),
        ("people", "-5", "A count or an amount cannot be negative."),
        ("people", "many", "Enter a number."),
    ],
)
def test_a_value_outside_its_units_range_is_refused(cast, unit, value, message):
    indicator = _indicator(
        cast, _intervention(cast), unit=unit, reporting_organisation=cast.ministry_y
    )

    response = _submit(_client(cast, "editor_y"), cast, indicator, value=value)

    assert response.status_code == 200
    assert response.context["form"].errors["value"] == [message]
    assert not Progress.objects.exists()


def test_the_form_says_what_range_the_unit_allows(cast):
    percentage = _indicator(cast, _intervention(cast), unit="%", reporting_organisation=None)
    page = _client(cast, "editor_x").get(_progress_url(cast, percentage)).content.decode()
    assert "A percentage: from 0 to 100." in page


def test_a_percentage_of_0_and_of_100_is_submitted(cast):
    indicator = _indicator(cast, _intervention(cast), unit="%")
    client = _client(cast, "editor_x")
    assert _submit(client, cast, indicator, value="0").status_code == 302
    assert (
        _submit(client, cast, indicator, value="100", measured_on="2026-06-30").status_code == 302
    )


def test_a_disaggregation_is_offered_only_as_the_indicator_declares_it(cast):
    intervention = _intervention(cast)
    by_sex = _indicator(cast, intervention, name="Workers placed", by_sex=True)
    total_only = _indicator(cast, intervention, name="Agencies licensed")
    client = _client(cast, "editor_x")

    assert 'name="sex"' in client.get(_progress_url(cast, by_sex)).content.decode()
    assert 'name="sex"' not in client.get(_progress_url(cast, total_only)).content.decode()
    for sex in ("F", "M", "_T"):  # one value per group of the same quarter
        assert _submit(client, cast, by_sex, sex=sex).status_code == 302
    assert sorted(Progress.objects.values_list("sex", flat=True)) == ["F", "M", "_T"]
    assert _submit(client, cast, by_sex, sex="F").status_code == 409

    with pytest.raises(ValidationError) as refused:
        _submitted(cast, total_only, actor=cast.editor_x, sex="F")
    assert refused.value.message_dict == {
        "sex": ["The indicator is not disaggregated this way: choose the total."]
    }


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("notes.txt", b"just some text", "Attach a PDF, PNG, JPEG or XLSX file"),
        ("report.pdf", b"not really a pdf", "Attach a PDF, PNG, JPEG or XLSX file"),
        ("report.pdf", PNG, "The file's name does not match its content, which is PNG"),
        ("photo.jpg", PDF, "The file's name does not match its content, which is PDF"),
        ("table.xlsx", _docx(), "Attach a PDF, PNG, JPEG or XLSX file"),
    ],
)
def test_an_evidence_file_whose_content_is_not_what_it_says_is_refused(
    cast, reported, name, content, message
):
    upload = SimpleUploadedFile(name, content, content_type="application/pdf")

    response = _submit(_client(cast, "editor_y"), cast, reported, evidence=upload)

    assert response.status_code == 200
    (error,) = response.context["form"].errors["evidence"]
    assert error.startswith(message)
    assert not Progress.objects.exists()


def test_an_evidence_file_too_large_is_refused(cast, reported, settings):
    settings.PROGRESS_EVIDENCE_MAX_BYTES = 1024 * 1024
    upload = SimpleUploadedFile("scan.png", PNG + b"\x00" * (1024 * 1024))

    response = _submit(_client(cast, "editor_y"), cast, reported, evidence=upload)

    assert response.status_code == 200
    assert response.context["form"].errors["evidence"] == [
        "The file is larger than 1 MB: attach a smaller one."
    ]
    assert not Progress.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("report.pdf", PDF, "application/pdf"),
        ("scan.PNG", PNG, "image/png"),
        ("photo.jpeg", JPEG, "image/jpeg"),
        (
            "figures.xlsx",
            _xlsx(),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
    ],
)
def test_evidence_is_stored_and_served_to_those_who_see_the_plan(
    cast, reported, name, content, content_type
):
    upload = SimpleUploadedFile(name, content, content_type="application/octet-stream")
    assert _submit(_client(cast, "editor_y"), cast, reported, evidence=upload).status_code == 302
    progress = Progress.objects.get()
    url = reverse("progress_evidence", args=[cast.plan_a.pk, progress.pk])
    assert url in _page(cast, reported, "viewer_x")

    response = _client(cast, "viewer_x").get(url)

    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert "attachment" in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == content
    assert _client(cast, "coordinator_b").get(url).status_code == 404  # not in plan B


def test_an_organisation_that_does_not_report_the_indicator_cannot_submit(cast):
    indicator = _indicator(cast, _intervention(cast), reporting_organisation=cast.ministry_x)
    response = _submit(_client(cast, "editor_y"), cast, indicator)
    assert response.status_code == 403
    assert not Progress.objects.exists()


def test_a_value_dated_in_the_future_or_after_the_plans_period_is_refused(cast, reported):
    with pytest.raises(ValidationError) as refused:
        _submitted(cast, reported, measured_on=date(2031, 1, 1))
    assert list(refused.value.message_dict) == ["measured_on"]
    assert not Progress.objects.exists()


# --- only approved values count ---------------------------------------------------------


STATUSES = st.sampled_from(["submitted", "approved", "returned"])


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    values=st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=7),  # a quarter of 2025–2026
            st.decimals(min_value=0, max_value=10**6, places=2, allow_nan=False),
            STATUSES,
        ),
        max_size=8,
        unique_by=lambda item: item[0],
    )
)
def test_the_plans_figures_hold_the_approved_values_and_no_other(cast, ready, values):
    """Whatever values are submitted, approved or returned: the snapshot a version would
    freeze, the chart of the intervention's page and the dashboard's count of measured
    indicators hold exactly the approved ones."""
    indicator = ready["intervention"].indicators.get()
    with transaction.atomic():
        approved = []
        for quarter, value, status in values:
            measured_on = date(2025 + quarter // 4, 3 * (quarter % 4) + 1, 15)
            progress = _submitted(
                cast, indicator, actor=cast.coordinator_a, measured_on=measured_on, value=value
            )
            if status == "approved":
                services.progress_approve(
                    actor=cast.editor_s, progress=progress, expected_version=1
                )
                approved.append([measured_on.isoformat(), value])
            elif status == "returned":
                services.progress_return(
                    actor=cast.editor_s, progress=progress, expected_version=1, comment="No"
                )

        snapshot = workflow.draft_snapshot(cast.plan_a)
        (record,) = [
            record
            for record in snapshot["sections"]["interventions"]["records"]
            if record["kind"] == "indicator"
        ]
        frozen = [[day, Decimal(number)] for day, number in record["fields"]["progress"]]
        assert frozen == sorted(approved)
        facts = {fact.label: fact.value for fact in workflow.plan_facts(cast.plan_a)}
        assert facts["Indicators with progress recorded"] == ("1 of 1" if approved else "0 of 1")
        assert facts["Progress values waiting for review"] == str(
            sum(status == "submitted" for _quarter, _value, status in values)
        )
        transaction.set_rollback(True)


def test_the_demo_has_a_value_of_the_statistical_office_waiting_for_review(db, client):
    from django.core.management import call_command

    from action_plans.models import ActionPlan
    from governance.models import User

    call_command("load_demo")
    national = ActionPlan.objects.get(level="national")
    (waiting,) = Progress.objects.filter(
        indicator__intervention__plan=national, status=ProgressStatus.SUBMITTED
    )
    assert waiting.submitted_by.username == "stats.editor"
    assert not Progress.objects.filter(
        indicator__intervention__plan=national, status=ProgressStatus.RETURNED
    ).exists()

    client.force_login(User.objects.get(username="coordinator"))  # leads the plan jointly
    listed = client.get(reverse("progress_review_list", args=[national.pk]))
    assert reverse("progress_review", args=[national.pk, waiting.pk]) in listed.content.decode()
    decided = client.post(
        reverse("progress_review", args=[national.pk, waiting.pk]),
        {"version": waiting.version, "decision": "approve"},
    )
    assert decided.status_code == 302
    waiting.refresh_from_db()
    assert waiting.status == ProgressStatus.APPROVED


def test_a_correction_into_a_period_already_taken_is_a_conflict(cast, reported):
    returned = _submitted(cast, reported)
    services.progress_return(
        actor=cast.editor_s, progress=returned, expected_version=1, comment="Wrong quarter"
    )
    _submitted(cast, reported, measured_on=date(2026, 6, 30))  # 2026 Q2, waiting
    returned.refresh_from_db()

    response = _client(cast, "editor_y").post(
        _correct_url(cast, returned),
        {
            "version": returned.version,
            "measured_on": "2026-05-31",
            "value": "30",
            "source": "Labour register",
        },
    )

    assert response.status_code == 409
    assert "A value for 2026 Q2 is already submitted on this indicator." in (
        response.content.decode()
    )
    returned.refresh_from_db()
    assert (returned.status, returned.measured_on) == (ProgressStatus.RETURNED, date(2026, 3, 31))


def test_only_a_returned_value_opens_for_correction(cast, reported):
    progress = _submitted(cast, reported)

    response = _client(cast, "editor_y").get(_correct_url(cast, progress), follow=True)

    assert "Only a returned value is corrected: this one is submitted." in (
        response.content.decode()
    )
    assert Progress.objects.get().version == 1
