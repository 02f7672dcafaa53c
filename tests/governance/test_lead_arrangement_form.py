"""The lead arrangement form as a first-day user meets it, and radio buttons at plan level."""

import re

import pytest
from django.urls import reverse

from governance.models import LeadModel, OrganisationType
from targets.models import Target
from targets.services import prioritised_target_add
from tests import factories


def _lead_page(client, cast) -> str:
    client.force_login(cast.coordinator_a)
    response = client.get(reverse("lead_arrangement_edit", args=[cast.plan_a.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_technical_advisers_are_ticked_in_checkboxes_not_a_multiple_select(client, cast):
    page = _lead_page(client, cast)
    assert '<select name="advisers"' not in page
    assert "Ctrl" not in page
    advisers = re.search(
        r"<fieldset[^>]*>\s*<legend[^>]*>Technical advisers.*?</fieldset>", page, re.S
    )
    assert advisers, "the advisers are a group of checkboxes under one legend"
    boxes = re.findall(r'<input type="checkbox" name="advisers" value="(\d+)"', advisers[0])
    assert str(cast.ministry_y.pk) in boxes
    box = rf'<input type="checkbox" name="advisers" value="{cast.ministry_y.pk}"[^>]*>'
    assert re.search(
        box + r'<label class="form-check-label" for="id_advisers_\d+">Ministry of Health', page
    )


def test_ticked_advisers_are_saved(client, cast):
    adviser = factories.OrganisationFactory(
        name="International Organization for Migration",
        acronym="IOM",
        type=OrganisationType.INTERNATIONAL,
    )
    client.force_login(cast.administrator)
    response = client.post(
        reverse("lead_arrangement_edit", args=[cast.plan_a.pk]),
        {
            "model": LeadModel.SINGLE,
            "lead": cast.lead_ministry.pk,
            "advisers": [adviser.pk],
            "version": cast.plan_a.lead_arrangement.version,
        },
    )
    assert response.status_code == 302
    governance = client.get(reverse("plan_governance", args=[cast.plan_a.pk])).content.decode()
    assert "International Organization for Migration" in governance


def test_decision_power_is_marked_for_a_coordinating_body_only(client, cast):
    page = _lead_page(client, cast)
    block = re.search(
        r'<div id="decision-power" data-lead-models="coordinating_body">(.*?)</div>\s*</div>',
        page,
        re.S,
    )
    assert block, "the decision-power box sits in a block shown for coordinating bodies"
    assert 'name="has_decision_power"' in block[1]
    # Without the script, the hint says when the box counts.
    assert "Only for a coordinating council or working group" in block[1]
    assert 'aria-describedby="id_has_decision_power_helptext"' in block[1]
    assert page.count('name="has_decision_power"') == 1


def test_the_page_loads_its_script_from_the_site_and_runs_none_inline(client, cast):
    page = _lead_page(client, cast)
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", page, re.S)
    assert any("js/lead_arrangement.js" in attributes for attributes, _body in scripts)
    assert all(body.strip() == "" for _attributes, body in scripts)
    assert "data-lead-arrangement" in page


def test_decision_power_is_ignored_for_a_single_lead(client, cast):
    client.force_login(cast.coordinator_a)
    client.post(
        reverse("lead_arrangement_edit", args=[cast.plan_a.pk]),
        {
            "model": LeadModel.SINGLE,
            "lead": cast.lead_ministry.pk,
            "has_decision_power": "on",
            "version": cast.plan_a.lead_arrangement.version,
        },
    )
    cast.plan_a.lead_arrangement.refresh_from_db()
    assert cast.plan_a.lead_arrangement.has_decision_power is False


def test_a_responsibility_given_to_an_organisation_that_does_not_lead_is_refused(client, cast):
    client.force_login(cast.coordinator_a)
    response = client.post(
        reverse("lead_arrangement_edit", args=[cast.plan_a.pk]),
        {
            "model": LeadModel.SINGLE,
            "lead": cast.lead_ministry.pk,
            "responsibility_validation": cast.ministry_y.pk,
            "version": cast.plan_a.lead_arrangement.version,
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Ministry of Health (MOH) is not a lead body of this plan." in page
    assert 'href="#id_responsibility_validation"' in page
    assert "the lead body or the second lead body chosen above" in page


def _radio_pages(client, cast):
    plan = cast.plan_a
    proposal = prioritised_target_add(
        actor=cast.editor_x,
        plan=plan,
        target=Target.objects.get(code="8.8"),
        rationale="Labour rights of migrants",
    )
    yield cast.coordinator_a, reverse("lead_arrangement_edit", args=[plan.pk])
    yield cast.coordinator_a, reverse("plan_edit", args=[plan.pk])
    yield cast.administrator, reverse("plan_create")
    yield cast.coordinator_a, reverse("consultation_create", args=[plan.pk])
    yield cast.coordinator_a, reverse("prioritised_target_add", args=[plan.pk]) + "?q=10.7"
    yield cast.coordinator_a, reverse("proposal_decide", args=[plan.pk, proposal.pk])


@pytest.mark.usefixtures("catalogue")
def test_no_radio_button_at_plan_level_offers_a_blank_choice(client, cast):
    checked = 0
    for user, url in _radio_pages(client, cast):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        radios = re.findall(r'<input type="radio"[^>]*>', page)
        assert radios, f"{url} shows radio buttons"
        values = [re.search(r'value="([^"]*)"', radio) for radio in radios]
        assert all(value and value[1] for value in values), url
        assert not re.search(r'<input type="radio"[^>]*><label[^>]*>-+<', page), url
        assert re.findall(r"\brequired\b", " ".join(radios)), f"{url}: the choice stays required"
        checked += 1
    assert checked == 6
