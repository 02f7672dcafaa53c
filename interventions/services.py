"""Writes to interventions and their results framework.

An intervention and its links (the targets it addresses, its partners, its beneficiary
groups) are one versioned record: an edit locks the plan row, then the intervention,
compares the version, checks the rules that span records, writes what changed and
raises the version once, with one history row for the intervention (and one per child
changed). Indicators are versioned records of their own; their target values are
serialised on them.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from action_plans.models import AGENDA_END_YEAR, ActionPlan, NotificationEvent
from action_plans.notifications import Text
from action_plans.services import plan_lock, plan_row_lock, plans_changed, record_remove
from action_plans.workflow import tell
from governance.models import Membership, Organisation, Participation, Role, User
from interventions import reporting
from interventions.models import (
    COST_LIMIT,
    COST_PLACES,
    HOLDS_ITS_PERIOD,
    TOTAL,
    AddressedTarget,
    Beneficiaries,
    Comment,
    Intervention,
    InterventionStatus,
    Partner,
    Progress,
    ProgressReminder,
    ProgressStatus,
    ResultIndicator,
    TargetValue,
    quarter_label,
    quarter_of,
)
from interventions.rules import may_lead, may_review
from msd_planner.lib import uploads
from msd_planner.lib.formatting import number as format_number
from msd_planner.lib.history import attribute
from msd_planner.lib.integers import INTEGER_MAX, too_large
from msd_planner.lib.money import precision_problem
from msd_planner.lib.translation import quoted
from msd_planner.lib.versioned_edit import (
    Update,
    lock_for_removal,
    lock_for_update,
    version_bump,
    versioned_update,
)
from targets.models import PrioritisedTarget, ProposalStatus

# What the intervention form edits, in the order it shows them.
INTERVENTION_FIELDS = (
    "title",
    "level",
    "sector",
    "lead_organisation",
    "description",
    "design",
    "start_date",
    "end_date",
    "estimated_cost",
    "technical_capacity",
    "capacity_building",
    "risks",
    "status",
    "drop_reason",
)


@dataclass
class Links:
    """What an intervention is linked to, as the form gives it."""

    targets: dict[int, str] = field(default_factory=dict)  # prioritised target → how
    partners: dict[int, str] = field(default_factory=dict)  # organisation → role
    beneficiaries: dict[str, int | None] = field(default_factory=dict)  # group → number


def _participant_ids(plan: ActionPlan) -> set[int]:
    return set(Participation.objects.filter(plan=plan).values_list("organisation_id", flat=True))


def intervention_problems(plan: ActionPlan, values: dict, links: Links) -> dict[str, list]:
    """What is wrong with an intervention's values and links, by form field.

    Checked by the form for its messages and again by the services under the plan's lock
    (a participant may have left, a target been removed, meanwhile).
    """
    problems: dict[str, list] = {}

    def problem(name: str, message: str) -> None:
        problems.setdefault(name, []).append(message)

    _timeline_problems(problem, plan, values.get("start_date"), values.get("end_date"))
    _cost_problems(problem, plan, values.get("estimated_cost"))
    if (
        values.get("status") == InterventionStatus.DROPPED
        and not (values.get("drop_reason") or "").strip()
    ):
        problem("drop_reason", _("Say why the intervention is dropped."))
    participants = _participant_ids(plan)
    lead = values.get("lead_organisation")
    if lead is not None and lead.pk not in participants:
        problem(
            "lead_organisation",
            _("%(name)s does not take part in this plan.") % {"name": lead.short_name},
        )
    _link_problems(problem, plan, links, lead, participants)
    return problems


def _timeline_problems(problem, plan: ActionPlan, start: date | None, end: date | None) -> None:
    """In order, and within the plan period (up to the end of the 2030 Agenda)."""
    first_day = date(plan.period_start_year, 1, 1)
    last_day = date(min(plan.period_end_year, AGENDA_END_YEAR), 12, 31)
    if start and end and end < start:
        problem("end_date", _("The end cannot be before the start."))
    for name, day in (("start_date", start), ("end_date", end)):
        if day and not first_day <= day <= last_day:
            problem(
                name,
                _("Choose a date within the plan period (%(start)s–%(end)s).")
                % {"start": first_day.year, "end": last_day.year},
            )


def _cost_problems(problem, plan: ActionPlan, cost: Decimal | None) -> None:
    """Every problem of the cost at once, not one per try."""
    if cost is None:
        return
    if cost < 0:
        problem("estimated_cost", _("The cost cannot be negative."))
    elif cost >= COST_LIMIT:
        problem("estimated_cost", _("Enter a cost below one hundred trillion (10^14)."))
    if message := precision_problem(cost, plan.base_currency, places=COST_PLACES):
        problem("estimated_cost", message)


def _link_problems(
    problem, plan: ActionPlan, links: Links, lead: Organisation | None, participants: set[int]
) -> None:
    """Targets prioritised in the plan, partners taking part in it (the lead not among
    them), beneficiary numbers the column holds."""
    if not links.targets:
        problem("targets", _("Choose at least one prioritised target it addresses."))
    prioritised = set(
        PrioritisedTarget.objects.filter(
            plan=plan, status=ProposalStatus.ACCEPTED, pk__in=links.targets
        ).values_list("pk", flat=True)
    )
    if set(links.targets) - prioritised:
        problem("targets", _("Choose only targets prioritised in this plan."))
    strangers = set(links.partners) - participants
    if strangers:
        names = Organisation.objects.filter(pk__in=strangers).order_by("name")
        problem(
            "partners",
            _("%(names)s do not take part in this plan.")
            % {"names": ", ".join(organisation.short_name for organisation in names)},
        )
    if lead is not None and lead.pk in links.partners:
        problem("partners", _("The lead organisation is not also a partner."))
    for group, number in links.beneficiaries.items():
        if number is not None and number < 0:
            problem(f"number_{group}", _("The number cannot be negative."))
        elif number is not None and number > INTEGER_MAX:  # the column's largest value
            problem(f"number_{group}", too_large(INTEGER_MAX))


def _check(plan: ActionPlan, values: dict, links: Links) -> None:
    problems = intervention_problems(plan, values, links)
    if problems:
        raise ValidationError(problems)


def _links_write(actor: User, intervention: Intervention, links: Links) -> bool:
    """Make the intervention's children what ``links`` says; True if anything changed."""
    changed = False

    def sync(queryset, key: str, wanted: dict, value_field: str, build) -> None:
        nonlocal changed
        current = {getattr(child, key): child for child in queryset}
        for child_key, child in current.items():
            if child_key not in wanted:
                attribute(child, actor)
                child.delete()
                changed = True
            elif getattr(child, value_field) != wanted[child_key]:
                setattr(child, value_field, wanted[child_key])
                attribute(child, actor)
                child.save(update_fields=[value_field])
                changed = True
        for child_key, value in wanted.items():
            if child_key not in current:
                child = build(child_key, value)
                attribute(child, actor)
                child.save()
                changed = True

    sync(
        intervention.addressed_targets.all(),
        "prioritised_target_id",
        links.targets,
        "contribution",
        lambda pk, note: AddressedTarget(
            intervention=intervention, prioritised_target_id=pk, contribution=note
        ),
    )
    sync(
        intervention.partners.all(),
        "organisation_id",
        links.partners,
        "role",
        lambda pk, role: Partner(intervention=intervention, organisation_id=pk, role=role),
    )
    sync(
        intervention.beneficiaries.all(),
        "group",
        links.beneficiaries,
        "estimated_number",
        lambda group, number: Beneficiaries(
            intervention=intervention, group=group, estimated_number=number
        ),
    )
    return changed


