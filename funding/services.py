"""Writes to the plan's funding: sources, commitments, mobilisation strategies and the
engagement log.

Every write locks the plan row first (rules here span records: a source's plan, an
intervention's plan, who takes part), then the record. A commitment's amounts in the
plan's base currency are computed here, once, from the amounts and the rate the user
entered (``msd_planner.lib.money.converted``), and saved with it.
"""

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from action_plans.hooks import acting_organisations
from action_plans.models import ActionPlan
from action_plans.permissions import plan_actions_for_user
from action_plans.services import plan_lock, plan_row_lock, record_remove
from funding.models import (
    FUNDING_DATE_TOO_EARLY,
    FUNDING_DATES_FROM,
    CapacityNeed,
    Commitment,
    Engagement,
    EngagementKind,
    FundingSource,
    LocalisationTarget,
    MobilisationStrategy,
    Stage,
)
from funding.rules import (
    CAPACITY_NEED_ADDRESS,
    COMMITMENT_EDIT,
    DISBURSEMENT_RECORD,
    SOURCE_EDIT,
    commitment_refusal,
    disburses,
    local_actors_spoken_for,
    may_state_need,
    need_refusal,
    provider_refusal,
)
from governance.models import Organisation, Participation, User
from interventions.models import Intervention
from msd_planner.lib.history import attribute, save_with_links
from msd_planner.lib.money import (
    MONEY_LIMIT,
    RATE_LIMIT,
    RATE_PLACES,
    converted,
    converted_part,
    current_currency_codes,
    decimals,
    precision_problem,
)
from msd_planner.lib.translation import quoted
from msd_planner.lib.versioned_edit import (
    Update,
    lock_for_removal,
    lock_for_update,
    versioned_update,
    versioned_upsert,
)

SOURCE_FIELDS = ("name", "provider", "kind", "currency", "description")
COMMITMENT_FIELDS = (
    "source",
    "stage",
    "amount",
    "currency",
    "exchange_rate",
    "rate_date",
    "disbursed",
    "dated",
    "to_local_actors",
    "local_channel",
    "local_actors",
    "notes",
)
BASE_FIELDS = (
    "base_amount",
    "base_disbursed",
    "base_to_local_actors",
    "base_disbursed_to_local_actors",
)
STRATEGY_FIELDS = ("strategy", "partners_to_approach")
CAPACITY_NEED_FIELDS = ("organisation", "what", "why", "by_when")
CAPACITY_NEED_ADDRESSING_FIELDS = ("addressed_by",)
LOCALISATION_TARGET_FIELDS = ("of_committed", "of_disbursed")
ENGAGEMENT_FIELDS = (
    "held_on",
    "partner",
    "kind",
    "consultation",
    "interventions",
    "interests",
    "next_step",
    "outcome",
)


def _rule_allows(rule, actor: User | None, plan: ActionPlan, record) -> bool:
    """Whether ``actor`` may still do what ``rule`` covers to ``record``, read again under
    the lock (None: the set-up commands, e.g. the demo loader)."""
    return actor is None or rule.allows(
        plan_actions_for_user(actor, plan), acting_organisations(actor, plan), record
    )


def _raise(problems: dict[str, list]) -> None:
    if problems:
        raise ValidationError(problems)


# --- sources -----------------------------------------------------------------------------


def _provider_allowed(actor: User | None, plan: ActionPlan, provider: Organisation) -> None:
    refusal = provider_refusal(actor, plan, provider)
    if refusal:
        raise ValidationError(refusal)


def source_problems(plan: ActionPlan, values: dict, source_pk: int | None = None) -> dict:
    problems: dict[str, list] = {}
    name = (values.get("name") or "").strip()
    same_name = FundingSource.objects.filter(plan=plan, name__iexact=name)
    if source_pk is not None:
        same_name = same_name.exclude(pk=source_pk)
    if not name:
        problems["name"] = [_("Name the source.")]
    elif same_name.exists():
        problems["name"] = [_("This plan already has a source of this name.")]
    currency = values.get("currency")
    if currency and currency not in current_currency_codes():
        problems["currency"] = [_("Choose a current ISO 4217 currency.")]
    return problems


