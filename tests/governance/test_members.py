"""An organisation's coordinators manage its members; a plan's coordinators ask a
participant for a signatory."""

import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from action_plans.permissions import PlanAction, plan_actions_for_user
from governance.models import Membership, Role
from governance.permissions import can_manage_members
from governance.services.memberships import membership_set
from governance.services.signing import signatory_request
from tests import factories


def test_an_organisations_own_coordinator_manages_its_members_and_no_one_elses(cast):
    assert can_manage_members(cast.coordinator_x, cast.ministry_x)
    assert can_manage_members(cast.administrator, cast.ministry_x)
    assert not can_manage_members(cast.coordinator_x, cast.ministry_y)
    # Running a plan is not managing its partners' people.
    assert not can_manage_members(cast.coordinator_a, cast.ministry_x)
    assert not can_manage_members(cast.editor_x, cast.ministry_x)


def test_a_coordinator_names_a_signatory_among_their_members(client, cast):
    client.force_login(cast.coordinator_x)
    membership = cast.editor_x.memberships.get()
    url = reverse("organisation_member_edit", args=[cast.ministry_x.pk, membership.pk])
    response = client.post(url, {"role": Role.SIGNATORY, "version": membership.version})
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.role == Role.SIGNATORY
    # The grants follow at once: they now sign and no longer edit.
    assert plan_actions_for_user(cast.editor_x, cast.plan_a) == {PlanAction.VIEW, PlanAction.SIGN}
    page = client.get(reverse("organisation_detail", args=[cast.ministry_x.pk])).content.decode()
    assert f"{cast.editor_x} is now signatory of MOL." in page


def test_a_coordinator_invites_a_member_and_ends_a_membership(
    client, cast, django_capture_on_commit_callbacks
):
    client.force_login(cast.coordinator_x)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("organisation_member_invite", args=[cast.ministry_x.pk]),
            {
                "email": "k.appiah@mol.example",
                "first_name": "Kwame",
                "last_name": "Appiah",
                "role": Role.COORDINATOR,
            },
        )
    assert response.status_code == 302
    invited = Membership.objects.get(user__email="k.appiah@mol.example")
    assert (invited.organisation, invited.role) == (cast.ministry_x, Role.COORDINATOR)
    assert re.search(r"/invitations/\S+/", mail.outbox[-1].body)

    viewer = cast.viewer_x.memberships.get()
    url = reverse("organisation_member_remove", args=[cast.ministry_x.pk, viewer.pk])
    assert "Remove membership" in client.get(url).content.decode()
    assert client.post(url).status_code == 302
    assert not Membership.objects.filter(pk=viewer.pk).exists()
    assert plan_actions_for_user(cast.viewer_x, cast.plan_a) == frozenset()


def test_a_coordinator_of_another_organisation_is_refused_and_changes_nothing(client, cast):
    client.force_login(cast.coordinator_a)
    membership = cast.editor_x.memberships.get()
    url = reverse("organisation_member_edit", args=[cast.ministry_x.pk, membership.pk])
    assert client.post(url, {"role": Role.COORDINATOR, "version": 1}).status_code == 403
    membership.refresh_from_db()
    assert membership.role == Role.EDITOR
    page = client.get(reverse("organisation_detail", args=[cast.ministry_x.pk])).content.decode()
    assert "Invite a member" not in page and "Change role" not in page


def test_a_signatory_request_goes_to_the_organisations_coordinators(
    cast, django_capture_on_commit_callbacks
):
    participation = cast.plan_a.participations.get(organisation=cast.ministry_x)
    cast.signatory_x.memberships.update(role=Role.EDITOR)  # X has no signatory any more
    with django_capture_on_commit_callbacks(execute=True):
        sent = signatory_request(
            actor=cast.coordinator_a, participation=participation, members_url="https://x/m"
        )
    assert sent.recipients == [cast.coordinator_x] and not sent.to_administrators
    assert mail.outbox[-1].to == [cast.coordinator_x.email]
    assert "Plan A needs a signatory for MOL" in mail.outbox[-1].subject
    assert "https://x/m" in mail.outbox[-1].body


def test_without_a_coordinator_the_administrators_are_asked(
    cast, django_capture_on_commit_callbacks
):
    participation = cast.plan_a.participations.get(organisation=cast.ministry_y)
    with django_capture_on_commit_callbacks(execute=True):
        sent = signatory_request(
            actor=cast.coordinator_a, participation=participation, members_url="https://x/m"
        )
    assert sent.to_administrators and sent.recipients == [cast.administrator]
    assert "platform administrator" in mail.outbox[-1].body


def test_no_request_for_an_organisation_that_has_a_signatory(cast):
    participation = cast.plan_a.participations.get(organisation=cast.ministry_x)
    with pytest.raises(ValidationError, match="already has a signatory"):
        signatory_request(actor=cast.coordinator_a, participation=participation, members_url="")
    assert mail.outbox == []


def test_a_deactivated_signatory_does_not_count(cast):
    participation = cast.plan_a.participations.get(organisation=cast.ministry_x)
    cast.signatory_x.is_active = False
    cast.signatory_x.save()
    sent = signatory_request(
        actor=cast.coordinator_a, participation=participation, members_url="https://x/m"
    )
    assert sent.recipients == [cast.coordinator_x]


