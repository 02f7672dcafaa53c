"""Forms of the example library and of the import: they check input and hand clean data
to ``interventions.library``; they do not save."""

from django import forms
from django.utils.translation import gettext_lazy as _

from governance.forms import Checkboxes
from governance.models import Organisation
from interventions.library import example_target_codes
from targets.models import PrioritisedTarget


class LeadOrganisationField(forms.ModelChoiceField):
    def __init__(self, queryset, **kwargs):
        super().__init__(
            queryset,
            label=_("Lead organisation"),
            empty_label=None,
            error_messages={
                "invalid_choice": _(
                    "Choose an organisation you act for (those who lead intervention design "
                    "may choose any organisation taking part in the plan)."
                ),
                "required": _("Choose the lead organisation."),
            },
            **kwargs,
        )

    def label_from_instance(self, organisation):
        return organisation.name


class ExampleFilterForm(forms.Form):
    target = forms.ChoiceField(label=_("Target"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].choices = [("", _("All targets"))] + [
            (code, code) for code in example_target_codes()
        ]


class ExampleUseForm(forms.Form):
    """Who leads the new intervention, and which of the example's targets (those
    prioritised in the plan) it addresses."""

    lead_organisation = LeadOrganisationField(Organisation.objects.none())
    targets = forms.ModelMultipleChoiceField(
        PrioritisedTarget.objects.none(),
        label=_("Prioritised targets it addresses"),
        widget=Checkboxes,
        error_messages={"required": _("Choose at least one prioritised target it addresses.")},
    )

    def __init__(self, *args, organisations, targets, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_organisation"].queryset = organisations
        if len(organisations) == 1:
            self.fields["lead_organisation"].initial = organisations[0].pk
        field = self.fields["targets"]
        field.queryset = targets
        field.initial = [item.pk for item in targets]
        field.label_from_instance = lambda item: f"{item.target.code} {item.target.title}"


class ImportForm(forms.Form):
    lead_organisation = LeadOrganisationField(Organisation.objects.none())
    file = forms.FileField(
        label=_("File (CSV or XLSX, at most 5 MB)"),
        error_messages={
            "required": _("Choose a file to import."),
            "empty": _("The file is empty: it needs the header row of the template."),
        },
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_organisation"].queryset = organisations
        self.fields["lead_organisation"].help_text = _(
            "Every imported intervention is led by this organisation."
        )
        if len(organisations) == 1:
            self.fields["lead_organisation"].initial = organisations[0].pk
        self.fields["file"].widget.attrs["accept"] = ".csv,.xlsx"
