"""Local actors' capacity-strengthening needs (the localisation pledge): a local actor's
coordinator records what its organisation needs, why and by when; those who lead
intervention design say which interventions address it; the list shows the needs met
and unmet."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from action_plans.models import ActionPlan, PlanStatus
from funding.models import CapacityNeed
from funding.services import capacity_need_address, capacity_need_create
from interventions.models import Intervention, InterventionStatus
from tests.conftest import _member
from tests.interventions.conftest import make_intervention
from tests.test_url_matrix import _plan_b_intervention


@pytest.fixture
def amwa(cast, local_actor):
    """The local actor of plan A (AMWA), with a coordinator, an editor and a signatory."""
    local_actor.coordinator = _member(local_actor, "coordinator", "coordinator_amwa")
    local_actor.editor = _member(local_actor, "editor", "editor_amwa")
    local_actor.signatory = _member(local_actor, "signatory", "signatory_amwa")
    return local_actor


@pytest.fixture
def helpline(cast, targets_a):
    return make_intervention(cast, targets_a, title="Complaints helpline")


def _list_url(cast, show: str | None = None) -> str:
    url = reverse("capacity_need_list", args=[cast.plan_a.pk])
    return f"{url}?show={show}" if show else url


def _create_url(cast) -> str:
    return reverse("capacity_need_create", args=[cast.plan_a.pk])


def _need_url(cast, need, name: str = "capacity_need_edit") -> str:
    return reverse(name, args=[cast.plan_a.pk, need.pk])


def _form(organisation, **values) -> dict:
    data = {
        "organisation": organisation.pk,
        "what": "Case management for paralegals",
        "why": "Complaints are lost when a worker moves.",
        "by_when": "2027-06-30",
    }
    data.update(values)
    return data


def _record(cast, amwa, what="Grant reporting", by_when=date(2027, 6, 30)) -> CapacityNeed:
    return capacity_need_create(
        actor=amwa.coordinator,
        plan=cast.plan_a,
        need=CapacityNeed(organisation=amwa, what=what, why="To grow", by_when=by_when),
    )


def _errors(response, field: str) -> list[str]:
    return response.context["form"].errors.get(field, [])


# --- what the issue asks: AMWA's coordinator records a need an intervention addresses --


def test_amwas_coordinator_records_a_need_that_an_intervention_then_addresses(
    client, cast, amwa, helpline
):
    client.force_login(amwa.coordinator)
    page = client.get(_list_url(cast)).content.decode()
    assert "Record a need" in page

    response = client.post(_create_url(cast), _form(amwa))

    assert response.status_code == 302
    need = CapacityNeed.objects.get(plan=cast.plan_a)
    assert (need.organisation, need.created_by, need.by_when) == (
        amwa,
        amwa.coordinator,
        date(2027, 6, 30),
    )
    page = client.get(_list_url(cast, "unmet")).content.decode()
    assert "Case management for paralegals" in page
    assert "Complaints are lost when a worker moves." in page
    assert "Unmet (1)" in page and "Met (0)" in page
    assert "Choose interventions" not in page  # not theirs to mark met

    client.force_login(cast.coordinator_a)  # leads intervention design
    addressing = _need_url(cast, need, "capacity_need_addressing")
    assert client.get(addressing).status_code == 200
    response = client.post(addressing, {"version": need.version, "addressed_by": [helpline.pk]})

    assert response.status_code == 302
    assert list(need.addressed_by.all()) == [helpline]
    page = client.get(_list_url(cast, "met")).content.decode()
    assert "Case management for paralegals" in page
    assert reverse("intervention_detail", args=[cast.plan_a.pk, helpline.pk]) in page
    assert "Met (1)" in page and "Unmet (0)" in page
    unmet = client.get(_list_url(cast, "unmet")).content.decode()
    assert "Case management for paralegals" not in unmet


# --- who may do what ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "who",
    ["editor_amwa", "signatory_amwa", "coordinator_x", "editor_x", "viewer_x", "signatory_x"],
)
def test_no_one_else_of_the_plans_organisations_records_a_local_actors_need(
    client, cast, amwa, who
):
    user = getattr(amwa, who.removesuffix("_amwa")) if who.endswith("_amwa") else cast.user(who)
    client.force_login(user)

    assert "Record a need" not in client.get(_list_url(cast)).content.decode()
    assert client.get(_create_url(cast)).status_code == 403
    assert client.post(_create_url(cast), _form(amwa)).status_code == 403
    assert not CapacityNeed.objects.exists()


def test_someone_outside_the_plan_does_not_learn_the_page_exists(client, cast, amwa):
    client.force_login(cast.coordinator_b)
    assert client.get(_list_url(cast)).status_code == 404
    assert client.post(_create_url(cast), _form(amwa)).status_code == 404
    assert not CapacityNeed.objects.exists()


def test_the_plans_coordinator_records_a_need_on_a_local_actors_behalf(client, cast, amwa):
    client.force_login(cast.coordinator_a)
    response = client.post(_create_url(cast), _form(amwa))
    assert response.status_code == 302
    assert CapacityNeed.objects.get().created_by == cast.coordinator_a


def test_only_amwas_coordinator_and_the_plans_coordinators_change_or_remove_its_need(
    client, cast, amwa
):
    need = _record(cast, amwa)
    for user in (amwa.editor, amwa.signatory, cast.coordinator_x, cast.editor_x, cast.viewer_x):
        client.force_login(user)
        page = client.get(_list_url(cast)).content.decode()
        assert "Grant reporting" in page
        assert _need_url(cast, need) not in page
        assert client.get(_need_url(cast, need)).status_code == 403
        assert client.post(_need_url(cast, need, "capacity_need_remove")).status_code == 403
        assert client.get(_need_url(cast, need, "capacity_need_addressing")).status_code == 403

    client.force_login(amwa.coordinator)
    assert _need_url(cast, need) in client.get(_list_url(cast)).content.decode()
    response = client.post(
        _need_url(cast, need), _form(amwa, what="Grant reporting", version=need.version)
    )
    assert response.status_code == 302
    need.refresh_from_db()
    assert need.why == "Complaints are lost when a worker moves."  # was "To grow"
    assert client.get(_need_url(cast, need, "capacity_need_remove")).status_code == 200
    assert client.post(_need_url(cast, need, "capacity_need_remove")).status_code == 302
    assert not CapacityNeed.objects.exists()


@pytest.mark.parametrize("status", [PlanStatus.IN_VALIDATION, PlanStatus.ADOPTED])
def test_needs_stay_open_whatever_the_plans_status(client, cast, amwa, helpline, status):
    """Needs are the living plan's: recorded and addressed after adoption too."""
    ActionPlan.objects.filter(pk=cast.plan_a.pk).update(status=status)
    client.force_login(amwa.coordinator)
    assert client.post(_create_url(cast), _form(amwa)).status_code == 302
    need = CapacityNeed.objects.get()

    client.force_login(cast.coordinator_a)
    response = client.post(
        _need_url(cast, need, "capacity_need_addressing"),
        {"version": need.version, "addressed_by": [helpline.pk]},
    )
    assert response.status_code == 302
    assert need.addressed_by.get() == helpline


