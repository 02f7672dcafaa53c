"""The history page filtered by area, by person and by dates, page by page, through real
requests: what a coordinator looking for one change sees."""

import html
from datetime import UTC, datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from action_plans.models import ActionPlan
from action_plans.services import plan_update
from targets.models import Framework
from targets.services import framework_create
from tests.action_plans.test_history import _joint_lead


def _change_plan(cast, *, actor) -> None:
    """A change of the plan's details: "… changed the currency of the plan …"."""
    plan = ActionPlan.objects.get(pk=cast.plan_a.pk)
    currency = "EUR" if plan.base_currency != "EUR" else "USD"
    plan_update(
        actor=actor, plan=plan, expected_version=plan.version, data={"base_currency": currency}
    )


def _framework(cast, name: str, *, actor) -> None:
    framework_create(
        actor=actor,
        plan=cast.plan_a,
        framework=Framework(name=name, kind="plan", level="national"),
    )


def _page(client, cast, **query) -> str:
    response = client.get(reverse("plan_history", args=[cast.plan_a.pk]), query)
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def test_the_history_shows_one_area_at_a_time(client, cast):
    _joint_lead(cast, cast.ministry_x, actor=cast.coordinator_a)
    _framework(cast, "National Migration Policy", actor=cast.coordinator_a)
    _change_plan(cast, actor=cast.coordinator_a)
    client.force_login(cast.viewer_x)

    everything = _page(client, cast)
    governance = _page(client, cast, area="governance")
    frameworks = _page(client, cast, area="frameworks")

    for text in (
        "a lead body of the plan",
        "National Migration Policy",
        "base currency of the plan",
    ):
        assert text in everything
    assert "a lead body of the plan" in governance
    assert "National Migration Policy" not in governance
    assert "National Migration Policy" in frameworks
    assert "a lead body of the plan" not in frameworks
    assert "base currency of the plan" not in frameworks
    # The filter names the areas in words and keeps the choice.
    assert '<option value="frameworks" selected>Existing frameworks</option>' in frameworks


def test_the_history_shows_one_persons_changes(client, cast):
    _framework(cast, "Labour Act", actor=cast.coordinator_a)
    _framework(cast, "Health Strategy", actor=cast.editor_x)
    client.force_login(cast.coordinator_a)

    page = _page(client, cast, person=cast.editor_x.pk)

    assert "Health Strategy" in page
    assert "Labour Act" not in page
    # Everyone who changed the plan is offered, named as in the entries.
    assert f'<option value="{cast.coordinator_a.pk}">{cast.coordinator_a} (MOI)' in page
    assert f'<option value="{cast.editor_x.pk}" selected>{cast.editor_x} (MOL)' in page


def test_the_history_shows_the_changes_between_two_dates_both_included(client, cast):
    for name, day in (("Old strategy", 3), ("March policy", 10), ("Later plan", 20)):
        _framework(cast, name, actor=cast.coordinator_a)
        Framework.history.filter(name=name).update(
            history_date=datetime(2026, 3, day, 12, tzinfo=UTC)
        )
    client.force_login(cast.coordinator_a)

    page = _page(client, cast, since="2026-03-10", until="2026-03-10")
    after = _page(client, cast, since="2026-03-10")
    until = _page(client, cast, until="2026-03-09")

    assert "March policy" in page
    assert "Old strategy" not in page and "Later plan" not in page
    assert "March policy" in after and "Later plan" in after and "Old strategy" not in after
    assert "Old strategy" in until and "March policy" not in until


def test_dates_the_wrong_way_round_or_unreadable_are_told_and_left_out(client, cast):
    _framework(cast, "Labour Act", actor=cast.coordinator_a)
    client.force_login(cast.coordinator_a)

    reversed_dates = _page(client, cast, since="2026-03-10", until="2026-03-01")
    unreadable = _page(client, cast, since="the tenth of March", area="no-such-area")

    assert "The end date cannot be before the start date." in reversed_dates
    assert "Enter a valid date." in unreadable
    assert "Labour Act" in reversed_dates and "Labour Act" in unreadable


def test_the_older_pages_keep_the_filters(client, cast):
    for number in range(105):
        _framework(cast, f"Framework {number:03}", actor=cast.coordinator_a)
    _change_plan(cast, actor=cast.coordinator_a)
    client.force_login(cast.coordinator_a)
    url = reverse("plan_history", args=[cast.plan_a.pk])

    first = client.get(url, {"area": "frameworks"})
    link = first.context["older_query"]
    older = client.get(f"{url}?{link}")

    assert "area=frameworks" in link and "before=" in link
    assert "Framework 104" in first.content.decode()
    assert "Framework 000" not in first.content.decode()
    assert "Framework 000" in older.content.decode()
    assert "base currency of the plan" not in older.content.decode()
    assert older.context["older_query"] == ""
    back = html.unescape(older.content.decode())
    assert f'href="?{first.context["latest_query"]}"' in back


def test_a_filtered_history_page_costs_the_same_queries_for_a_few_or_many_changes(client, cast):
    client.force_login(cast.coordinator_a)
    url = reverse("plan_history", args=[cast.plan_a.pk])
    query = {
        "area": "frameworks",
        "person": cast.coordinator_a.pk,
        "since": "2020-01-01",
        "until": "2030-12-31",
    }
    _framework(cast, "First", actor=cast.coordinator_a)
    _joint_lead(cast, cast.ministry_x, actor=cast.coordinator_a)
    client.get(url, query)  # fills the process's caches (content types)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url, query).status_code == 200
    for number in range(30):
        _framework(
            cast, f"Framework {number}", actor=[cast.coordinator_a, cast.editor_x][number % 2]
        )
        _joint_lead(cast, [cast.ministry_y, cast.ministry_x][number % 2], actor=cast.editor_x)
    with CaptureQueriesContext(connection) as large:
        response = client.get(url, query)
    assert "Framework 28" in response.content.decode()
    assert len(large.captured_queries) == len(small.captured_queries)
