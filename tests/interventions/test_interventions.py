"""Interventions as ministry staff use them: designed against the prioritised targets,
edited by their lead organisation, commented on by partners, refused when wrong."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from interventions.models import (
    AddressedTarget,
    Beneficiaries,
    Comment,
    Intervention,
    Partner,
)
from tests import factories
from tests.interventions.conftest import make_intervention


def _form_data(cast, targets, **changes) -> dict:
    data = {
        "title": "Fair recruitment of migrant workers",
        "level": "programme",
        "sector": "labour",
        "lead_organisation": cast.ministry_x.pk,
        "description": "Licensing and monitoring of recruitment agencies.",
        "design": "",
        "start_date": "2026-01-01",
        "end_date": "2028-12-31",
        "estimated_cost": "1250000.50",
        "technical_capacity": "",
        "capacity_building": "",
        "risks": "",
        "status": "designed",
        "drop_reason": "",
        f"target_{targets['10.7'].pk}": "on",
        f"contribution_{targets['10.7'].pk}": "Fewer fees paid by workers",
        f"partner_{cast.ministry_y.pk}": "technical_support",
        "group_migrant_workers": "on",
        "number_migrant_workers": "12000",
        "group_women": "on",
        "number_women": "",
        "version": 0,
    }
    return {**data, **changes}


def test_a_beneficiary_number_larger_than_its_column_holds_is_refused_on_its_field(
    client, cast, targets_a
):
    # A 4-byte column: 2,147,483,648 once answered 500 on PostgreSQL ("integer out of
    # range"); the form now says so on the group's number, and nothing is saved.
    client.force_login(cast.editor_x)
    url = reverse("intervention_create", args=[cast.plan_a.pk])
    response = client.post(url, _form_data(cast, targets_a, number_migrant_workers=str(2**31)))
    assert response.status_code == 200
    assert response.context["form"].errors["number_migrant_workers"] == [
        "Enter a number no larger than 2,147,483,647."
    ]
    assert 'href="#id_number_migrant_workers"' in response.content.decode()
    assert not Intervention.objects.exists() and not Beneficiaries.objects.exists()

    at_the_limit = _form_data(cast, targets_a, number_migrant_workers=str(2**31 - 1))
    assert client.post(url, at_the_limit).status_code == 302
    assert Beneficiaries.objects.get(group="migrant_workers").estimated_number == 2**31 - 1


def test_an_editor_designs_an_intervention_for_their_organisation(client, cast, targets_a):
    client.force_login(cast.editor_x)
    response = client.post(
        reverse("intervention_create", args=[cast.plan_a.pk]), _form_data(cast, targets_a)
    )
    assert response.status_code == 302
    intervention = Intervention.objects.get()
    assert intervention.lead_organisation == cast.ministry_x
    assert intervention.estimated_cost == Decimal("1250000.50")
    link = AddressedTarget.objects.get()
    assert (link.prioritised_target, link.contribution) == (
        targets_a["10.7"],
        "Fewer fees paid by workers",
    )
    assert Partner.objects.get().organisation == cast.ministry_y
    assert dict(Beneficiaries.objects.values_list("group", "estimated_number")) == {
        "migrant_workers": 12000,
        "women": None,
    }
    assert intervention.history.get().history_user == cast.editor_x
    page = client.get(response["Location"]).content.decode()
    assert "Fair recruitment of migrant workers" in page and "about 12,000" in page
    assert reverse("intervention_edit", args=[cast.plan_a.pk, intervention.pk]) in page


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"start_date": "2027-01-01", "end_date": "2026-06-30"},
            "end_date",
            "The end cannot be before the start.",
        ),
        ({"end_date": "2031-03-01"}, "end_date", "Choose a date within the plan period"),
        ({"start_date": "2019-03-01"}, "start_date", "Choose a date within the plan period"),
        ({"estimated_cost": "-5"}, "estimated_cost", "The cost cannot be negative."),
        ({"estimated_cost": "a lot"}, "estimated_cost", "Enter a number."),
        ({"status": "dropped"}, "drop_reason", "Say why the intervention is dropped."),
    ],
)
def test_bad_input_gets_a_message_on_its_field_and_nothing_is_saved(
    client, cast, targets_a, changes, field, message
):
    client.force_login(cast.coordinator_a)
    response = client.post(
        reverse("intervention_create", args=[cast.plan_a.pk]),
        _form_data(cast, targets_a, **changes),
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert f'href="#id_{field}"' in page
    assert message in page
    assert not Intervention.objects.exists() and not AddressedTarget.objects.exists()


def test_links_outside_the_plan_are_refused(client, cast, targets_a):
    stranger = factories.OrganisationFactory(name="Ministry of Mines", acronym="MOM")
    client.force_login(cast.coordinator_a)
    url = reverse("intervention_create", args=[cast.plan_a.pk])
    no_target = _form_data(cast, targets_a)
    del no_target[f"target_{targets_a['10.7'].pk}"]
    page = client.post(url, no_target).content.decode()
    assert "Choose at least one prioritised target it addresses." in page
    page = client.post(url, _form_data(cast, targets_a, lead_organisation=stranger.pk)).content
    assert b"Select a valid choice" in page  # not among the plan's participants
    assert not Intervention.objects.exists()


def test_a_lead_that_leaves_the_plan_meanwhile_is_refused_by_the_service(cast, targets_a):
    """The rules are checked again under the plan's lock, whatever the form saw."""
    from django.core.exceptions import ValidationError

    from governance.services.participations import participation_remove

    participation_remove(
        actor=cast.administrator,
        participation=cast.plan_a.participations.get(organisation=cast.ministry_y),
    )
    with pytest.raises(ValidationError, match="does not take part"):
        make_intervention(cast, targets_a, lead=cast.ministry_y)
    assert not Intervention.objects.exists()


