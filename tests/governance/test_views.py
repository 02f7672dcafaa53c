import logging
import re

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from action_plans.permissions import PlanAction, plan_actions_for_user
from action_plans.policy import (
    ACTION_LABELS,
    ACTIVITY_ACTIONS,
    PLATFORM_ADMIN_ACTIONS,
    policy_table,
    record_rules,
    role_actions,
)
from governance.models import (
    Activity,
    LeadArrangement,
    LeadBody,
    LeadBodyKind,
    LeadModel,
    Organisation,
    OrganisationType,
    Participation,
    Responsibility,
    Role,
    User,
)
from governance.services.memberships import membership_set
from governance.services.organisations import organisation_update
from governance.services.participations import participation_add
from tests import factories


def _queries(client, url) -> int:
    client.get(url)  # fills the process's caches (content types), which outlive a request
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context)


def _grow_plan_a(cast, organisations: int, members_each: int) -> None:
    for _ in range(organisations):
        organisation = factories.OrganisationFactory(is_local_actor=True, led_by_women=True)
        participation_add(
            actor=cast.administrator,
            plan=cast.plan_a,
            organisation=organisation,
            signatory_required=True,
        )
        for role in [Role.SIGNATORY, Role.EDITOR, Role.VIEWER][:members_each]:
            membership_set(
                actor=None, user=factories.UserFactory(), organisation=organisation, role=role
            )


@pytest.mark.parametrize("url_name", ["plan_governance", "plan_access"])
def test_plan_governance_pages_cost_the_same_queries_for_3_or_30_participants(
    client, cast, url_name
):
    client.force_login(cast.coordinator_a)
    url = reverse(url_name, args=[cast.plan_a.pk])
    small = _queries(client, url)
    _grow_plan_a(cast, organisations=26, members_each=3)
    assert Participation.objects.filter(plan=cast.plan_a).count() == 30
    assert _queries(client, url) == small
    assert small <= 11  # with the navigation bar's count of unread notifications


def _rows(client, url, url_name: str) -> int:
    """How many rows of the list link to their own page."""
    page = client.get(url).content.decode()
    return len(re.findall(rf'href="{reverse(url_name, args=[0])[:-2]}\d+/"', page))


@pytest.mark.parametrize("role", ["administrator", "coordinator_a", "editor_x"])
def test_the_organisation_list_costs_the_same_queries_for_a_few_or_a_full_page_of_them(
    client, cast, role
):
    """Grows what the page lists: organisations the user sees (plan A's partners, which
    editor X sees too), each part of another, with members and who leads it."""
    client.force_login(cast.user(role))
    url = reverse("organisation_list")
    small = _queries(client, url)
    assert _rows(client, url, "organisation_detail") <= 6
    parent = factories.OrganisationFactory()
    participation_add(
        actor=cast.administrator, plan=cast.plan_a, organisation=parent, signatory_required=False
    )
    for _ in range(30):
        organisation = factories.OrganisationFactory(
            parent=parent, is_local_actor=True, led_by_women=True, led_by_migrants=True
        )
        participation_add(
            actor=cast.administrator,
            plan=cast.plan_a,
            organisation=organisation,
            signatory_required=True,
        )
        for role_given in (Role.EDITOR, Role.VIEWER):
            membership_set(
                actor=None,
                user=factories.UserFactory(),
                organisation=organisation,
                role=role_given,
            )
    assert _rows(client, url, "organisation_detail") == 25  # a full page
    assert _queries(client, url) == small
    assert small <= 8


def test_the_user_list_costs_the_same_queries_for_a_few_or_a_full_page_of_members(client, cast):
    """Grows what the page lists: users, each a member of two organisations."""
    client.force_login(cast.administrator)
    url = reverse("user_list")
    small = _queries(client, url)
    assert _rows(client, url, "user_detail") == User.objects.count() < 25
    for number in range(30):
        user = factories.UserFactory(username=f"member{number}")
        membership_set(actor=None, user=user, organisation=cast.ministry_x, role=Role.EDITOR)
        membership_set(actor=None, user=user, organisation=cast.ministry_y, role=Role.VIEWER)
    assert _rows(client, url, "user_detail") == 25  # a full page
    assert _queries(client, url) == small
    assert small <= 8


