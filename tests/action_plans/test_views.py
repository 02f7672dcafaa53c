import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from action_plans.models import ActionPlan, PlanLevel
from governance.models import LeadModel
from governance.services.lead_arrangement import LeadArrangementData, lead_arrangement_set
from governance.services.participations import participation_add
from targets.models import Target
from targets.services import prioritised_target_add
from tests import factories

VALID_PLAN = {
    "title": "Kumasi Migration-SDG Action Plan",
    "country": "GH",
    "level": "local",
    "area_name": "Kumasi",
    "period_start_year": "2026",
    "period_end_year": "2030",
    "base_currency": "GHS",
    "language": "en",
}


def test_home_lists_only_the_plans_the_user_takes_part_in(client, cast):
    client.force_login(cast.editor_y)
    page = client.get(reverse("home")).content.decode()
    assert "Plan A" in page and "Plan B" not in page


def _home_says(client) -> str:
    page = client.get(reverse("home")).content.decode()
    said = re.search(r"<p>(You do not take part in any plan yet\..*?)</p>", page, re.S)
    return said.group(1) if said else ""


def test_a_new_member_whose_organisation_is_in_no_plan_is_told_so(client, cast):
    """The outsider belongs to the Ministry of Energy: what is missing is the ministry
    joining a plan, not her joining the ministry."""
    client.force_login(cast.outsider)
    assert _home_says(client) == (
        "You do not take part in any plan yet. You are a member of Ministry of Energy, "
        "which takes part in no plan yet: a plan&#x27;s coordinators add it to their plan, "
        "and the plan then appears here."
    )


def test_someone_in_no_organisation_is_told_an_administrator_adds_them(client, cast, member):
    client.force_login(member)
    assert _home_says(client) == (
        "You do not take part in any plan yet. You are not a member of an organisation yet: "
        "an administrator adds you to yours, and the plans it takes part in then appear here."
    )


def test_an_administrator_starts_a_plan_then_sets_up_who_leads(client, cast):
    client.force_login(cast.administrator)
    response = client.post(reverse("plan_create"), VALID_PLAN)
    plan = ActionPlan.objects.get(title=VALID_PLAN["title"])
    assert response.url == reverse("lead_arrangement_edit", args=[plan.pk])
    assert plan.status == "draft"
    assert plan.history.get().history_user == cast.administrator


def test_a_period_past_2030_or_backwards_is_refused_on_its_field(client, cast):
    client.force_login(cast.administrator)
    response = client.post(
        reverse("plan_create"),
        {**VALID_PLAN, "period_start_year": "2029", "period_end_year": "2031"},
    )
    page = response.content.decode()
    assert 'href="#id_period_end_year"' in page
    assert "Ensure this value is less than or equal to 2030." in page
    response = client.post(
        reverse("plan_create"),
        {**VALID_PLAN, "period_start_year": "2029", "period_end_year": "2027"},
    )
    assert "The plan period cannot end before it starts." in response.content.decode()
    assert not ActionPlan.objects.filter(title=VALID_PLAN["title"]).exists()


def test_a_local_plan_needs_its_area_and_a_real_currency(client, cast):
    client.force_login(cast.administrator)
    response = client.post(
        reverse("plan_create"), {**VALID_PLAN, "area_name": "", "base_currency": "XYZ"}
    )
    page = response.content.decode()
    assert 'href="#id_area_name"' in page and 'href="#id_base_currency"' in page
    assert 'value="Kumasi Migration-SDG Action Plan"' in page


def test_the_lead_coordinator_edits_the_plan_and_an_unchanged_form_writes_no_history(client, cast):
    plan = cast.plan_a
    client.force_login(cast.coordinator_a)
    data = {
        "title": plan.title,
        "country": plan.country.code,
        "level": plan.level,
        "area_name": plan.area_name,
        "period_start_year": plan.period_start_year,
        "period_end_year": plan.period_end_year,
        "base_currency": plan.base_currency,
        "language": plan.language,
        "version": plan.version,
    }
    before = plan.history.count()
    client.post(reverse("plan_edit", args=[plan.pk]), data)
    assert plan.history.count() == before

    client.post(reverse("plan_edit", args=[plan.pk]), {**data, "title": "Plan A, revised"})
    plan.refresh_from_db()
    assert plan.title == "Plan A, revised"
    latest = plan.history.first()
    assert latest.history_user == cast.coordinator_a
    assert latest.prev_record.title == "Plan A"


def test_a_stale_plan_edit_shows_the_saved_version_and_saves_on_purpose(client, cast):
    plan = cast.plan_a
    client.force_login(cast.coordinator_a)
    url = reverse("plan_edit", args=[plan.pk])
    data = {
        "title": "Plan A for 2026",
        "country": "GH",
        "level": "national",
        "area_name": plan.area_name,
        "period_start_year": 2025,
        "period_end_year": 2030,
        "base_currency": "GHS",
        "language": "en",
        "version": plan.version,
    }
    client.post(url, {**data, "title": "Plan A, first edit"})

    stale = client.post(url, data)
    page = stale.content.decode()
    assert "Someone else saved this record after you opened it" in page
    assert "As it is saved now" in page and "Plan A, first edit" in page
    assert 'value="Plan A for 2026"' in page
    plan.refresh_from_db()
    assert plan.title == "Plan A, first edit"

    version = re.search(r'name="version" value="(\d+)"', page)[1]
    client.post(url, {**data, "version": version})
    plan.refresh_from_db()
    assert plan.title == "Plan A for 2026"