@pytest.mark.parametrize(
    ("role", "may_edit"),
    [
        ("editor_x", True),  # its lead organisation
        ("coordinator_x", True),
        ("coordinator_a", True),  # leads intervention design
        ("editor_y", False),  # a partner comments, does not edit
        ("editor_s", False),  # leads monitoring, not design
        ("viewer_x", False),
    ],
)
def test_who_edits_an_intervention(client, cast, targets_a, role, may_edit):
    intervention = make_intervention(cast, targets_a)
    client.force_login(cast.user(role))
    edit = reverse("intervention_edit", args=[cast.plan_a.pk, intervention.pk])
    assert client.get(edit).status_code == (200 if may_edit else 403)
    page = client.get(reverse("intervention_detail", args=[cast.plan_a.pk, intervention.pk]))
    assert (edit in page.content.decode()) is may_edit
    listing = client.get(reverse("intervention_list", args=[cast.plan_a.pk])).content.decode()
    assert (edit in listing) is may_edit


def test_an_editor_cannot_give_their_intervention_to_another_organisation(client, cast, targets_a):
    client.force_login(cast.editor_x)
    response = client.post(
        reverse("intervention_create", args=[cast.plan_a.pk]),
        _form_data(cast, targets_a, lead_organisation=cast.ministry_y.pk),
    )
    assert "Select a valid choice" in response.content.decode()
    assert not Intervention.objects.exists()


def test_partners_comment_and_the_thread_keeps_its_history(client, cast, targets_a):
    intervention = make_intervention(cast, targets_a)
    url = reverse("intervention_comment", args=[cast.plan_a.pk, intervention.pk])
    client.force_login(cast.editor_y)
    assert client.post(url, {"text": "MOH can run the health screenings."}).status_code == 403
    edit_links = {targets_a["10.7"].pk: "Fewer fees"}
    from interventions.services import Links, intervention_update

    intervention_update(
        actor=cast.coordinator_a,
        intervention=intervention,
        expected_version=intervention.version,
        data={},
        links=Links(targets=edit_links, partners={cast.ministry_y.pk: "implementing"}),
    )
    response = client.post(url, {"text": "MOH can run the health screenings."}, follow=True)
    assert "MOH can run the health screenings." in response.content.decode()
    comment = Comment.objects.get()
    assert (comment.author, comment.organisation) == (cast.editor_y, cast.ministry_y)
    assert comment.history.get().history_user == cast.editor_y
    client.force_login(cast.viewer_x)
    page = client.get(reverse("intervention_detail", args=[cast.plan_a.pk, intervention.pk]))
    assert "MOH can run the health screenings." in page.content.decode()
    assert url not in page.content.decode()  # a viewer reads, does not comment


