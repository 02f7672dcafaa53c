"""Reminders of the values due, and the values overdue: before each quarter ends, the
editors and coordinators of each organisation that still owes values on a monitored plan
are told which, once (in the app and by email); the quarters that ended without their
value are counted on the overview of those who lead monitoring and listed for them."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from action_plans import workflow
from action_plans.models import Notification, NotificationEvent, PlanVersion
from governance.models import Role
from governance.services.accounts import user_deactivate
from governance.services.memberships import membership_set
from interventions import reporting, services
from interventions.models import Intervention, InterventionStatus, ProgressReminder, ResultIndicator
from interventions.tasks import remind_reporting_organisations
from targets.models import PrioritisedTarget
from tests import factories
from tests.conftest import approve_all

pytestmark = pytest.mark.django_db

# Monitoring of plan A starts on its adoption, 15 January 2026 (the first quarter to
# report is 2026 Q1); its intervention runs from 2026 to 2028.
ADOPTED_ON = date(2026, 1, 15)
# 11 days before the end of 2026 Q1: inside the 14 days of the reminders.
IN_Q1_WINDOW = date(2026, 3, 20)


@pytest.fixture(autouse=True)
def _no_documents(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PLAN_DOCUMENTS_ON_VALIDATION = False
    settings.PROGRESS_REMINDER_DAYS = 14


def _adopt(cast, ready, adopted_on: date = ADOPTED_ON) -> None:
    workflow.plan_submit(actor=cast.coordinator_a, plan=cast.plan_a)
    approve_all(cast, ready)
    workflow.plan_adopt(
        actor=cast.coordinator_a,
        plan=cast.plan_a,
        adoption_date=timezone.localdate(),
        reference="Cabinet decision 12/2026",
    )
    # adopted on that day (the workflow only takes a date since validation)
    PlanVersion.objects.filter(plan=cast.plan_a).update(adoption_date=adopted_on)


@pytest.fixture
def monitored(cast, ready):
    """Plan A, adopted: ministry X's intervention in the plan with two indicators, the
    first reported by ministry X (its lead), the second by ministry Y."""
    intervention = ready["intervention"]
    services.intervention_update(
        actor=cast.coordinator_a,
        intervention=intervention,
        expected_version=intervention.version,
        data={"status": InterventionStatus.IN_PLAN},
    )
    (by_x,) = intervention.indicators.all()
    by_y = services.indicator_create(
        actor=cast.coordinator_a,
        intervention=intervention,
        indicator=_indicator("Health workers trained", cast.ministry_y),
        target_values={2028: Decimal(50)},
    )
    _adopt(cast, ready)
    return {"intervention": intervention, "by_x": by_x, "by_y": by_y}


def _indicator(name: str, reporter) -> ResultIndicator:
    return ResultIndicator(
        name=name,
        unit="people",
        baseline_value=Decimal(0),
        baseline_year=2025,
        by_sex=True,
        reporting_organisation=reporter,
    )


def _send(django_capture_on_commit_callbacks, today: date = IN_Q1_WINDOW) -> int:
    with django_capture_on_commit_callbacks(execute=True):
        return services.progress_reminders_send(today=today)


def _reminded() -> list[str]:
    return sorted(
        Notification.objects.filter(event=NotificationEvent.REPORTING_DUE).values_list(
            "user__username", flat=True
        )
    )


def _submit(cast, indicator, measured_on: date, **values):
    return services.progress_submit(
        actor=cast.editor_y,
        indicator=indicator,
        **{"measured_on": measured_on, "value": Decimal(10), "source": "Register", **values},
    )


# --- reminders ----------------------------------------------------------------------------


def test_each_organisation_is_reminded_once_a_quarter_of_what_it_owes(
    cast, monitored, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    assert _send(django_capture_on_commit_callbacks) == 2
    # Ministry X's editor and coordinator, ministry Y's editor: not their viewers or
    # signatories, not the other organisations' members.
    assert _reminded() == ["coordinator_x", "editor_x", "editor_y"]
    assert sorted(address for message in mail.outbox for address in message.to) == sorted(
        user.email for user in (cast.coordinator_x, cast.editor_x, cast.editor_y)
    )
    notice_x = Notification.objects.get(user=cast.editor_x)
    assert notice_x.message.startswith(
        "“Plan A”: Ministry of Labour has not yet submitted the values of 2026 Q1"
    )
    assert "due by 31 Mar 2026" in notice_x.message
    assert "- Fair recruitment: Workers recruited fairly (2026 Q1)" in notice_x.message
    assert "Health workers trained" not in notice_x.message  # ministry Y reports it
    notice_y = Notification.objects.get(user=cast.editor_y)
    assert "- Fair recruitment: Health workers trained (2026 Q1)" in notice_y.message
    assert "Workers recruited fairly" not in notice_y.message
    # the link opens the intervention, where the values are submitted
    intervention_page = reverse(
        "intervention_detail", args=[cast.plan_a.pk, monitored["intervention"].pk]
    )
    assert notice_x.url == intervention_page
    (email_y,) = [message for message in mail.outbox if message.to == [cast.editor_y.email]]
    assert email_y.subject == "MSD Planner – Plan A: Reporting due"
    assert "Health workers trained (2026 Q1)" in email_y.body
    assert email_y.body.endswith(intervention_page)

    # Run again in the same quarter, the next day too: no one is told twice.
    assert _send(django_capture_on_commit_callbacks) == 0
    assert _send(django_capture_on_commit_callbacks, date(2026, 3, 21)) == 0
    assert len(mail.outbox) == 3
    assert len(_reminded()) == 3
    assert ProgressReminder.objects.count() == 2

    # The next quarter, those who still owe its values are reminded again.
    assert _send(django_capture_on_commit_callbacks, date(2026, 6, 17)) == 2
    assert len(mail.outbox) == 6
    assert "2026 Q2" in Notification.objects.filter(user=cast.editor_y).first().message


def test_the_periodic_job_reminds_once_however_often_it_runs(
    cast, ready, settings, django_capture_on_commit_callbacks
):
    """The task itself, on today's date: with reminders open the whole quarter, the
    current quarter is due (monitoring started on the first day of the quarter)."""
    settings.PROGRESS_REMINDER_DAYS = 92
    intervention = ready["intervention"]
    services.intervention_update(
        actor=cast.coordinator_a,
        intervention=intervention,
        expected_version=intervention.version,
        data={
            "status": InterventionStatus.UNDER_WAY,
            "start_date": date(2025, 1, 1),
            "end_date": date(2030, 12, 31),
        },
    )
    today = timezone.localdate()
    _adopt(cast, ready, reporting.quarter_first_day(reporting.quarter_of(today)))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert remind_reporting_organisations() == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert remind_reporting_organisations() == 0
    assert _reminded() == ["coordinator_x", "editor_x"]
    assert len(mail.outbox) == 2


def test_no_reminder_before_the_last_days_of_the_quarter(
    cast, monitored, django_capture_on_commit_callbacks
):
    assert _send(django_capture_on_commit_callbacks, date(2026, 3, 16)) == 0  # 15 days
    assert _send(django_capture_on_commit_callbacks, date(2026, 3, 17)) == 2  # 14 days
    assert _send(django_capture_on_commit_callbacks, date(2026, 3, 31)) == 0


def test_an_organisation_that_submitted_its_totals_is_not_reminded(
    cast, monitored, django_capture_on_commit_callbacks
):
    # Ministry X submitted its total (waiting for review): nothing more is due from it.
    _submit(cast, monitored["by_x"], date(2026, 2, 28))
    # Ministry Y reported women only, and its total was returned: still due.
    _submit(cast, monitored["by_y"], date(2026, 2, 28), sex="F")
    returned = _submit(cast, monitored["by_y"], date(2026, 3, 1))
    services.progress_return(
        actor=cast.editor_s, progress=returned, expected_version=1, comment="Wrong source"
    )
    assert _send(django_capture_on_commit_callbacks) == 1
    assert _reminded() == ["editor_y"]


def test_only_monitored_plans_are_reminded_of(cast, ready, django_capture_on_commit_callbacks):
    intervention = ready["intervention"]
    services.intervention_update(
        actor=cast.coordinator_a,
        intervention=intervention,
        expected_version=intervention.version,
        data={"status": InterventionStatus.IN_PLAN},
    )
    # never adopted: in validation, then validated
    workflow.plan_submit(actor=cast.coordinator_a, plan=cast.plan_a)
    assert _send(django_capture_on_commit_callbacks) == 0
    approve_all(cast, ready)
    assert _send(django_capture_on_commit_callbacks) == 0
    assert reporting.monitored_plan_ids() == []

    # adopted, then under revision: monitored all along
    workflow.plan_adopt(
        actor=cast.coordinator_a,
        plan=cast.plan_a,
        adoption_date=timezone.localdate(),
        reference="Cabinet decision 12/2026",
    )
    PlanVersion.objects.filter(plan=cast.plan_a).update(adoption_date=ADOPTED_ON)
    workflow.plan_revision_open(
        actor=cast.coordinator_a, plan=cast.plan_a, reason="new_intervention", text="Returnees"
    )
    assert _send(django_capture_on_commit_callbacks) == 1


def test_interventions_not_in_the_plan_or_outside_their_timeline_owe_nothing(cast, ready):
    # Fair recruitment (2026–2028) is in the plan; a proposed intervention is not.
    intervention = ready["intervention"]
    services.intervention_update(
        actor=cast.coordinator_a,
        intervention=intervention,
        expected_version=intervention.version,
        data={"status": InterventionStatus.IN_PLAN},
    )
    proposed = services.intervention_create(
        actor=cast.coordinator_a,
        plan=cast.plan_a,
        intervention=Intervention(
            title="Health screening",
            level="programme",
            sector="health",
            lead_organisation=cast.ministry_y,
            start_date=date(2026, 1, 1),
            end_date=date(2028, 12, 31),
            estimated_cost=Decimal(1000),
        ),
        links=services.Links(
            targets={PrioritisedTarget.objects.get(plan=cast.plan_a).pk: "Healthy migrants"}
        ),
    )
    services.indicator_create(
        actor=cast.coordinator_a,
        intervention=proposed,
        indicator=_indicator("People screened", cast.ministry_y),
        target_values={2028: Decimal(10)},
    )
    _adopt(cast, ready)
    duties = reporting.reporting_duties(cast.plan_a)
    assert [(duty.indicator_label, duty.first, duty.last) for duty in duties] == [
        ("Workers recruited fairly", (2026, 1), (2028, 4))
    ]
    assert not reporting.due_by_organisation(duties, (2025, 4))  # before the adoption
    assert not reporting.due_by_organisation(duties, (2029, 1))  # after the intervention
    assert list(reporting.due_by_organisation(duties, (2028, 4))) == [cast.ministry_x.pk]


def test_an_organisation_without_editors_is_reminded_once_one_joins(
    cast, monitored, django_capture_on_commit_callbacks
):
    user_deactivate(actor=cast.administrator, user=cast.editor_y)
    assert _send(django_capture_on_commit_callbacks) == 1  # ministry X only
    assert "editor_y" not in _reminded()
    newcomer = factories.UserFactory(username="editor_y2")
    membership_set(actor=None, user=newcomer, organisation=cast.ministry_y, role=Role.EDITOR)
    assert _send(django_capture_on_commit_callbacks) == 1
    assert _reminded() == ["coordinator_x", "editor_x", "editor_y2"]


def test_the_reminder_is_written_in_each_readers_language(
    cast, monitored, django_capture_on_commit_callbacks
):
    cast.editor_y.language = "fr"
    cast.editor_y.save(update_fields=["language"])
    _send(django_capture_on_commit_callbacks)
    message = Notification.objects.get(user=cast.editor_y).message
    assert "n'a pas encore soumis les valeurs de 2026 Q1" in message
    assert "31 mars 2026" in message


# --- the quarter arithmetic ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("quarter", "first", "last"),
    [
        ((2026, 1), date(2026, 1, 1), date(2026, 3, 31)),
        ((2026, 2), date(2026, 4, 1), date(2026, 6, 30)),
        ((2026, 3), date(2026, 7, 1), date(2026, 9, 30)),
        ((2026, 4), date(2026, 10, 1), date(2026, 12, 31)),
    ],
)
def test_a_quarters_first_and_last_days(quarter, first, last):
    assert reporting.quarter_first_day(quarter) == first
    assert reporting.quarter_last_day(quarter) == last


# --- overdue values -----------------------------------------------------------------------


def _previous_quarter_start() -> date:
    return reporting.quarter_first_day(
        reporting.previous_quarter(reporting.quarter_of(timezone.localdate()))
    )


@pytest.fixture
def overdue_plan(cast, ready):
    """Plan A adopted at the start of the last ended quarter, its intervention running
    the whole plan period: each of its two indicators owes that quarter's value."""
    intervention = ready["intervention"]
    services.intervention_update(
        actor=cast.coordinator_a,
        intervention=intervention,
        expected_version=intervention.version,
        data={
            "status": InterventionStatus.UNDER_WAY,
            "start_date": date(2025, 1, 1),
            "end_date": date(2030, 12, 31),
        },
    )
    (by_x,) = intervention.indicators.all()
    by_y = services.indicator_create(
        actor=cast.coordinator_a,
        intervention=intervention,
        indicator=_indicator("Health workers trained", cast.ministry_y),
        target_values={2028: Decimal(50)},
    )
    _adopt(cast, ready, _previous_quarter_start())
    return {"intervention": intervention, "by_x": by_x, "by_y": by_y}