# --- bad input: a message on the field, nothing saved ------------------------------------


@pytest.mark.parametrize("by_when", ["2024-12-31", "2031-01-01"])
def test_a_date_outside_the_plan_period_is_refused_on_its_field(client, cast, amwa, by_when):
    client.force_login(amwa.coordinator)
    response = client.post(_create_url(cast), _form(amwa, by_when=by_when))
    assert response.status_code == 200
    assert _errors(response, "by_when") == [
        "Enter a date within the plan period, from 1 Jan 2025 to 31 Dec 2030."
    ]
    assert "Case management for paralegals" in response.content.decode()  # input kept
    assert not CapacityNeed.objects.exists()


def test_an_organisation_that_is_not_a_local_actor_is_refused(client, cast, amwa):
    client.force_login(cast.coordinator_a)
    offered = client.get(_create_url(cast)).context["form"].fields["organisation"].queryset
    assert list(offered) == [amwa]  # ministry X takes part but is no local actor

    response = client.post(_create_url(cast), _form(cast.ministry_x))
    assert response.status_code == 200
    assert _errors(response, "organisation")
    assert not CapacityNeed.objects.exists()
    with pytest.raises(ValidationError) as refused:
        capacity_need_create(
            actor=cast.coordinator_a,
            plan=cast.plan_a,
            need=CapacityNeed(
                organisation=cast.ministry_x, what="x", why="y", by_when=date(2027, 1, 1)
            ),
        )
    assert refused.value.message_dict == {
        "organisation": ["Choose a local actor taking part in the plan."]
    }
    assert not CapacityNeed.objects.exists()