@transaction.atomic
def source_create(*, actor: User | None, plan: ActionPlan, source: FundingSource) -> FundingSource:
    plan = plan_lock(plan.pk)
    _provider_allowed(actor, plan, source.provider)
    source.name = source.name.strip()
    _raise(source_problems(plan, {name: getattr(source, name) for name in SOURCE_FIELDS}))
    source.plan = plan
    attribute(source, actor)
    source.save()
    return source


@transaction.atomic
def source_update(
    *, actor: User, source: FundingSource, expected_version: int, data: dict
) -> Update[FundingSource]:
    """Save a source's changed fields (the versioned-edit contract). The user must be
    allowed to change the source as it stands, and to name its provider."""
    plan = plan_lock(source.plan_id)
    if not _rule_allows(SOURCE_EDIT, actor, plan, source):
        raise ValidationError(_("You may no longer change this source."))

    def check(fresh: FundingSource, changed: list[str]) -> None:
        if "provider" in changed:
            _provider_allowed(actor, plan, fresh.provider)
        fresh.name = fresh.name.strip()
        _raise(
            source_problems(plan, {name: getattr(fresh, name) for name in SOURCE_FIELDS}, fresh.pk)
        )

    return versioned_update(
        instance=source,
        expected_version=expected_version,
        data=data,
        actor=actor,
        editable=SOURCE_FIELDS,
        check=check,
    )


@transaction.atomic
def source_remove(*, actor: User, source: FundingSource) -> None:
    """Remove a source no commitment uses (refused, naming the interventions, else)."""
    record_remove(actor=actor, record=source, plan_id=source.plan_id, check=_source_unused)


def _source_unused(source: FundingSource) -> None:
    titles = sorted(set(source.commitments.values_list("intervention__title", flat=True)))
    if titles:
        raise ValidationError(
            _("Commitments to %(titles)s come from “%(name)s”. Remove those first.")
            % {"titles": quoted(titles), "name": source.name}
        )


# --- commitments -------------------------------------------------------------------------


def _local_actor_ids(plan: ActionPlan) -> set[int]:
    return set(
        Participation.objects.filter(plan=plan, organisation__is_local_actor=True).values_list(
            "organisation_id", flat=True
        )
    )


def latest_funding_date(plan: ActionPlan) -> date:
    """The last day a commitment (or its exchange rate) may be dated: the end of the year
    after the plan period. A pledge may be recorded ahead of its date (a budget year not
    yet begun) and a disbursement made just after the period still funds the plan's last
    year; later than that it is not this plan's money, and 9999-12-31 is a typing slip."""
    return date(plan.period_end_year + 1, 12, 31)


def _date_problems(problem, name: str, day: date | None, *, latest: date, why: str) -> None:
    """The bounds of a funding date, said on its field (the model's own lower bound is
    repeated here so that a service called without a form refuses it too)."""
    if day is None:
        return
    if day < FUNDING_DATES_FROM:
        problem(name, str(FUNDING_DATE_TOO_EARLY))
    elif day > latest:
        problem(name, why % {"date": formats.date_format(latest, "DATE_FORMAT")})


def commitment_problems(
    plan: ActionPlan, intervention: Intervention, values: dict
) -> dict[str, list]:
    """What is wrong with a commitment's values, by form field: checked by the form for
    its messages and again by the services under the plan's lock."""
    problems: dict[str, list] = {}

    def problem(name: str, message: str) -> None:
        problems.setdefault(name, []).append(message)

    if intervention.plan_id != plan.pk:
        problem("intervention", _("Choose an intervention of this plan."))
    source = values.get("source")
    if source is not None and source.plan_id != plan.pk:
        problem("source", _("Choose a source of this plan."))
    currency = values.get("currency") or ""
    known = currency in current_currency_codes()
    if not known:
        problem("currency", _("Choose a current ISO 4217 currency."))
    _amount_problems(problem, values, currency if known else None)
    if known and currency != plan.base_currency:
        _rate_problems(problem, plan, values, currency)
    _stage_problems(problem, values)
    # In the base currency, once the amount and its rate are right.
    if (
        known
        and values.get("amount") is not None
        and not {"amount", "exchange_rate"} & problems.keys()
    ):
        _base_amount_problems(problem, plan, values, currency)
    _local_actor_problems(problem, plan, values)
    latest = latest_funding_date(plan)
    for name in ("dated", "rate_date"):
        _date_problems(
            problem,
            name,
            values.get(name),
            latest=latest,
            why=_("Enter a date no later than %(date)s, a year after the plan period."),
        )
    return problems


