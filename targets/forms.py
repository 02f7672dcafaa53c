from decimal import Decimal
from typing import cast

from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.text import capfirst, format_lazy
from django.utils.translation import gettext_lazy as _

from action_plans.models import ActionPlan
from governance.forms import Checkboxes, Radios
from governance.models import Organisation
from msd_planner.lib.fields import form_field, label_choices, verbose_name
from msd_planner.lib.types import StrOrPromise
from msd_planner.lib.versioned_edit import VersionedForm, VersionedModelForm
from targets import selectors
from targets.models import (
    CONSULTATIONS_FROM,
    PERIOD_BACKWARDS,
    RANK_NEEDS_A_REASON,
    SCORE_MAX,
    SCORE_MIN,
    SHORT_TEXT_MAX_LENGTH,
    Coherence,
    Consultation,
    ConsultationKind,
    Framework,
    FrameworkKind,
    Indicator,
    MigrationRelevance,
    PrioritisedTarget,
    ProposalStatus,
    Target,
)
from targets.services import (
    BASELINE_FIELDS,
    FRAMEWORK_FIELDS,
    PRIORITISED_TARGET_FIELDS,
    PROPOSAL_FIELDS,
    consultation_problems,
)


class TargetSearchForm(forms.Form):
    """Words or a code to look for in the catalogue, bounded so that a search stays quick."""

    q = forms.CharField(
        label=_("Search by code or words"),
        required=False,
        max_length=selectors.SEARCH_MAX_LENGTH,
        error_messages={
            "max_length": format_lazy(
                _("Search with at most {count} characters."), count=selectors.SEARCH_MAX_LENGTH
            )
        },
        help_text=_("For example 10.7, 8.8.2 or “remittances”."),
    )

    def clean_q(self) -> str:
        query = self.cleaned_data["q"]
        if len(selectors.search_words(query)) > selectors.SEARCH_MAX_WORDS:
            raise forms.ValidationError(
                _("Search with at most %(count)s different words."),
                code="too_many_words",
                params={"count": selectors.SEARCH_MAX_WORDS},
            )
        return query


class CatalogueSearchForm(TargetSearchForm):
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
        max_length=PrioritisedTarget._meta.get_field("rationale").max_length,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Why this target matters for migration in this plan's context."),
    )

    def __init__(self, *args, choices: QuerySet[Target], **kwargs):
        super().__init__(*args, **kwargs)
        target = form_field(self, "target", forms.ModelChoiceField)
        target.queryset = choices
        label_choices(target, lambda target: f"{target.code} {target.title}")


class PrioritisedTargetForm(VersionedModelForm):
    class Meta:
        model = PrioritisedTarget
        fields = PRIORITISED_TARGET_FIELDS
        widgets = {
            "rationale": forms.Textarea(attrs={"rows": 4}),
            "local_adaptation": forms.Textarea(attrs={"rows": 3}),
            "rank_override_reason": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {"rank_override": _("Leave empty to rank by weighted score.")}

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        # An organisation that has left the plan stays offered while it is the current one.
        self.fields[
            "responsible_organisation"
        ].queryset = selectors.responsible_organisation_choices(
            plan, self.instance.responsible_organisation_id
        )

    def clean(self):
        # The baseline year is checked against the plan period by the service.
        cleaned = super().clean()
        has_rank = cleaned.get("rank_override") is not None
        if has_rank and not (cleaned.get("rank_override_reason") or "").strip():
            self.add_error("rank_override_reason", RANK_NEEDS_A_REASON)
        return cleaned


class BaselineForm(VersionedModelForm):
    """Where the target stands at the start: set by those who lead monitoring and by the
    organisation responsible for the target."""

    class Meta:
        model = PrioritisedTarget
        fields = BASELINE_FIELDS
        help_texts = {"baseline_year": _("No later than the plan period's last year.")}


class ProposalForm(VersionedModelForm):
    """What the proposing organisation may still change while its proposal waits."""

    class Meta:
        model = PrioritisedTarget
        fields = PROPOSAL_FIELDS
        widgets = {"rationale": forms.Textarea(attrs={"rows": 4})}
        help_texts = {"rationale": _("Why the plan should prioritise this target.")}


class ScoresForm(VersionedForm):
    """One score per criterion of the plan, on the 1–5 scale (the target's version)."""

    def __init__(self, *args, criteria, scores: dict[int, int], **kwargs):
        super().__init__(*args, **kwargs)
        for criterion in criteria:
            self.fields[f"criterion_{criterion.id}"] = forms.IntegerField(
                label=criterion.name,
                min_value=SCORE_MIN,
                max_value=SCORE_MAX,
                initial=scores.get(criterion.id),
                help_text=_("From %(low)s (low) to %(high)s (high); weight %(weight)s.")
                % {"low": SCORE_MIN, "high": SCORE_MAX, "weight": criterion.weight},
            )

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
            # Django's own test for a form marked deleted (untyped: not public)
            if form.cleaned_data and not self._should_delete_form(form)  # type: ignore[attr-defined]
        ]


