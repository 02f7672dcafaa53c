from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from api.models import ApiToken
from interventions.models import Intervention
from msd_planner.lib.fields import form_field


class ApiTokenForm(forms.ModelForm):
    class Meta:
        model = ApiToken
        fields = ["name"]
        error_messages = {"name": {"required": _("Name the token: what will use it?")}}


class InterventionChoiceForm(forms.Form):
    """The intervention a commitment is recorded to, among ``interventions`` (the plan's):
    the page names it in its address, a client in the body."""

    intervention: "forms.ModelChoiceField[Intervention]" = forms.ModelChoiceField(queryset=None)

    def __init__(self, data: dict, *, interventions: QuerySet[Intervention]):
        super().__init__(data)
        intervention = form_field(self, "intervention", forms.ModelChoiceField)
        intervention.queryset = interventions