FACT = re.compile(
    r'<dt class="small fw-normal"><a href="[^"]*">([^<]*)</a></dt>'
    r'<dd class="fs-5 text-nowrap">([^<]*)</dd>'
)


def _facts(role, cast) -> dict[str, str]:
    """The facts of plan A's overview as ``role`` reads them, by label."""
    client = Client()
    client.force_login(cast.user(role))
    page = client.get(reverse("plan_detail", args=[cast.plan_a.pk])).content.decode()
    return dict(FACT.findall(page))


def test_the_overdue_values_are_counted_for_those_who_lead_monitoring_only(cast, overdue_plan):
    for role in ("editor_s", "coordinator_a"):  # the statistics office, the lead's coordinator
        facts = _facts(role, cast)
        assert facts["Overdue progress values"] == "2"
        assert facts["Progress values waiting for review"] == "0"
    for role in ("editor_x", "coordinator_x", "viewer_x", "editor_y"):
        facts = _facts(role, cast)
        assert "Overdue progress values" not in facts
        assert "Progress values waiting for review" not in facts
        assert "Interventions" in facts  # the plan's other facts stay

    # Ministry Y submits its total for the quarter: one value overdue, one to review.
    _submit(cast, overdue_plan["by_y"], _previous_quarter_start())
    facts = _facts("editor_s", cast)
    assert facts["Overdue progress values"] == "1"
    assert facts["Progress values waiting for review"] == "1"