def test_the_governance_page_offers_the_request_to_those_who_govern(client, cast):
    url = reverse("plan_governance", args=[cast.plan_a.pk])
    participation = cast.plan_a.participations.get(organisation=cast.ministry_y)
    request_url = reverse("signatory_request", args=[cast.plan_a.pk, participation.pk])
    client.force_login(cast.coordinator_a)
    assert request_url in client.get(url).content.decode()
    response = client.post(request_url, follow=True)
    assert "the platform administrators were asked" in response.content.decode()
    client.force_login(cast.editor_x)
    assert request_url not in client.get(url).content.decode()


def test_an_administrator_without_an_email_cannot_be_asked(cast):
    cast.administrator.email = ""
    cast.administrator.save()
    lonely = factories.OrganisationFactory(name="Diaspora Desk", acronym="DD")
    membership_set(actor=None, user=factories.UserFactory(), organisation=lonely, role=Role.EDITOR)
    from governance.services.participations import participation_add

    participation = participation_add(
        actor=cast.administrator, plan=cast.plan_a, organisation=lonely, signatory_required=True
    )
    with pytest.raises(ValidationError, match="no coordinator"):
        signatory_request(actor=cast.coordinator_a, participation=participation, members_url="")


def test_the_last_coordinator_names_a_successor_before_stepping_down(client, cast):
    client.force_login(cast.coordinator_x)
    own = cast.coordinator_x.memberships.get()
    edit_url = reverse("organisation_member_edit", args=[cast.ministry_x.pk, own.pk])
    page = client.post(edit_url, {"role": Role.EDITOR, "version": own.version}).content.decode()
    assert "You are the last coordinator of MOL: make another member coordinator first." in page
    remove_url = reverse("organisation_member_remove", args=[cast.ministry_x.pk, own.pk])
    response = client.post(remove_url, follow=True)
    assert "You are the last coordinator of MOL" in response.content.decode()
    own.refresh_from_db()
    assert own.role == Role.COORDINATOR

    # With a second coordinator, they may step down.
    successor = cast.editor_x.memberships.get()
    client.post(
        reverse("organisation_member_edit", args=[cast.ministry_x.pk, successor.pk]),
        {"role": Role.COORDINATOR, "version": successor.version},
    )
    assert client.post(edit_url, {"role": Role.EDITOR, "version": own.version}).status_code == 302
    own.refresh_from_db()
    assert own.role == Role.EDITOR


def test_a_signatory_request_is_sent_once_a_day_and_only_where_a_signature_is_needed(
    cast, django_capture_on_commit_callbacks
):
    participation = cast.plan_a.participations.get(organisation=cast.ministry_y)
    with django_capture_on_commit_callbacks(execute=True):
        signatory_request(actor=cast.coordinator_a, participation=participation, members_url="")
        with pytest.raises(ValidationError, match="asked less than a day ago"):
            signatory_request(actor=cast.coordinator_a, participation=participation, members_url="")
    assert len(mail.outbox) == 1
    participation.signatory_required = False
    participation.save()
    with pytest.raises(ValidationError, match="does not need the signature of MOH"):
        signatory_request(actor=cast.coordinator_a, participation=participation, members_url="")


def test_inviting_an_existing_account_asks_the_administrators_and_reveals_nothing(
    client, cast, django_capture_on_commit_callbacks
):
    client.force_login(cast.coordinator_x)
    url = reverse("organisation_member_invite", args=[cast.ministry_x.pk])
    data = {"first_name": "Any", "last_name": "One", "role": Role.EDITOR}
    with django_capture_on_commit_callbacks(execute=True):
        new = client.post(url, {**data, "email": "new.person@mol.example"}, follow=True)
        existing = client.post(url, {**data, "email": cast.editor_y.email}, follow=True)

    def said(response):
        text = re.search(r'role="status">(.*?)</div>', response.content.decode(), re.S)[1]
        return text.replace("new.person@mol.example", "ADDRESS").replace(
            cast.editor_y.email, "ADDRESS"
        )

    assert said(new) == said(existing)  # the same words whether an account exists or not
    assert not Membership.objects.filter(user=cast.editor_y, organisation=cast.ministry_x)
    request = mail.outbox[-1]
    assert request.to == [cast.administrator.email]
    assert cast.editor_y.email in request.body and "MOL" in request.subject
    assert reverse("user_detail", args=[cast.editor_y.pk]) in request.body


def test_inviting_a_current_member_says_so(client, cast):
    client.force_login(cast.coordinator_x)
    response = client.post(
        reverse("organisation_member_invite", args=[cast.ministry_x.pk]),
        {"email": cast.editor_x.email, "first_name": "A", "last_name": "B", "role": "viewer"},
    )
    assert "is already a member of MOL" in response.content.decode()


def test_the_role_page_says_a_coordinator_also_manages_the_members(client, cast):
    client.force_login(cast.coordinator_x)
    membership = cast.editor_x.memberships.get()
    page = client.get(
        reverse("organisation_member_edit", args=[cast.ministry_x.pk, membership.pk])
    ).content.decode()

    roles = dict(re.findall(r"<dt>([^<]+)</dt><dd>([^<]+)</dd>", page))
    assert roles["Editor"] == "See; Propose and edit own items"
    assert roles["Coordinator"] == (
        "See; Propose and edit own items; Manage the organisation&#x27;s members: invite "
        "them, set their roles, end memberships"
    )
    assert roles["Coordinator of a lead body"].endswith(
        "Manage the organisation&#x27;s members: invite them, set their roles, end memberships"
    )
