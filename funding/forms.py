"""The funding forms. They validate with the services' own checks (``*_problems``) for
their messages and hand clean values to the services; they never save."""

from django import forms
from django.core.validators import DecimalValidator
from django.utils.translation import gettext_lazy as _

from action_plans.models import ActionPlan
from funding.models import (
    SHARE_OUT_OF_RANGE,
    CapacityNeed,
    Commitment,
    Engagement,
    EngagementKind,
    FundingSource,
    LocalChannel,
    LocalisationTarget,
    MobilisationStrategy,
    SourceKind,
    Stage,
)
from funding.selectors import FIGURE_SORTS
from funding.services import (
    CAPACITY_NEED_FIELDS,
    COMMITMENT_FIELDS,
    ENGAGEMENT_FIELDS,
    LOCALISATION_TARGET_FIELDS,
    SOURCE_FIELDS,
    STRATEGY_FIELDS,
    addressing_problems,
    capacity_need_problems,
    commitment_problems,
    disbursement_problems,
    disbursement_values,
    engagement_problems,
    source_problems,
)
from governance.forms import Checkboxes, Radios, SortedFilterForm, SortField
from interventions.models import Intervention
from msd_planner.lib.fields import form_field
from msd_planner.lib.money import currency_choices
from msd_planner.lib.versioned_edit import VersionedModelForm
from targets.models import Consultation

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
AMOUNT_ATTRS = {"inputmode": "decimal", "autocomplete": "off"}


def _add_problems(form: forms.BaseForm, problems: dict[str, list]) -> None:
    for name, messages in problems.items():
        for message in messages:
            form.add_error(name if name in form.fields else None, message)