def test_a_coordinator_of_one_local_actor_cannot_record_for_another(cast, amwa):
    with pytest.raises(ValidationError) as refused:
        capacity_need_create(
            actor=cast.coordinator_x,
            plan=cast.plan_a,
            need=CapacityNeed(organisation=amwa, what="x", why="y", by_when=date(2027, 1, 1)),
        )
    assert "organisation" in refused.value.message_dict
    assert not CapacityNeed.objects.exists()


def test_an_intervention_of_another_plan_cannot_address_a_need(client, cast, amwa, helpline):
    need = _record(cast, amwa)
    foreign = _plan_b_intervention(cast)
    client.force_login(cast.coordinator_a)
    url = _need_url(cast, need, "capacity_need_addressing")

    response = client.post(url, {"version": need.version, "addressed_by": [foreign.pk]})

    assert response.status_code == 200
    assert _errors(response, "addressed_by")
    assert not need.addressed_by.exists()
    with pytest.raises(ValidationError):
        capacity_need_address(
            actor=cast.coordinator_a,
            need=need,
            expected_version=need.version,
            interventions=[helpline, foreign],
        )
    assert not need.addressed_by.exists()


def test_a_stale_edit_shows_the_conflict_and_saves_nothing(client, cast, amwa):
    need = _record(cast, amwa)
    client.force_login(amwa.coordinator)
    opened = need.version
    assert (
        client.post(
            _need_url(cast, need), _form(amwa, why="First saved", version=opened)
        ).status_code
        == 302
    )

    response = client.post(_need_url(cast, need), _form(amwa, why="Second", version=opened))

    assert response.status_code == 200
    assert "Someone else saved this record after you opened it" in response.content.decode()
    need.refresh_from_db()
    assert (need.why, need.version) == ("First saved", opened + 1)


def test_what_and_why_are_required_on_their_fields(client, cast, amwa):
    client.force_login(amwa.coordinator)
    response = client.post(_create_url(cast), _form(amwa, what="  ", why=""))
    assert response.status_code == 200
    assert _errors(response, "what") == ["Say what capacity is needed."]
    assert _errors(response, "why") == ["Say why it is needed."]
    assert not CapacityNeed.objects.exists()


def test_a_local_actor_with_needs_recorded_stays_in_the_plan_until_they_are_removed(
    client, cast, amwa
):
    need = _record(cast, amwa)
    participation = cast.plan_a.participations.get(organisation=amwa)
    client.force_login(cast.coordinator_a)
    url = reverse("participant_remove", args=[cast.plan_a.pk, participation.pk])

    response = client.post(url, follow=True)

    assert "AMWA has 1 capacity need recorded in the plan. Remove it first." in (
        response.content.decode()
    )
    assert cast.plan_a.participations.filter(organisation=amwa).exists()
    client.post(_need_url(cast, need, "capacity_need_remove"))
    client.post(url)
    assert not cast.plan_a.participations.filter(organisation=amwa).exists()


def test_the_same_need_twice_is_refused_on_its_field(client, cast, amwa):
    _record(cast, amwa, what="Case management for paralegals")
    client.force_login(amwa.coordinator)
    response = client.post(_create_url(cast), _form(amwa))
    assert _errors(response, "what") == [
        "This organisation has already recorded a need of this title in the plan."
    ]
    assert CapacityNeed.objects.count() == 1


# --- the list -------------------------------------------------------------------------------