def test_a_stale_save_shows_the_conflict_and_keeps_the_input(client, cast, targets_a):
    intervention = make_intervention(cast, targets_a)
    opened = intervention.version
    client.force_login(cast.editor_x)
    url = reverse("intervention_edit", args=[cast.plan_a.pk, intervention.pk])
    first = _form_data(cast, targets_a, title="Ethical recruitment", version=opened)
    assert client.post(url, first).status_code == 302
    second = _form_data(cast, targets_a, title="Recruitment without fees", version=opened)
    page = client.post(url, second).content.decode()
    assert "Someone else saved this record after you opened it" in page
    assert 'value="Recruitment without fees"' in page  # the user's input is kept
    intervention.refresh_from_db()
    assert intervention.title == "Ethical recruitment"
    assert intervention.history.count() == 2  # created, and the one saved edit

    resent = re.search(r'name="version" value="(\d+)"', page)[1]
    assert client.post(url, {**second, "version": resent}).status_code == 302
    intervention.refresh_from_db()
    assert intervention.title == "Recruitment without fees"


def test_the_coverage_view_shows_what_is_still_missing(client, cast, targets_a):
    make_intervention(cast, targets_a)
    dropped = make_intervention(
        cast, targets_a, title="Old remittance scheme", status="dropped", drop_reason="Merged"
    )
    AddressedTarget.objects.create(intervention=dropped, prioritised_target=targets_a["10.c"])
    client.force_login(cast.viewer_x)
    page = client.get(reverse("intervention_coverage", args=[cast.plan_a.pk])).content.decode()
    assert re.search(r"1 prioritised target has no intervention yet:\s*10\.c", page)
    assert "Fair recruitment" in page and "Old remittance scheme" not in page


def test_the_list_filters_by_target_organisation_sector_level_and_status(client, cast, targets_a):
    make_intervention(cast, targets_a)
    make_intervention(
        cast,
        targets_a,
        title="Remittance price comparison",
        lead=cast.lead_ministry,
        sector="financial_inclusion",
        level="policy",
        status="in_plan",
    )
    client.force_login(cast.viewer_x)
    url = reverse("intervention_list", args=[cast.plan_a.pk])

    def titles(**filters) -> list[str]:
        page = client.get(url, filters).content.decode()
        return re.findall(r'<th scope="row"[^>]*><a href="[^"]+">([^<]+)</a>', page)

    assert titles() == ["Fair recruitment", "Remittance price comparison"]
    assert titles(organisation=cast.ministry_x.pk) == ["Fair recruitment"]
    assert titles(sector="financial_inclusion") == ["Remittance price comparison"]
    assert titles(level="programme", status="proposed") == ["Fair recruitment"]
    assert titles(target=targets_a["10.c"].pk) == []


def _grow(cast, targets, count: int) -> None:
    """``count`` more interventions with a target, a partner and a beneficiary group."""
    interventions = Intervention.objects.bulk_create(
        Intervention(
            plan=cast.plan_a,
            title=f"Intervention {index:03}",
            level="programme",
            sector="labour",
            lead_organisation=cast.ministry_x,
        )
        for index in range(count)
    )
    AddressedTarget.objects.bulk_create(
        AddressedTarget(intervention=item, prioritised_target=targets["10.7"])
        for item in interventions
    )
    Partner.objects.bulk_create(
        Partner(intervention=item, organisation=cast.ministry_y, role="implementing")
        for item in interventions
    )
    Beneficiaries.objects.bulk_create(
        Beneficiaries(intervention=item, group="youth", estimated_number=100)
        for item in interventions
    )


def _queries(client, url) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context)


@pytest.mark.parametrize("page", ["intervention_list", "intervention_coverage", "detail"])
def test_pages_cost_the_same_queries_for_10_or_300_interventions(client, cast, targets_a, page):
    _grow(cast, targets_a, 10)
    first = Intervention.objects.order_by("pk").first()
    client.force_login(cast.editor_x)
    url = (
        reverse("intervention_detail", args=[cast.plan_a.pk, first.pk])
        if page == "detail"
        else reverse(page, args=[cast.plan_a.pk])
    )
    small = _queries(client, url)
    _grow(cast, targets_a, 290)
    assert Intervention.objects.count() == 300
    assert _queries(client, url) == small
    print(f"{page}: {small} queries with 10 and with 300 interventions")