def _current_links(intervention: Intervention) -> Links:
    return Links(
        targets=dict(
            intervention.addressed_targets.values_list("prioritised_target_id", "contribution")
        ),
        partners=dict(intervention.partners.values_list("organisation_id", "role")),
        beneficiaries=dict(intervention.beneficiaries.values_list("group", "estimated_number")),
    )


def _lead_allowed(actor: User | None, plan: ActionPlan, lead: Organisation | None) -> None:
    if lead is not None and not may_lead(actor, plan, lead):
        raise ValidationError(
            {
                "lead_organisation": _(
                    "You may name only your own organisation as the lead of an intervention."
                )
            }
        )


@transaction.atomic
def intervention_create(
    *, actor: User, plan: ActionPlan, intervention: Intervention, links: Links
) -> Intervention:
    plan = plan_lock(plan.pk)
    _lead_allowed(actor, plan, intervention.lead_organisation)
    intervention.plan = plan
    _check(plan, {name: getattr(intervention, name) for name in INTERVENTION_FIELDS}, links)
    if intervention.status != InterventionStatus.DROPPED:
        intervention.drop_reason = ""
    attribute(intervention, actor)
    intervention.save()
    _links_write(actor, intervention, links)
    return intervention


def _indicators_still_fit(intervention: Intervention, links: Links) -> None:
    """An edit may not leave the intervention's indicators behind: target values outside
    its new timeline, or a global indicator of a target it no longer addresses."""
    years = timeline_years(intervention)
    outside = sorted(
        {
            year
            for year in TargetValue.objects.filter(
                indicator__intervention=intervention
            ).values_list("year", flat=True)
            if year not in years
        }
    )
    if outside:
        raise ValidationError(
            {
                "end_date": _(
                    "Its indicators have targets for %(years)s, outside these dates: change "
                    "or remove those targets first."
                )
                % {"years": ", ".join(map(str, outside))}
            }
        )
    addressed = set(
        PrioritisedTarget.objects.filter(pk__in=links.targets).values_list("target_id", flat=True)
    )
    orphans = (
        intervention.indicators.filter(sdg_indicator__isnull=False)
        .exclude(sdg_indicator__target_id__in=addressed)
        .values_list("sdg_indicator__code", flat=True)
    )
    if orphans:
        raise ValidationError(
            {
                "targets": _(
                    "Its indicators %(codes)s measure a target it would no longer address: "
                    "remove those indicators first."
                )
                % {"codes": ", ".join(sorted(orphans))}
            }
        )