def test_the_period_cannot_end_before_a_recorded_baseline(client, cast, catalogue):
    from decimal import Decimal

    from targets.models import Target
    from targets.services import baseline_update, prioritised_target_add

    item = prioritised_target_add(
        actor=cast.coordinator_a,
        plan=cast.plan_a,
        target=Target.objects.get(code="10.7"),
        rationale="r",
    )
    baseline_update(
        actor=cast.coordinator_a,
        prioritised_target=item,
        expected_version=item.version,
        data={"baseline_value": Decimal(3), "baseline_year": 2029},
    )
    plan = cast.plan_a
    plan.refresh_from_db()  # as the coordinator opens the page now
    client.force_login(cast.coordinator_a)
    response = client.post(
        reverse("plan_edit", args=[plan.pk]),
        {
            "title": plan.title,
            "country": "GH",
            "level": "national",
            "area_name": plan.area_name,
            "period_start_year": 2025,
            "period_end_year": 2028,
            "base_currency": "GHS",
            "language": "en",
            "version": plan.version,
        },
    )
    page = response.content.decode()
    assert "The baselines of 10.7 are from after 2028." in page
    assert 'href="#id_period_end_year"' in page
    plan.refresh_from_db()
    assert plan.period_end_year == 2030


def _plans_on_home(client) -> int:
    page = client.get(reverse("home")).content.decode()
    return len(re.findall(r'href="/plans/\d+/"', page))


def _home_queries(client) -> int:
    client.get(reverse("home"))  # fills the process's caches (content types)
    with CaptureQueriesContext(connection) as context:
        assert client.get(reverse("home")).status_code == 200
    return len(context)


@pytest.mark.parametrize("role", ["administrator", "coordinator_a", "editor_x", "outsider"])
def test_home_costs_the_same_queries_for_a_few_or_many_plans(client, cast, role):
    """Grows what the page lists: plans the user sees, led by the lead ministry (whose
    coordinator is coordinator A) with ministry X (editor X's) taking part."""
    client.force_login(cast.user(role))
    small = _home_queries(client)
    seen = _plans_on_home(client)
    assert seen <= 2
    for number in range(30):
        plan = factories.ActionPlanFactory(
            title=f"Plan {number}",
            level=PlanLevel.LOCAL if number % 2 else PlanLevel.NATIONAL,
            area_name=f"District {number}",
        )
        lead_arrangement_set(
            actor=cast.administrator,
            plan=plan,
            data=LeadArrangementData(model=LeadModel.SINGLE, leads=[cast.lead_ministry]),
            expected_version=0,
        )
        participation_add(
            actor=cast.administrator,
            plan=plan,
            organisation=cast.ministry_x,
            signatory_required=True,
        )
    # The outsider's organisation is in no plan: it is the control, seeing none at both.
    assert _plans_on_home(client) == (seen if role == "outsider" else seen + 30)
    assert _home_queries(client) == small


def _home_rows(client) -> dict[str, list[str]]:
    """The plans list as its reader sees it: plan title → the cells of its row."""
    page = client.get(reverse("home")).content.decode()
    rows = {}
    for row in re.findall(r"<tr>(.*?)</tr>", page[page.index("<tbody>") :], re.S):
        cells = [
            " ".join(re.sub(r"<[^>]+>", " ", cell).split())
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        ]
        rows[re.search(r"<a [^>]*>([^<]+)</a>", row).group(1)] = cells[1:]
    return rows


def test_the_plans_list_shows_level_period_status_leads_targets_and_the_users_role(
    client, cast, catalogue
):
    for code in ("10.7", "8.8"):
        prioritised_target_add(
            actor=cast.coordinator_a,
            plan=cast.plan_a,
            target=Target.objects.get(code=code),
            rationale="Labour migration",
        )
    headings = ["Level", "Period", "Status", "Lead bodies", "Your role", "Prioritised targets"]

    client.force_login(cast.editor_x)
    editor = _home_rows(client)
    client.force_login(cast.coordinator_a)
    coordinator = _home_rows(client)
    client.force_login(cast.administrator)
    administrator = _home_rows(client)

    page = client.get(reverse("home")).content.decode()
    assert re.findall(r'<th scope="col"[^>]*>([^<]+)</th>', page)[1:] == headings
    assert editor == {
        "Plan A": [
            "National",
            "2025–2030",
            "Draft",
            "Ministry of the Interior, National Statistics Office",
            "Editor (MOL)",
            "2",
        ]
    }
    assert coordinator["Plan A"][4] == "Coordinator (MOI)"
    assert administrator["Plan A"][4] == administrator["Plan B"][4] == "Administrator"
    assert administrator["Plan B"][5] == "0"


def test_a_plans_caption_does_not_repeat_the_period_its_title_names(client, cast):
    client.force_login(cast.coordinator_a)
    plan = ActionPlan.objects.get(pk=cast.plan_a.pk)
    ActionPlan.objects.filter(pk=plan.pk).update(title="National Plan 2025–2030")

    page = client.get(reverse("plan_detail", args=[plan.pk])).content.decode()

    assert "National Plan 2025–2030 · 2025–2030" not in page
    assert "National Plan 2025–2030 ·" in page


def test_a_plan_names_its_place_once(client, cast):
    """A national plan over Ghana reads "Ghana", not "Ghana (Ghana)"; a local one reads
    "Accra, Ghana", on its overview and in the plans list."""
    client.force_login(cast.coordinator_a)
    overview = client.get(reverse("plan_detail", args=[cast.plan_a.pk])).content.decode()
    home = client.get(reverse("home")).content.decode()
    client.force_login(cast.coordinator_b)
    local = client.get(reverse("plan_detail", args=[cast.plan_b.pk])).content.decode()

    assert "Ghana (Ghana)" not in overview
    assert "National · Ghana · 2025–2030" in overview
    assert '<div class="small text-body-secondary">Ghana</div>' in home
    assert "Local · Accra, Ghana · " in local