def _status(client, cast, intervention, **data):
    return client.post(
        reverse("intervention_status", args=[cast.plan_a.pk, intervention.pk]),
        data,
        HTTP_HX_REQUEST="true",
    )


def test_the_status_is_changed_in_place_with_the_same_checks(client, cast, targets_a):
    intervention = make_intervention(cast, targets_a)
    client.force_login(cast.editor_x)
    listing = client.get(reverse("intervention_list", args=[cast.plan_a.pk])).content.decode()
    assert (
        f'hx-post="{reverse("intervention_status", args=[cast.plan_a.pk, intervention.pk])}"'
        in listing
    )

    refused = _status(client, cast, intervention, status="dropped", version=1)
    cell = refused.content.decode()
    assert cell.lstrip().startswith('<form method="post"')  # the form only, no page
    assert f'<div id="status-live-{intervention.pk}" hx-swap-oob="innerHTML">' in cell
    assert "Say why the intervention is dropped." in cell
    intervention.refresh_from_db()
    assert intervention.status == "proposed"

    saved = _status(client, cast, intervention, status="under_way", version=1).content.decode()
    assert "Saved." in saved and 'name="version" value="2"' in saved
    intervention.refresh_from_db()
    assert intervention.status == "under_way"
    assert AddressedTarget.objects.filter(intervention=intervention).count() == 1  # kept

    stale = _status(client, cast, intervention, status="completed", version=1).content.decode()
    assert "Someone else saved this record after you opened it" in stale
    assert "Under way" in stale and 'name="version" value="2"' in stale
    intervention.refresh_from_db()
    assert intervention.status == "under_way"


def test_without_javascript_the_status_form_is_a_page(client, cast, targets_a):
    intervention = make_intervention(cast, targets_a)
    client.force_login(cast.editor_x)
    url = reverse("intervention_status", args=[cast.plan_a.pk, intervention.pk])
    assert "Status of “Fair recruitment”" in client.get(url).content.decode()
    response = client.post(url, {"status": "designed", "version": 1})
    assert response.status_code == 302
    client.force_login(cast.editor_y)
    assert _status(client, cast, intervention, status="completed", version=2).status_code == 403


def test_a_quick_edit_refused_for_a_rule_it_does_not_show_says_why(client, cast, targets_a):
    """Its partner is no longer in the plan (a record from before the rule that keeps it
    there): the status cannot change until that is fixed, and the cell says so (no
    server error)."""
    from django.core.exceptions import ValidationError

    from governance.models import Participation
    from governance.services.participations import participation_remove
    from interventions.services import Links, intervention_update

    intervention = make_intervention(cast, targets_a)
    intervention = intervention_update(
        actor=cast.coordinator_a,
        intervention=intervention,
        expected_version=intervention.version,
        data={},
        links=Links(
            targets={targets_a["10.7"].pk: ""}, partners={cast.ministry_y.pk: "implementing"}
        ),
    ).instance
    # The service keeps a partner in the plan…
    with pytest.raises(ValidationError, match="MOH works on the interventions “Fair recruitment”"):
        participation_remove(
            actor=cast.administrator,
            participation=cast.plan_a.participations.get(organisation=cast.ministry_y),
        )
    # …so only a record written around it can leave one outside.
    Participation.objects.filter(plan=cast.plan_a, organisation=cast.ministry_y).delete()
    client.force_login(cast.editor_x)
    cell = _status(
        client, cast, intervention, status="designed", version=intervention.version
    ).content.decode()
    assert "MOH do not take part in this plan." in cell
    intervention.refresh_from_db()
    assert intervention.status == "proposed"


