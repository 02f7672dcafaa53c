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