@transaction.atomic
def intervention_update(
    *,
    actor: User,
    intervention: Intervention,
    expected_version: int,
    data: dict,
    links: Links | None = None,
) -> Update[Intervention]:
    """Save the changed fields and links of an intervention, refusing a stale edit (the
    versioned-edit contract, with the links written under the same lock). Without
    ``links`` (a quick edit of some fields) the links stay as they are."""
    data = dict(data)
    if data.get("status", intervention.status) != InterventionStatus.DROPPED:
        data["drop_reason"] = ""
    plan = plan_lock(intervention.plan_id)
    checked = []

    def check(fresh: Intervention, changed: list[str]) -> None:
        if "lead_organisation" in changed:
            _lead_allowed(actor, plan, fresh.lead_organisation)
        wanted = links if links is not None else _current_links(fresh)
        _check(plan, {name: getattr(fresh, name) for name in INTERVENTION_FIELDS}, wanted)
        _indicators_still_fit(fresh, wanted)
        checked.append(True)

    update = versioned_update(
        instance=intervention,
        expected_version=expected_version,
        data=data,
        actor=actor,
        editable=INTERVENTION_FIELDS,
        check=check,
    )
    fresh = update.instance
    if links is not None:
        if not checked:  # no field changed: the links alone are checked
            check(fresh, [])
        if _links_write(actor, fresh, links):
            if not update.changed:
                version_bump(fresh)  # the children's own history rows say what changed
            update.changed.append("links")
    return update


def interventions_within_plan_period(plan: ActionPlan, changed: list[str]) -> None:
    """A plan's period may not shrink past the dates of its interventions (registered
    with the kernel's plan change checks)."""
    if not {"period_start_year", "period_end_year"} & set(changed):
        return
    first, last = date(plan.period_start_year, 1, 1), date(plan.period_end_year, 12, 31)
    titles = sorted(
        Intervention.objects.filter(plan=plan)
        .filter(
            Q(start_date__lt=first)
            | Q(start_date__gt=last)
            | Q(end_date__lt=first)
            | Q(end_date__gt=last)
        )
        .values_list("title", flat=True)
    )
    if titles:
        raise ValidationError(
            _("The interventions %(titles)s run outside this period. Change their dates first.")
            % {"titles": quoted(titles)}
        )


def participant_still_needed(plan: ActionPlan, organisation_id: int) -> None:
    """An organisation leading, partnering or reporting on the plan's interventions stays
    in the plan until those change (registered with the kernel)."""
    titles = sorted(
        set(
            Intervention.objects.filter(plan=plan)
            .filter(
                Q(lead_organisation_id=organisation_id)
                | Q(partners__organisation_id=organisation_id)
                | Q(indicators__reporting_organisation_id=organisation_id)
            )
            .values_list("title", flat=True)
        )
    )
    if titles:
        name = Organisation.objects.get(pk=organisation_id).short_name
        raise ValidationError(
            _("%(name)s works on the interventions %(titles)s. Change those first.")
            % {"name": name, "titles": quoted(titles)}
        )


@transaction.atomic
def intervention_remove(*, actor: User, intervention: Intervention) -> None:
    """Remove an intervention with its links, indicators and progress. Records of the
    layers above that must not vanish with it (money committed to it) protect it: the
    removal is refused, naming them."""
    record_remove(
        actor=actor,
        record=intervention,
        plan_id=intervention.plan_id,
        in_use=_recorded_against,
    )