def _amounts(values: dict) -> tuple[Decimal | None, Decimal, Decimal]:
    """The amount (None when not given), the amount disbursed and the part for local
    actors (zero when not given)."""
    return (
        values.get("amount"),
        values.get("disbursed") or Decimal(0),
        values.get("to_local_actors") or Decimal(0),
    )


def _amount_problems(problem, values: dict, currency: str | None) -> None:
    """Each amount's sign, size and, in a known ``currency``, its decimals."""
    amount, disbursed, to_local = _amounts(values)
    for name, value in (
        ("amount", amount),
        ("disbursed", disbursed),
        ("to_local_actors", to_local),
    ):
        if value is None:
            continue
        # Every problem of the amount at once: −500.123 GHS is negative *and* too precise.
        if value < 0 or (name == "amount" and value == 0):
            problem(
                name,
                _("Enter an amount above zero.")
                if name == "amount"
                else _("Enter an amount of zero or more."),
            )
        elif value >= MONEY_LIMIT:
            problem(name, _("Enter an amount below one quadrillion (10^15)."))
        if currency and (message := precision_problem(value, currency)):
            problem(name, message)


def _rate_problems(problem, plan: ActionPlan, values: dict, currency: str) -> None:
    """The exchange rate (and its date) of an amount in another currency than the base."""
    rate = values.get("exchange_rate")
    if rate is None:
        problem(
            "exchange_rate",
            _("Enter the rate of 1 %(currency)s in %(base)s.")
            % {"currency": currency, "base": plan.base_currency},
        )
    else:
        if rate <= 0:
            problem("exchange_rate", _("Enter an exchange rate above zero."))
        # The rate is stored as entered and the base amounts computed from it: a rate
        # the column would round would no longer give them.
        if rate >= RATE_LIMIT or decimals(rate) > RATE_PLACES:
            problem(
                "exchange_rate",
                _("Enter a rate below one trillion (10^12), with at most %(places)s decimals.")
                % {"places": RATE_PLACES},
            )
    if values.get("rate_date") is None:
        problem("rate_date", _("Enter the date of the exchange rate."))


def _stage_problems(problem, values: dict) -> None:
    """The amount disbursed as the stage allows it, and the parts within the amount."""
    amount, disbursed, to_local = _amounts(values)
    if values.get("stage") == Stage.DISBURSED:
        if not disbursed:
            problem("disbursed", _("Enter the amount disbursed to date."))
    elif disbursed:
        problem(
            "disbursed",
            _("Only a disbursed commitment has an amount disbursed: set the stage to “Disbursed”."),
        )
    if amount is not None and amount > 0:
        if disbursed > amount:
            problem("disbursed", _("The amount disbursed cannot exceed the amount."))
        if to_local > amount:
            problem("to_local_actors", _("The part for local actors cannot exceed the amount."))


def _base_amount_problems(problem, plan: ActionPlan, values: dict, currency: str) -> None:
    """The amount converted to the base currency must still be recordable."""
    rate = None if currency == plan.base_currency else values.get("exchange_rate")
    if converted(values["amount"], rate, plan.base_currency) >= MONEY_LIMIT:
        problem(
            "amount",
            _(
                "In %(base)s this amount reaches one quadrillion (10^15), more than can "
                "be recorded: check the amount and the rate."
            )
            % {"base": plan.base_currency},
        )


