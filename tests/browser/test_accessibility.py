"""axe-core in Chromium on the pages each kind of user works in."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command

from action_plans.models import ActionPlan
from governance.models import Organisation, User
from tests.browser.test_catalogue_journey import _sign_in
from tests.browser.test_phone import PHONE

pytestmark = pytest.mark.django_db(transaction=True)


def _serious(page) -> list:
    results = Axe().run(page)
    return [
        f"{violation['id']}: {[node['target'] for node in violation['nodes']]}"
        for violation in results.response["violations"]
        if violation["impact"] in {"serious", "critical"}
    ]


def test_working_pages_have_no_serious_accessibility_violations(page):
    call_command("load_demo")
    plan = ActionPlan.objects.get(level="national")
    labour = Organisation.objects.get(acronym="MELR")
    interior = Organisation.objects.get(acronym="MINT")
    editor = User.objects.get(username="editor")
    proposal = plan.prioritised_targets.get(target__code="8.7")
    remittances = plan.prioritised_targets.get(target__code="10.c")
    coordinator_membership = interior.memberships.get(user__username="coordinator")
    intervention = plan.interventions.filter(lead_organisation=interior).first()
    indicator = intervention.indicators.first()
    need = plan.capacity_needs.first()
    pages = {
        "coordinator": [
            "/",
            f"/plans/{plan.pk}/",
            f"/plans/{plan.pk}/governance/",
            f"/plans/{plan.pk}/governance/lead/",
            f"/plans/{plan.pk}/access/",
            f"/plans/{plan.pk}/targets/",
            f"/plans/{plan.pk}/targets/add/",
            f"/plans/{plan.pk}/targets/criteria/",
            f"/plans/{plan.pk}/frameworks/",
            f"/plans/{plan.pk}/consultations/",
            f"/plans/{plan.pk}/consultations/add/",
            f"/plans/{plan.pk}/history/",
            f"/plans/{plan.pk}/history/?area=targets&since=2020-01-01&until=2019-01-01",
            "/catalogue/",
            "/catalogue/?relevance=explicit",
            f"/organisations/{interior.pk}/",
            f"/organisations/{interior.pk}/members/invite/",
            f"/organisations/{interior.pk}/members/{coordinator_membership.pk}/",
            f"/plans/{plan.pk}/interventions/",
            f"/plans/{plan.pk}/interventions/coverage/",
            f"/plans/{plan.pk}/interventions/add/",
            f"/plans/{plan.pk}/interventions/examples/",
            f"/plans/{plan.pk}/interventions/import/",
            f"/plans/{plan.pk}/interventions/{intervention.pk}/",
            f"/plans/{plan.pk}/interventions/{intervention.pk}/edit/",
            f"/plans/{plan.pk}/interventions/{intervention.pk}/indicators/add/",
            f"/plans/{plan.pk}/interventions/{intervention.pk}/indicators/{indicator.pk}/",
            f"/plans/{plan.pk}/interventions/{intervention.pk}/indicators/{indicator.pk}/progress/",
            f"/plans/{plan.pk}/monitoring/",
            f"/plans/{plan.pk}/monitoring/reports/",
            f"/plans/{plan.pk}/funding/",
            f"/plans/{plan.pk}/funding/interventions/",
            f"/plans/{plan.pk}/funding/sources/",
            f"/plans/{plan.pk}/funding/sources/add/",
            f"/plans/{plan.pk}/funding/interventions/{intervention.pk}/",
            f"/plans/{plan.pk}/funding/interventions/{intervention.pk}/commitments/add/",
            f"/plans/{plan.pk}/funding/interventions/{intervention.pk}/strategy/",
            f"/plans/{plan.pk}/funding/mobilisation/",
            f"/plans/{plan.pk}/funding/engagements/",
            f"/plans/{plan.pk}/funding/engagements/add/",
            f"/plans/{plan.pk}/funding/capacity-needs/{need.pk}/interventions/",
        ],
        "amwa.coordinator": [
            f"/plans/{plan.pk}/funding/capacity-needs/",
            f"/plans/{plan.pk}/funding/capacity-needs/add/",
            f"/plans/{plan.pk}/funding/capacity-needs/{need.pk}/",
            f"/plans/{plan.pk}/funding/capacity-needs/{need.pk}/remove/",
        ],
        "editor": [
            f"/plans/{plan.pk}/access/",
            f"/plans/{plan.pk}/targets/",
            f"/plans/{plan.pk}/targets/{proposal.pk}/",
            f"/plans/{plan.pk}/targets/{proposal.pk}/proposal/",
            f"/plans/{plan.pk}/targets/{proposal.pk}/withdraw/",
            f"/plans/{plan.pk}/consultations/add/",
        ],
        "stats.editor": [
            f"/plans/{plan.pk}/targets/{remittances.pk}/",
            f"/plans/{plan.pk}/targets/{remittances.pk}/baseline/",
        ],
        "admin": [
            "/users/",
            f"/users/{editor.pk}/",
            "/users/invite/",
            "/organisations/",
            f"/organisations/{labour.pk}/edit/",
            "/plans/new/",
        ],
    }
    problems = {}
    for username, paths in pages.items():
        _sign_in(page, username)
        for path in paths:
            page.goto(path)
            if found := _serious(page):
                problems[path] = found
        page.context.clear_cookies()
    assert problems == {}


def test_phone_pages_have_no_serious_accessibility_violations(browser, live_server, catalogue):
    """At 390 × 844, with the menu folded and then open."""
    call_command("load_demo")
    plan = ActionPlan.objects.get(level="national")
    context = browser.new_context(
        base_url=live_server.url, bypass_csp=True, locale="en-GB", viewport=PHONE
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    _sign_in(page, "coordinator")
    problems = {}
    for path in [
        "/",
        f"/plans/{plan.pk}/targets/",
        f"/plans/{plan.pk}/frameworks/",
        f"/plans/{plan.pk}/history/",
        f"/plans/{plan.pk}/funding/",
        f"/plans/{plan.pk}/funding/mobilisation/",
        "/catalogue/",
    ]:
        page.goto(path)
        if found := _serious(page):
            problems[path] = found
    page.get_by_role("button", name="Menu").click()
    page.locator("#main-menu.show").wait_for()
    if found := _serious(page):
        problems["menu open"] = found
    context.close()
    assert problems == {}