def _recorded_against(intervention: Intervention, records: Iterable[models.Model]) -> str:
    """Why an intervention cannot go: the kinds of records still made against it."""
    kinds = sorted({str(record._meta.verbose_name_plural) for record in records})
    return _("“%(title)s” still has %(records)s recorded against it. Remove those first.") % {
        "title": intervention.title,
        "records": ", ".join(kinds),
    }


@transaction.atomic
def comment_add(
    *, actor: User, intervention: Intervention, text: str, organisation: Organisation | None
) -> Comment:
    if not text.strip():
        raise ValidationError({"text": _("Write a comment first.")})
    lock_for_removal(intervention)  # still there
    comment = Comment(
        intervention=intervention, author=actor, organisation=organisation, text=text.strip()
    )
    attribute(comment, actor)
    comment.save()
    plans_changed([intervention.plan_id])  # the overview lists the latest changes
    return comment


# --- the results framework -------------------------------------------------------------

INDICATOR_FIELDS = (
    "sdg_indicator",
    "name",
    "unit",
    "baseline_value",
    "baseline_year",
    "baseline_source",
    "means_of_verification",
    "by_sex",
    "by_age",
    "by_migratory_status",
    "reporting_organisation",
)


def timeline_years(intervention: Intervention) -> range:
    """The years an intervention's targets may be set for: its timeline where dated,
    else the plan period; never after 2030."""
    plan = intervention.plan
    first = intervention.start_date.year if intervention.start_date else plan.period_start_year
    last = intervention.end_date.year if intervention.end_date else plan.period_end_year
    return range(first, min(last, AGENDA_END_YEAR) + 1)


def indicator_problems(
    intervention: Intervention, values: dict, target_values: dict[int, Decimal]
) -> dict[str, list]:
    """What is wrong with an indicator's values and its targets per year, by form field
    (``target_values`` for the years): checked by the form for its messages and again by
    the services under the plan's lock."""
    problems: dict[str, list] = {}

    def problem(name: str, message: str) -> None:
        problems.setdefault(name, []).append(message)

    sdg = values.get("sdg_indicator")
    if sdg is None and not (values.get("name") or "").strip():
        problem("name", _("Choose a global SDG indicator or name a national indicator."))
    if sdg is not None:
        addressed = set(
            intervention.addressed_targets.values_list("prioritised_target__target_id", flat=True)
        )
        if sdg.target_id not in addressed:
            problem(
                "sdg_indicator",
                _("%(code)s measures a target this intervention does not address.")
                % {"code": sdg.code},
            )
    reporter = values.get("reporting_organisation")
    if reporter is not None and reporter.pk not in _participant_ids(intervention.plan):
        problem(
            "reporting_organisation",
            _("%(name)s does not take part in this plan.") % {"name": reporter.short_name},
        )
    years = timeline_years(intervention)
    # Reported under "target_values"; the form puts the message on each year's field.
    outside = sorted(year for year in target_values if year not in years)
    if outside:
        problem(
            "target_values",
            _("Set targets only for the years of the intervention (%(first)s–%(last)s).")
            % {"first": years.start, "last": years.stop - 1},
        )
    return problems


def _indicator_check(intervention, values, target_values) -> None:
    problems = indicator_problems(intervention, values, target_values)
    if problems:
        raise ValidationError(problems)


def _target_values_write(actor, indicator: ResultIndicator, wanted: dict[int, Decimal]) -> bool:
    changed = False
    current = {item.year: item for item in indicator.target_values.all()}
    for year, item in current.items():
        if year not in wanted:
            attribute(item, actor)
            item.delete()
            changed = True
        elif item.value != wanted[year]:
            item.value = wanted[year]
            attribute(item, actor)
            item.save(update_fields=["value"])
            changed = True
    for year, value in wanted.items():
        if year not in current:
            item = TargetValue(indicator=indicator, year=year, value=value)
            attribute(item, actor)
            item.save()
            changed = True
    return changed


@transaction.atomic
def indicator_create(
    *,
    actor: User,
    intervention: Intervention,
    indicator: ResultIndicator,
    target_values: dict[int, Decimal],
) -> ResultIndicator:
    plan_lock(intervention.plan_id)
    intervention = lock_for_removal(intervention)
    _indicator_check(
        intervention, {name: getattr(indicator, name) for name in INDICATOR_FIELDS}, target_values
    )
    indicator.intervention = intervention
    attribute(indicator, actor)
    indicator.save()
    _target_values_write(actor, indicator, target_values)
    return indicator


