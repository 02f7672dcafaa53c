from collections.abc import Mapping, Sequence
from datetime import date, datetime, time, timedelta
from typing import Any

from django import forms
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from action_plans.history import ChangeFilter
from action_plans.models import ActionPlan, ChangeReason, PlanLevel
from action_plans.services import PLAN_FIELDS
from action_plans.snapshot import Difference
from msd_planner.lib.fields import form_field
from msd_planner.lib.versioned_edit import VersionedModelForm


class ActionPlanForm(VersionedModelForm):
    class Meta:
        model = ActionPlan
        fields = PLAN_FIELDS
        widgets = {"level": forms.RadioSelect}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A required choice shown as radio buttons offers no blank "---------" option.
        form_field(self, "level", forms.ChoiceField).choices = PlanLevel.choices

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        start, end = cleaned.get("period_start_year"), cleaned.get("period_end_year")
        if start and end and start > end:
            self.add_error("period_end_year", _("The plan period cannot end before it starts."))
        if cleaned.get("level") == PlanLevel.LOCAL and not cleaned.get("area_name"):
            self.add_error("area_name", _("Name the city, province or district of a local plan."))
        return cleaned


class HistoryPageForm(forms.Form):
    """Which changes of a plan's history: of an area, by a person, between two dates;
    the page of those older than ``before``. A field given a bad value is left out."""

    FILTERS = ("area", "person", "since", "until")

    area = forms.ChoiceField(label=_("Part of the plan"), required=False)
    person = forms.TypedChoiceField(
        label=_("Changed by"), required=False, coerce=int, empty_value=None
    )
    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    before = forms.DateTimeField(required=False, widget=forms.HiddenInput)

    def __init__(
        self,
        data: Mapping[str, Any] | None,
        *,
        areas: list[tuple[str, str]],
        authors: list[tuple[int, str]],
    ) -> None:
        super().__init__(data)
        form_field(self, "area", forms.ChoiceField).choices = [
            ("", _("All parts of the plan")),
            *areas,
        ]
        form_field(self, "person", forms.ChoiceField).choices = [("", _("Everyone")), *authors]

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            self.add_error("until", _("The end date cannot be before the start date."))
        return cleaned

    def value(self, name: str) -> Any:
        """The cleaned value of a field, None when it is empty or was refused."""
        self.is_valid()
        return self.cleaned_data.get(name) if name not in self.errors else None

    def change_filter(self) -> ChangeFilter:
        since, until = self.value("since"), self.value("until")
        return ChangeFilter(
            area=self.value("area") or "",
            actor_id=self.value("person"),
            since=_start_of(since) if since else None,
            # The whole of the last day counts.
            until=_start_of(until + timedelta(days=1)) if until else None,
        )

    @property
    def is_filtered(self) -> bool:
        return any(self.value(name) for name in self.FILTERS)

    def filter_query(self) -> dict[str, str]:
        """The filters as given (for the links to other pages of the history)."""
        return {
            name: self.data[name]
            for name in self.FILTERS
            if self.data.get(name) and not self.errors.get(name)
        }


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


