from decimal import Decimal

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from governance.models import Organisation
from targets import selectors
from targets.models import (
    PERIOD_BACKWARDS,
    SCORE_MAX,
    SCORE_MIN,
    Coherence,
    Framework,
    FrameworkKind,
    Indicator,
    MigrationRelevance,
    PrioritisedTarget,
    Target,
)
from targets.services import PRIORITISED_TARGET_FIELDS


class CatalogueSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search by code or words"),
        required=False,
        max_length=200,
        help_text=_("For example 10.7, 8.8.2 or “remittances”."),
    )
    relevance = forms.ChoiceField(
        label=_("Migration relevance"),
        required=False,
        choices=[
            ("", _("All targets")),
            ("migration", _("All migration-related targets")),
            (MigrationRelevance.EXPLICIT, _("Explicitly mention migration")),
            (MigrationRelevance.CROSS_CUTTING, _("Migration is cross-cutting")),
        ],
    )


class TargetPickForm(forms.Form):
    """Pick a catalogue target for a plan; the choices are narrowed by a search."""

    target = forms.ModelChoiceField(
        label=_("Target"), queryset=Target.objects.none(), widget=forms.RadioSelect
    )
    rationale = forms.CharField(
        label=_("Rationale"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Why this target matters for migration in this plan's context."),
    )

    def __init__(self, *args, choices: QuerySet[Target], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = choices
        self.fields["target"].label_from_instance = lambda target: f"{target.code} {target.title}"


def _shown(value) -> str:
    return "—" if value is None or value == "" else str(value)


class PrioritisedTargetForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = PrioritisedTarget
        fields = PRIORITISED_TARGET_FIELDS
        widgets = {
            "rationale": forms.Textarea(attrs={"rows": 4}),
            "local_adaptation": forms.Textarea(attrs={"rows": 3}),
            "rank_override_reason": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "rank_override": _("Leave empty to rank by weighted score."),
            "baseline_year": _("No later than the plan period's last year."),
        }

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        # An organisation that has left the plan stays offered while it is the current one.
        self.fields[
            "responsible_organisation"
        ].queryset = selectors.responsible_organisation_choices(
            plan, self.instance.responsible_organisation_id
        )
        self.fields["version"].initial = self.instance.version

    def clean(self):
        # The baseline year is checked against the plan period by the service.
        cleaned = super().clean()
        if cleaned.get("rank_override") and not (cleaned.get("rank_override_reason") or "").strip():
            self.add_error("rank_override_reason", _("Say why you set the rank by hand."))
        return cleaned

    def changes(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.changed_data if name != "version"}


class ScoresForm(forms.Form):
    """One score per criterion of the plan, on the 1–5 scale."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, criteria, scores: dict[int, int], version: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = version
        for criterion in criteria:
            self.fields[f"criterion_{criterion.id}"] = forms.IntegerField(
                label=criterion.name,
                min_value=SCORE_MIN,
                max_value=SCORE_MAX,
                initial=scores.get(criterion.id),
                help_text=_("From %(low)s (low) to %(high)s (high); weight %(weight)s.")
                % {"low": SCORE_MIN, "high": SCORE_MAX, "weight": criterion.weight},
            )

    def saved_values(self, current=None) -> list[tuple[str, str]]:
        """(criterion, score now saved) where the submitted score differs from it."""
        return [
            (self[name].label, _shown(self[name].initial))
            for name in self.changed_data
            if name.startswith("criterion_")
        ]

    def scores(self) -> dict[int, int]:
        return {
            int(name.removeprefix("criterion_")): value
            for name, value in self.cleaned_data.items()
            if name.startswith("criterion_")
        }


class CriterionForm(forms.Form):
    id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    name = forms.CharField(label=_("Criterion"), max_length=120)
    weight = forms.DecimalField(
        label=_("Weight"), min_value=Decimal(0), max_value=Decimal(100), decimal_places=2
    )


class BaseCriteriaFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        rows = [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data and not self._should_delete_form(form)
        ]
        if sum(row["weight"] for row in rows) <= 0:
            for form in self.forms:
                if form.cleaned_data and not self._should_delete_form(form):
                    form.add_error("weight", _("At least one criterion needs a weight above zero."))
            return
        names = [row["name"].strip().lower() for row in rows]
        if len(set(names)) != len(names):
            raise forms.ValidationError(_("Two criteria have the same name."))

    def criteria(self) -> list[tuple[int | None, str, Decimal]]:
        return [
            (
                form.cleaned_data.get("id"),
                form.cleaned_data["name"].strip(),
                form.cleaned_data["weight"],
            )
            for form in self.forms
            if form.cleaned_data and not self._should_delete_form(form)
        ]

    def seen_ids(self) -> set[int]:
        """The criteria the user was shown, kept or marked for removal."""
        return {form.cleaned_data["id"] for form in self.forms if form.cleaned_data.get("id")}


CriteriaFormSet = forms.formset_factory(
    CriterionForm, formset=BaseCriteriaFormSet, extra=1, can_delete=True
)


class IndicatorForm(forms.Form):
    indicator = forms.ModelChoiceField(
        label=_("Global SDG indicator"),
        queryset=Indicator.objects.none(),
        required=False,
        empty_label=_("— a national proxy instead —"),
    )
    proxy_name = forms.CharField(
        label=_("National proxy indicator"), max_length=300, required=False
    )
    proxy_unit = forms.CharField(label=_("Unit of the proxy"), max_length=60, required=False)

    def __init__(self, *args, target: Target, **kwargs):
        # "A global indicator or a proxy, not both" is the service's rule.
        super().__init__(*args, **kwargs)
        self.fields["indicator"].queryset = target.indicators.order_by("position")
        self.fields["indicator"].label_from_instance = lambda item: f"{item.code} {item.title}"


class ProposalDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("accept", _("Accept into the plan")), ("decline", _("Decline"))],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment to the proposer"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when declining."),  # checked by the service
    )


class FrameworkForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Framework
        fields = [
            "name",
            "kind",
            "owner",
            "level",
            "period_start_year",
            "period_end_year",
            "reference",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = Organisation.objects.order_by("name")
        self.fields["version"].initial = self.instance.version

    def clean(self):
        # framework_save owns this rule; checking it here too puts the message on the
        # field before Django's check of the database constraint gives a generic one.
        cleaned = super().clean()
        start, end = cleaned.get("period_start_year"), cleaned.get("period_end_year")
        if start and end and end < start:
            self.add_error("period_end_year", PERIOD_BACKWARDS)
        return cleaned


class AssessmentsForm(forms.Form):
    """For one framework: its coherence with each prioritised target of the plan."""

    def __init__(self, *args, targets, existing: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.targets = targets
        for target in targets:
            current = existing.get(target.id)
            self.fields[f"coherence_{target.id}"] = forms.ChoiceField(
                label=_("Target %(code)s") % {"code": target.target.code},
                choices=[("", _("Not assessed")), *Coherence.choices],
                required=False,
                initial=current.coherence if current else "",
            )
            self.fields[f"note_{target.id}"] = forms.CharField(
                label=_("Note on %(code)s") % {"code": target.target.code},
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                initial=current.note if current else "",
            )

    def rows(self):
        for target in self.targets:
            yield target, self[f"coherence_{target.id}"], self[f"note_{target.id}"]

    def assessments(self) -> dict[int, tuple[str, str]]:
        return {
            target.id: (
                self.cleaned_data[f"coherence_{target.id}"],
                self.cleaned_data[f"note_{target.id}"].strip(),
            )
            for target in self.targets
        }


class CoherenceFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind of framework"),
        required=False,
        choices=[("", _("All kinds")), *FrameworkKind.choices],
    )
    coherence = forms.ChoiceField(
        label=_("Assessment"),
        required=False,
        choices=[("", _("All assessments")), *Coherence.choices],
    )