@transaction.atomic
def indicator_update(
    *,
    actor: User,
    indicator: ResultIndicator,
    expected_version: int,
    data: dict,
    target_values: dict[int, Decimal],
) -> Update[ResultIndicator]:
    unknown = set(data) - set(INDICATOR_FIELDS)
    if unknown:
        raise ValueError(f"not editable here: {sorted(unknown)}")
    plan_lock(indicator.intervention.plan_id)
    fresh = lock_for_update(indicator, expected_version)
    # The intervention as saved now, under the plan's lock: its dates and targets decide.
    intervention = Intervention.objects.select_related("plan").get(pk=fresh.intervention_id)
    values = {name: data.get(name, getattr(fresh, name)) for name in INDICATOR_FIELDS}
    _indicator_check(intervention, values, target_values)
    changed = [name for name in INDICATOR_FIELDS if getattr(fresh, name) != values[name]]
    for name in changed:
        setattr(fresh, name, values[name])
    if _target_values_write(actor, fresh, target_values):
        changed.append("target_values")
    if changed:
        fresh.version += 1
        attribute(fresh, actor)
        fresh.save()
    return Update(fresh, changed)


@transaction.atomic
def indicator_remove(*, actor: User, indicator: ResultIndicator) -> None:
    """Remove an indicator with its yearly targets and progress."""
    record_remove(actor=actor, record=indicator, plan_id=indicator.intervention.plan_id)


# The earliest baseline year an indicator may have: a value measured before it precedes
# anything the plan compares against, and 0001-01-01 is a typing slip.
PROGRESS_FROM = date(1990, 1, 1)

# What the reporting side enters for a value, submitted or corrected.
PROGRESS_FIELDS = (
    "measured_on",
    "value",
    "source",
    "sex",
    "age",
    "migratory_status",
    "comment",
    "evidence",
)

_DISAGGREGATIONS = (
    ("sex", "by_sex"),
    ("age", "by_age"),
    ("migratory_status", "by_migratory_status"),
)


def is_percentage(unit: str) -> bool:
    """Whether an indicator's unit is a percentage (its values then lie in 0 to 100)."""
    lowered = unit.lower()
    return "%" in lowered or "percent" in lowered or "per cent" in lowered


def value_range_hint(unit: str) -> str:
    """The range a value in ``unit`` may take, in words, for the form's hint."""
    if is_percentage(unit):
        return _("A percentage: from 0 to 100.")
    return _("A count or an amount: zero or more.")


def _value_problem(unit: str, value: Decimal) -> str | None:
    if is_percentage(unit) and not Decimal(0) <= value <= Decimal(100):
        return _("A percentage lies between 0 and 100.")
    if value < 0:
        return _("A count or an amount cannot be negative.")
    return None


def _evidence_problem(evidence) -> str | None:
    """What is wrong with an evidence file: too large, of another kind, or whose content
    is not what its name says. Read from its content, not its name or declared type."""
    limit = settings.PROGRESS_EVIDENCE_MAX_BYTES
    if evidence.size > limit:
        return _("The file is larger than %(limit)s MB: attach a smaller one.") % {
            "limit": format_number(Decimal(limit) / (1024 * 1024))
        }
    kind = uploads.sniffed_kind(evidence)
    if kind is None:
        return _("Attach a PDF, PNG, JPEG or XLSX file: this file's content is none of them.")
    if uploads.extension_kind(evidence.name) != kind:
        return _(
            "The file's name does not match its content, which is %(kind)s: name it for "
            "what it is, or attach the right file."
        ) % {"kind": kind.upper()}
    return None


def progress_problems(
    *,
    measured_on: date | None,
    source: str | None,
    indicator: ResultIndicator | None = None,
    plan: ActionPlan | None = None,
    value: Decimal | None = None,
    disaggregation: dict[str, str] | None = None,
    evidence=None,
) -> dict[str, list]:
    """What is wrong with a progress value, by form field: checked by the form for its
    messages and again by ``progress_submit`` and ``progress_resubmit``. The date lies in
    the plan's period and not in the future; the value in its unit's range; a
    disaggregation only as the indicator declares it."""
    problems: dict[str, list] = {}
    if measured_on is not None and measured_on > timezone.localdate():
        problems["measured_on"] = [_("A progress value cannot be dated in the future.")]
    elif measured_on is not None and measured_on < PROGRESS_FROM:
        problems["measured_on"] = [
            _("Enter a date from %(date)s.")
            % {"date": formats.date_format(PROGRESS_FROM, "DATE_FORMAT")}
        ]
    elif (
        measured_on is not None
        and plan is not None
        and not plan.period_start_year <= measured_on.year <= plan.period_end_year
    ):
        problems["measured_on"] = [
            _("Enter a date within the plan's period, %(start)s to %(end)s.")
            % {"start": plan.period_start_year, "end": plan.period_end_year}
        ]
    if source is not None and not source.strip():
        problems["source"] = [_("Say where the value comes from.")]
    if (
        indicator is not None
        and value is not None
        and (problem := _value_problem(indicator.unit, value))
    ):
        problems["value"] = [problem]
    if indicator is not None and disaggregation:
        for name, declared in _DISAGGREGATIONS:
            if disaggregation.get(name, TOTAL) != TOTAL and not getattr(indicator, declared):
                problems[name] = [
                    _("The indicator is not disaggregated this way: choose the total.")
                ]
    if evidence and (problem := _evidence_problem(evidence)):
        problems["evidence"] = [problem]
    return problems