class StepCommentForm(forms.Form):
    """The reason given with a workflow step (a withdrawal, a revision)."""

    comment = forms.CharField(
        label=_("Why"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        error_messages={"required": _("Say why.")},
    )


class ChangeForm(forms.Form):
    """A change to an adopted plan (opening a revision, or one made in it): the reason
    from the short list, and what changes, in words."""

    reason = forms.ChoiceField(
        label=_("Reason"),
        choices=ChangeReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the reason for the change.")},
    )
    text = forms.CharField(
        label=_("What changes, and why"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        error_messages={"required": _("Say what changes and why.")},
    )


class _Checkboxes(forms.CheckboxSelectMultiple):
    """Checkboxes whose first option the error summary links to."""

    def id_for_label(self, id_: str, index: str | None = "0") -> str:
        return f"{id_}_{index}" if id_ else ""


class RecordKeysField(forms.MultipleChoiceField):
    """The records a change explains. The choices are offered for the page; the keys
    posted are checked by ``plan_change_record`` against the differences as they are
    then (not built twice for one request)."""

    def valid_value(self, value: Any) -> bool:
        return True


class ChangeRecordForm(ChangeForm):
    """A change made in a revision: the differences from the official version it
    explains, its reason and what changes."""

    field_order = ["records", "reason", "text"]

    records = RecordKeysField(
        label=_("The differences it explains"),
        required=False,
        widget=_Checkboxes,
        help_text=_(
            "Each difference from the official version is explained by a recorded change "
            "before the revision is submitted. A record explained once stays explained, "
            "even if it changes again."
        ),
    )

    def offer(self, differences: Sequence[Difference]) -> None:
        """Offer ``differences`` (those without a reason) as checkboxes; none, no field."""
        if not differences:
            del self.fields["records"]
            return
        form_field(self, "records", forms.ChoiceField).choices = [
            (
                item.key,
                _("%(subject)s, %(kind)s (%(section)s)")
                % {"subject": item.subject, "kind": item.kind_label, "section": item.section},
            )
            for item in differences
        ]


def offer_change_reason(form: forms.BaseForm) -> None:
    """On a record's form in a revision of an adopted plan: why it changes, recorded with
    the save (``workflow.plan_change_made``), or later on the validation page."""
    form.fields["change_reason"] = forms.ChoiceField(
        label=_("Reason for this change"),
        required=False,
        choices=[("", _("Record it later, on the validation page")), *ChangeReason.choices],
        help_text=_(
            "The plan is a revision of its official version: every difference from it is "
            "explained by a recorded change before the revision is submitted."
        ),
    )
    form.fields["change_text"] = forms.CharField(
        label=_("What changes, and why"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


def change_reason_check(form: forms.BaseForm, cleaned: dict[str, Any]) -> None:
    """A reason and its text go together (a form that offers them calls this in clean)."""
    if "change_reason" not in form.fields:
        return
    reason, text = cleaned.get("change_reason"), (cleaned.get("change_text") or "").strip()
    if text and not reason:
        form.add_error("change_reason", _("Choose the reason for the change."))
    if reason and not text:
        form.add_error("change_text", _("Say what changes and why."))


def change_reason_given(form: forms.BaseForm) -> tuple[str, str] | None:
    """The reason and text entered on the form, if any."""
    if "change_reason" not in form.fields or not form.cleaned_data.get("change_reason"):
        return None
    return form.cleaned_data["change_reason"], form.cleaned_data["change_text"]


class AdoptionForm(forms.Form):
    adoption_date = forms.DateField(
        label=_("Date of adoption"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": _("Enter the date of adoption."),
            "invalid": _("Enter a real date."),
        },
    )
    reference = forms.CharField(
        label=_("Adopting act or reference"),
        max_length=300,
        help_text=_("E.g. “Cabinet decision CD/2026/114 of 12 March 2026”."),
        error_messages={"required": _("Enter the adopting act or its reference.")},
    )

    def __init__(
        self,
        *args: Any,
        earliest: date | None = None,
        latest: date | None = None,
        **kwargs: Any,
    ) -> None:
        """``earliest`` (the day the version was validated) and ``latest`` (today): the
        days the plan can have been adopted, said in the hint and set on the input."""
        super().__init__(*args, **kwargs)
        field = self.fields["adoption_date"]
        if latest is not None:
            field.widget.attrs["max"] = latest.isoformat()
        if earliest is not None:
            field.widget.attrs["min"] = earliest.isoformat()
        if earliest is not None and latest is not None:
            field.help_text = _(
                "From %(earliest)s, when the version was validated, to today, %(latest)s."
            ) % {
                "earliest": formats.date_format(earliest, "DATE_FORMAT"),
                "latest": formats.date_format(latest, "DATE_FORMAT"),
            }
        elif latest is not None:
            field.help_text = _("Today, %(latest)s, or earlier.") % {
                "latest": formats.date_format(latest, "DATE_FORMAT")
            }