def _local_actor_problems(problem, plan: ActionPlan, values: dict) -> None:
    """The part for local actors goes with the local actors (of this plan) and how it
    reaches them."""
    to_local = _amounts(values)[2]
    local_actors = list(values.get("local_actors") or [])
    if to_local and not local_actors:
        problem("local_actors", _("Choose the local actors who receive it."))
    if to_local and not values.get("local_channel"):
        problem("local_channel", _("Say how it reaches them: directly or through an intermediary."))
    if local_actors and not to_local:
        problem("to_local_actors", _("Enter the part that reaches the local actors chosen."))
    strangers = {organisation.pk for organisation in local_actors} - _local_actor_ids(plan)
    if strangers:
        problem("local_actors", _("Choose local actors taking part in this plan."))


def base_amounts(plan: ActionPlan, values: dict) -> dict[str, Decimal]:
    """A commitment's amounts in the plan's base currency, each rounded once."""
    currency = values["currency"]
    rate = None if currency == plan.base_currency else values["exchange_rate"]
    amount = values["amount"]
    disbursed = values.get("disbursed") or Decimal(0)
    to_local = values.get("to_local_actors") or Decimal(0)
    base = plan.base_currency
    return {
        "base_amount": converted(amount, rate, base),
        "base_disbursed": converted(disbursed, rate, base),
        "base_to_local_actors": converted(to_local, rate, base),
        # to_local × disbursed ÷ amount × rate, exact (a fraction); one rounding.
        "base_disbursed_to_local_actors": converted_part(to_local, disbursed, amount, rate, base),
    }


def _normalised(plan: ActionPlan, values: dict) -> dict:
    values = dict(values)
    if values.get("currency") == plan.base_currency:
        values["exchange_rate"] = None
        values["rate_date"] = None
    values["disbursed"] = values.get("disbursed") or Decimal(0)
    values["to_local_actors"] = values.get("to_local_actors") or Decimal(0)
    if not values["to_local_actors"]:
        values["local_channel"] = ""
    return values


def _commitment_allowed(actor, source: FundingSource, intervention: Intervention, stage) -> None:
    refusal = commitment_refusal(actor, source, intervention.lead_organisation_id, stage)
    if refusal:
        raise ValidationError(refusal)


@transaction.atomic
def commitment_create(
    *,
    actor: User | None,
    intervention: Intervention,
    commitment: Commitment,
    local_actors: list[Organisation],
) -> Commitment:
    plan = plan_lock(intervention.plan_id)
    intervention = lock_for_removal(intervention)
    values = {
        name: getattr(commitment, name) for name in COMMITMENT_FIELDS if name != "local_actors"
    }
    values = _normalised(plan, {**values, "local_actors": local_actors})
    _raise(commitment_problems(plan, intervention, values))
    _commitment_allowed(actor, values["source"], intervention, values["stage"])
    for name, value in {**values, **base_amounts(plan, values)}.items():
        if name != "local_actors":
            setattr(commitment, name, value)
    commitment.intervention = intervention
    attribute(commitment, actor)
    save_with_links(commitment, {"local_actors": local_actors})
    return commitment


def _saved_values(commitment: Commitment) -> dict:
    """A saved commitment's values, its local actors included: what an edit starts from."""
    values = {
        name: getattr(commitment, name) for name in COMMITMENT_FIELDS if name != "local_actors"
    }
    values["local_actors"] = list(commitment.local_actors.all())
    return values


