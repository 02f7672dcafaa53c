from django import forms
from django.utils.translation import gettext_lazy as _

from action_plans.models import ActionPlan, PlanLevel


class ActionPlanForm(forms.ModelForm):
    class Meta:
        model = ActionPlan
        fields = [
            "title",
            "country",
            "level",
            "area_name",
            "period_start_year",
            "period_end_year",
            "base_currency",
        ]
        widgets = {"level": forms.RadioSelect}

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("period_start_year"), cleaned.get("period_end_year")
        if start and end and start > end:
            self.add_error("period_end_year", _("The plan period cannot end before it starts."))
        if cleaned.get("level") == PlanLevel.LOCAL and not cleaned.get("area_name"):
            self.add_error("area_name", _("Name the city, province or district of a local plan."))
        return cleaned
