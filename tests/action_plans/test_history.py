"""A plan's history: what each app registers, read in words, page by page."""

import html
from datetime import date

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from action_plans import history
from action_plans.history import plan_change_log
from action_plans.services import plan_update
from governance.models import Activity, LeadModel
from governance.services.lead_arrangement import LeadArrangementData, lead_arrangement_set
from targets.models import Consultation, Framework, Target
from targets.services import (
    consultation_create,
    consultation_update,
    framework_create,
    prioritised_target_add,
)
from tests.conftest import arrangement_version


def _joint_lead(cast, second, *, actor):
    lead_arrangement_set(
        actor=actor,
        plan=cast.plan_a,
        expected_version=arrangement_version(cast.plan_a),
        data=LeadArrangementData(
            model=LeadModel.JOINT,
            leads=[cast.lead_ministry, second],
            responsibilities={
                activity.value: second if activity == Activity.MONITORING else cast.lead_ministry
                for activity in Activity
            },
        ),
    )


def test_a_change_of_lead_body_reads_in_words(client, cast):
    _joint_lead(cast, cast.ministry_x, actor=cast.coordinator_a)
    _joint_lead(cast, cast.ministry_y, actor=cast.coordinator_a)
    client.force_login(cast.viewer_x)

    page = html.unescape(
        client.get(reverse("plan_history", args=[cast.plan_a.pk])).content.decode()
    )

    author = f"{cast.coordinator_a} ({cast.lead_ministry.short_name})"
    assert (
        f"{author} made Ministry of Health lead body for monitoring and evaluation, "
        "in place of Ministry of Labour"
    ) in page
    assert f"{author} made Ministry of Health a lead body of the plan" in page
    assert f"{author} removed Ministry of Labour as a lead body of the plan" in page
    assert f"{author} made Ministry of Labour lead body for monitoring and evaluation" in page


def test_the_history_pages_back_through_every_change_once(cast):
    plan = cast.plan_a
    for year in (2026, 2027, 2028, 2029):
        plan = plan_update(
            actor=cast.coordinator_a,
            plan=plan,
            expected_version=plan.version,
            data={"period_start_year": year},
        ).instance
    seen, before, pages = [], None, 0
    while True:
        log = plan_change_log(cast.plan_a, before=before, size=3)
        seen += [(entry.when, entry.subject, str(entry.changes)) for entry in log.entries]
        pages += 1
        if log.older is None:
            break
        before = log.older
    everything = plan_change_log(cast.plan_a, size=1000).entries
    assert pages > 1
    assert len(seen) == len(set(seen)) == len(everything)


def test_the_older_page_is_reached_from_the_page(client, cast):
    plan = cast.plan_a
    for year in range(2016, 2016 + 105):
        plan = plan_update(
            actor=cast.coordinator_a,
            plan=plan,
            expected_version=plan.version,
            data={"title": f"Plan A, draft {year}"},
        ).instance
    client.force_login(cast.coordinator_a)
    url = reverse("plan_history", args=[cast.plan_a.pk])
    first = client.get(url)
    assert first.context["older"] is not None
    older = client.get(url, {"before": first.context["older"].isoformat()})
    assert older.status_code == 200
    assert "Back to the latest changes" in older.content.decode()
    shown = {entry.when for entry in first.context["entries"]}
    assert not shown & {entry.when for entry in older.context["entries"]}


def test_the_history_page_costs_the_same_queries_however_long_the_history(client, cast):
    client.force_login(cast.coordinator_a)
    url = reverse("plan_history", args=[cast.plan_a.pk])
    _joint_lead(cast, cast.ministry_x, actor=cast.coordinator_a)
    _joint_lead(cast, cast.ministry_y, actor=cast.coordinator_a)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for second in (cast.ministry_y, cast.ministry_x) * 10:
        _joint_lead(cast, second, actor=cast.coordinator_a)
    with CaptureQueriesContext(connection) as large:
        client.get(url)
    assert len(large.captured_queries) == len(small.captured_queries)