@transaction.atomic
def commitment_update(
    *, actor: User, commitment: Commitment, expected_version: int, data: dict
) -> Update[Commitment]:
    """Save a commitment's changed fields, with its base-currency amounts computed again
    (the versioned-edit contract). The user must be allowed to record the commitment as
    it stands and as it would be saved."""
    plan = plan_lock(commitment.intervention.plan_id)
    fresh = lock_for_update(commitment, expected_version)
    intervention = Intervention.objects.get(pk=fresh.intervention_id)
    values = _normalised(plan, {**_saved_values(fresh), **data})
    _raise(commitment_problems(plan, intervention, values))
    fresh.intervention = intervention
    if not _rule_allows(COMMITMENT_EDIT, actor, plan, fresh):
        raise ValidationError(_("You may no longer change this commitment."))
    _commitment_allowed(actor, values["source"], intervention, values["stage"])
    return versioned_update(
        instance=fresh,
        expected_version=expected_version,
        data={
            **{name: values[name] for name in COMMITMENT_FIELDS},
            **base_amounts(plan, values),
        },
        actor=actor,
        editable=COMMITMENT_FIELDS + BASE_FIELDS,
    )


DISBURSEMENT_FIELDS = ("disbursed", "stage")


def disbursement_values(plan: ActionPlan, commitment: Commitment, disbursed) -> dict:
    """``commitment``'s values with ``disbursed`` as the money disbursed to date: the
    stage follows (disbursed once something is, committed while nothing is)."""
    disbursed = disbursed or Decimal(0)
    stage = Stage.DISBURSED if disbursed else Stage.COMMITTED
    return _normalised(plan, {**_saved_values(commitment), "disbursed": disbursed, "stage": stage})


def disbursement_problems(plan: ActionPlan, commitment: Commitment, values: dict) -> dict:
    """What is wrong with recording ``values`` (``disbursement_values``) on
    ``commitment``, on the disbursed field: the rules ``commitment_problems`` applies to
    the amount disbursed (the rest of the record was checked when it was saved)."""
    if not disburses(commitment):
        return {
            "disbursed": [
                _(
                    "Money is disbursed only from a commitment at the stage “Committed” or "
                    "“Disbursed”."
                )
            ]
        }
    problems = commitment_problems(plan, commitment.intervention, values)
    return {name: messages for name, messages in problems.items() if name == "disbursed"}


@transaction.atomic
def commitment_disbursement_record(
    *, actor: User | None, commitment: Commitment, expected_version: int, disbursed: Decimal
) -> Update[Commitment]:
    """Record the money disbursed to date of a committed or disbursed commitment, whatever
    the plan's status (``funding.rules.DISBURSEMENT_RECORD``: the living plan), so the
    plan row is locked without the draft's check. The stage follows the amount (disbursed
    once something is, committed while nothing is) and the base-currency amounts are
    computed again as ``commitment_update`` computes them (the versioned-edit contract)."""
    plan = plan_row_lock(commitment.intervention.plan_id)
    fresh = lock_for_update(commitment, expected_version)
    intervention = Intervention.objects.get(pk=fresh.intervention_id)
    fresh.intervention = intervention
    if not _rule_allows(DISBURSEMENT_RECORD, actor, plan, fresh):
        raise ValidationError(_("You may no longer record disbursements of this commitment."))
    values = disbursement_values(plan, fresh, disbursed)
    _raise(disbursement_problems(plan, fresh, values))
    return versioned_update(
        instance=fresh,
        expected_version=expected_version,
        data={
            **{name: values[name] for name in DISBURSEMENT_FIELDS},
            **base_amounts(plan, values),
        },
        actor=actor,
        editable=DISBURSEMENT_FIELDS + BASE_FIELDS,
    )


@transaction.atomic
def commitment_remove(*, actor: User, commitment: Commitment) -> None:
    """Remove a commitment the user may still change (checked again under the lock: a
    donor's pledge may have become a commitment meanwhile)."""

    def still_allowed(fresh: Commitment) -> None:
        fresh.intervention = Intervention.objects.select_related("plan").get(
            pk=fresh.intervention_id
        )
        if not _rule_allows(COMMITMENT_EDIT, actor, fresh.intervention.plan, fresh):
            raise ValidationError(_("You may no longer remove this commitment."))

    record_remove(
        actor=actor,
        record=commitment,
        plan_id=commitment.intervention.plan_id,
        check=still_allowed,
    )