def test_the_governance_page_shows_leads_responsibilities_and_localisation(client, cast):
    local = factories.OrganisationFactory(
        name="Women on the Move", is_local_actor=True, led_by_women=True
    )
    participation_add(
        actor=cast.administrator, plan=cast.plan_a, organisation=local, signatory_required=False
    )
    client.force_login(cast.viewer_x)
    page = client.get(reverse("plan_governance", args=[cast.plan_a.pk])).content.decode()
    assert "Two ministries leading jointly" in page
    assert "Ministry of the Interior" in page
    assert re.search(r"Monitoring and evaluation</th><td>NSO", page)
    assert re.search(r"Validation</th><td>MOI", page)
    assert "Led by women" in page
    assert "Local actor" in page
    # Ministry X has a signatory; Ministry Y does not.
    assert "no signatory is named for:" in page and "MOH" in page
    # A viewer sees no management links.
    assert reverse("participant_add", args=[cast.plan_a.pk]) not in page


def test_a_plan_without_a_local_actor_is_flagged(client, cast):
    client.force_login(cast.coordinator_a)
    page = client.get(reverse("plan_governance", args=[cast.plan_a.pk])).content.decode()
    assert "no local actor takes part in this plan" in page


def test_an_inconsistent_joint_lead_is_refused_on_the_form_and_nothing_is_saved(client, cast):
    client.force_login(cast.coordinator_a)
    url = reverse("lead_arrangement_edit", args=[cast.plan_a.pk])
    response = client.post(
        url,
        {
            "model": LeadModel.JOINT,
            "lead": cast.lead_ministry.pk,
            "second_lead": cast.ministry_x.pk,
            "responsibility_prioritisation": cast.lead_ministry.pk,
            "responsibility_monitoring": cast.outside_org.pk,
            "version": cast.plan_a.lead_arrangement.version,
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "In a joint lead every activity needs a lead body." in page
    assert "Ministry of Energy (MOE) is not a lead body of this plan." in page
    assert 'href="#id_responsibility_monitoring"' in page
    assert cast.plan_a.lead_arrangement.model == LeadModel.JOINT
    assert not cast.plan_a.lead_arrangement.bodies.filter(organisation=cast.ministry_x)
    assert not Participation.objects.filter(plan=cast.plan_a, organisation=cast.outside_org)


def test_a_joint_lead_moves_monitoring_to_the_second_ministry(client, cast):
    client.force_login(cast.coordinator_a)
    data = {
        "model": LeadModel.JOINT,
        "lead": cast.lead_ministry.pk,
        "second_lead": cast.ministry_x.pk,
        **{f"responsibility_{activity}": cast.lead_ministry.pk for activity in Activity.values},
        "responsibility_monitoring": cast.ministry_x.pk,
        "version": cast.plan_a.lead_arrangement.version,
    }
    response = client.post(reverse("lead_arrangement_edit", args=[cast.plan_a.pk]), data)
    assert response.url == reverse("plan_governance", args=[cast.plan_a.pk])
    monitoring = Responsibility.objects.get(
        arrangement__plan=cast.plan_a, activity=Activity.MONITORING
    )
    assert monitoring.lead_body.organisation == cast.ministry_x
    history = cast.plan_a.lead_arrangement.history.first()
    assert history.history_user == cast.coordinator_a


def test_adding_an_organisation_lets_its_members_see_the_plan(client, cast):
    client.force_login(cast.coordinator_a)
    assert PlanAction.VIEW not in plan_actions_for_user(cast.outsider, cast.plan_a)
    response = client.post(
        reverse("participant_add", args=[cast.plan_a.pk]),
        {"organisation": cast.outside_org.pk, "signatory_required": "on"},
    )
    assert response.status_code == 302
    assert plan_actions_for_user(cast.outsider, cast.plan_a) == {
        PlanAction.VIEW,
        PlanAction.CONTRIBUTE,
    }


def test_an_organisation_already_in_the_plan_cannot_be_added_again(client, cast):
    client.force_login(cast.coordinator_a)
    response = client.post(
        reverse("participant_add", args=[cast.plan_a.pk]), {"organisation": cast.ministry_x.pk}
    )
    assert "Select a valid choice" in response.content.decode()
    assert Participation.objects.filter(plan=cast.plan_a, organisation=cast.ministry_x).count() == 1


def test_removing_a_participant_asks_first_then_ends_its_access(client, cast):
    client.force_login(cast.coordinator_a)
    participation = cast.plan_a.participations.get(organisation=cast.ministry_y)
    url = reverse("participant_remove", args=[cast.plan_a.pk, participation.pk])
    confirmation = client.get(url).content.decode()
    assert "Remove Ministry of Health (MOH) from the plan?" in confirmation
    assert "Its members no longer see the plan" in confirmation
    client.post(url)
    assert plan_actions_for_user(cast.editor_y, cast.plan_a) == frozenset()


def test_the_lead_body_cannot_be_removed_from_its_plan(client, cast):
    client.force_login(cast.coordinator_a)
    participation = cast.plan_a.participations.get(organisation=cast.lead_ministry)
    response = client.post(
        reverse("participant_remove", args=[cast.plan_a.pk, participation.pk]), follow=True
    )
    assert "leads or advises this plan" in response.content.decode()
    assert Participation.objects.filter(pk=participation.pk).exists()


def _table_rows(page: str, table_id: str) -> list[list[str]]:
    """The body rows of the table labelled ``table_id``, each cell's text."""
    table = re.search(rf'<table[^>]*aria-labelledby="{table_id}".*?</table>', page, re.S)[0]
    body = re.search(r"<tbody>(.*?)</tbody>", table, re.S)[1]
    return [
        [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", cell)).strip() for cell in cells]
        for cells in (
            re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
            for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
        )
    ]


def test_the_access_page_lists_who_can_do_what(client, cast):
    client.force_login(cast.coordinator_a)
    page = client.get(reverse("plan_access", args=[cast.plan_a.pk])).content.decode()
    rows = {cells[0]: cells[1:] for cells in _table_rows(page, "people")}
    assert rows[str(cast.signatory_x)] == ["MOL", "Signatory", "See; Sign off"]
    assert rows[str(cast.editor_s)] == [
        "NSO",
        "Editor",
        "See; Propose and edit own items; Monitoring",
    ]
    assert rows[str(cast.coordinator_a)][2].startswith(
        "See; Propose and edit own items; Prioritisation"
    )
    assert "Manage governance" in rows[str(cast.coordinator_a)][2]
    assert rows[str(cast.administrator)][:2] == ["Platform administrator", "—"]
    assert str(cast.outsider) not in rows
    # What "own" means, in the words of each rule the views check.
    for rule in record_rules():
        assert escape(str(rule.description)) in page


def test_everyone_on_the_plan_reads_the_rules_and_only_its_governors_the_people(client, cast):
    client.force_login(cast.viewer_x)
    page = client.get(reverse("plan_access", args=[cast.plan_a.pk])).content.decode()
    assert 'aria-labelledby="policy"' in page and "Own items" in page
    assert "People on this plan" not in page and str(cast.signatory_x) not in page


def test_the_role_table_on_the_page_is_the_policy(client, cast):
    """The page's role × action table says, cell by cell, what ``role_actions`` (from which
    the grants are written) gives each kind of member."""
    client.force_login(cast.coordinator_a)
    page = client.get(reverse("plan_access", args=[cast.plan_a.pk])).content.decode()
    table = re.search(r'<table[^>]*aria-labelledby="policy".*?</table>', page, re.S)[0]
    header = [
        re.sub(r"<[^>]+>", "", cell).strip()
        for cell in re.findall(r"<th scope=\"col\">(.*?)</th>", table, re.S)
    ]
    columns = policy_table()
    assert header[1:] == [str(column.label) for column in columns]
    rows = re.findall(r"<tr>(.*?)</tr>", re.search(r"<tbody>(.*?)</tbody>", table, re.S)[1], re.S)
    assert len(rows) == len(PlanAction)
    shown = {
        re.search(r"<strong>(.*?)</strong>", row)[1]: re.findall(r'data-holds="(\w+)"', row)
        for row in rows
    }
    every_activity = tuple(ACTIVITY_ACTIONS)
    expected_members = {
        "Viewer": role_actions(Role.VIEWER),
        "Editor": role_actions(Role.EDITOR),
        "Signatory": role_actions(Role.SIGNATORY),
        "Coordinator": role_actions(Role.COORDINATOR),
        "Coordinator of a lead body": role_actions(Role.COORDINATOR, leads_plan=True),
        "Platform administrator": PLATFORM_ADMIN_ACTIONS,
    }
    for action in PlanAction:
        cells = dict(zip(header[1:], shown[str(ACTION_LABELS[action])], strict=True))
        for label, actions in expected_members.items():
            assert cells[label] == ("all" if action in actions else "none"), (action, label)
        lead_editor = role_actions(Role.EDITOR, leads_plan=True, activities=every_activity)
        if action in role_actions(Role.EDITOR):
            assert cells["Editor of a lead body"] == "all"
        elif action in lead_editor:
            assert cells["Editor of a lead body"] == "own_activities"
        else:
            assert cells["Editor of a lead body"] == "none"


def test_an_editor_of_ministry_y_cannot_open_ministry_x_edit_form(client, cast, caplog):
    client.force_login(cast.editor_y)
    with caplog.at_level(logging.WARNING, logger="msd_planner.security"):
        response = client.get(
            reverse("organisation_edit", args=[cast.ministry_x.pk]), REMOTE_ADDR="10.1.2.3"
        )
    assert response.status_code == 403
    assert (
        f"authorisation refused: user=editor_y action=edit object=organisation "
        f"{cast.ministry_x.pk}" in caplog.text
    )
    assert "ip=10.1.2.3" in caplog.text


def test_hidden_plans_are_logged_too(client, cast, caplog):
    client.force_login(cast.coordinator_b)
    with caplog.at_level(logging.WARNING, logger="msd_planner.security"):
        response = client.get(reverse("plan_governance", args=[cast.plan_a.pk]))
    assert response.status_code == 404
    assert f"user=coordinator_b action=view object=plan {cast.plan_a.pk}" in caplog.text


def test_an_organisation_coordinator_edits_its_profile_but_not_its_classification(client, cast):
    coordinator_x = factories.UserFactory(username="coordinator_x")
    membership_set(actor=None, user=coordinator_x, organisation=cast.ministry_x, role="coordinator")
    client.force_login(coordinator_x)
    url = reverse("organisation_edit", args=[cast.ministry_x.pk])
    form = client.get(url)
    assert form.status_code == 200
    page = form.content.decode()
    assert 'name="led_by_women"' in page and 'name="credit_preference"' in page
    for admin_only in ("type", "level", "parent", "country", "is_local_actor"):
        assert f'name="{admin_only}"' not in page
    data = {
        "name": "Ministry of Labour",
        "acronym": "MOL",
        "credit_preference": "anonymous",
        "led_by_women": "on",
        "version": cast.ministry_x.version,
        # Not on the coordinator's form: ignored if posted anyway.
        "type": OrganisationType.INTERNATIONAL,
        "level": "international",
        "is_local_actor": "on",
    }
    assert client.post(url, data).status_code == 302
    cast.ministry_x.refresh_from_db()
    assert cast.ministry_x.credit_preference == "anonymous"
    assert cast.ministry_x.led_by_women
    assert cast.ministry_x.type == OrganisationType.MINISTRY
    assert cast.ministry_x.level == "national"
    assert not cast.ministry_x.is_local_actor
    assert cast.ministry_x.history.first().history_user == coordinator_x


def _organisation_data(organisation, **changes) -> dict:
    data = {
        "name": organisation.name,
        "acronym": organisation.acronym,
        "type": organisation.type,
        "level": organisation.level,
        "parent": organisation.parent_id or "",
        "country": organisation.country.code or "",
        "credit_preference": organisation.credit_preference,
        "version": organisation.version,
    }
    return {**data, **changes}


def test_an_administrator_edits_every_field_of_an_organisation(client, cast):
    client.force_login(cast.administrator)
    url = reverse("organisation_edit", args=[cast.ministry_x.pk])
    assert 'name="type"' in client.get(url).content.decode()
    data = _organisation_data(cast.ministry_x, level="local", is_local_actor="on")
    assert client.post(url, data).status_code == 302
    cast.ministry_x.refresh_from_db()
    assert cast.ministry_x.level == "local" and cast.ministry_x.is_local_actor
    assert cast.ministry_x.version == 2


def test_an_organisation_cannot_become_part_of_its_own_part(client, cast):
    organisation_update(
        actor=cast.administrator,
        organisation=cast.ministry_y,
        expected_version=cast.ministry_y.version,
        data={"parent": cast.ministry_x},
    )
    client.force_login(cast.administrator)
    url = reverse("organisation_edit", args=[cast.ministry_x.pk])
    response = client.post(url, _organisation_data(cast.ministry_x, parent=cast.ministry_y.pk))
    page = response.content.decode()
    assert response.status_code == 200
    assert 'href="#id_parent"' in page
    assert "is part of Ministry of Labour, so it cannot be its parent" in page
    cast.ministry_x.refresh_from_db()
    assert cast.ministry_x.parent is None and cast.ministry_x.version == 1

    response = client.post(url, _organisation_data(cast.ministry_x, parent=cast.ministry_x.pk))
    assert response.status_code == 200
    assert 'href="#id_parent"' in response.content.decode()
    cast.ministry_x.refresh_from_db()
    assert cast.ministry_x.parent is None


def test_a_stale_organisation_edit_is_refused_and_saves_when_sent_again(client, cast):
    client.force_login(cast.administrator)
    url = reverse("organisation_edit", args=[cast.ministry_x.pk])
    opened = _organisation_data(cast.ministry_x)
    # Someone else saves first.
    client.post(url, {**opened, "acronym": "MOLSW"})
    response = client.post(url, {**opened, "name": "Ministry of Labour and Employment"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Someone else saved this record after you opened it" in page
    assert "As it is saved now" in page and "MOLSW" in page
    assert 'value="Ministry of Labour and Employment"' in page  # the user's input stays
    cast.ministry_x.refresh_from_db()
    assert (cast.ministry_x.name, cast.ministry_x.acronym) == ("Ministry of Labour", "MOLSW")

    resent = re.search(r'name="version" value="(\d+)"', page)[1]
    response = client.post(
        url, {**opened, "name": "Ministry of Labour and Employment", "version": resent}
    )
    assert response.status_code == 302
    cast.ministry_x.refresh_from_db()
    assert cast.ministry_x.name == "Ministry of Labour and Employment"
    assert cast.ministry_x.version == 3


def test_creating_an_organisation_shows_every_problem_and_keeps_the_input(client, cast):
    client.force_login(cast.administrator)
    response = client.post(
        reverse("organisation_create"),
        {"name": "", "acronym": "MRWA", "type": "spaceship", "level": "local"},
    )
    page = response.content.decode()
    assert 'href="#id_name"' in page and 'href="#id_type"' in page
    assert 'value="MRWA"' in page
    assert not Organisation.objects.filter(acronym="MRWA").exists()


def test_a_duplicate_organisation_name_is_refused_on_the_name_field(client, cast):
    client.force_login(cast.administrator)
    response = client.post(
        reverse("organisation_create"),
        {
            "name": "ministry of labour",
            "type": OrganisationType.MINISTRY,
            "level": "national",
            "country": "GH",
            "credit_preference": "by_name",
        },
    )
    assert "already exists in this country" in response.content.decode()
    assert Organisation.objects.filter(name__iexact="ministry of labour").count() == 1


def test_the_organisation_list_filters_local_actors(client, cast):
    factories.OrganisationFactory(name="Migrant Workers Union", is_local_actor=True)
    client.force_login(cast.administrator)
    page = client.get(reverse("organisation_list"), {"local_actor": "on"}).content.decode()
    assert "Migrant Workers Union" in page
    assert "Ministry of Labour" not in page


def test_sorting_and_paging_the_organisation_list_keep_every_filter(client, cast):
    for number in range(30):
        factories.OrganisationFactory(name=f"Migrant Workers Union {number}", is_local_actor=True)
    client.force_login(cast.administrator)
    filters = {"q": "union", "type": OrganisationType.MINISTRY, "local_actor": "on"}
    page = client.get(reverse("organisation_list"), filters).content.decode()
    sort_links = re.findall(r'href="\?([^"]*sort=[a-z]+)"', page)
    assert len(sort_links) == 3
    for link in sort_links:
        assert "q=union&amp;type=ministry&amp;local_actor=on&amp;sort=" in link

    sorted_page = client.get(reverse("organisation_list"), {**filters, "sort": "type"})
    next_link = re.search(r'href="\?([^"]*page=2)"', sorted_page.content.decode())[1]
    for part in ("q=union", "type=ministry", "local_actor=on", "sort=type"):
        assert part in next_link
    response = client.get(reverse("organisation_list") + "?" + next_link.replace("&amp;", "&"))
    assert "Ministry of Labour" not in response.content.decode()
    assert "Migrant Workers Union" in response.content.decode()


def test_an_unknown_sort_of_the_organisation_list_sorts_by_name_and_keeps_the_filters(client, cast):
    factories.OrganisationFactory(name="Zebra Workers Union", is_local_actor=True)
    factories.OrganisationFactory(name="Ant Workers Union", is_local_actor=True)
    client.force_login(cast.administrator)
    response = client.get(
        reverse("organisation_list"), {"q": "union", "local_actor": "on", "sort": "secret"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert page.index("Ant Workers Union") < page.index("Zebra Workers Union")
    assert "Ministry of Labour" not in page
    assert '<input type="hidden" name="sort" value="name">' in page


def test_members_see_only_organisations_of_their_plans(client, cast):
    client.force_login(cast.outsider)
    page = client.get(reverse("organisation_list")).content.decode()
    assert "Ministry of Energy" in page
    assert "Ministry of Labour" not in page
    assert "Accra Metropolitan Assembly" not in page


def test_whoever_governs_a_plan_sees_the_whole_registry_to_find_partners(client, cast):
    client.force_login(cast.coordinator_b)
    page = client.get(reverse("organisation_list")).content.decode()
    assert "Accra Metropolitan Assembly" in page
    assert "Ministry of Labour" in page and "Ministry of Energy" in page
    assert client.get(reverse("organisation_detail", args=[cast.outside_org.pk])).status_code == 200


@pytest.mark.parametrize("url_name", ["lead_arrangement_edit", "participant_add"])
def test_organisation_pickers_offer_what_the_organisation_list_shows(client, cast, url_name):
    client.force_login(cast.coordinator_b)
    picker = client.get(reverse(url_name, args=[cast.plan_b.pk])).content.decode()
    listed = client.get(reverse("organisation_list")).content.decode()
    assert "Ministry of Energy (MOE)" in picker and "Ministry of Energy" in listed


def test_an_organisation_coordinator_who_governs_no_plan_keeps_the_narrow_registry(client, cast):
    coordinator_y = factories.UserFactory(username="coordinator_y")
    membership_set(actor=None, user=coordinator_y, organisation=cast.ministry_y, role="coordinator")
    client.force_login(coordinator_y)
    listed = client.get(reverse("organisation_list")).content.decode()
    assert "Ministry of Health" in listed and "Ministry of Labour" in listed
    assert "Ministry of Energy" not in listed
    response = client.get(reverse("organisation_detail", args=[cast.outside_org.pk]))
    assert response.status_code == 404


def test_an_administrator_invites_a_user_who_sets_a_password_and_sees_the_plan(
    client, cast, django_capture_on_commit_callbacks
):
    client.force_login(cast.administrator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("user_invite"),
            {
                "email": "Ama.Serwaa@Labour.example",
                "first_name": "Ama",
                "last_name": "Serwaa",
                "organisation": cast.ministry_x.pk,
                "role": Role.EDITOR,
            },
        )
    assert response.status_code == 302
    assert mail.outbox[0].to == ["ama.serwaa@labour.example"]
    link = re.search(r"https?://[^/]+(/invitations/\S+/)", mail.outbox[0].body)[1]

    invited = Client()
    page = invited.get(link)
    assert "Choose your password" in page.content.decode()
    weak = invited.post(link, {"password1": "password", "password2": "password"})
    assert "This password is too common" in weak.content.decode()
    done = invited.post(
        link, {"password1": "labour-migration-2030", "password2": "labour-migration-2030"}
    )
    assert done.url == reverse("home")
    home = invited.get(reverse("home")).content.decode()
    assert cast.plan_a.title in home and cast.plan_b.title not in home
    user = User.objects.get(email="ama.serwaa@labour.example")
    assert plan_actions_for_user(user, cast.plan_a) == {PlanAction.VIEW, PlanAction.CONTRIBUTE}

    assert Client().get(link).status_code == 404  # single use


@pytest.mark.parametrize("inviter", ["administrator", "coordinator_x"])
def test_both_invite_pages_say_the_same_words_whether_or_not_the_address_has_an_account(
    client, cast, inviter, django_capture_on_commit_callbacks
):
    # Neither invite page may tell who has an account: the administrators' page once
    # answered "An account already uses this email address", the coordinators' did not.
    client.force_login(cast.user(inviter))
    url = (
        reverse("user_invite")
        if inviter == "administrator"
        else reverse("organisation_member_invite", args=[cast.ministry_x.pk])
    )
    outside = cast.outsider.email.upper()  # an account, not a member of ministry X
    said = {}
    for email in ("new.person@labour.example", outside):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                url,
                {
                    "email": email,
                    "first_name": "Ama",
                    "last_name": "Serwaa",
                    "organisation": cast.ministry_x.pk,
                    "role": Role.VIEWER,
                },
                follow=True,
            )
        page = response.content.decode()
        assert "already uses" not in page
        said[email] = [str(message) for message in response.context["messages"]]

    assert said[outside] == [
        f"{outside} is invited to join MOL; the link is valid for 7 days. If the address "
        "already has an account, a platform administrator is asked to add it."
    ]
    assert said["new.person@labour.example"] == [
        said[outside][0].replace(outside, "new.person@labour.example")
    ]
    # The existing account is neither duplicated nor moved: the administrators are asked.
    assert User.objects.filter(email__iexact=outside).count() == 1
    assert not cast.outsider.memberships.filter(organisation=cast.ministry_x).exists()
    assert "asks to add an existing account" in mail.outbox[-1].subject


def test_changing_a_role_through_the_user_page_changes_plan_rights(client, cast):
    client.force_login(cast.administrator)
    membership = cast.viewer_x.memberships.get()
    client.post(
        reverse("organisation_member_edit", args=[cast.ministry_x.pk, membership.pk])
        + "?from=account",
        {"role": Role.SIGNATORY, "version": membership.version},
    )
    assert PlanAction.SIGN in plan_actions_for_user(cast.viewer_x, cast.plan_a)
    page = client.get(reverse("user_detail", args=[cast.viewer_x.pk])).content.decode()
    assert "Signatory" in page


def test_deactivation_asks_first_and_signs_the_user_out(client, cast):
    from django.test import Client as BrowserSession

    editor = BrowserSession()
    editor.force_login(cast.editor_x)
    assert editor.get(reverse("home")).status_code == 200

    client.force_login(cast.administrator)
    url = reverse("user_deactivate", args=[cast.editor_x.pk])
    assert "signed out everywhere" in client.get(url).content.decode()
    client.post(url)

    assert editor.get(reverse("home")).status_code == 302
    page = client.get(reverse("user_detail", args=[cast.editor_x.pk])).content.decode()
    assert f"<td>{cast.administrator}</td><td>Deactivated</td>" in page


def test_login_locks_one_username_from_one_address_not_the_whole_office(client, cast, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "editor_x", "password": "wrong"})
    locked = client.post(reverse("login"), {"username": "editor_x", "password": factories.PASSWORD})
    assert locked.status_code == 429
    assert "Too many attempts" in locked.content.decode()
    colleague = client.post(
        reverse("login"), {"username": "viewer_x", "password": factories.PASSWORD}
    )
    assert colleague.url == reverse("home")


def test_an_administrator_sends_a_new_invitation_and_the_old_link_stops_working(
    client, cast, django_capture_on_commit_callbacks
):
    client.force_login(cast.administrator)
    invite = {
        "email": "kwame@labour.example",
        "first_name": "Kwame",
        "last_name": "Ofori",
        "organisation": cast.ministry_x.pk,
        "role": Role.VIEWER,
    }
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("user_invite"), invite)
    user = User.objects.get(email="kwame@labour.example")
    resend = reverse("invitation_resend", args=[user.pk])
    assert "Links sent before stop working." in client.get(resend).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(resend)

    first, second = (
        re.search(r"https?://[^/]+(/invitations/\S+/)", message.body)[1] for message in mail.outbox
    )
    assert first != second
    assert Client().get(first).status_code == 404
    assert Client().get(second).status_code == 200
    assert "Ministry of Labour" in mail.outbox[1].body


def test_no_new_invitation_for_someone_who_has_a_password(client, cast):
    client.force_login(cast.administrator)
    response = client.post(reverse("invitation_resend", args=[cast.editor_x.pk]), follow=True)
    assert "has already chosen a password" in response.content.decode()
    assert mail.outbox == []


def _history_rows() -> int:
    return sum(
        model.history.count()
        for model in (LeadArrangement, LeadBody, Responsibility, Participation)
    )


def _lead_data_as_saved(cast, **changes) -> dict:
    """Plan A's lead arrangement form as the cast set it up: a joint lead where the
    statistics office leads monitoring."""
    data = {
        "model": LeadModel.JOINT,
        "lead": cast.lead_ministry.pk,
        "second_lead": cast.statistics_office.pk,
        "notes": "",
        **{
            f"responsibility_{activity}": (
                cast.statistics_office if activity == Activity.MONITORING else cast.lead_ministry
            ).pk
            for activity in Activity.values
        },
        "version": cast.plan_a.lead_arrangement.version,
    }
    return {**data, **changes}


def test_saving_an_unchanged_lead_arrangement_writes_no_history(client, cast):
    client.force_login(cast.coordinator_a)
    url = reverse("lead_arrangement_edit", args=[cast.plan_a.pk])
    before = _history_rows()
    response = client.post(url, _lead_data_as_saved(cast))
    assert response.status_code == 302
    assert _history_rows() == before
    assert LeadArrangement.objects.get(plan=cast.plan_a).version == 1


def test_changing_one_responsibility_writes_only_that_change(client, cast):
    client.force_login(cast.coordinator_a)
    url = reverse("lead_arrangement_edit", args=[cast.plan_a.pk])
    data = _lead_data_as_saved(cast, responsibility_validation=cast.statistics_office.pk)
    responsibilities_before = Responsibility.history.count()
    assert client.post(url, data).status_code == 302
    # Validation moved; the five other activities were left alone.
    assert Responsibility.history.count() == responsibilities_before + 1
    assert LeadArrangement.objects.get(plan=cast.plan_a).version == 2


def test_a_stale_lead_arrangement_is_refused_and_saves_when_sent_again(client, cast):
    client.force_login(cast.coordinator_a)
    url = reverse("lead_arrangement_edit", args=[cast.plan_a.pk])
    opened = _lead_data_as_saved(cast)
    # Someone else adds an adviser first.
    client.post(url, {**opened, "advisers": [cast.ministry_y.pk]})
    response = client.post(url, {**opened, "notes": "Reviewed with the cabinet office"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Someone else saved this record after you opened it" in page
    assert "As it is saved now" in page and "Ministry of Health (MOH)" in page
    assert "Reviewed with the cabinet office" in page  # the user's input stays
    arrangement = LeadArrangement.objects.get(plan=cast.plan_a)
    assert arrangement.notes == "" and arrangement.version == 2

    resent = re.search(r'name="version" value="(\d+)"', page)[1]
    response = client.post(
        url, {**opened, "notes": "Reviewed with the cabinet office", "version": resent}
    )
    assert response.status_code == 302
    arrangement.refresh_from_db()
    assert arrangement.notes == "Reviewed with the cabinet office"
    assert not arrangement.bodies.filter(kind=LeadBodyKind.ADVISER).exists()
    assert arrangement.version == 3


def test_a_forged_forwarded_for_header_is_not_logged_as_the_address(client, cast, caplog):
    # No proxy is configured in tests: the address is the connection's, as for the lockout.
    client.force_login(cast.editor_y)
    with caplog.at_level(logging.WARNING, logger="msd_planner.security"):
        client.get(
            reverse("organisation_edit", args=[cast.ministry_x.pk]),
            REMOTE_ADDR="10.1.2.3",
            HTTP_X_FORWARDED_FOR="203.0.113.66",
        )
    assert "ip=10.1.2.3" in caplog.text
    assert "203.0.113.66" not in caplog.text


def test_the_admin_cannot_grant_groups_or_permissions_around_governance(client, cast):
    client.force_login(cast.administrator)
    page = client.get(reverse("admin:governance_user_change", args=[cast.editor_x.pk]))
    assert page.status_code == 200
    content = page.content.decode()
    assert 'name="groups"' not in content and 'name="user_permissions"' not in content
    assert client.get("/admin/auth/group/").status_code == 404


def test_a_participant_no_longer_required_to_sign_drops_out_of_the_signatory_warning(client, cast):
    client.force_login(cast.coordinator_a)
    participation = cast.plan_a.participations.get(organisation=cast.ministry_y)
    governance = reverse("plan_governance", args=[cast.plan_a.pk])
    assert re.search(r"no signatory is named for:[^<]*MOH", client.get(governance).content.decode())
    response = client.post(
        reverse("participant_edit", args=[cast.plan_a.pk, participation.pk]),
        {"version": participation.version},
    )  # an unticked box sends nothing
    assert response.status_code == 302
    participation.refresh_from_db()
    assert participation.signatory_required is False
    assert not re.search(
        r"no signatory is named for:[^<]*MOH", client.get(governance).content.decode()
    )


def test_removing_a_membership_asks_first_then_ends_plan_access(client, cast):
    client.force_login(cast.administrator)
    membership = cast.editor_y.memberships.get()
    url = reverse("organisation_member_remove", args=[cast.ministry_y.pk, membership.pk])
    assert "They lose access to every plan" in client.get(url).content.decode()
    client.post(url)
    assert plan_actions_for_user(cast.editor_y, cast.plan_a) == frozenset()
    assert not cast.editor_y.memberships.exists()


def test_a_reactivated_user_signs_in_again(client, cast):
    client.force_login(cast.administrator)
    client.post(reverse("user_deactivate", args=[cast.viewer_x.pk]))
    url = reverse("user_reactivate", args=[cast.viewer_x.pk])
    assert "They can sign in again" in client.get(url).content.decode()
    client.post(url)
    response = Client().post(
        reverse("login"), {"username": "viewer_x", "password": factories.PASSWORD}
    )
    assert response.url == reverse("home")


def test_every_select_s_empty_choice_says_choose(client, cast):
    """No select offers Django's "---------": a country, a level, a base currency left
    to choose read "Choose one", as "Choose the sector" does elsewhere."""
    client.force_login(cast.administrator)
    organisation = client.get(reverse("organisation_create")).content.decode()
    client.force_login(cast.coordinator_a)
    plan = client.get(reverse("plan_edit", args=[cast.plan_a.pk])).content.decode()

    for page in (organisation, plan):
        assert "---------" not in page
    first_option = re.compile(
        r'<select name="(\w+)"[^>]*>\s*<option value=""(?: selected)?>([^<]+)</option>'
    )
    assert dict(first_option.findall(organisation))["country"] == "Choose one"
    assert dict(first_option.findall(plan))["base_currency"] == "Choose one"
