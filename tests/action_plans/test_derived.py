"""What pages derive from a whole plan, kept per content revision (action_plans.derived):
a write through any service gives the plan a new revision, and a page never shows a
figure the write made stale."""

import ast
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from action_plans import derived as derived_module
from action_plans import workflow
from action_plans.derived import derived, derived_key
from action_plans.models import ActionPlan
from action_plans.services import plan_update
from governance.models import Role
from governance.services.accounts import user_deactivate, user_reactivate
from governance.services.memberships import membership_add, membership_remove
from governance.services.organisations import organisation_update
from governance.services.participations import participation_add
from interventions.models import Intervention
from interventions.services import (
    Links,
    comment_add,
    intervention_update,
    progress_approve,
    progress_remove,
    progress_submit,
)
from msd_planner.lib.versioned_edit import EditConflict
from tests import factories

ROOT = Path(__file__).resolve().parents[2]


def _revision(plan: ActionPlan):
    return ActionPlan.objects.values_list("content_revision", flat=True).get(pk=plan.pk)


def _overview(client, plan, page: str = "plan_detail") -> str:
    response = client.get(reverse(page, args=[plan.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_overview_computes_its_figures_once_per_revision(client, cast, derived_cache):
    client.force_login(cast.coordinator_a)
    url = reverse("plan_detail", args=[cast.plan_a.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as cold:
        client.get(url)  # the figures were kept: fewer queries than computing them
    derived_cache.clear()
    with CaptureQueriesContext(connection) as computed:
        client.get(url)
    assert len(cold) < len(computed)
    plan = ActionPlan.objects.get(pk=cast.plan_a.pk)
    assert derived_key(plan, "readiness") in derived_cache
    assert derived_key(plan, "dashboard_facts", per_day=True) in derived_cache


def _validation(client, plan) -> str:
    return _overview(client, plan, "plan_validation")


def test_readiness_follows_the_governance_services(client, cast, derived_cache):
    """Signatories come and go through memberships and accounts, outside the plan: the
    validation page's checklist follows each change."""
    client.force_login(cast.coordinator_a)
    missing = "No signatory yet: MOH"
    assert missing in _validation(client, cast.plan_a)

    signatory = factories.UserFactory(username="signatory_y")
    membership = membership_add(
        actor=cast.administrator, user=signatory, organisation=cast.ministry_y, role=Role.SIGNATORY
    )
    assert missing not in _validation(client, cast.plan_a)

    user_deactivate(actor=cast.administrator, user=signatory)
    assert missing in _validation(client, cast.plan_a)
    user_reactivate(actor=cast.administrator, user=signatory)
    assert missing not in _validation(client, cast.plan_a)

    membership_remove(actor=cast.administrator, membership=membership)
    assert missing in _validation(client, cast.plan_a)

    organisation_update(
        actor=cast.administrator,
        organisation=cast.ministry_y,
        expected_version=cast.ministry_y.version,
        data={"acronym": "MOHS"},
    )
    assert "No signatory yet: MOHS" in _validation(client, cast.plan_a)

    participation_add(
        actor=cast.administrator,
        plan=cast.plan_a,
        organisation=cast.outside_org,
        signatory_required=True,
    )
    assert "MOE" in _validation(client, cast.plan_a).split("No signatory yet:")[1].split("<")[0]


def _fact(page: str, label: str) -> str:
    """The value the overview shows beside a fact's label."""
    after = page.split(f">{label}</a></dt>", 1)[1]
    return after.split('<dd class="fs-5 text-nowrap">', 1)[1].split("</dd>", 1)[0]


def test_the_dashboards_facts_follow_the_content_and_its_progress(
    client, cast, ready, derived_cache
):
    client.force_login(cast.coordinator_a)
    page = _overview(client, cast.plan_a)
    assert "0 of 1" in page  # indicators with progress recorded

    indicator = ready["intervention"].indicators.get()
    progress = progress_submit(
        actor=cast.editor_s,
        indicator=indicator,
        measured_on=date(2026, 3, 31),
        value=Decimal(120),
        source="Labour survey",
    )
    page = _overview(client, cast.plan_a)
    assert "0 of 1" in page, "a value waiting for review does not count"
    assert _fact(page, "Progress values waiting for review") == "1"
    progress = progress_approve(
        actor=cast.coordinator_a, progress=progress, expected_version=progress.version
    )
    page = _overview(client, cast.plan_a)
    assert "1 of 1" in page
    assert _fact(page, "Progress values waiting for review") == "0"
    progress_remove(actor=cast.coordinator_a, progress=progress)
    assert "0 of 1" in _overview(client, cast.plan_a)


def test_the_overviews_latest_changes_follow_edits_and_comments(client, cast, ready, derived_cache):
    client.force_login(cast.coordinator_a)
    intervention = Intervention.objects.get(pk=ready["intervention"].pk)
    assert "Fair recruitment, renamed" not in _overview(client, cast.plan_a)

    intervention_update(
        actor=cast.coordinator_a,
        intervention=intervention,
        expected_version=intervention.version,
        data={"title": "Fair recruitment, renamed"},
    )
    assert "Fair recruitment, renamed" in _overview(client, cast.plan_a)

    recent = _overview(client, cast.plan_a).split("Fair recruitment, renamed")[0]
    assert "a comment on" not in recent
    comment_add(
        actor=cast.editor_s,
        intervention=intervention,
        text="The survey runs in March.",
        organisation=None,
    )
    assert "a comment on" in _overview(client, cast.plan_a).split("Fair recruitment, renamed")[0]


def test_the_drafts_snapshot_follows_an_edit_and_not_a_refused_one(cast, ready, derived_cache):
    plan = ActionPlan.objects.get(pk=cast.plan_a.pk)
    intervention = Intervention.objects.get(pk=ready["intervention"].pk)

    def titles(plan) -> list[str]:
        records = workflow.draft_snapshot(plan)["sections"]["interventions"]["records"]
        return [record["label"] for record in records if record["kind"] == "intervention"]

    assert titles(plan) == ["Fair recruitment"]
    before = _revision(plan)
    intervention_update(
        actor=cast.coordinator_a,
        intervention=intervention,
        expected_version=intervention.version,
        data={"title": "Fair recruitment for all"},
        links=Links(targets={cast.plan_a.prioritised_targets.get().pk: "Lower costs"}),
    )
    plan = ActionPlan.objects.get(pk=cast.plan_a.pk)
    assert _revision(plan) != before
    assert titles(plan) == ["Fair recruitment for all"]

    # a refused edit is rolled back with the revision it gave the plan: the figures stay
    kept = _revision(plan)
    with pytest.raises(EditConflict):
        plan_update(
            actor=cast.coordinator_a,
            plan=plan,
            expected_version=plan.version - 1,
            data={"title": "Plan A, renamed"},
        )
    with pytest.raises(ValidationError):
        plan_update(
            actor=cast.coordinator_a,
            plan=plan,
            expected_version=plan.version,
            data={"period_start_year": 2030, "period_end_year": 2016},
        )
    assert _revision(plan) == kept


def test_a_figure_is_kept_per_language(cast, derived_cache):
    plan = ActionPlan.objects.get(pk=cast.plan_a.pk)
    computed: list[str] = []

    def compute(plan: ActionPlan) -> str:
        computed.append(translation.get_language())
        return translation.gettext("Draft")

    with translation.override("fr"):
        assert derived(plan, "label", compute) == "Brouillon"
    with translation.override("en"):
        assert derived(plan, "label", compute) == "Draft"
        assert derived(plan, "label", compute) == "Draft"
    with translation.override("fr"):
        assert derived(plan, "label", compute) == "Brouillon"
    assert computed == ["fr", "en"]


# --- every write gives the plan a new revision --------------------------------------------

# What a service calls to give plans a new revision (directly, or through a service that does).
ADVANCES = {
    "plan_lock",
    "plan_row_lock",
    "record_remove",
    "plans_changed",
    "organisations_plans_changed",
    "_organisations_plans_changed",
    "_lock",  # the workflow's own name for plan_row_lock
    "membership_add",
    "user_invite",
}
# Writes that change nothing a plan's pages derive, each with its reason.
NOTHING_DERIVED = {
    "plan_create": "a new plan starts with a revision of its own",
    "catalogue_load": "the SDG catalogue: a plan names its targets by code, read when shown",
    "organisation_create": "a new organisation is in no plan yet",
    "invitation_resend": "an email",
    "invitation_accept": "a password set; the account was already a member",
    "user_language_set": "the user's language",
    "two_factor_enrol": "the user's second factor",
    "recovery_codes_renew": "the user's second factor",
    "two_factor_reset": "the user's second factor",
    "token_create": "the user's API token",
    "token_revoke": "the user's API token",
}
SERVICE_MODULES = [
    *ROOT.glob("*/services.py"),
    *ROOT.glob("*/services/*.py"),
    ROOT / "action_plans" / "workflow.py",
]


def _writes(path: Path):
    """The public functions of a module that run in a transaction (the writes)."""
    tree = ast.parse(path.read_text())
    for node in tree.body:
        public = isinstance(node, ast.FunctionDef) and not node.name.startswith("_")
        if public and any("atomic" in ast.unparse(item) for item in node.decorator_list):
            yield node


def _called(function: ast.FunctionDef) -> set[str]:
    names = set()
    for call in ast.walk(function):
        if isinstance(call, ast.Call):
            if isinstance(call.func, ast.Name):
                names.add(call.func.id)
            elif isinstance(call.func, ast.Attribute):
                names.add(call.func.attr)
    return names


def test_every_write_gives_the_plans_it_touches_a_new_revision_or_says_why_not():
    found = {
        f"{path.relative_to(ROOT)}:{function.name}"
        for path in SERVICE_MODULES
        for function in _writes(path)
        if not _called(function) & ADVANCES and function.name not in NOTHING_DERIVED
    }
    assert found == set(), (
        "these writes neither lock their plan's row nor give the plans they touch a new "
        "revision (action_plans.services.plans_changed): their pages' cached figures "
        "would outlive them"
    )
    assert len(list(_writes(ROOT / "funding" / "services.py"))) > 10  # the check reads code


def test_the_check_finds_a_write_that_forgets(tmp_path):
    module = tmp_path / "services.py"
    module.write_text(
        "from django.db import transaction\n\n"
        "@transaction.atomic\n"
        "def thing_update(*, thing):\n"
        "    thing.save()\n"
    )
    (function,) = _writes(module)
    assert not _called(function) & ADVANCES


# --- computed by the worker after a write ------------------------------------------------


def test_the_worker_computes_the_figures_of_a_revision_in_every_language(
    client, cast, ready, derived_cache
):
    plan = ActionPlan.objects.get(pk=cast.plan_a.pk)
    assert workflow.figures_derive(plan.pk, str(plan.content_revision))
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            assert derived_key(plan, "readiness") in derived_cache
            assert derived_key(plan, "dashboard_facts", per_day=True) in derived_cache

    client.force_login(cast.coordinator_a)
    url = reverse("plan_detail", args=[plan.pk])
    with CaptureQueriesContext(connection) as ready_made:
        client.get(url)
    derived_cache.clear()
    with CaptureQueriesContext(connection) as computed:
        client.get(url)
    assert len(ready_made) < len(computed)


def test_a_job_superseded_by_a_later_write_computes_nothing(cast, derived_cache):
    stale = str(_revision(cast.plan_a))
    plan = ActionPlan.objects.get(pk=cast.plan_a.pk)
    plan_update(
        actor=cast.coordinator_a,
        plan=plan,
        expected_version=plan.version,
        data={"title": "Plan A, renamed"},
    )
    assert not workflow.figures_derive(plan.pk, stale)
    plan.content_revision = stale
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            assert derived_key(plan, "readiness") not in derived_cache
            assert derived_key(plan, "dashboard_facts", per_day=True) not in derived_cache


@pytest.mark.parametrize(
    ("backend", "eager", "queued"),
    [
        ("django.core.cache.backends.redis.RedisCache", False, True),
        ("django.core.cache.backends.locmem.LocMemCache", False, False),  # not the web's
        ("django.core.cache.backends.redis.RedisCache", True, False),  # no worker
    ],
)
def test_a_write_has_the_worker_compute_the_figures_where_it_shares_the_cache(
    cast, settings, monkeypatch, django_capture_on_commit_callbacks, backend, eager, queued
):
    settings.CACHES = {**settings.CACHES, "derived": {"BACKEND": backend, "LOCATION": "x"}}
    settings.CELERY_TASK_ALWAYS_EAGER = eager
    handed: list[tuple] = []
    monkeypatch.setattr(derived_module, "hand_over", lambda *args: handed.append(args))
    plan = ActionPlan.objects.get(pk=cast.plan_a.pk)
    with django_capture_on_commit_callbacks(execute=True):
        plan_update(
            actor=cast.coordinator_a,
            plan=plan,
            expected_version=plan.version,
            data={"title": "Plan A, renamed"},
        )
    expected = [("action_plans.tasks.derive_figures", plan.pk, str(_revision(plan)))]
    assert handed == (expected if queued else [])