def base_currency_kept(plan: ActionPlan, changed: list[str]) -> None:
    """A plan's base currency stays while commitments are converted to it (registered
    with the kernel's plan change checks): their rates would no longer mean anything."""
    if "base_currency" in changed and Commitment.objects.filter(intervention__plan=plan).exists():
        raise ValidationError(
            {
                "base_currency": _(
                    "Commitments of this plan are converted to its base currency with the "
                    "rates entered. Remove them before changing the base currency."
                )
            }
        )


def local_actor_still_funded(plan: ActionPlan, organisation_id: int) -> None:
    """A local actor receiving funds of the plan stays in it until those change
    (registered with the kernel's participant-leaving checks)."""
    titles = sorted(
        set(
            Commitment.objects.filter(
                intervention__plan=plan, local_actors=organisation_id
            ).values_list("intervention__title", flat=True)
        )
    )
    if titles:
        name = Organisation.objects.get(pk=organisation_id).short_name
        raise ValidationError(
            _("%(name)s receives funds for the interventions %(titles)s. Change those first.")
            % {"name": name, "titles": quoted(titles)}
        )


def local_actor_without_needs(plan: ActionPlan, organisation_id: int) -> None:
    """A local actor whose capacity needs are recorded in the plan stays in it until
    they are removed (registered with the kernel's participant-leaving checks)."""
    count = CapacityNeed.objects.filter(plan=plan, organisation_id=organisation_id).count()
    if count:
        name = Organisation.objects.get(pk=organisation_id).short_name
        raise ValidationError(
            ngettext(
                "%(name)s has %(count)s capacity need recorded in the plan. Remove it first.",
                "%(name)s has %(count)s capacity needs recorded in the plan. Remove them first.",
                count,
            )
            % {"name": name, "count": count}
        )


# --- the mobilisation plan -----------------------------------------------------------------


@transaction.atomic
def strategy_save(
    *, actor: User | None, intervention: Intervention, expected_version: int, data: dict
) -> Update[MobilisationStrategy]:
    """Write an intervention's mobilisation strategy, creating it on the first save (a
    strategy not yet written has version 0: two people writing the first one at once
    get a conflict, not two strategies)."""
    plan_lock(intervention.plan_id)
    intervention = lock_for_removal(intervention)

    def create() -> MobilisationStrategy:
        strategy = MobilisationStrategy(
            intervention=intervention, strategy=data.get("strategy", "").strip()
        )
        attribute(strategy, actor)
        save_with_links(strategy, {"partners_to_approach": data.get("partners_to_approach", [])})
        return strategy

    return versioned_upsert(
        found=MobilisationStrategy.objects.filter(intervention=intervention).first(),
        create=create,
        expected_version=expected_version,
        data=data,
        actor=actor,
        editable=STRATEGY_FIELDS,
        removed=_("This strategy was removed after you opened it."),
    )


# --- the localisation target ---------------------------------------------------------------


@transaction.atomic
def localisation_target_save(
    *, actor: User | None, plan: ActionPlan, expected_version: int, data: dict
) -> Update[LocalisationTarget]:
    """Set the plan's target shares of funds to local actors, creating the target on the
    first save (a target not yet set has version 0: two people setting the first one at
    once get a conflict, not two targets). Part of the plan's content: a draft's only."""
    plan = plan_lock(plan.pk)

    def create() -> LocalisationTarget:
        target = LocalisationTarget(
            plan=plan, **{name: data.get(name) for name in LOCALISATION_TARGET_FIELDS}
        )
        target.full_clean()
        attribute(target, actor)
        target.save()
        return target

    return versioned_upsert(
        found=LocalisationTarget.objects.filter(plan=plan).first(),
        create=create,
        expected_version=expected_version,
        data=data,
        actor=actor,
        editable=LOCALISATION_TARGET_FIELDS,
        removed=_("This target was removed after you opened it."),
    )