# formset_factory subclasses ``formset``; django-stubs gives it as a plain BaseFormSet.
CriteriaFormSet = cast(
    type[BaseCriteriaFormSet],
    forms.formset_factory(CriterionForm, formset=BaseCriteriaFormSet, extra=1, can_delete=True),
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
        indicator = form_field(self, "indicator", forms.ModelChoiceField)
        indicator.queryset = target.indicators.order_by("position")
        label_choices(indicator, lambda item: f"{item.code} {item.title}")


class ProposalDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("accept", _("Accept into the plan")), ("decline", _("Decline"))],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment to the proposer"),
        required=False,
        max_length=SHORT_TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when declining."),  # checked by the service
    )


class FrameworkForm(VersionedModelForm):
    class Meta:
        model = Framework
        fields = FRAMEWORK_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = Organisation.objects.order_by("name")

    def clean(self):
        # framework_save owns this rule; checking it here too puts the message on the
        # field before Django's check of the database constraint gives a generic one.
        cleaned = super().clean()
        start, end = cleaned.get("period_start_year"), cleaned.get("period_end_year")
        if start is not None and end is not None and end < start:
            self.add_error("period_end_year", PERIOD_BACKWARDS)
        return cleaned


class AssessmentsForm(VersionedForm):
    """For one framework: its coherence with each prioritised target of the plan (the
    framework's version)."""

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
                max_length=SHORT_TEXT_MAX_LENGTH,
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


# --- the consultation log ------------------------------------------------------------


def _topic_choices() -> list[tuple[str, StrOrPromise]]:
    return [
        (name, capfirst(verbose_name(Consultation, name))) for name in Consultation.TOPIC_FIELDS
    ]


def _organisation_label(organisation: Organisation) -> str:
    if organisation.is_local_actor:
        return _("%(name)s – local actor") % {"name": organisation}
    return str(organisation)