class ProgressDuplicate(ValidationError):
    """A value for the same indicator, period and disaggregation is already submitted or
    approved: the page answers 409."""

    def __init__(self, existing: Progress):
        super().__init__(
            _(
                "A value for %(period)s%(groups)s is already %(status)s on this indicator. "
                "Ask those who lead monitoring to return it if it needs correcting."
            )
            % {
                "period": existing.period,
                "groups": f" ({', '.join(existing.disaggregation)})"
                if existing.disaggregation
                else "",
                "status": existing.get_status_display().lower(),
            },
            code="duplicate",
        )
        self.existing = existing


def _duplicate_check(progress: Progress) -> None:
    """Refuse a second submitted or approved value for the same indicator, period and
    disaggregation (the database's constraint says the same, after the fact)."""
    existing = (
        Progress.objects.filter(
            indicator_id=progress.indicator_id,
            period_year=progress.period_year,
            period_quarter=progress.period_quarter,
            sex=progress.sex,
            age=progress.age,
            migratory_status=progress.migratory_status,
            status__in=HOLDS_ITS_PERIOD,
        )
        .exclude(pk=progress.pk)
        .first()
    )
    if existing is not None:
        raise ProgressDuplicate(existing)


def _progress_check(plan: ActionPlan, indicator: ResultIndicator, data: dict) -> None:
    problems = progress_problems(
        measured_on=data["measured_on"],
        source=data["source"],
        indicator=indicator,
        plan=plan,
        value=data["value"],
        disaggregation={name: data[name] for name, _declared in _DISAGGREGATIONS},
        evidence=data.get("evidence") or None,
    )
    if problems:
        raise ValidationError(problems)


def _progress_values(data: dict) -> dict:
    values = {
        "sex": TOTAL,
        "age": TOTAL,
        "migratory_status": TOTAL,
        "comment": "",
        "evidence": None,
        **data,
    }
    unknown = set(values) - set(PROGRESS_FIELDS)
    if unknown:
        raise ValueError(f"not a progress field: {sorted(unknown)}")
    values["source"] = values["source"].strip()
    values["comment"] = values["comment"].strip()
    return values


@transaction.atomic
def progress_submit(*, actor: User, indicator: ResultIndicator, **data) -> Progress:
    """Submit the value an indicator reached, in the quarter of its date, for review by
    those who lead monitoring; it counts once approved. The indicator's row is locked (it
    must still be there) but its version stays: progress is not part of the indicator's
    edit page, so submitting must not turn an edit opened meanwhile into a conflict.
    Progress is monitoring, not the plan's content: it is submitted whatever the plan's
    status (an adopted plan is being implemented); a version's snapshot keeps the
    approved progress it had."""
    values = _progress_values(data)
    # The plan's row first (every service's first lock), whatever its status: the
    # figures its pages derive from progress are recomputed, and two submissions for one
    # period run one after the other.
    plan = plan_row_lock(indicator.intervention.plan_id)
    fresh = lock_for_removal(indicator)
    _progress_check(plan, fresh, values)
    year, quarter = quarter_of(values["measured_on"])
    now = timezone.now()
    progress = Progress(
        indicator=fresh,
        period_year=year,
        period_quarter=quarter,
        status=ProgressStatus.SUBMITTED,
        submitted_by=actor,
        submitted_at=now,
        **values,
    )
    _duplicate_check(progress)
    attribute(progress, actor)
    progress.save()
    return progress


