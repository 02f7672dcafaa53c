import re
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from action_plans.models import ActionPlan
from governance.services.participations import participation_add, participation_remove
from targets.models import Consultation, ConsultationKind, Framework, Target
from targets.services import consultation_create, framework_create, prioritised_target_add
from tests import factories

LAST_MONTH = timezone.localdate() - timedelta(days=30)
TOMORROW = timezone.localdate() + timedelta(days=1)


def _prioritise(cast, plan, code: str):
    coordinator = cast.coordinator_a if plan == cast.plan_a else cast.coordinator_b
    return prioritised_target_add(
        actor=coordinator,
        plan=plan,
        target=Target.objects.get(code=code),
        rationale="Discussed with partners",
    )


def _framework(cast, plan, name: str) -> Framework:
    return framework_create(
        actor=cast.coordinator_a,
        plan=plan,
        framework=Framework(plan=plan, name=name, kind="policy_framework", level="national"),
    )


def _record(cast, plan=None, *, title="Validation workshop", organisations=None, **links):
    plan = plan or cast.plan_a
    return consultation_create(
        actor=cast.coordinator_a if plan == cast.plan_a else cast.coordinator_b,
        plan=plan,
        consultation=Consultation(
            held_on=LAST_MONTH,
            kind=ConsultationKind.REVIEW_WORKSHOP,
            title=title,
            topic_beneficiaries=True,
        ),
        organisations=organisations or [cast.lead_ministry],
        prioritised_targets=links.get("prioritised_targets", []),
        frameworks=links.get("frameworks", []),
    )


@pytest.fixture
def migrant_workers(cast):
    organisation = factories.OrganisationFactory(
        name="Migrant Workers Association", acronym="MWA", is_local_actor=True
    )
    participation_add(
        actor=cast.administrator,
        plan=cast.plan_a,
        organisation=organisation,
        signatory_required=False,
    )
    return organisation


def test_a_coordinator_records_who_was_present_and_the_topics(client, cast, migrant_workers):
    client.force_login(cast.coordinator_a)
    url = reverse("consultation_create", args=[cast.plan_a.pk])
    form = client.get(url).content.decode()
    assert 'type="date"' in form
    assert "Migrant Workers Association (MWA) – local actor" in form
    assert "Ministry of Energy" not in form  # not in the plan

    response = client.post(
        url,
        {
            "held_on": LAST_MONTH.isoformat(),
            "kind": ConsultationKind.REVIEW_WORKSHOP,
            "title": "Review of the draft with local partners",
            "organisations": [cast.lead_ministry.pk, migrant_workers.pk],
            "topics": ["topic_beneficiaries", "topic_resources_needed"],
            "outcomes": "Partners asked for returnees to be counted as beneficiaries.",
            "decisions": "The lead ministry revises the beneficiary section.",
        },
    )

    consultation = Consultation.objects.get()
    assert response.url == reverse("consultation_detail", args=[cast.plan_a.pk, consultation.pk])
    assert consultation.plan == cast.plan_a
    assert set(consultation.organisations.all()) == {cast.lead_ministry, migrant_workers}
    assert consultation.topic_beneficiaries and consultation.topic_resources_needed
    assert not consultation.topic_implementation_stakeholders
    assert consultation.local_actor_count == 1
    page = client.get(response.url).content.decode()
    assert "Review of the draft with local partners" in page
    assert "Local actor" in page and "1 local actor present" in page
    assert "Target beneficiaries" in page and "Resources needed" in page
    assert "Technical capacity" not in page


