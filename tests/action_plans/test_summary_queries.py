"""The summary pages of the demo's national plan — a plan with changes in every area —
each within 20 queries, its change log read in a fixed number of them however many
kinds of records are tracked."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from action_plans.history import _tracked
from action_plans.models import ActionPlan
from governance.models import User

PAGE_LIMIT = 20


@pytest.fixture
def demo(db):
    call_command("load_demo")
    return ActionPlan.objects.get(level="national")


def _queries(client, url: str) -> list[str]:
    client.get(url)
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return [query["sql"] for query in context.captured_queries]


def test_the_history_page_reads_its_rows_in_three_queries_across_every_tracked_model(client, demo):
    client.force_login(User.objects.get(username="coordinator"))
    queries = _queries(client, reverse("plan_history", args=[demo.pk]))
    assert len(queries) <= PAGE_LIMIT
    touched = {
        tracked.history_model._meta.db_table
        for tracked in _tracked.values()
        if any(tracked.history_model._meta.db_table in sql for sql in queries)
    }
    assert len(touched) >= 15  # the demo's history spans most kinds of records
    reading_history = [sql for sql in queries if "historical" in sql]
    # the authors (one union), the page's rows (one union), the rows tied with its last
    # one, the rows themselves with their previous versions (one union) and the links of
    # the changed rows that have many-to-many links (one union across the link tables)
    assert len(reading_history) <= 5


@pytest.mark.parametrize("page", ["plan_detail", "plan_validation", "plan_history"])
def test_the_summary_pages_of_the_demo_plan_stay_within_20_queries(
    client,
    demo,
    derived_cache,
    page,
):
    client.force_login(User.objects.get(username="coordinator"))
    assert len(_queries(client, reverse(page, args=[demo.pk]))) <= PAGE_LIMIT