def test_the_sql_across_the_history_tables_is_composed_once_for_every_tracked_model(
    client, cast, monkeypatch
):
    """Composing the SQL that reads every history table costs more than running it: it
    is composed on the first request, not on each, and reads every model the apps track."""
    history._history_sql.cache_clear()
    composed = []
    compose = history._composed

    def counted(index, tracked, vendor):
        composed.append(tracked.model)
        return compose(index, tracked, vendor)

    monkeypatch.setattr(history, "_composed", counted)
    _joint_lead(cast, cast.ministry_x, actor=cast.coordinator_a)
    client.force_login(cast.coordinator_a)
    url = reverse("plan_history", args=[cast.plan_a.pk])
    with CaptureQueriesContext(connection) as first:
        page = html.unescape(client.get(url).content.decode())
    # read now: the next request empties the log
    latest_rows = next(
        query["sql"] for query in first.captured_queries if "LIMIT 100" in query["sql"]
    )
    for query in ({"area": "governance"}, {"person": cast.coordinator_a.pk}, {}):
        assert client.get(url, query).status_code == 200

    assert composed == list(history._tracked)  # each once, in the order of the registry
    assert "made Ministry of Labour a lead body of the plan" in page
    assert {
        tracked.history_model._meta.db_table
        for tracked in history._tracked.values()
        if tracked.history_model._meta.db_table not in latest_rows
    } == set()


def test_one_save_that_changes_links_writes_one_history_row(cast, catalogue):
    target = prioritised_target_add(
        actor=cast.coordinator_a,
        plan=cast.plan_a,
        target=Target.objects.get(code="10.7"),
        rationale="Labour migration governance",
    )
    framework = framework_create(
        actor=cast.coordinator_a,
        plan=cast.plan_a,
        framework=Framework(name="Labour Migration Policy", kind="plan", level="national"),
    )
    consultation = consultation_create(
        actor=cast.coordinator_a,
        plan=cast.plan_a,
        consultation=Consultation(held_on=date(2026, 1, 15), kind="review_workshop", title="W"),
        organisations=[cast.lead_ministry],
        prioritised_targets=[],
        frameworks=[],
    )
    assert consultation.history.count() == 1
    consultation_update(
        actor=cast.coordinator_a,
        consultation=consultation,
        expected_version=consultation.version,
        data={
            "title": "Validation workshop",
            "organisations": [cast.ministry_x, cast.ministry_y],
            "prioritised_targets": [target],
            "frameworks": [framework],
        },
    )
    latest, created = consultation.history.order_by("-history_date", "-history_id")
    assert {row.organisation_id for row in created.organisations.all()} == {cast.lead_ministry.pk}
    assert {row.organisation_id for row in latest.organisations.all()} == {
        cast.ministry_x.pk,
        cast.ministry_y.pk,
    }
    assert [row.prioritisedtarget_id for row in latest.prioritised_targets.all()] == [target.pk]
    assert latest.title == "Validation workshop" and latest.version == 2


def test_signing_in_writes_no_account_history(client, cast):
    cast.editor_x.set_password("a-long-password-for-2030")
    cast.editor_x.save()
    rows = cast.editor_x.history.count()
    response = client.post(
        reverse("login"), {"username": "editor_x", "password": "a-long-password-for-2030"}
    )
    assert response.status_code == 302
    cast.editor_x.refresh_from_db()
    assert cast.editor_x.last_login is not None
    assert cast.editor_x.history.count() == rows


# Models whose history is an account's, not a plan's: the administrators' pages show it.
NOT_PLAN_CONTENT = {"governance.User", "governance.Organisation", "governance.Membership"}


def test_every_model_with_a_history_shows_in_the_plans_history():
    """A record type added to a plan with ``HistoricalRecords`` but not tracked
    (``action_plans.history.track``, in its app's ``history.register``) would change the
    plan without the history page saying so. Many-to-many tables are shown through the
    record that holds them."""
    from simple_history.models import registered_models

    from action_plans import history

    untracked = {
        model._meta.label
        for model in registered_models.values()
        if not model._meta.auto_created and model not in history._tracked
    }
    assert untracked == NOT_PLAN_CONTENT
