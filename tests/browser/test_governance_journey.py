import re

import pytest
from django.core import mail
from django.core.management import call_command
from playwright.sync_api import expect

from action_plans.models import ActionPlan
from action_plans.permissions import PlanAction, plan_actions_for_user
from governance.models import Organisation, User
from tests.browser.test_catalogue_journey import _sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_invited_editor_lands_on_their_plan_with_exactly_an_editors_rights(
    browser, page, live_server
):
    call_command("load_demo")
    national = ActionPlan.objects.get(level="national")

    _sign_in(page, "admin")
    page.get_by_role("link", name="Users").click()
    page.get_by_role("link", name="Invite a user").click()
    page.get_by_label("Email address").fill("akosua.mensah@melr.example")
    page.get_by_label("First name").fill("Akosua")
    page.get_by_label("Last name").fill("Mensah")
    page.get_by_label("Organisation", exact=True).select_option(
        label="Ministry of Employment and Labour Relations (MELR)"
    )
    page.get_by_label("Role in the organisation").select_option("editor")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_role("alert").or_(page.get_by_role("status")).first).to_contain_text(
        "akosua.mensah@melr.example is invited to join MELR"
    )

    link = re.search(r"https?://\S+/invitations/\S+/", mail.outbox[-1].body)[0]
    invited_context = browser.new_context(base_url=live_server.url)
    invited = invited_context.new_page()
    invited.goto(link)
    invited.get_by_label("New password", exact=True).fill("labour-mobility-2030")
    invited.get_by_label("New password again").fill("labour-mobility-2030")
    invited.get_by_role("button", name="Save password and continue").click()

    expect(invited.get_by_role("heading", level=1)).to_have_text("Your plans")
    expect(invited.get_by_role("link", name=national.title)).to_be_visible()
    expect(invited.get_by_text("Accra Metropolitan")).to_have_count(0)
    invited.get_by_role("link", name=national.title).click()
    invited.get_by_role("link", name="Governance").click()
    expect(invited.get_by_role("heading", level=1)).to_have_text("Governance")
    expect(invited.get_by_role("link", name="Add an organisation")).to_have_count(0)
    # They read what an editor may do, and what their own items are.
    invited.get_by_role("link", name="Who can do what").click()
    expect(invited.get_by_role("heading", name="Own items")).to_be_visible()
    invited_context.close()

    user = User.objects.get(email="akosua.mensah@melr.example")
    assert plan_actions_for_user(user, national) == {PlanAction.VIEW, PlanAction.CONTRIBUTE}


def test_an_editor_cannot_open_another_ministrys_edit_form_by_typing_its_url(page):
    call_command("load_demo")
    labour = Organisation.objects.get(acronym="MELR")
    _sign_in(page, "stats.editor")
    response = page.goto(f"/organisations/{labour.pk}/edit/")
    assert response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("You cannot do this")