def test_the_plan_period_cannot_shrink_past_its_interventions(client, cast, targets_a):
    make_intervention(cast, targets_a, end_date=date(2030, 6, 30))
    client.force_login(cast.coordinator_a)
    plan = cast.plan_a
    plan.refresh_from_db()  # as the coordinator opens the page now
    response = client.post(
        reverse("plan_edit", args=[plan.pk]),
        {
            "title": plan.title,
            "country": plan.country,
            "level": plan.level,
            "area_name": plan.area_name,
            "period_start_year": plan.period_start_year,
            "period_end_year": 2029,
            "base_currency": plan.base_currency,
            "language": plan.language,
            "version": plan.version,
        },
    )
    assert "The interventions “Fair recruitment” run outside this period." in (
        response.content.decode()
    )
    plan.refresh_from_db()
    assert plan.period_end_year == 2030


def test_an_indicator_keeps_its_target_addressed(cast, targets_a):
    from django.core.exceptions import ValidationError

    from interventions.models import ResultIndicator
    from interventions.services import Links, indicator_create, intervention_update
    from targets.models import Indicator

    intervention = make_intervention(cast, targets_a)
    indicator_create(
        actor=cast.editor_x,
        intervention=intervention,
        indicator=ResultIndicator(sdg_indicator=Indicator.objects.get(code="10.7.1"), unit="%"),
        target_values={},
    )
    with pytest.raises(ValidationError, match=r"10\.7\.1 measure a target"):
        intervention_update(
            actor=cast.editor_x,
            intervention=intervention,
            expected_version=intervention.version,
            data={},
            links=Links(targets={targets_a["10.c"].pk: "Remittances instead"}),
        )
    assert intervention.addressed_targets.get().prioritised_target == targets_a["10.7"]


def test_the_list_sorts_by_cost_and_status_and_keeps_its_filters(client, cast, targets_a):
    make_intervention(cast, targets_a, title="Cheap", estimated_cost=Decimal(10))
    make_intervention(cast, targets_a, title="Unknown cost", status="under_way")
    make_intervention(
        cast, targets_a, title="Dear", estimated_cost=Decimal(9000), status="designed"
    )
    client.force_login(cast.viewer_x)
    url = reverse("intervention_list", args=[cast.plan_a.pk])

    def titles(**query) -> list[str]:
        page = client.get(url, query).content.decode()
        return re.findall(r'<th scope="row"[^>]*><a href="[^"]+">([^<]+)</a>', page)

    assert titles(sort="cost") == ["Dear", "Cheap", "Unknown cost"]  # unknown costs last
    assert titles(sort="status") == ["Cheap", "Dear", "Unknown cost"]  # proposed, designed…
    page = client.get(url, {"sort": "cost", "sector": "labour"}).content.decode()
    assert 'href="?sector=labour&amp;sort=status"' in page
    assert 'aria-sort="descending"' in page
    # An unknown sort (an old link, an address typed by hand) sorts by title, filtered.
    assert titles(sort="budget", status="designed") == ["Dear"]
    assert titles(sort="budget") == ["Cheap", "Dear", "Unknown cost"]


def test_a_target_addressed_by_an_intervention_is_not_removed_from_under_it(
    client, cast, targets_a
):
    make_intervention(cast, targets_a)
    client.force_login(cast.coordinator_a)
    url = reverse("prioritised_target_remove", args=[cast.plan_a.pk, targets_a["10.7"].pk])
    response = client.post(url, follow=True)
    assert "Target 10.7 is still addressed by “Fair recruitment”. Change those first." in (
        response.content.decode()
    )
    assert AddressedTarget.objects.filter(prioritised_target=targets_a["10.7"]).exists()
    # A target no intervention addresses goes as before.
    url = reverse("prioritised_target_remove", args=[cast.plan_a.pk, targets_a["10.c"].pk])
    client.post(url)
    assert not cast.plan_a.prioritised_targets.filter(pk=targets_a["10.c"].pk).exists()


def test_the_service_refuses_a_lead_the_actor_may_not_name(cast, targets_a):
    """The rule the form's choices follow is the services' too (rules.may_lead)."""
    from django.core.exceptions import ValidationError

    from interventions.services import Links, intervention_create

    def create(actor, lead):
        return intervention_create(
            actor=actor,
            plan=cast.plan_a,
            intervention=Intervention(
                title="Health screening",
                level="programme",
                sector="health",
                lead_organisation=lead,
            ),
            links=Links(targets={targets_a["10.7"].pk: ""}),
        )

    with pytest.raises(ValidationError, match="only your own organisation"):
        create(cast.editor_x, cast.ministry_y)
    assert create(cast.editor_y, cast.ministry_y).lead_organisation == cast.ministry_y
    assert create(cast.coordinator_a, cast.ministry_x).lead_organisation == cast.ministry_x


