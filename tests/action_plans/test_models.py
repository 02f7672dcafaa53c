import pytest
from django.db import IntegrityError, transaction

from action_plans.models import ActionPlan, PlanStatus
from tests.factories import ActionPlanFactory


@pytest.mark.parametrize(
    ("start", "end"),
    [(2025, 2031), (2028, 2026), (2010, 2020)],
    ids=["ends-after-2030", "ends-before-it-starts", "starts-before-the-agenda"],
)
def test_the_database_refuses_a_period_outside_the_2030_agenda(db, start, end):
    with pytest.raises(IntegrityError), transaction.atomic():
        ActionPlanFactory(period_start_year=start, period_end_year=end)
    assert ActionPlan.objects.count() == 0


def test_a_new_plan_starts_as_a_draft_and_its_edits_are_recorded(db, administrator):
    plan = ActionPlanFactory(title="First title")
    assert plan.status == PlanStatus.DRAFT

    plan.title = "Second title"
    plan._change_reason = "Agreed wording"
    plan._history_user = administrator
    plan.save()

    latest, first = plan.history.all()[:2]
    assert (first.title, latest.title) == ("First title", "Second title")
    assert latest.history_user == administrator
    assert latest.history_change_reason == "Agreed wording"
    assert plan.period_label == "2025–2030"