def engagement_problems(plan: ActionPlan, values: dict) -> dict[str, list]:
    problems: dict[str, list] = {}
    consultation = values.get("consultation")
    if values.get("kind") == EngagementKind.CONSULTATION and consultation is None:
        problems["consultation"] = [_("Choose the consultation in the log.")]
    if consultation is not None and consultation.plan_id != plan.pk:
        problems.setdefault("consultation", []).append(_("Choose a consultation of this plan."))
    if any(intervention.plan_id != plan.pk for intervention in values.get("interventions") or []):
        problems["interventions"] = [_("Choose interventions of this plan.")]
    # An engagement is a contact that took place (a meeting held, a proposal sent): like a
    # consultation it is recorded afterwards; what comes next goes in its next step.
    _date_problems(
        lambda name, message: problems.setdefault(name, []).append(message),
        "held_on",
        values.get("held_on"),
        latest=timezone.localdate(),
        why=_(
            "An engagement is recorded once it has taken place: enter a date no later than "
            "today (%(date)s)."
        ),
    )
    return problems


@transaction.atomic
def engagement_create(
    *, actor: User | None, plan: ActionPlan, engagement: Engagement, interventions: list
) -> Engagement:
    """Log a meeting with a funding partner. The log is not part of a version's content:
    it goes on whatever the plan's status (``funding.rules.ENGAGEMENT_LOG``), so the
    plan row is locked without the draft's check."""
    plan = plan_row_lock(plan.pk)
    values = {
        name: getattr(engagement, name) for name in ENGAGEMENT_FIELDS if name != "interventions"
    }
    _raise(engagement_problems(plan, {**values, "interventions": interventions}))
    engagement.plan = plan
    engagement.recorded_by = actor
    attribute(engagement, actor)
    save_with_links(engagement, {"interventions": interventions})
    return engagement


@transaction.atomic
def engagement_update(
    *, actor: User, engagement: Engagement, expected_version: int, data: dict
) -> Update[Engagement]:
    plan = plan_row_lock(engagement.plan_id)

    def check(fresh: Engagement, changed: list[str]) -> None:
        values = {
            name: getattr(fresh, name) for name in ENGAGEMENT_FIELDS if name != "interventions"
        }
        values["interventions"] = data.get("interventions", list(fresh.interventions.all()))
        _raise(engagement_problems(plan, values))

    return versioned_update(
        instance=engagement,
        expected_version=expected_version,
        data=data,
        actor=actor,
        editable=ENGAGEMENT_FIELDS,
        check=check,
    )


@transaction.atomic
def engagement_remove(*, actor: User, engagement: Engagement) -> None:
    """Remove a contact with a funding partner from the log, whatever the plan's status
    (the log is kept after adoption too)."""
    record_remove(actor=actor, record=engagement, plan_id=engagement.plan_id, any_status=True)


# --- capacity-strengthening needs of local actors ----------------------------------------
#
# Needs are the living plan's (``funding.rules.CAPACITY_NEED_STATE``): recorded, changed,
# addressed and removed whatever the plan's status, so the plan row is locked without
# the draft's check.


def plan_period(plan: ActionPlan) -> tuple[date, date]:
    """The first and the last day of the plan's period."""
    return date(plan.period_start_year, 1, 1), date(plan.period_end_year, 12, 31)


def capacity_need_problems(plan: ActionPlan, values: dict, need_pk: int | None = None) -> dict:
    """What is wrong with a need's ``values`` in ``plan``, on each field."""
    problems: dict[str, list] = {}
    organisation = values.get("organisation")
    if organisation is not None and organisation.pk not in _local_actor_ids(plan):
        problems["organisation"] = [_("Choose a local actor taking part in the plan.")]
    what = (values.get("what") or "").strip()
    if not what:
        problems["what"] = [_("Say what capacity is needed.")]
    elif organisation is not None:
        same = CapacityNeed.objects.filter(plan=plan, organisation=organisation, what=what)
        if need_pk is not None:
            same = same.exclude(pk=need_pk)
        if same.exists():
            problems["what"] = [
                _("This organisation has already recorded a need of this title in the plan.")
            ]
    if not (values.get("why") or "").strip():
        problems["why"] = [_("Say why it is needed.")]
    by_when = values.get("by_when")
    first, last = plan_period(plan)
    if by_when is not None and not first <= by_when <= last:
        problems["by_when"] = [
            _("Enter a date within the plan period, from %(first)s to %(last)s.")
            % {
                "first": formats.date_format(first, "DATE_FORMAT"),
                "last": formats.date_format(last, "DATE_FORMAT"),
            }
        ]
    return problems


