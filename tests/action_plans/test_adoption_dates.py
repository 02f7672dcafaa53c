"""An adoption dated when it can have happened: not before its version was validated,
not in the future; the demo's versions dated in the order of their steps."""

from datetime import date, timedelta

from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from action_plans import workflow
from action_plans.models import PlanTransition, PlanVersion, VersionStatus
from tests.action_plans.test_dates_and_numbers import _adopt, _validated_on_1_february


def test_an_adoption_before_the_validation_is_refused_on_its_field(client, cast, ready):
    _validated_on_1_february(cast, ready)
    client.force_login(cast.coordinator_a)

    form_page = client.get(reverse("plan_adopt", args=[cast.plan_a.pk])).content.decode()
    today = timezone.localdate()
    assert "From 1 Feb 2025, when the version was validated, to today," in form_page
    assert 'min="2025-02-01"' in form_page and f'max="{today.isoformat()}"' in form_page

    response = _adopt(client, cast, date(2025, 1, 31))
    assert response.status_code == 200
    message = "The date of adoption cannot be before the version was validated, on 1 Feb 2025."
    assert message in response.context["form"].errors["adoption_date"]
    assert message in response.content.decode()
    assert workflow.official_version(cast.plan_a) is None

    _adopt(client, cast, date(2025, 2, 1))  # the day it was validated
    assert workflow.official_version(cast.plan_a).adoption_date == date(2025, 2, 1)


def test_an_adoption_in_the_future_is_refused_on_its_field(client, cast, ready):
    _validated_on_1_february(cast, ready)
    client.force_login(cast.coordinator_a)
    response = _adopt(client, cast, timezone.localdate() + timedelta(days=1))
    assert response.context["form"].errors["adoption_date"] == [
        "The date of adoption cannot be in the future."
    ]
    assert not PlanVersion.objects.filter(status=VersionStatus.ADOPTED).exists()


def test_the_demos_versions_were_submitted_validated_and_adopted_in_that_order(db):
    call_command("load_demo")
    versions = PlanVersion.objects.select_related("plan")
    assert versions.filter(status=VersionStatus.SUPERSEDED).count() == 0
    adopted = versions.get(adoption_date__isnull=False)
    assert adopted.submitted_at <= adopted.validated_at <= adopted.adopted_at
    assert timezone.localdate(adopted.validated_at) <= adopted.adoption_date
    assert adopted.adoption_date <= timezone.localdate()
    day = adopted.adoption_date
    assert adopted.adoption_reference.endswith(f" of {day.day} {day:%B} {day.year}")
    steps = PlanTransition.objects.filter(plan=adopted.plan).order_by("created_at", "pk")
    assert [step.step for step in steps][:1] == ["submit"]
    assert [step.step for step in steps][-2:] == ["adopt", "open_revision"]