def test_an_organisation_working_on_an_intervention_stays_in_the_plan(client, cast, targets_a):
    make_intervention(cast, targets_a)  # led by ministry X
    participation = cast.plan_a.participations.get(organisation=cast.ministry_x)
    client.force_login(cast.coordinator_a)
    response = client.post(
        reverse("participant_remove", args=[cast.plan_a.pk, participation.pk]), follow=True
    )
    assert "MOL works on the interventions “Fair recruitment”. Change those first." in (
        response.content.decode()
    )
    assert cast.plan_a.participations.filter(organisation=cast.ministry_x).exists()


def _field_errors(page: str, field: str) -> list[str]:
    """The messages shown on a field (under its label), not those of the error summary."""
    return re.findall(rf'id="id_{field}_error_\d+">([^<]+)</div>', page)


def test_every_error_of_the_form_shows_at_once_on_its_field(client, cast, targets_a):
    """An end before the start says so on the End field; a cost of −500.123 is both
    negative and too precise, and both are said the first time, on the cost."""
    client.force_login(cast.coordinator_a)
    response = client.post(
        reverse("intervention_create", args=[cast.plan_a.pk]),
        _form_data(
            cast,
            targets_a,
            start_date="2027-01-01",
            end_date="2026-06-30",
            estimated_cost="-500.123",
        ),
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert _field_errors(page, "end_date") == ["The end cannot be before the start."]
    assert _field_errors(page, "estimated_cost") == [
        "The cost cannot be negative.",
        "GHS has 2 decimals: enter at most 2.",
    ]
    assert response.context["form"].non_field_errors() == []
    assert not Intervention.objects.exists()


def test_a_rule_is_still_checked_when_another_field_is_wrong(client, cast, targets_a):
    client.force_login(cast.coordinator_a)
    response = client.post(
        reverse("intervention_create", args=[cast.plan_a.pk]),
        _form_data(cast, targets_a, title="", start_date="2027-01-01", end_date="2026-06-30"),
    )

    page = response.content.decode()
    assert _field_errors(page, "title") == ["Enter a title for the intervention."]
    assert _field_errors(page, "end_date") == ["The end cannot be before the start."]


@pytest.mark.parametrize(
    ("cost", "saved"), [("1250000.5", Decimal("1250000.50")), ("99.99", Decimal("99.99"))]
)
def test_a_cost_with_the_currency_s_decimals_is_saved(client, cast, targets_a, cost, saved):
    client.force_login(cast.coordinator_a)
    response = client.post(
        reverse("intervention_create", args=[cast.plan_a.pk]),
        _form_data(cast, targets_a, estimated_cost=cost),
    )
    assert response.status_code == 302
    assert Intervention.objects.get().estimated_cost == saved


@pytest.mark.parametrize(
    ("language", "shown"),
    [
        ("en", "1,250,000.50\N{NO-BREAK SPACE}GHS"),
        ("fr", "1\N{NARROW NO-BREAK SPACE}250\N{NARROW NO-BREAK SPACE}000,50\N{NO-BREAK SPACE}GHS"),
    ],
)
def test_the_list_and_the_page_show_the_cost_with_the_plans_currency(
    client, cast, targets_a, language, shown
):
    costed = make_intervention(cast, targets_a, estimated_cost=Decimal("1250000.50"))
    make_intervention(cast, targets_a, title="Unknown cost")
    client.force_login(cast.viewer_x)
    client.post(reverse("set_language"), {"language": language, "next": "/"})

    listing = client.get(reverse("intervention_list", args=[cast.plan_a.pk])).content.decode()
    detail = client.get(
        reverse("intervention_detail", args=[cast.plan_a.pk, costed.pk])
    ).content.decode()

    costs = re.findall(r'<td class="text-end" data-label="[^"]*">([^<]*)</td>', listing)
    assert sorted(costs) == sorted([shown, "—"])  # the currency's decimals, and its code
    assert re.search(rf'<dd class="col-sm-9">{shown}</dd>', detail)
