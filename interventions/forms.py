from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from action_plans.forms import change_reason_check, offer_change_reason
from action_plans.models import ActionPlan
from governance.forms import Radios, SortedFilterForm, SortField
from interventions import selectors
from interventions.models import (
    NOTE_MAX_LENGTH,
    BeneficiaryGroup,
    Comment,
    Intervention,
    InterventionLevel,
    InterventionStatus,
    PartnerRole,
    Sector,
)
from interventions.services import INTERVENTION_FIELDS, Links, intervention_problems
from msd_planner.lib.fields import form_field, label_choices
from msd_planner.lib.integers import INTEGER_MAX
from msd_planner.lib.versioned_edit import VersionedModelForm

NOT_A_PARTNER = ""


class InterventionForm(VersionedModelForm):
    """An intervention with its links: the targets it addresses (and how), its partners
    (and their roles) and its beneficiary groups (and how many), one row each.

    ``leads`` are the organisations the user may name as the lead: any participant for
    those who design the plan's interventions, their own organisations for the others.
    """

    class Meta:
        model = Intervention
        fields = INTERVENTION_FIELDS
        widgets = {
            "level": Radios,
            "status": Radios,
            "start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "end_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "description": forms.Textarea(attrs={"rows": 4}),
            "design": forms.Textarea(attrs={"rows": 4}),
            "technical_capacity": forms.Textarea(attrs={"rows": 2}),
            "capacity_building": forms.Textarea(attrs={"rows": 2}),
            "risks": forms.Textarea(attrs={"rows": 3}),
            "drop_reason": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "design": _("How it will work: activities, approach, who does what."),
            "estimated_cost": _("In the plan's base currency."),
            "drop_reason": _("Only when the status is “Dropped”."),
        }
        error_messages = {
            "title": {"required": _("Enter a title for the intervention.")},
            "level": {"required": _("Choose the level of the intervention.")},
            "sector": {"required": _("Choose the sector.")},
            "lead_organisation": {"required": _("Choose the lead organisation.")},
        }

    def __init__(self, *args, plan: ActionPlan, leads, explain: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        if explain:  # a revision: the reason for the change, with the save
            offer_change_reason(self)
        self._main_fields_set_up(plan, leads)
        self._target_fields_add(plan)
        self._partner_fields_add(plan)
        self._group_fields_add()

    def _main_fields_set_up(self, plan: ActionPlan, leads) -> None:
        form_field(self, "level", forms.ChoiceField).choices = InterventionLevel.choices
        form_field(self, "status", forms.ChoiceField).choices = InterventionStatus.choices
        form_field(self, "sector", forms.ChoiceField).choices = [
            ("", _("Choose the sector")),
            *Sector.choices,
        ]
        lead = form_field(self, "lead_organisation", forms.ModelChoiceField)
        lead.queryset = leads
        lead.empty_label = _("Choose the lead organisation")
        if not self.instance.pk and not self.initial.get("lead_organisation"):
            only = list(leads[:2])
            if len(only) == 1:
                self.initial["lead_organisation"] = only[0].pk  # their own organisation
        # Any number is taken here and judged by intervention_problems, which says every
        # problem of the cost at once (negative and too precise), in the currency's terms.
        cost = self.fields["estimated_cost"]
        self.fields["estimated_cost"] = forms.DecimalField(
            label=_("Estimated cost (%(currency)s)") % {"currency": plan.base_currency},
            help_text=cost.help_text,
            required=False,
        )
        for name in ("start_date", "end_date"):
            self.fields[name].widget.attrs.update(
                min=f"{plan.period_start_year}-01-01", max=f"{plan.period_end_year}-12-31"
            )

    def _target_fields_add(self, plan: ActionPlan) -> None:
        """A box and a contribution for each of the plan's prioritised targets."""
        current = (
            {
                link.prioritised_target_id: link.contribution
                for link in self.instance.addressed_targets.all()
            }
            if self.instance.pk
            else {}
        )
        self.targets = list(selectors.accepted_targets(plan))
        for item in self.targets:
            self.fields[f"target_{item.pk}"] = forms.BooleanField(
                label=f"{item.target.code} {item.target.title}",
                required=False,
                initial=item.pk in current,
            )
            self.fields[f"contribution_{item.pk}"] = forms.CharField(
                label=_("How it contributes to %(code)s") % {"code": item.target.code},
                required=False,
                max_length=NOTE_MAX_LENGTH,
                initial=current.get(item.pk, ""),
            )

    def _partner_fields_add(self, plan: ActionPlan) -> None:
        """A role (or none) for each organisation taking part in the plan."""
        current = (
            {link.organisation_id: link.role for link in self.instance.partners.all()}
            if self.instance.pk
            else {}
        )
        self.organisations = list(selectors.participants(plan))
        for organisation in self.organisations:
            self.fields[f"partner_{organisation.pk}"] = forms.ChoiceField(
                label=organisation.short_name,
                required=False,
                choices=[(NOT_A_PARTNER, _("Not a partner")), *PartnerRole.choices],
                initial=current.get(organisation.pk, NOT_A_PARTNER),
            )

    def _group_fields_add(self) -> None:
        """A box and an estimated number for each beneficiary group."""
        current = (
            {link.group: link.estimated_number for link in self.instance.beneficiaries.all()}
            if self.instance.pk
            else {}
        )
        for value, label in BeneficiaryGroup.choices:
            self.fields[f"group_{value}"] = forms.BooleanField(
                label=label, required=False, initial=value in current
            )
            self.fields[f"number_{value}"] = forms.IntegerField(
                label=_("Estimated number of %(group)s") % {"group": label},
                required=False,
                min_value=0,
                initial=current.get(value),
                # The bound is judged by intervention_problems; the browser knows it too.
                widget=forms.NumberInput(attrs={"max": INTEGER_MAX}),
            )

    # --- the rows the template shows ---------------------------------------------------

    MAIN_FIELDS = INTERVENTION_FIELDS

    def main_fields(self):
        return [self[name] for name in self.MAIN_FIELDS]

    def target_rows(self):
        for item in self.targets:
            yield item, self[f"target_{item.pk}"], self[f"contribution_{item.pk}"]

    def partner_rows(self):
        for organisation in self.organisations:
            yield organisation, self[f"partner_{organisation.pk}"]

    def beneficiary_rows(self):
        for value, label in BeneficiaryGroup.choices:
            yield label, self[f"group_{value}"], self[f"number_{value}"]

    # --- what the service receives ------------------------------------------------------

    def links(self) -> Links:
        data = self.cleaned_data
        return Links(
            targets={
                item.pk: (data.get(f"contribution_{item.pk}") or "").strip()
                for item in self.targets
                if data.get(f"target_{item.pk}")
            },
            partners={
                organisation.pk: data[f"partner_{organisation.pk}"]
                for organisation in self.organisations
                if data.get(f"partner_{organisation.pk}")
            },
            beneficiaries={
                value: data.get(f"number_{value}")
                for value, _label in BeneficiaryGroup.choices
                if data.get(f"group_{value}") or data.get(f"number_{value}") is not None
            },
        )

    def clean(self):
        cleaned = super().clean()
        change_reason_check(self, cleaned)
        # The rules are checked on what is valid even when something else is not, so that
        # one error does not hide another; a field with an error of its own keeps that one.
        values = {name: cleaned.get(name) for name in INTERVENTION_FIELDS}
        for name, messages in intervention_problems(self.plan, values, self.links()).items():
            if name in self.errors:
                continue
            for message in messages:
                self.add_error(name if name in self.fields else None, message)
        return cleaned


class InterventionFilterForm(SortedFilterForm):
    target: "forms.ModelChoiceField[Any]" = forms.ModelChoiceField(
        label=_("Target"), required=False, queryset=None, empty_label=_("All targets")
    )
    organisation: "forms.ModelChoiceField[Any]" = forms.ModelChoiceField(
        label=_("Organisation"),
        required=False,
        queryset=None,
        empty_label=_("All organisations"),
    )
    sector = forms.ChoiceField(
        label=_("Sector"), required=False, choices=[("", _("All sectors")), *Sector.choices]
    )
    level = forms.ChoiceField(
        label=_("Level"),
        required=False,
        choices=[("", _("All levels")), *InterventionLevel.choices],
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All statuses")), *InterventionStatus.choices],
    )
    sort = SortField(sorts=selectors.INTERVENTION_SORTS, default="title")

    def __init__(self, *args, plan: ActionPlan, **kwargs):
        super().__init__(*args, **kwargs)
        targets = form_field(self, "target", forms.ModelChoiceField)
        targets.queryset = selectors.accepted_targets(plan)
        label_choices(targets, lambda item: item.target.code)
        organisations = form_field(self, "organisation", forms.ModelChoiceField)
        organisations.queryset = selectors.participants(plan)
        label_choices(organisations, lambda organisation: organisation.short_name)


class CommentForm(forms.ModelForm):
    class Meta:
        model = Comment
        fields = ["text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}
        error_messages = {"text": {"required": _("Write a comment first.")}}


class StatusForm(VersionedModelForm):
    """The quick edit of an intervention's status from the list (the intervention's
    version, the same checks as the full form)."""

    class Meta:
        model = Intervention
        fields = ["status", "drop_reason"]
        widgets = {"drop_reason": forms.TextInput}
        labels = {"drop_reason": _("Why (when dropped)")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = InterventionStatus.choices