def test_a_future_date_and_a_missing_title_are_shown_on_their_fields(client, cast):
    client.force_login(cast.coordinator_a)
    response = client.post(
        reverse("consultation_create", args=[cast.plan_a.pk]),
        {
            "held_on": TOMORROW.isoformat(),
            "kind": ConsultationKind.BILATERAL_MEETING,
            "title": "",
            "outcomes": "Kept as typed",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert 'href="#id_held_on"' in page and "The date cannot be in the future" in page
    assert 'href="#id_title"' in page and "Enter a title for the consultation." in page
    assert 'href="#id_organisations_0"' in page
    assert "Choose the organisations that were present." in page
    assert f'value="{TOMORROW.isoformat()}"' in page and "Kept as typed" in page
    assert not Consultation.objects.exists()


def test_the_service_refuses_a_future_date_too(cast):
    with pytest.raises(ValidationError) as refused:
        consultation_create(
            actor=cast.coordinator_a,
            plan=cast.plan_a,
            consultation=Consultation(held_on=TOMORROW, kind="bilateral_meeting", title="Soon"),
            organisations=[cast.lead_ministry],
            prioritised_targets=[],
            frameworks=[],
        )
    assert set(refused.value.message_dict) == {"held_on"}
    assert not Consultation.objects.exists()


def test_the_service_refuses_a_date_before_1990_on_its_field(cast):
    with pytest.raises(ValidationError) as refused:
        consultation_create(
            actor=cast.coordinator_a,
            plan=cast.plan_a,
            consultation=Consultation(
                held_on=date(1, 1, 1), kind="bilateral_meeting", title="Long ago"
            ),
            organisations=[cast.lead_ministry],
            prioritised_targets=[],
            frameworks=[],
        )
    assert refused.value.message_dict == {"held_on": ["Enter a date from 1 January 1990."]}
    assert not Consultation.objects.exists()


def test_targets_and_frameworks_of_another_plan_cannot_be_linked(cast, catalogue):
    other_target = _prioritise(cast, cast.plan_b, "10.7")
    other_framework = _framework(cast, cast.plan_b, "Accra Urban Migration Strategy")
    with pytest.raises(ValidationError) as refused:
        _record(cast, prioritised_targets=[other_target], frameworks=[other_framework])
    assert set(refused.value.message_dict) == {"prioritised_targets", "frameworks"}
    assert not Consultation.objects.exists()


def test_the_form_offers_only_the_plans_prioritised_targets_and_frameworks(client, cast, catalogue):
    _prioritise(cast, cast.plan_a, "10.7")
    _prioritise(cast, cast.plan_b, "10.c")
    prioritised_target_add(
        actor=cast.editor_x,
        plan=cast.plan_a,
        target=Target.objects.get(code="8.8"),
        rationale="Proposed only",
    )
    _framework(cast, cast.plan_a, "National Labour Migration Policy")
    _framework(cast, cast.plan_b, "Accra Urban Migration Strategy")
    client.force_login(cast.coordinator_a)
    form = client.get(reverse("consultation_create", args=[cast.plan_a.pk])).content.decode()
    assert "10.7 " in form and "National Labour Migration Policy" in form
    assert "10.c " not in form and "Accra Urban Migration Strategy" not in form
    assert "8.8 " not in form  # a proposal, not yet prioritised


def test_an_editor_records_a_consultation_their_organisation_took_part_in(client, cast):
    client.force_login(cast.editor_x)
    url = reverse("consultation_create", args=[cast.plan_a.pk])
    assert client.get(url).status_code == 200
    data = {
        "held_on": LAST_MONTH.isoformat(),
        "kind": ConsultationKind.REVIEW_WORKSHOP,
        "title": "Not mine to record",
        "organisations": [cast.ministry_y.pk],
        "version": 0,
    }
    refused = client.post(url, data)
    assert refused.status_code == 200
    assert "Tick your own organisation" in refused.content.decode()
    assert not Consultation.objects.exists()

    data |= {"title": "Labour attachés' workshop", "organisations": [cast.ministry_x.pk]}
    response = client.post(url, data)
    consultation = Consultation.objects.get()
    assert response.status_code == 302
    assert consultation.title == "Labour attachés' workshop"
    # They edit it too (their organisation took part); removing it is for coordinators.
    detail = client.get(reverse("consultation_detail", args=[cast.plan_a.pk, consultation.pk]))
    page = detail.content.decode()
    assert reverse("consultation_edit", args=[cast.plan_a.pk, consultation.pk]) in page
    assert reverse("consultation_delete", args=[cast.plan_a.pk, consultation.pk]) not in page


def test_an_editor_may_not_edit_a_consultation_their_organisation_missed(client, cast):
    consultation = _record(cast, organisations=[cast.lead_ministry, cast.ministry_x])
    client.force_login(cast.editor_y)
    url = reverse("consultation_edit", args=[cast.plan_a.pk, consultation.pk])
    assert client.get(url).status_code == 403
    client.force_login(cast.editor_x)
    assert client.get(url).status_code == 200


def test_a_viewer_reads_the_log_and_the_record_without_change_links(client, cast):
    consultation = _record(cast)
    client.force_login(cast.viewer_x)
    listing = client.get(reverse("consultation_list", args=[cast.plan_a.pk]))
    assert listing.status_code == 200
    page = listing.content.decode()
    assert "Validation workshop" in page and "Review workshop" in page
    assert reverse("consultation_create", args=[cast.plan_a.pk]) not in page
    detail = client.get(reverse("consultation_detail", args=[cast.plan_a.pk, consultation.pk]))
    assert detail.status_code == 200
    page = detail.content.decode()
    assert "<h1>Validation workshop</h1>" in page
    assert reverse("consultation_edit", args=[cast.plan_a.pk, consultation.pk]) not in page
    assert reverse("consultation_delete", args=[cast.plan_a.pk, consultation.pk]) not in page


def test_the_coordinator_of_plan_b_finds_none_of_plan_a_consultations(client, cast):
    consultation = _record(cast)
    client.force_login(cast.coordinator_b)
    args = [cast.plan_a.pk, consultation.pk]
    for url in (
        reverse("consultation_list", args=[cast.plan_a.pk]),
        reverse("consultation_create", args=[cast.plan_a.pk]),
        reverse("consultation_detail", args=args),
        reverse("consultation_edit", args=args),
        reverse("consultation_delete", args=args),
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("consultation_delete", args=args)).status_code == 404
    assert Consultation.objects.filter(pk=consultation.pk).exists()


def test_a_consultation_of_plan_b_is_not_found_under_plan_a(client, cast):
    other = _record(cast, cast.plan_b, title="Accra city hearing", organisations=[cast.city_b])
    client.force_login(cast.coordinator_a)
    args = [cast.plan_a.pk, other.pk]
    for name in ("consultation_detail", "consultation_edit", "consultation_delete"):
        assert client.get(reverse(name, args=args)).status_code == 404, name
    assert client.post(reverse("consultation_delete", args=args)).status_code == 404
    assert Consultation.objects.filter(pk=other.pk).exists()


def test_the_log_is_newest_first_and_filters_by_kind(client, cast):
    _record(cast, title="Older workshop")
    newer = _record(cast, title="Newer workshop")
    newer.held_on = timezone.localdate()
    newer.save()
    consultation_create(
        actor=cast.coordinator_a,
        plan=cast.plan_a,
        consultation=Consultation(
            held_on=LAST_MONTH,
            kind=ConsultationKind.FUNDING_PARTNERS_MEETING,
            title="Round table with funding partners",
        ),
        organisations=[cast.lead_ministry],
        prioritised_targets=[],
        frameworks=[],
    )
    client.force_login(cast.coordinator_a)
    url = reverse("consultation_list", args=[cast.plan_a.pk])
    page = client.get(url).content.decode()
    assert page.index("Newer workshop") < page.index("Older workshop")
    funding = client.get(url, {"kind": ConsultationKind.FUNDING_PARTNERS_MEETING}).content.decode()
    assert "Round table with funding partners" in funding
    assert "Older workshop" not in funding and "1 consultation" in funding


def _list_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context)


def test_the_log_costs_the_same_queries_for_2_or_25_consultations(
    client, cast, catalogue, migrant_workers
):
    links = {
        "organisations": [cast.lead_ministry, cast.ministry_x, migrant_workers],
        "prioritised_targets": [_prioritise(cast, cast.plan_a, "10.7")],
        "frameworks": [_framework(cast, cast.plan_a, "National Migration Policy")],
    }
    for number in range(2):
        _record(cast, title=f"Workshop {number}", **links)
    client.force_login(cast.coordinator_a)
    url = reverse("consultation_list", args=[cast.plan_a.pk])
    small = _list_queries(client, url)
    for number in range(2, 25):
        _record(cast, title=f"Workshop {number}", **links)
    page = client.get(url).content.decode()
    assert "Workshop 24" in page and "10.7" in page and "MWA" in page
    assert _list_queries(client, url) == small


def test_history_records_who_recorded_and_who_changed_a_consultation(client, cast, migrant_workers):
    client.force_login(cast.coordinator_a)
    data = {
        "held_on": LAST_MONTH.isoformat(),
        "kind": ConsultationKind.STAKEHOLDER_CONSULTATION,
        "title": "Consultation of migrant associations",
        "organisations": [migrant_workers.pk],
        "topics": ["topic_implementation_stakeholders"],
    }
    client.post(reverse("consultation_create", args=[cast.plan_a.pk]), data)
    consultation = Consultation.objects.get()
    edit_url = reverse("consultation_edit", args=[cast.plan_a.pk, consultation.pk])
    form = client.get(edit_url).content.decode()
    assert 'value="topic_implementation_stakeholders"' in form and "checked" in form
    client.post(
        edit_url,
        {**data, "organisations": [migrant_workers.pk, cast.ministry_x.pk], "version": 1},
    )

    history = list(consultation.history.all())
    assert history[-1].history_type == "+"
    assert {record.history_user for record in history} == {cast.coordinator_a}
    latest = history[0]
    present = {row.organisation_id for row in latest.organisations.all()}
    assert present == {migrant_workers.pk, cast.ministry_x.pk}

    client.post(
        edit_url,
        {**data, "title": "Consultation of migrant and diaspora associations", "version": 2},
    )
    log = client.get(reverse("plan_history", args=[cast.plan_a.pk])).content.decode()
    assert (
        "changed the organisations present of the consultation “Consultation of migrant and "
        "diaspora associations” from “Migrant Workers"
    ) in log
    assert "added the consultation “Consultation of migrant associations”" in log
    assert (
        "changed the title of the consultation “Consultation of migrant and diaspora "
        "associations” from “Consultation of migrant associations”" in log
    )


def test_an_organisation_that_left_the_plan_stays_on_the_record_when_it_is_edited(
    client, cast, migrant_workers
):
    consultation = _record(cast, organisations=[cast.lead_ministry, migrant_workers])
    participation_remove(
        actor=cast.administrator,
        participation=cast.plan_a.participations.get(organisation=migrant_workers),
    )
    client.force_login(cast.coordinator_a)
    edit_url = reverse("consultation_edit", args=[cast.plan_a.pk, consultation.pk])
    assert (
        "Migrant Workers Association (MWA) – local actor" in client.get(edit_url).content.decode()
    )
    response = client.post(
        edit_url,
        {
            "held_on": LAST_MONTH.isoformat(),
            "kind": ConsultationKind.REVIEW_WORKSHOP,
            "title": "Validation workshop, second day",
            "organisations": [cast.lead_ministry.pk, migrant_workers.pk],
            "version": consultation.version,
        },
    )
    assert response.status_code == 302
    consultation.refresh_from_db()
    assert consultation.title == "Validation workshop, second day"
    assert set(consultation.organisations.all()) == {cast.lead_ministry, migrant_workers}
    assert not consultation.topic_beneficiaries  # unticked on the form


def test_deleting_asks_first_then_removes_the_consultation(client, cast):
    consultation = _record(cast)
    client.force_login(cast.coordinator_a)
    url = reverse("consultation_delete", args=[cast.plan_a.pk, consultation.pk])
    assert "Delete the consultation “Validation workshop”?" in client.get(url).content.decode()
    response = client.post(url)
    assert response.url == reverse("consultation_list", args=[cast.plan_a.pk])
    assert not Consultation.objects.exists()
    assert consultation.history.first().history_type == "-"
    assert consultation.history.first().history_user == cast.coordinator_a


def test_the_demo_records_the_national_consultations_once(db):
    call_command("load_demo")
    plan = ActionPlan.objects.get(level="national")
    workshop = plan.consultations.get(kind=ConsultationKind.REVIEW_WORKSHOP)
    assert workshop.local_actor_count == 2
    assert [item.target.code for item in workshop.linked_targets] == ["8.8", "10.7"]
    assert workshop.frameworks.count() == 1
    assert plan.consultations.filter(kind=ConsultationKind.FUNDING_PARTNERS_MEETING).exists()
    call_command("load_demo")
    assert plan.consultations.count() == 3


def test_a_stale_consultation_edit_is_refused_and_saves_when_sent_again(
    client, cast, migrant_workers
):
    consultation = _record(cast, organisations=[cast.lead_ministry])
    client.force_login(cast.coordinator_a)
    edit_url = reverse("consultation_edit", args=[cast.plan_a.pk, consultation.pk])
    opened = {
        "held_on": LAST_MONTH.isoformat(),
        "kind": ConsultationKind.REVIEW_WORKSHOP,
        "title": consultation.title,
        "organisations": [cast.lead_ministry.pk],
        "version": consultation.version,
    }
    # Someone else adds the migrant workers first.
    client.post(edit_url, {**opened, "organisations": [cast.lead_ministry.pk, migrant_workers.pk]})
    response = client.post(edit_url, {**opened, "title": "Review workshop, first day"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Someone else saved this record after you opened it" in page
    assert "As it is saved now" in page and "Migrant Workers Association (MWA)" in page
    assert 'value="Review workshop, first day"' in page
    consultation.refresh_from_db()
    assert consultation.title != "Review workshop, first day"
    assert consultation.version == 2

    resent = re.search(r'name="version" value="(\d+)"', page)[1]
    response = client.post(
        edit_url, {**opened, "title": "Review workshop, first day", "version": resent}
    )
    assert response.status_code == 302
    consultation.refresh_from_db()
    assert consultation.title == "Review workshop, first day"
    assert set(consultation.organisations.all()) == {cast.lead_ministry}
    assert consultation.version == 3