def addressing_problems(plan: ActionPlan, interventions) -> dict:
    if any(intervention.plan_id != plan.pk for intervention in interventions):
        return {"addressed_by": [_("Choose interventions of this plan.")]}
    return {}


def _need_values(need: CapacityNeed) -> dict:
    return {name: getattr(need, name) for name in CAPACITY_NEED_FIELDS}


def _may_state(actor: User | None, plan: ActionPlan, need: CapacityNeed) -> None:
    """Refuse unless ``actor`` may still record, change or remove ``need`` (read again
    under the plan's lock; None: the set-up commands)."""
    if actor is None:
        return
    if not may_state_need(
        plan_actions_for_user(actor, plan), local_actors_spoken_for(actor, plan), need
    ):
        raise ValidationError(
            _("You may change the needs only of a local actor you are a coordinator of.")
        )


@transaction.atomic
def capacity_need_create(
    *, actor: User | None, plan: ActionPlan, need: CapacityNeed
) -> CapacityNeed:
    """Record a local actor's capacity-strengthening need, stated by its coordinator (or
    by a coordinator of the plan on its behalf). It starts unmet: those who design the
    interventions say which address it (``capacity_need_address``)."""
    plan = plan_row_lock(plan.pk)
    refusal = need_refusal(actor, plan, need.organisation)
    if refusal:
        raise ValidationError(refusal)
    need.what = (need.what or "").strip()
    _raise(capacity_need_problems(plan, _need_values(need)))
    need.plan = plan
    need.created_by = actor
    attribute(need, actor)
    save_with_links(need, {})
    return need


@transaction.atomic
def capacity_need_update(
    *, actor: User | None, need: CapacityNeed, expected_version: int, data: dict
) -> Update[CapacityNeed]:
    """Change a need's organisation, what, why or date, refusing a stale edit; the
    interventions addressing it stay."""
    plan = plan_row_lock(need.plan_id)
    _may_state(actor, plan, need)
    if "what" in data:
        data = {**data, "what": (data["what"] or "").strip()}

    def check(fresh: CapacityNeed, changed: list[str]) -> None:
        if "organisation" in changed:
            refusal = need_refusal(actor, plan, fresh.organisation)
            if refusal:
                raise ValidationError(refusal)
        _raise(capacity_need_problems(plan, _need_values(fresh), fresh.pk))

    return versioned_update(
        instance=need,
        expected_version=expected_version,
        data=data,
        actor=actor,
        editable=CAPACITY_NEED_FIELDS,
        check=check,
    )


@transaction.atomic
def capacity_need_address(
    *, actor: User | None, need: CapacityNeed, expected_version: int, interventions: list
) -> Update[CapacityNeed]:
    """Say which interventions of the plan address ``need`` (none: it is unmet again),
    refusing a stale edit. For those who design the interventions only."""
    plan = plan_row_lock(need.plan_id)
    if actor is not None and CAPACITY_NEED_ADDRESS.action not in plan_actions_for_user(actor, plan):
        raise ValidationError(
            _("Those who lead intervention design choose the interventions addressing a need.")
        )
    _raise(addressing_problems(plan, interventions))
    return versioned_update(
        instance=need,
        expected_version=expected_version,
        data={"addressed_by": interventions},
        actor=actor,
        editable=CAPACITY_NEED_ADDRESSING_FIELDS,
    )


@transaction.atomic
def capacity_need_remove(*, actor: User, need: CapacityNeed) -> None:
    """Remove a need its local actor no longer has, whatever the plan's status; the
    removal stays in the plan's history."""
    record_remove(
        actor=actor,
        record=need,
        plan_id=need.plan_id,
        any_status=True,
        check=lambda fresh: _may_state(actor, fresh.plan, fresh),
    )
