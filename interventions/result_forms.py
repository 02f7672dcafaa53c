"""Forms of an intervention's results framework: an indicator with its target values per
year, and a progress value. They validate and hand clean data to the services."""

from datetime import date
from decimal import Decimal

from django import forms
from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from governance.models import Organisation, Participation
from interventions.models import (
    COST_DIGITS,
    NOTE_MAX_LENGTH,
    TOTAL,
    Intervention,
    Progress,
    ResultIndicator,
)
from interventions.services import (
    INDICATOR_FIELDS,
    indicator_problems,
    progress_problems,
    timeline_years,
    value_range_hint,
)
from msd_planner.lib.fields import form_field, label_choices
from msd_planner.lib.types import StrOrPromise
from msd_planner.lib.versioned_edit import VersionedModelForm, version_field
from targets.models import Indicator

TARGET_PREFIX = "target_"
DISAGGREGATION_FIELDS = ("by_sex", "by_age", "by_migratory_status")


def _target_field_name(year: int) -> str:
    return f"{TARGET_PREFIX}{year}"


class ResultIndicatorForm(VersionedModelForm):
    """An indicator of one intervention, with one optional target value per year of the
    intervention's timeline (and any year already set outside it, so that it can be
    cleared or seen refused)."""

    class Meta:
        model = ResultIndicator
        fields = INDICATOR_FIELDS
        widgets = {"means_of_verification": forms.Textarea(attrs={"rows": 3})}
        labels = {
            "by_sex": _("By sex"),
            "by_age": _("By age"),
            "by_migratory_status": _("By migratory status"),
        }
        help_texts = {
            "sdg_indicator": _("An indicator of a target this intervention addresses."),
            "name": _("Name a national indicator instead of, or beside, a global one."),
            "unit": _("For example: %, people, cases per 100,000."),
            "baseline_year": _("The year the baseline value was measured."),
            "means_of_verification": _("The documents or data the values are checked against."),
            "reporting_organisation": _("The organisation of the plan that reports the values."),
        }
        error_messages = {
            "sdg_indicator": {
                "invalid_choice": _("Choose an indicator of a target this intervention addresses.")
            },
            "reporting_organisation": {
                "invalid_choice": _("Choose an organisation that takes part in this plan.")
            },
            "unit": {"required": _("Enter the unit the indicator is measured in.")},
        }

    def __init__(self, *args, intervention: Intervention, **kwargs):
        super().__init__(*args, **kwargs)
        self.intervention = intervention
        # What is saved stays choosable, so that the service's rule names the problem
        # (a participant that left, a target no longer addressed) instead of a blank.
        sdg = form_field(self, "sdg_indicator", forms.ModelChoiceField)
        sdg.queryset = Indicator.objects.filter(
            Q(target_id__in=intervention.addressed_targets.values("prioritised_target__target_id"))
            | Q(pk=self.instance.sdg_indicator_id)
        ).order_by("position")
        label_choices(sdg, lambda item: f"{item.code} {item.title}")
        sdg.empty_label = _("— a national indicator instead —")
        reporter = form_field(self, "reporting_organisation", forms.ModelChoiceField)
        # A subquery, not a join: joined, an organisation taking part in two plans comes
        # out twice when the current one is ORed in, and the choice field answers 500.
        participants = Participation.objects.filter(plan_id=intervention.plan_id)
        reporter.queryset = Organisation.objects.filter(
            Q(pk__in=participants.values("organisation_id"))
            | Q(pk=self.instance.reporting_organisation_id)
        ).order_by("name")
        label_choices(reporter, lambda organisation: organisation.name)
        self._add_target_fields()

    def _add_target_fields(self) -> None:
        saved = (
            {item.year: item.value for item in self.instance.target_values.all()}
            if self.instance.pk
            else {}
        )
        self.years = sorted({*timeline_years(self.intervention), *saved})
        for year in self.years:
            self.fields[_target_field_name(year)] = forms.DecimalField(
                label=str(year),
                required=False,
                max_digits=COST_DIGITS,
                decimal_places=4,
                initial=saved.get(year),
            )

    # --- groups of fields, for the page --------------------------------------------------

    def indicator_fields(self):
        return [
            self[name]
            for name in INDICATOR_FIELDS
            if name not in DISAGGREGATION_FIELDS and name != "reporting_organisation"
        ] + [self["reporting_organisation"]]

    def disaggregation_fields(self):
        return [self[name] for name in DISAGGREGATION_FIELDS]

    def target_fields(self):
        return [self[_target_field_name(year)] for year in self.years]

    # --- validation ----------------------------------------------------------------------

    def target_values(self) -> dict[int, Decimal]:
        """The target value of each year that has one."""
        values = {}
        for year in self.years:
            value = self.cleaned_data.get(_target_field_name(year))
            if value is not None:
                values[year] = value
        return values

    def clean(self):
        cleaned = super().clean()
        values = {name: cleaned.get(name) for name in INDICATOR_FIELDS if name in cleaned}
        problems = indicator_problems(self.intervention, values, self.target_values())
        for name, messages in problems.items():
            for message in messages:
                self.add_error(name, message)
        return cleaned

    error_topics = ("target_values",)  # placed on the years' fields by add_error below

    def add_error(self, field, error):
        """A target year refused (the services' topic "target_values") lands on each such
        year's field."""
        if field == "target_values":
            timeline = timeline_years(self.intervention)
            outside = [
                _target_field_name(year)
                for year in self.years
                if year not in timeline and self.cleaned_data.get(_target_field_name(year))
            ]
            for name in outside or [None]:
                super().add_error(name, error)
            return
        super().add_error(field, error)

    def saved_values(self, current) -> list[tuple[StrOrPromise, StrOrPromise]]:
        """The conflict screen's saved values, with the target values the user changed."""
        shown = super().saved_values(current)
        saved = {item.year: item.value for item in current.target_values.all()}
        for year in self.years:
            name = _target_field_name(year)
            if name in self.changed_data:
                value = saved.get(year)
                shown.append(
                    (
                        str(_("Target for %(year)s") % {"year": year}),
                        "—" if value is None else f"{value.normalize():f}",
                    )
                )
        return shown


