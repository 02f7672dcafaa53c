from django import forms
from django.utils.translation import gettext_lazy as _

from action_plans.models import ActionPlan, PlanLevel
from action_plans.services import PLAN_FIELDS
from msd_planner.lib.versioned_edit import VersionedModelForm


class ActionPlanForm(VersionedModelForm):
    class Meta:
        model = ActionPlan
        fields = PLAN_FIELDS
        widgets = {"level": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A required choice shown as radio buttons offers no blank "---------" option.
        self.fields["level"].choices = PlanLevel.choices

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("period_start_year"), cleaned.get("period_end_year")
        if start and end and start > end:
            self.add_error("period_end_year", _("The plan period cannot end before it starts."))
        if cleaned.get("level") == PlanLevel.LOCAL and not cleaned.get("area_name"):
            self.add_error("area_name", _("Name the city, province or district of a local plan."))
        return cleaned


class HistoryPageForm(forms.Form):
    """Which page of a plan's history: the changes older than ``before``."""

    before = forms.DateTimeField(required=False)