@transaction.atomic
def progress_resubmit(
    *, actor: User, progress: Progress, expected_version: int, data: dict
) -> Progress:
    """Correct a returned value and submit it again for review. ``EditConflict`` if the
    value changed since it was opened; refused unless it is returned."""
    values = _progress_values(data)
    plan = plan_row_lock(progress.indicator.intervention.plan_id)
    fresh = lock_for_update(progress, expected_version)
    if fresh.status != ProgressStatus.RETURNED:
        raise ValidationError(
            _("Only a returned value is corrected: this one is %(status)s.")
            % {"status": fresh.get_status_display().lower()}
        )
    indicator = ResultIndicator.objects.get(pk=fresh.indicator_id)
    if not values["evidence"]:
        values["evidence"] = fresh.evidence  # kept unless another file is attached
        _progress_check(plan, indicator, {**values, "evidence": None})
    else:
        _progress_check(plan, indicator, values)
    for name, value in values.items():
        setattr(fresh, name, value)
    fresh.period_year, fresh.period_quarter = quarter_of(fresh.measured_on)
    fresh.status = ProgressStatus.SUBMITTED
    fresh.submitted_by = actor
    fresh.submitted_at = timezone.now()
    fresh.reviewed_by, fresh.reviewed_at, fresh.review_comment = None, None, ""
    _duplicate_check(fresh)
    fresh.version += 1
    attribute(fresh, actor)
    fresh.save()
    return fresh


@transaction.atomic
def progress_evidence_attach(
    *, actor: User, progress: Progress, expected_version: int, evidence
) -> Progress:
    """Attach or replace a value's evidence file, where the page takes one: with the
    value (a script sends the file after the value, so its submitter attaches it while
    the value waits for review; the reviewer's decision opened before then becomes a
    conflict), or with the correction of a returned value, submitted again as the
    correction page does. Checked as the page checks it (``_evidence_problem``);
    ``EditConflict`` if the value changed since it was read; refused once approved, and
    on another's value waiting for review."""
    if progress.status == ProgressStatus.RETURNED:
        kept = {name: getattr(progress, name) for name in PROGRESS_FIELDS}
        return progress_resubmit(
            actor=actor,
            progress=progress,
            expected_version=expected_version,
            data={**kept, "evidence": evidence},
        )
    plan_row_lock(progress.indicator.intervention.plan_id)
    fresh = lock_for_update(progress, expected_version)
    if fresh.status != ProgressStatus.SUBMITTED or fresh.submitted_by_id != actor.pk:
        raise ValidationError(
            _(
                "This value is %(status)s: evidence is attached by the person who "
                "submitted it while it waits for review, or with its correction once "
                "returned."
            )
            % {"status": fresh.get_status_display().lower()},
            code="closed",
        )
    if problem := _evidence_problem(evidence):
        raise ValidationError({"evidence": [problem]})
    fresh.evidence = evidence
    fresh.version += 1
    attribute(fresh, actor)
    fresh.save(update_fields=["evidence", "version"])
    return fresh


def _progress_review(
    actor: User, progress: Progress, expected_version: int, status: str, comment: str
) -> Progress:
    """Decide on a submitted value, under the value's lock: refused when
    it changed since the reviewer opened it (``EditConflict``), when it is no longer
    waiting for review, and when the reviewer submitted it themselves. The caller has
    locked the plan's row."""
    fresh = lock_for_update(progress, expected_version)
    if fresh.status != ProgressStatus.SUBMITTED:
        raise ValidationError(
            _("This value is %(status)s already: it no longer waits for review.")
            % {"status": fresh.get_status_display().lower()},
            code="decided",
        )
    if fresh.submitted_by_id == actor.pk:
        raise ValidationError(
            _("You submitted this value: someone else who leads monitoring reviews it."),
            code="own",
        )
    fresh.status = status
    fresh.reviewed_by = actor
    fresh.reviewed_at = timezone.now()
    fresh.review_comment = comment.strip()
    fresh.version += 1
    attribute(fresh, actor)
    fresh.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_comment", "version"])
    return fresh


@transaction.atomic
def progress_approve(
    *, actor: User, progress: Progress, expected_version: int, comment: str = ""
) -> Progress:
    """Approve a submitted value: from now on it counts in the plan's figures."""
    plan_row_lock(progress.indicator.intervention.plan_id)
    return _progress_review(actor, progress, expected_version, ProgressStatus.APPROVED, comment)


@transaction.atomic
def progress_return(
    *, actor: User, progress: Progress, expected_version: int, comment: str
) -> Progress:
    """Return a submitted value to the reporting side, saying why: it does not count,
    and may be corrected and submitted again."""
    if not comment.strip():
        raise ValidationError({"comment": _("Say why the value is returned.")})
    plan_row_lock(progress.indicator.intervention.plan_id)
    return _progress_review(actor, progress, expected_version, ProgressStatus.RETURNED, comment)