class ProgressForm(forms.ModelForm):
    """A value an indicator reached in a quarter, on a date, with its source, the groups
    it is for (as the indicator declares), a comment and a file of evidence (a new
    record, submitted for review)."""

    class Meta:
        model = Progress
        fields = ["measured_on", "value", "source", "sex", "age", "migratory_status"]
        fields += ["comment", "evidence"]
        widgets = {
            "measured_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "comment": forms.Textarea(attrs={"rows": 3}),
            "evidence": forms.ClearableFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg,.xlsx"}),
        }
        help_texts = {
            "measured_on": _(
                "The day the value was measured, or the end of its period: within the "
                "plan's period and not in the future. The value counts for the calendar "
                "quarter of this date."
            ),
            "source": _("Where the value comes from: a survey, a register, a report."),
            "comment": _("Anything the reviewers should know about the value."),
        }
        error_messages = {
            "measured_on": {"required": _("Enter the date the value was measured.")},
            "value": {"required": _("Enter the value reached.")},
            "source": {"required": _("Say where the value comes from.")},
        }

    def __init__(self, *args, indicator: ResultIndicator, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicator = indicator
        self.plan = indicator.intervention.plan
        self.fields["measured_on"].widget.attrs["min"] = f"{self.plan.period_start_year}-01-01"
        self.fields["measured_on"].widget.attrs["max"] = min(
            timezone.localdate(), date(self.plan.period_end_year, 12, 31)
        ).isoformat()
        self.fields["value"].help_text = value_range_hint(indicator.unit)
        # Only the disaggregations the indicator declares: the others are its total.
        for name, declared in (
            ("sex", "by_sex"),
            ("age", "by_age"),
            ("migratory_status", "by_migratory_status"),
        ):
            if not getattr(indicator, declared):
                del self.fields[name]
        limit = settings.PROGRESS_EVIDENCE_MAX_BYTES // (1024 * 1024)
        self.fields["evidence"].help_text = _(
            "Optional: a PDF, PNG, JPEG or XLSX file of at most %(limit)s MB."
        ) % {"limit": limit}

    def clean(self):
        cleaned = super().clean()
        problems = progress_problems(
            measured_on=cleaned.get("measured_on"),
            source=cleaned.get("source"),
            indicator=self.indicator,
            plan=self.plan,
            value=cleaned.get("value"),
            disaggregation=self.disaggregation(),
            evidence=cleaned.get("evidence") or None,
        )
        for name, messages in problems.items():
            if name not in self.errors:
                for message in messages:
                    self.add_error(name, message)
        return cleaned

    def disaggregation(self) -> dict[str, str]:
        return {
            name: self.cleaned_data.get(name) or TOTAL
            for name in ("sex", "age", "migratory_status")
        }

    def submitted_values(self) -> dict:
        """What the service receives: the fields shown, the totals for the others."""
        values = {name: self.cleaned_data[name] for name in self.fields if name != "version"}
        values.update(self.disaggregation())
        values["evidence"] = values.get("evidence") or None
        return values


class ProgressCorrectionForm(VersionedModelForm, ProgressForm):
    """A returned value, corrected by the reporting side and submitted again: the same
    fields, with the version of the value the user opened (a file already attached is
    kept unless another is chosen)."""

    class Meta(ProgressForm.Meta):
        pass


class ProgressDecisionForm(forms.Form):
    """A reviewer's decision on a submitted value, carrying the version they saw."""

    version = version_field()
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve: the value counts")), ("return", _("Return it"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose whether to approve or return the value.")},
    )
    comment = forms.CharField(
        label=_("Comment to the reporting organisation"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when returning: say what to correct."),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "return" and not (cleaned.get("comment") or "").strip():
            self.add_error("comment", _("Say why the value is returned."))
        return cleaned


class ProgressFilterForm(forms.Form):
    """The review page's filter: the values an organisation reports or whose
    intervention it leads."""

    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("All organisations"),
    )

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(
            participations__plan=plan
        ).order_by("name")
