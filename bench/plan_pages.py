"""Time the pages of a large plan: governance, access, targets, coherence matrix, history.

Run: .venv/bin/python bench/plan_pages.py   (DATABASE_URL picks PostgreSQL; SQLite otherwise)
Builds a plan with 40 participating organisations (3 members each), 58 prioritised
targets scored on 5 criteria, 40 frameworks each assessed against every target, then
prints median and 95th-percentile times and the query count of each page.
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "msd_planner.settings.test")

import django
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, get_runner, setup_test_environment

django.setup()

REPEAT = 20
PAGES = [
    "plan_governance",
    "plan_access",
    "prioritised_target_list",
    "coherence_matrix",
    "plan_history",
]


def build_large_plan():
    from action_plans.models import ActionPlan
    from governance.models import LeadModel, Organisation, Role, User
    from governance.services.lead_arrangement import LeadArrangementData, lead_arrangement_set
    from governance.services.memberships import membership_set
    from governance.services.participations import participation_add
    from targets.models import Coherence, Framework, MigrationRelevance, Target
    from targets.services import (
        catalogue_load,
        framework_assessments_set,
        framework_create,
        prioritised_target_add,
        target_scores_set,
    )

    catalogue_load()
    admin = User.objects.create(username="bench-admin", email="a@bench.example", is_superuser=True)
    plan = ActionPlan.objects.create(
        title="Large plan",
        country="GH",
        level="national",
        area_name="Ghana",
        period_start_year=2025,
        period_end_year=2030,
        base_currency="GHS",
    )
    organisations = [
        Organisation.objects.create(
            name=f"Organisation {n}", acronym=f"O{n}", type="ministry", level="national"
        )
        for n in range(40)
    ]
    lead_arrangement_set(
        actor=admin,
        plan=plan,
        expected_version=0,
        data=LeadArrangementData(model=LeadModel.SINGLE, leads=[organisations[0]]),
    )
    coordinator = None
    for index, organisation in enumerate(organisations):
        if index:
            participation_add(
                actor=admin, plan=plan, organisation=organisation, signatory_required=True
            )
        for role in (Role.COORDINATOR, Role.EDITOR, Role.SIGNATORY):
            user = User.objects.create(
                username=f"u{index}-{role}", email=f"u{index}-{role}@bench.example"
            )
            membership_set(actor=admin, user=user, organisation=organisation, role=role)
            if index == 0 and role == Role.COORDINATOR:
                coordinator = user
    targets = Target.objects.exclude(migration_relevance=MigrationRelevance.NONE)
    items = []
    for target in targets:
        item = prioritised_target_add(actor=coordinator, plan=plan, target=target, rationale="r")
        criteria = list(plan.scoring_criteria.all())
        items.append(
            target_scores_set(
                actor=coordinator,
                prioritised_target=item,
                expected_version=item.version,
                scores={
                    criterion.id: 1 + (target.position + criterion.id) % 5 for criterion in criteria
                },
            )
        )
    for index in range(40):
        framework = framework_create(
            actor=coordinator,
            plan=plan,
            framework=Framework(
                plan=plan, name=f"Framework {index}", kind="plan", level="national"
            ),
        )
        framework_assessments_set(
            actor=coordinator,
            framework=framework,
            expected_version=framework.version,
            assessments={
                item.id: (Coherence.values[(index + item.id) % 4], "note") for item in items
            },
        )
    return plan, coordinator, len(items)


def main() -> None:
    setup_test_environment()
    runner = get_runner(django.conf.settings)(verbosity=0)
    old_config = runner.setup_databases()
    try:
        started = time.perf_counter()
        plan, coordinator, target_count = build_large_plan()
        print(
            f"built a plan with 40 organisations, {target_count} targets × 40 frameworks "
            f"in {time.perf_counter() - started:.0f} s on {connection.vendor}"
        )
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
            print("ran ANALYZE so that the planner has statistics (autovacuum is off here)")
        client = Client()
        client.force_login(coordinator)
        for name in PAGES:
            url = django.urls.reverse(name, args=[plan.pk])
            timings = []
            for _ in range(REPEAT):
                began = time.perf_counter()
                response = client.get(url)
                timings.append((time.perf_counter() - began) * 1000)
                assert response.status_code == 200, (url, response.status_code)
            with CaptureQueriesContext(connection) as queries:
                client.get(url)
            timings.sort()
            print(
                f"{name:26} median {statistics.median(timings):6.1f} ms  "
                f"p95 {timings[int(len(timings) * 0.95) - 1]:6.1f} ms  {len(queries):3d} queries"
            )
        history_against_its_template(plan, coordinator)
    finally:
        runner.teardown_databases(old_config)


def _median_ms(action) -> float:
    timings = []
    for _ in range(REPEAT):
        began = time.perf_counter()
        action()
        timings.append((time.perf_counter() - began) * 1000)
    return statistics.median(timings)


def history_against_its_template(plan, coordinator) -> None:
    """The history page's cost split: building the change log, rendering the template
    with it, and the whole request; the ratio of the log to the template is the figure."""
    from django.template.loader import render_to_string
    from django.test import RequestFactory

    from action_plans.forms import HistoryPageForm
    from action_plans.history import history_areas, plan_change_authors, plan_change_log
    from action_plans.permissions import plan_for_user_or_404

    request = RequestFactory().get("/")
    request.user = coordinator
    access = plan_for_user_or_404(coordinator, plan.pk)
    log = plan_change_log(plan)
    form = HistoryPageForm(request.GET, areas=history_areas(), authors=plan_change_authors(plan))
    context = {
        **access.context,
        "form": form,
        "entries": log.entries,
        "older": log.older,
        "before": None,
        "older_query": "",
        "latest_query": "",
    }
    build = _median_ms(lambda: plan_change_log(plan))
    render = _median_ms(
        lambda: render_to_string("action_plans/plan_history.html", context, request=request)
    )
    print(
        f"plan_history: change log {build:.1f} ms, template alone {render:.1f} ms "
        f"({len(log.entries)} entries); log ÷ template = {build / render:.2f}"
    )


if __name__ == "__main__":
    main()