@transaction.atomic
def progress_remove(*, actor: User, progress: Progress) -> None:
    """Remove a progress value, whatever the plan's status (as ``progress_submit``): an
    approved value only by those who lead monitoring."""

    def check(fresh: Progress) -> None:
        if fresh.status == ProgressStatus.APPROVED and not may_review(
            actor, progress.indicator.intervention.plan
        ):
            raise ValidationError(
                _("An approved value is removed only by those who lead monitoring.")
            )

    # Whatever the plan's status, as progress is recorded: it is no part of its content.
    record_remove(
        actor=actor,
        record=progress,
        plan_id=progress.indicator.intervention.plan_id,
        any_status=True,
        check=check,
    )


# --- reminders of the values due --------------------------------------------------------


def progress_reminders_send(*, today: date | None = None, days_before: int | None = None) -> int:
    """From ``days_before`` days (``PROGRESS_REMINDER_DAYS``) before the current quarter
    ends, tell the editors and coordinators of each organisation that still owes values
    for it on a monitored plan (``interventions.reporting``) which ones, in the app and
    by email: once per plan, organisation and quarter, however often it runs. An
    organisation with no active editor or coordinator is reminded once someone joins.
    Returns how many organisations were reminded."""
    today = today or timezone.localdate()
    days = settings.PROGRESS_REMINDER_DAYS if days_before is None else days_before
    quarter = reporting.reminder_quarter(today, days)
    if quarter is None:
        return 0
    reminded = 0
    for plan in ActionPlan.objects.filter(pk__in=reporting.monitored_plan_ids()).order_by("pk"):
        # Read without the lock first: a plan with no one left to remind is not locked
        # (each lock gives it a new revision) every time the job runs.
        if _organisations_to_remind(plan, quarter):
            reminded += _progress_reminders_send(plan.pk, quarter)
    return reminded


def _organisations_to_remind(
    plan: ActionPlan, quarter: reporting.Quarter
) -> dict[int, list[reporting.Duty]]:
    """The organisations still owing values for ``quarter`` and not yet reminded, with
    the indicators they owe."""
    due = reporting.due_by_organisation(reporting.reporting_duties(plan), quarter)
    done = set(
        ProgressReminder.objects.filter(
            plan=plan, period_year=quarter[0], period_quarter=quarter[1]
        ).values_list("organisation_id", flat=True)
    )
    return {
        organisation_id: duties
        for organisation_id, duties in due.items()
        if organisation_id not in done
    }


@transaction.atomic
def _progress_reminders_send(plan_id: int, quarter: reporting.Quarter) -> int:
    # Under the plan's lock, as submitting is: a value submitted meanwhile is no longer
    # due, and two runs at once remind each organisation once.
    plan = plan_row_lock(plan_id)
    to_remind = _organisations_to_remind(plan, quarter)
    recipients: dict[int, list[User]] = {organisation_id: [] for organisation_id in to_remind}
    for membership in Membership.objects.filter(
        organisation__in=list(to_remind),
        role__in=[Role.EDITOR, Role.COORDINATOR],
        user__is_active=True,
    ).select_related("user"):
        recipients[membership.organisation_id].append(membership.user)
    now = timezone.now()
    reminded = 0
    for organisation_id, duties in to_remind.items():
        users = recipients[organisation_id]
        if not users:
            continue
        interventions = {duty.intervention_id for duty in duties}
        tell(
            plan,
            NotificationEvent.REPORTING_DUE,
            users,
            _reporting_due(plan, quarter, duties),
            # where the values are submitted: the intervention's page, or the list
            url=reverse("intervention_detail", args=[plan.pk, *interventions])
            if len(interventions) == 1
            else reverse("intervention_list", args=[plan.pk]),
        )
        ProgressReminder.objects.create(
            plan=plan,
            organisation_id=organisation_id,
            period_year=quarter[0],
            period_quarter=quarter[1],
            reminded_at=now,
        )
        reminded += 1
    return reminded


def _reporting_due(
    plan: ActionPlan, quarter: reporting.Quarter, duties: list[reporting.Duty]
) -> Text:
    """The reminder to an organisation of the values it owes for ``quarter``, one line
    an indicator, in the reader's language."""

    def text() -> str:
        period = quarter_label(*quarter)
        lines = [
            _(
                "“%(plan)s”: %(organisation)s has not yet submitted the values of "
                "%(period)s for these indicators, due by %(date)s. Submit each on its "
                "intervention's page."
            )
            % {
                "plan": plan.title,
                "organisation": duties[0].organisation_name,
                "period": period,
                "date": formats.date_format(reporting.quarter_last_day(quarter)),
            }
        ]
        lines += [
            f"- {duty.intervention_title}: {duty.indicator_label} ({period})" for duty in duties
        ]
        return "\n".join(lines)

    return text