def test_the_list_groups_needs_as_met_and_unmet_and_the_dashboard_counts_the_unmet(
    client, cast, amwa, helpline
):
    met = _record(cast, amwa, what="Case management")
    _record(cast, amwa, what="Grant reporting")
    capacity_need_address(
        actor=cast.coordinator_a, need=met, expected_version=met.version, interventions=[helpline]
    )
    client.force_login(cast.viewer_x)

    every = client.get(_list_url(cast)).content.decode()
    assert "All (2)" in every and "Met (1)" in every and "Unmet (1)" in every
    assert "Record a need" not in every and "Choose interventions" not in every
    met_page = client.get(_list_url(cast, "met")).content.decode()
    assert "Case management" in met_page and "Grant reporting" not in met_page
    unmet_page = client.get(_list_url(cast, "unmet")).content.decode()
    assert "Grant reporting" in unmet_page and "Case management" not in unmet_page

    dashboard = client.get(reverse("plan_detail", args=[cast.plan_a.pk])).content.decode()
    assert "Capacity needs unmet" in dashboard
    assert "of 2 needs of local actors recorded" in dashboard


def _list_queries(client, cast) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(_list_url(cast))
    assert response.status_code == 200
    return len(queries)


def test_the_list_costs_the_same_queries_for_10_needs_as_for_100(
    client, cast, amwa, targets_a, helpline
):
    other = make_intervention(cast, targets_a, title="Paralegal training")
    client.force_login(amwa.coordinator)

    def add(count: int) -> None:
        start = CapacityNeed.objects.count()
        for number in range(start, start + count):
            need = _record(cast, amwa, what=f"Need {number:03}")
            if number % 2:
                capacity_need_address(
                    actor=cast.coordinator_a,
                    need=need,
                    expected_version=need.version,
                    interventions=[helpline, other],
                )

    add(10)
    few = _list_queries(client, cast)
    add(90)
    many = _list_queries(client, cast)
    assert few == many


# --- the plan's history --------------------------------------------------------------------


def _history_queries(client, cast) -> int:
    url = reverse("plan_history", args=[cast.plan_a.pk])
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_the_history_names_who_recorded_and_who_addressed_a_need_in_fixed_queries(
    client, cast, amwa, helpline
):
    """The links of changed records are read in one query however many kinds of records
    with links the page shows (a need's interventions, an engagement's)."""
    from funding.services import engagement_update
    from tests.test_url_matrix import _engagement

    need = _record(cast, amwa, what="Case management")
    capacity_need_address(
        actor=cast.coordinator_a, need=need, expected_version=need.version, interventions=[helpline]
    )
    client.force_login(cast.coordinator_a)
    page = client.get(reverse("plan_history", args=[cast.plan_a.pk])).content.decode()
    assert "the capacity need “Case management” of" in page
    assert "Complaints helpline" in page
    one_kind = _history_queries(client, cast)

    engagement = _engagement(cast)
    engagement_update(
        actor=cast.coordinator_a,
        engagement=engagement,
        expected_version=engagement.version,
        data={"interventions": [helpline]},
    )
    assert _history_queries(client, cast) == one_kind


@pytest.mark.parametrize(
    ("language", "heading", "unmet"),
    [
        ("fr", "Besoins de renforcement des capacités des acteurs locaux", "Non satisfait (1)"),
        (
            "es",
            "Necesidades de fortalecimiento de capacidades de los actores locales",
            "No atendida (1)",
        ),
    ],
)
def test_the_list_speaks_the_language_chosen(client, cast, amwa, language, heading, unmet):
    _record(cast, amwa)
    client.force_login(amwa.coordinator)
    client.post(reverse("set_language"), {"language": language, "next": "/"})
    page = client.get(_list_url(cast)).content.decode()
    assert heading in page and unmet in page
    assert "Record a need" not in page


def test_a_need_addressed_only_by_a_dropped_intervention_is_unmet(client, cast, amwa, helpline):
    need = _record(cast, amwa, what="Case management")
    capacity_need_address(
        actor=cast.coordinator_a, need=need, expected_version=need.version, interventions=[helpline]
    )
    client.force_login(cast.viewer_x)
    assert "Met (1)" in client.get(_list_url(cast)).content.decode()
    Intervention.objects.filter(pk=helpline.pk).update(
        status=InterventionStatus.DROPPED, drop_reason="Merged into another"
    )
    page = client.get(_list_url(cast)).content.decode()
    assert "Met (0)" in page and "Unmet (1)" in page


def test_recording_a_need_is_not_offered_where_no_local_actor_takes_part(client, cast):
    client.force_login(cast.coordinator_a)  # may record on a local actor's behalf
    page = client.get(_list_url(cast)).content.decode()
    assert "Record a need" not in page  # plan A has no local actor: nothing to choose
