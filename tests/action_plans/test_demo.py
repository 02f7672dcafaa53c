import pytest
from django.core.management import call_command
from django.urls import reverse

from action_plans.models import ActionPlan
from governance.demo import DEMO_PASSWORD, DEMO_USERS
from governance.models import User


def test_running_the_demo_twice_creates_nothing_the_second_time(db, capsys):
    users_before = User.objects.count()
    call_command("load_demo")
    counts = (User.objects.count(), ActionPlan.objects.count())
    call_command("load_demo")
    assert (User.objects.count(), ActionPlan.objects.count()) == counts
    assert counts == (users_before + len(DEMO_USERS), 2)
    assert "0 users, 0 organisations and 0 plans created" in capsys.readouterr().out


def test_the_demo_national_plan_is_realistic(db):
    call_command("load_demo")
    plan = ActionPlan.objects.get(level="national")
    assert plan.country.code == "GH"
    assert plan.base_currency == "GHS"
    assert (plan.period_start_year, plan.period_end_year) == (2025, 2030)


def test_the_demo_leaves_a_changed_password_alone(db, client):
    call_command("load_demo")
    user = User.objects.get(username="coordinator")
    user.set_password("a-new-long-password-2026")
    user.save()
    call_command("load_demo")
    response = client.post(
        reverse("login"), {"username": "coordinator", "password": "a-new-long-password-2026"}
    )
    assert response.url == reverse("home")


@pytest.mark.parametrize("username", [user.username for user in DEMO_USERS])
def test_every_demo_user_can_sign_in(db, client, username):
    call_command("load_demo")
    response = client.post(
        reverse("login"), {"username": username, "password": DEMO_PASSWORD}, follow=True
    )
    assert response.context["user"].username == username
    assert response.request["PATH_INFO"] == reverse("home")


def test_what_the_demo_loader_wrote_without_a_user_reads_as_written_by_it(db, client):
    """Demo accounts and memberships are written with no user signed in: their history
    names the demo loader, not nobody (nor "None")."""
    call_command("load_demo")
    client.force_login(User.objects.get(username="admin"))
    editor = User.objects.get(username="editor")

    page = client.get(reverse("user_detail", args=[editor.pk])).content.decode()

    history = page[page.index("Account history") :]
    assert "<td>the demo loader</td><td>Account created</td>" in history
    assert "None" not in history
    assert not editor.memberships.get().history.filter(history_change_reason=None).exists()


def test_changes_made_later_without_a_user_are_not_put_on_the_demo_loader(db):
    call_command("load_demo")
    user = User.objects.get(username="viewer")
    user.first_name = "Vida Ama"
    user.save()
    assert user.history.latest().history_change_reason is None


def test_the_demo_shows_a_living_plan_and_one_in_validation(db, client, mailoutbox):
    from action_plans import workflow
    from action_plans.hooks import validation_policy
    from action_plans.models import PlanChange, PlanStatus, PlanVersion

    call_command("load_demo")
    call_command("load_demo")  # a second run adds no version
    national = ActionPlan.objects.get(level="national")
    official = workflow.official_version(national)
    policy = validation_policy()
    assert official.number == "1.0"
    assert official.adoption_reference.startswith("Cabinet decision")
    assert {item.organisation_id for item in policy.required(national)} <= policy.approvals(
        official
    )
    assert national.status == PlanStatus.DRAFT  # a revision in progress
    # the reason the revision was opened, then its two changes, each naming its record
    changes = PlanChange.objects.filter(plan=national)
    assert [change.reason for change in changes] == [
        "re_scoping",
        "new_intervention",
        "funding_change",
    ]
    assert [len(change.records) for change in changes] == [0, 3, 2]  # with their parts
    assert workflow.plan_readiness(national).revision.unexplained == []
    assert PlanVersion.objects.filter(plan=national).count() == 1

    local = ActionPlan.objects.get(level="local")
    version = workflow.open_version(local)
    assert local.status == PlanStatus.IN_VALIDATION
    missing = {item.name for item in policy.required(local)} - {
        item.name
        for item in policy.required(local)
        if item.organisation_id in policy.approvals(version)
    }
    assert missing == {"AMWA"}
    assert mailoutbox == []  # the demo's people are made up: no email

    client.force_login(User.objects.get(username="coordinator"))
    page = client.get(reverse("version_compare", args=[national.pk])).content.decode()
    assert "From version 1.0 to the current draft" in page
    assert "Health screening and insurance enrolment for returnees" in page
    assert "cost: 2,450,000.00\xa0GHS → 2,750,000.00\xa0GHS" in page
    page = client.get(reverse("plan_validation", args=[national.pk])).content.decode()
    assert "Every difference from version 1.0 is explained by a recorded change." in page
    assert "Explains:" in page