def test_the_overdue_list_names_each_indicator_and_its_quarters(cast, overdue_plan):
    quarter = reporting.quarter_of(_previous_quarter_start())
    _submit(cast, overdue_plan["by_y"], _previous_quarter_start())
    client = Client()
    client.force_login(cast.editor_s)
    url = reverse("progress_overdue_list", args=[cast.plan_a.pk])
    page = client.get(url).content.decode()
    assert "1 overdue value" in page
    assert "Workers recruited fairly" in page
    assert "Health workers trained" not in page
    assert f'<td data-label="Quarters overdue">{reporting.quarter_label(*quarter)}</td>' in page
    assert '<td data-label="Reporting organisation">Ministry of Labour</td>' in page
    indicator_link = (
        reverse("intervention_detail", args=[cast.plan_a.pk, overdue_plan["intervention"].pk])
        + f"#indicator-{overdue_plan['by_x'].pk}"
    )
    assert indicator_link in page
    # refused to those who do not review; the plan's members are told so
    for role, status in (("editor_x", 403), ("viewer_x", 403), ("coordinator_b", 404)):
        other = Client()
        other.force_login(cast.user(role))
        assert other.get(url).status_code == status


def test_the_overdue_list_reads_a_fixed_number_of_queries(cast, overdue_plan):
    client = Client()
    client.force_login(cast.editor_s)
    url = reverse("progress_overdue_list", args=[cast.plan_a.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for number in range(6):  # the plan is adopted: indicators added behind its back
        ResultIndicator.objects.create(
            intervention=overdue_plan["intervention"],
            name=f"Indicator {number}",
            unit="people",
            reporting_organisation=cast.ministry_y,
        )
    with CaptureQueriesContext(connection) as many:
        page = client.get(url).content.decode()
    assert "8 overdue values" in page
    assert len(many) == len(few)


def test_a_plan_not_yet_adopted_has_nothing_overdue(cast, ready):
    client = Client()
    client.force_login(cast.editor_s)
    page = client.get(reverse("progress_overdue_list", args=[cast.plan_a.pk])).content.decode()
    assert "The plan has no official version yet" in page
    assert "0 overdue values" in page
    assert "Overdue progress values" not in _facts("editor_s", cast)