class ConsultationForm(VersionedModelForm):
    """A consultation of one plan; the choices are that plan's organisations, prioritised
    targets and frameworks. The guide's four topics are ticked in one group of boxes."""

    topics = forms.MultipleChoiceField(
        label=_("Topics discussed"),
        required=False,
        choices=_topic_choices,
        widget=Checkboxes,
        help_text=_("Tick all that apply."),
    )

    field_order = [
        "held_on",
        "kind",
        "title",
        "organisations",
        "topics",
        "outcomes",
        "decisions",
        "prioritised_targets",
        "frameworks",
    ]

    class Meta:
        model = Consultation
        fields = [
            "held_on",
            "kind",
            "title",
            "organisations",
            "outcomes",
            "decisions",
            "prioritised_targets",
            "frameworks",
        ]
        widgets = {
            "held_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "kind": Radios,
            "organisations": Checkboxes,
            "outcomes": forms.Textarea(attrs={"rows": 4}),
            "decisions": forms.Textarea(attrs={"rows": 4}),
            "prioritised_targets": Checkboxes,
            "frameworks": Checkboxes,
        }
        labels = {"kind": _("Kind of consultation")}
        help_texts = {
            "held_on": _("The day it was held. Record a consultation once it has taken place."),
            "organisations": _("The organisations taking part in the plan that were present."),
            "outcomes": _("What was learnt or agreed in the discussion."),
            "decisions": _("What was decided, and who will act on it."),
            "prioritised_targets": _("The plan's prioritised targets it concerned, if any."),
            "frameworks": _("The existing frameworks it concerned, if any."),
        }
        error_messages = {
            "held_on": {"required": _("Enter the date the consultation was held.")},
            "kind": {"required": _("Choose the kind of consultation.")},
            "title": {"required": _("Enter a title for the consultation.")},
            "organisations": {"required": _("Choose the organisations that were present.")},
        }

    def __init__(self, *args, plan: ActionPlan, acting_for: frozenset[int] | None = None, **kwargs):
        """``acting_for``: the organisations of an editor who may record only the
        consultations one of them took part in (None for the plan's coordinators)."""
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.acting_for = acting_for
        form_field(self, "kind", forms.ChoiceField).choices = ConsultationKind.choices
        self.fields["held_on"].widget.attrs["min"] = CONSULTATIONS_FROM.isoformat()
        self.fields["held_on"].widget.attrs["max"] = timezone.localdate().isoformat()
        self.initial["topics"] = [
            name for name in Consultation.TOPIC_FIELDS if getattr(self.instance, name)
        ]
        # Organisations recorded as present stay choosable after they leave the plan.
        present = self.instance.organisations.all() if self.instance.pk else []
        organisations = form_field(self, "organisations", forms.ModelChoiceField)
        organisations.queryset = Organisation.objects.filter(
            Q(pk__in=plan.participations.values("organisation_id"))
            | Q(pk__in=[organisation.pk for organisation in present])
        ).order_by("name")
        label_choices(organisations, _organisation_label)
        targets = form_field(self, "prioritised_targets", forms.ModelChoiceField)
        targets.queryset = (
            plan.prioritised_targets.filter(status=ProposalStatus.ACCEPTED)
            .select_related("target")
            .order_by("target__position")
        )
        label_choices(targets, lambda item: f"{item.target.code} {item.target.title}")
        form_field(self, "frameworks", forms.ModelChoiceField).queryset = plan.frameworks.all()

    def clean(self):
        cleaned = super().clean()
        problems = consultation_problems(
            plan=self.plan,
            held_on=cleaned.get("held_on"),
            prioritised_targets=cleaned.get("prioritised_targets") or [],
            frameworks=cleaned.get("frameworks") or [],
        )
        for field_name, messages in problems.items():
            for message in messages:
                self.add_error(field_name, message)
        present = {organisation.pk for organisation in cleaned.get("organisations") or []}
        if self.acting_for is not None and present and not present & self.acting_for:
            self.add_error(
                "organisations",
                _(
                    "Tick your own organisation: you record the consultations it took part "
                    "in. A coordinator of the plan records the others."
                ),
            )
        return cleaned

    def consultation(self) -> Consultation:
        """A new consultation with the submitted values, unsaved: the service saves it."""
        consultation = self.save(commit=False)
        topics = set(self.cleaned_data["topics"])
        for name in Consultation.TOPIC_FIELDS:
            setattr(consultation, name, name in topics)
        return consultation

    def edited_values(self) -> dict:
        topics = set(self.cleaned_data["topics"])
        return {
            **super().edited_values(),
            **{name: name in topics for name in Consultation.TOPIC_FIELDS},
        }

    def links(self) -> dict[str, list]:
        """The organisations present and the targets and frameworks concerned."""
        names = ("organisations", "prioritised_targets", "frameworks")
        return {name: list(self.cleaned_data[name]) for name in names}


class ConsultationFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *ConsultationKind.choices]
    )