class SourceForm(VersionedModelForm):
    class Meta:
        model = FundingSource
        fields = SOURCE_FIELDS
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "name": _("As partners know it, e.g. “EU Migration Partnership Facility”."),
            "currency": _("The currency its money is usually given in."),
        }
        error_messages = {
            "name": {"required": _("Name the source.")},
            "provider": {"required": _("Choose the organisation that provides it.")},
            "kind": {"required": _("Choose the kind of source.")},
            "currency": {"required": _("Choose the currency.")},
        }

    def __init__(self, *args, plan: ActionPlan, providers, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        provider = form_field(self, "provider", forms.ModelChoiceField)
        provider.queryset = providers
        provider.empty_label = _("Choose the organisation")
        kind = form_field(self, "kind", forms.ChoiceField)
        kind.choices = [("", _("Choose the kind")), *SourceKind.choices]
        currency = form_field(self, "currency", forms.ChoiceField)
        currency.choices = [("", _("Choose the currency")), *currency_choices()]
        if not self.instance.pk and not self.initial.get("currency"):
            self.initial["currency"] = plan.base_currency
        only = list(providers[:2])
        if not self.instance.pk and len(only) == 1:
            self.initial["provider"] = only[0].pk

    def clean(self):
        cleaned = super().clean()
        _add_problems(
            self,
            {
                name: messages
                for name, messages in source_problems(self.plan, cleaned, self.instance.pk).items()
                if name not in self.errors
            },
        )
        return cleaned


class CommitmentForm(VersionedModelForm):
    """A commitment of one of the plan's sources to an intervention. ``sources`` are the
    sources the user may record (funding.rules.source_choices)."""

    class Meta:
        model = Commitment
        fields = COMMITMENT_FIELDS
        widgets = {
            "stage": Radios,
            "local_channel": Radios,
            "dated": DATE,
            "rate_date": DATE,
            "amount": forms.TextInput(attrs=AMOUNT_ATTRS),
            "exchange_rate": forms.TextInput(attrs=AMOUNT_ATTRS),
            "disbursed": forms.TextInput(attrs=AMOUNT_ATTRS),
            "to_local_actors": forms.TextInput(attrs=AMOUNT_ATTRS),
            "local_actors": forms.CheckboxSelectMultiple,
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
        error_messages = {
            "source": {"required": _("Choose the source.")},
            "stage": {"required": _("Choose the stage.")},
            "amount": {
                "required": _("Enter the amount."),
                "invalid": _("Enter the amount as a number, e.g. 250000.50."),
            },
            "currency": {"required": _("Choose the currency.")},
            "exchange_rate": {"invalid": _("Enter the rate as a number, e.g. 16.45.")},
            "disbursed": {"invalid": _("Enter the amount as a number, e.g. 100000.")},
            "to_local_actors": {"invalid": _("Enter the amount as a number, e.g. 50000.")},
            "dated": {"required": _("Enter the date."), "invalid": _("Enter a real date.")},
            "rate_date": {"invalid": _("Enter a real date.")},
        }

    def __init__(self, *args, intervention: Intervention, sources, local_actors, **kwargs):
        super().__init__(*args, **kwargs)
        plan = intervention.plan
        self.plan, self.intervention = plan, intervention
        base = plan.base_currency
        source = form_field(self, "source", forms.ModelChoiceField)
        source.queryset = sources
        source.empty_label = _("Choose the source")
        form_field(self, "stage", forms.ChoiceField).choices = Stage.choices
        self._currency_field(base, sources)
        form_field(self, "local_channel", forms.ChoiceField).choices = LocalChannel.choices
        form_field(self, "local_actors", forms.ModelChoiceField).queryset = local_actors
        for name in ("amount", "exchange_rate", "disbursed", "to_local_actors"):
            field = form_field(self, name, forms.DecimalField)
            field.localize = True
            field.widget.is_localized = True
            # Any number is taken here; commitment_problems says everything wrong with it
            # at once (−500.123 GHS: below zero *and* too precise), in the currency's terms.
            field.max_digits = field.decimal_places = None
            field.validators = [v for v in field.validators if not isinstance(v, DecimalValidator)]
        self.fields["disbursed"].required = False
        self.fields["to_local_actors"].required = False
        self.fields["exchange_rate"].help_text = _(
            "How many %(base)s one unit of the currency is worth on the date below, as "
            "entered by you (not fetched). Leave empty for %(base)s."
        ) % {"base": base}
        self.fields["exchange_rate"].label = _("Exchange rate to %(base)s") % {"base": base}
        self.fields["disbursed"].help_text = _(
            "Only at the stage “Disbursed”: what has been paid out so far, in the currency above."
        )
        self.fields["to_local_actors"].help_text = _(
            "The part of the amount that goes to local actors (migrant- and "
            "community-led organisations, local government), in the currency above."
        )
        if not self.instance.pk:  # a pledge of the source's money, nothing disbursed yet
            only = list(sources[:2])
            if len(only) == 1 and not self.initial.get("source"):
                self.initial["source"] = only[0].pk  # the one source the user may record
            known = next(
                (source for source in only if source.pk == self.initial.get("source")), None
            )
            if known is not None and not self.initial.get("currency"):
                self.initial["currency"] = known.currency
            self.initial["stage"] = self.initial.get("stage") or Stage.PLEDGED
            for name in ("disbursed", "to_local_actors"):
                if not self.initial.get(name):
                    self.initial[name] = None

    def _currency_field(self, base: str, sources) -> None:
        """The currency starts as the source's; the plan's and the sources' currencies
        come first in the list, then every other."""
        field = form_field(self, "currency", forms.ChoiceField)
        field.required = False
        field.help_text = _(
            "Left as “The source's currency”, the amount is recorded in the currency of "
            "the source chosen above."
        )
        names = dict(currency_choices())
        in_use = set(sources.order_by().values_list("currency", flat=True).distinct())
        usual = [base, *sorted(in_use - {base})]
        usual = [code for code in usual if code in names]
        field.choices = [
            ("", _("The source's currency")),
            (_("The plan's and its sources' currencies"), [(code, names[code]) for code in usual]),
            (
                _("Other currencies"),
                [(code, name) for code, name in names.items() if code not in usual],
            ),
        ]

    def clean(self):
        cleaned = super().clean()
        source = cleaned.get("source")
        if not cleaned.get("currency") and source is not None:
            cleaned["currency"] = source.currency  # what the hint promises
        values = {**cleaned, "local_actors": list(cleaned.get("local_actors") or [])}
        if values.get("currency") == self.plan.base_currency:
            values["exchange_rate"] = None
            values["rate_date"] = None
        _add_problems(
            self,
            {
                name: messages
                for name, messages in commitment_problems(
                    self.plan, self.intervention, values
                ).items()
                # Without a source there is no currency to take: its message says it all.
                if name not in self.errors and not (name == "currency" and source is None)
            },
        )
        return cleaned

    def edited_values(self) -> dict:
        values = super().edited_values()
        values["disbursed"] = values.get("disbursed") or 0
        values["to_local_actors"] = values.get("to_local_actors") or 0
        return values


class DisbursementForm(VersionedModelForm):
    """The money disbursed to date of a committed commitment: the one figure that goes on
    changing once the plan is adopted (funding.rules.DISBURSEMENT_RECORD)."""

    class Meta:
        model = Commitment
        fields = ("disbursed",)
        widgets = {"disbursed": forms.TextInput(attrs=AMOUNT_ATTRS)}
        error_messages = {
            "disbursed": {
                "required": _("Enter the amount disbursed to date."),
                "invalid": _("Enter the amount as a number, e.g. 100000."),
            }
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.commitment = self.instance  # as opened: validating writes the input into it
        field = self.fields["disbursed"]
        field.required = True
        field.localize = True
        field.widget.is_localized = True
        # Any number is taken here; the service's rules say everything wrong with it.
        field.max_digits = field.decimal_places = None
        field.validators = [v for v in field.validators if not isinstance(v, DecimalValidator)]
        field.label = _("Disbursed to date, in %(currency)s") % {"currency": self.instance.currency}
        field.help_text = _(
            "Everything paid out of this commitment so far, not only the latest payment. "
            "Zero if nothing has been paid out."
        )

    def clean(self):
        cleaned = super().clean()
        if "disbursed" in cleaned:
            plan = self.commitment.intervention.plan
            values = disbursement_values(plan, self.commitment, cleaned["disbursed"])
            _add_problems(self, disbursement_problems(plan, self.commitment, values))
        return cleaned


class StrategyForm(VersionedModelForm):
    """An intervention's mobilisation strategy; a strategy not yet written has version 0."""

    class Meta:
        model = MobilisationStrategy
        fields = STRATEGY_FIELDS
        widgets = {
            "strategy": forms.Textarea(attrs={"rows": 6}),
            "partners_to_approach": forms.SelectMultiple(attrs={"size": 10}),
        }
        help_texts = {
            "strategy": _(
                "How the gap is to be closed: which budgets, funds or partners, in what "
                "order, with which proposal."
            ),
            "partners_to_approach": _("Hold Ctrl (⌘ on a Mac) to choose several."),
        }

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].required = True
        self.fields["partners_to_approach"].queryset = organisations
        self.fields["partners_to_approach"].required = False


class LocalisationTargetForm(VersionedModelForm):
    """The plan's target shares to local actors; a target not yet set has version 0."""

    class Meta:
        model = LocalisationTarget
        fields = LOCALISATION_TARGET_FIELDS
        widgets = {
            name: forms.NumberInput(attrs={**AMOUNT_ATTRS, "step": "0.01", "min": 0, "max": 100})
            for name in LOCALISATION_TARGET_FIELDS
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].required = True
        for name in LOCALISATION_TARGET_FIELDS:
            self.fields[name].error_messages["max_decimal_places"] = _(
                "Enter a share with at most two decimals, such as 25.5."
            )
            for code in ("max_digits", "max_whole_digits"):
                self.fields[name].error_messages[code] = SHARE_OUT_OF_RANGE


class EngagementForm(VersionedModelForm):
    class Meta:
        model = Engagement
        fields = ENGAGEMENT_FIELDS
        widgets = {
            "held_on": DATE,
            "kind": Radios,
            "interventions": forms.SelectMultiple(attrs={"size": 8}),
            "interests": forms.Textarea(attrs={"rows": 3}),
            "next_step": forms.Textarea(attrs={"rows": 2}),
            "outcome": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "consultation": _("For a consultation: the meeting in the plan's consultation log."),
            "interests": _("What the partner funds, its priorities and conditions."),
            "interventions": _("Hold Ctrl (⌘ on a Mac) to choose several."),
        }
        error_messages = {
            "held_on": {"required": _("Enter the date."), "invalid": _("Enter a real date.")},
            "partner": {"required": _("Choose the funding partner.")},
            "kind": {"required": _("Choose the kind of engagement.")},
        }

    def __init__(self, *args, plan: ActionPlan, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        partner = form_field(self, "partner", forms.ModelChoiceField)
        partner.queryset = organisations
        partner.empty_label = _("Choose the partner")
        form_field(self, "kind", forms.ChoiceField).choices = EngagementKind.choices
        consultation = form_field(self, "consultation", forms.ModelChoiceField)
        consultation.queryset = Consultation.objects.filter(plan=plan).order_by("-held_on")
        consultation.empty_label = _("None")
        interventions = form_field(self, "interventions", forms.ModelChoiceField)
        interventions.queryset = Intervention.objects.filter(plan=plan).order_by("title")
        self.fields["interventions"].required = False

    def clean(self):
        cleaned = super().clean()
        values = {**cleaned, "interventions": list(cleaned.get("interventions") or [])}
        _add_problems(
            self,
            {
                name: messages
                for name, messages in engagement_problems(self.plan, values).items()
                if name not in self.errors
            },
        )
        return cleaned


class FundingTableForm(SortedFilterForm):
    """The funding table's sort (the table has no filters)."""

    sort = SortField(sorts=FIGURE_SORTS, default="title")


class CapacityNeedForm(VersionedModelForm):
    """A local actor's capacity-strengthening need: what, why, by when."""

    class Meta:
        model = CapacityNeed
        fields = CAPACITY_NEED_FIELDS
        widgets = {"by_when": DATE, "why": forms.Textarea(attrs={"rows": 4})}
        help_texts = {
            "what": _("In a few words, e.g. “Financial management for grant reporting”."),
            "why": _("What the organisation cannot do yet, and what it would change."),
            "by_when": _("Within the plan period."),
        }
        error_messages = {
            "organisation": {"required": _("Choose the local actor.")},
            "what": {"required": _("Say what capacity is needed.")},
            "why": {"required": _("Say why it is needed.")},
            "by_when": {"required": _("Enter the date."), "invalid": _("Enter a real date.")},
        }

    def __init__(self, *args, plan: ActionPlan, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        organisation = form_field(self, "organisation", forms.ModelChoiceField)
        organisation.queryset = organisations
        organisation.empty_label = _("Choose the local actor")

    def clean(self):
        cleaned = super().clean()
        _add_problems(
            self,
            {
                name: messages
                for name, messages in capacity_need_problems(
                    self.plan, cleaned, self.instance.pk
                ).items()
                if name not in self.errors
            },
        )
        return cleaned


class CapacityNeedAddressingForm(VersionedModelForm):
    """The interventions of the plan that address a need."""

    class Meta:
        model = CapacityNeed
        fields = ("addressed_by",)
        widgets = {"addressed_by": Checkboxes}
        help_texts = {"addressed_by": _("None chosen: the need is unmet.")}

    def __init__(self, *args, plan: ActionPlan, interventions, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        form_field(self, "addressed_by", forms.ModelMultipleChoiceField).queryset = interventions
        self.fields["addressed_by"].required = False

    def clean(self):
        cleaned = super().clean()
        if "addressed_by" not in self.errors:
            _add_problems(
                self, addressing_problems(self.plan, list(cleaned.get("addressed_by") or []))
            )
        return cleaned
