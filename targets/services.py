"""Writes to the targets app."""

import csv
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override
from simple_history.utils import bulk_create_with_history

from action_plans.models import ActionPlan
from action_plans.permissions import PlanAction, plan_actions_for_user
from action_plans.services import plan_lock, record_remove
from governance.models import Organisation, User
from msd_planner.lib.history import attribute, save_with_links
from msd_planner.lib.translation import quoted
from msd_planner.lib.versioned_edit import (
    EditConflict,
    RecordRemoved,
    Update,
    lock_for_update,
    version_bump,
    versioned_update,
)
from targets.models import (
    CONSULTATION_TOO_EARLY,
    CONSULTATIONS_FROM,
    DEFAULT_CRITERIA,
    FRAMEWORK_ALREADY_IN_PLAN,
    INDICATOR_ALREADY_FOLLOWED,
    PERIOD_BACKWARDS,
    PROXY_ALREADY_FOLLOWED,
    SCORE_MAX,
    SCORE_MIN,
    Coherence,
    Consultation,
    FollowedIndicator,
    Framework,
    FrameworkAssessment,
    Goal,
    Indicator,
    MigrationRelevance,
    PrioritisedTarget,
    ProposalStatus,
    ScoringCriterion,
    Target,
    TargetScore,
    indicator_position,
    target_position,
)

CATALOGUE_DIR = Path(__file__).resolve().parent / "data" / "sdg"


class CatalogueError(Exception):
    """The catalogue files cannot be read or are inconsistent; the message names the file."""


@dataclass
class CatalogueLoadResult:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return any(self.created.values()) or any(self.updated.values())


def _read_rows(path: Path, required: set[str]) -> list[dict[str, str]]:
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            missing = required - set(reader.fieldnames or [])
            if missing:
                raise CatalogueError(f"{path} lacks the column(s) {', '.join(sorted(missing))}.")
            return list(reader)
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        reason = getattr(error, "strerror", None) or str(error)
        raise CatalogueError(f"cannot read SDG catalogue file {path}: {reason}") from None


def _sync(
    model: type[models.Model],
    key: str,
    wanted: Mapping[Any, Mapping[str, object]],
) -> tuple[int, int]:
    """Create missing rows and update differing ones; returns (created, updated)."""
    existing = {getattr(row, key): row for row in model._default_manager.all()}
    to_create, to_update, changed_fields = [], [], set()
    for natural_key, values in wanted.items():
        row = existing.get(natural_key)
        if row is None:
            to_create.append(model(**{key: natural_key}, **values))
            continue
        differing = {name for name, value in values.items() if getattr(row, name) != value}
        if differing:
            for name in differing:
                setattr(row, name, values[name])
            to_update.append(row)
            changed_fields |= differing
    model._default_manager.bulk_create(to_create)
    if to_update:
        model._default_manager.bulk_update(to_update, sorted(changed_fields))
    return len(to_create), len(to_update)


@transaction.atomic
def catalogue_load(*, data_dir: Path = CATALOGUE_DIR) -> CatalogueLoadResult:
    """Load goals, targets, indicators and migration relevance from the shipped CSV files.

    Idempotent: a second run with the same files changes nothing. Rows missing from the
    files are kept (plans may refer to them); they are never deleted here.
    """
    goal_rows = _read_rows(data_dir / "goals.csv", {"code", "title_en", "short_en"})
    target_rows = _read_rows(data_dir / "targets.csv", {"goal", "code", "title_en"})
    indicator_rows = _read_rows(
        data_dir / "indicators.csv", {"target", "code", "unsd_code", "title_en"}
    )
    relevance_rows = _read_rows(data_dir / "migration_targets.csv", {"code", "relation"})

    result = CatalogueLoadResult()
    result.created["goals"], result.updated["goals"] = _sync(
        Goal, "number", _goals_wanted(goal_rows)
    )
    goal_ids = dict(Goal.objects.values_list("number", "id"))
    result.created["targets"], result.updated["targets"] = _sync(
        Target, "code", _targets_wanted(target_rows, relevance_rows, goal_ids)
    )
    target_ids = dict(Target.objects.values_list("code", "id"))
    result.created["indicators"], result.updated["indicators"] = _sync(
        Indicator, "code", _indicators_wanted(indicator_rows, target_ids)
    )
    return result


def _titles(row: dict[str, str]) -> dict[str, str]:
    """A catalogue row's title in each of its languages (empty where not translated)."""
    return {f"title_{lang}": row.get(f"title_{lang}", "") for lang in ("en", "fr", "es")}


def _goals_wanted(goal_rows: list[dict[str, str]]) -> dict[object, dict[str, object]]:
    """The goals' fields, by goal number."""
    return {
        int(row["code"]): {
            **_titles(row),
            **{f"short_title_{lang}": row.get(f"short_{lang}", "") for lang in ("en", "fr", "es")},
        }
        for row in goal_rows
    }


def _targets_wanted(
    target_rows: list[dict[str, str]],
    relevance_rows: list[dict[str, str]],
    goal_ids: dict[int, int],
) -> dict[object, dict[str, object]]:
    """The targets' fields, by code, with their relevance to migration (``relevance_rows``
    naming no target that is not in ``target_rows``)."""
    relevance = {row["code"]: row for row in relevance_rows}
    known_relations = set(MigrationRelevance.values)
    targets: dict[object, dict[str, object]] = {}
    for row in target_rows:
        try:
            mention = relevance.get(row["code"], {})
            relation = mention.get("relation", MigrationRelevance.NONE)
            if relation not in known_relations:
                raise CatalogueError(
                    f"migration_targets.csv: {row['code']} has unknown relation {relation!r}."
                )
            targets[row["code"]] = {
                "goal_id": goal_ids[int(row["goal"])],
                "position": target_position(row["code"]),
                **_titles(row),
                "migration_relevance": relation,
                "migration_note": mention.get("note", ""),
            }
        except (KeyError, ValueError) as error:
            raise CatalogueError(f"targets.csv: bad row for {row.get('code')!r}: {error}") from None
    unknown = set(relevance) - set(targets)
    if unknown:
        raise CatalogueError(
            f"migration_targets.csv names unknown target(s): {', '.join(sorted(unknown))}."
        )
    return targets


def _indicators_wanted(
    indicator_rows: list[dict[str, str]], target_ids: dict[str, int]
) -> dict[object, dict[str, object]]:
    """The indicators' fields, by code."""
    indicators: dict[object, dict[str, object]] = {}
    for row in indicator_rows:
        try:
            indicators[row["code"]] = {
                "target_id": target_ids[row["target"]],
                "position": indicator_position(row["code"]),
                "unsd_code": row["unsd_code"],
                **_titles(row),
                "translation_note": row.get("translation_note", ""),
            }
        except (KeyError, ValueError) as error:
            raise CatalogueError(
                f"indicators.csv: bad row for {row.get('code')!r}: {error}"
            ) from None
    return indicators


# --- prioritised targets ---------------------------------------------------------------


def _ensure_default_criteria(plan: ActionPlan, actor: User) -> None:
    """The plan's first criteria, stored in English whatever language the actor uses.

    They count as a change of the plan's criteria (serialised on the plan): someone who
    opened the criteria page before they existed must not save over them unseen.
    """
    if plan.scoring_criteria.exists():
        return
    with override("en"):
        criteria = [
            ScoringCriterion(plan=plan, name=str(name), weight=Decimal(1), position=index)
            for index, name in enumerate(DEFAULT_CRITERIA)
        ]
    bulk_create_with_history(criteria, ScoringCriterion, default_user=actor)
    version_bump(plan)


@transaction.atomic
def prioritised_target_add(
    *,
    actor: User,
    plan: ActionPlan,
    target: Target,
    rationale: str,
    proposer_organisation: Organisation | None = None,
) -> PrioritisedTarget:
    """Prioritise a catalogue target in a plan when the actor coordinates it, or else
    propose it (it then waits for a coordinator's decision). The actor's rights on the
    plan decide which."""
    is_coordinator = PlanAction.CHANGE in plan_actions_for_user(actor, plan)
    plan = plan_lock(plan.pk)
    _ensure_default_criteria(plan, actor)
    prioritised = PrioritisedTarget(plan=plan, target=target, rationale=rationale)
    if not is_coordinator:
        prioritised.status = ProposalStatus.PROPOSED
        prioritised.proposed_by = actor
        prioritised.proposed_by_organisation = proposer_organisation
    attribute(prioritised, actor)
    try:
        with transaction.atomic():
            prioritised.save()
    except IntegrityError:
        raise ValidationError(
            {"target": _("Target %(code)s is already in this plan.") % {"code": target.code}}
        ) from None
    return prioritised


# What the edit page may change, in the order the form shows it (prioritisation).
PRIORITISED_TARGET_FIELDS = (
    "rationale",
    "local_adaptation",
    "responsible_organisation",
    "rank_override",
    "rank_override_reason",
)
# What the baseline page may change (monitoring, or the responsible organisation).
BASELINE_FIELDS = ("baseline_value", "baseline_unit", "baseline_year", "baseline_source")
# What the proposing organisation may change in its proposal before the decision.
PROPOSAL_FIELDS = ("rationale",)


def _prioritised_target_fits(fresh: PrioritisedTarget, changed: list[str]) -> None:
    """Rules that span records, checked under the plan's lock.

    A newly chosen responsible organisation must take part in the plan (the current one
    may stay even if it has since left); the baseline year may not be after the plan
    period.
    """
    organisation = fresh.responsible_organisation
    if (
        "responsible_organisation" in changed
        and organisation is not None
        and not organisation.participations.filter(plan_id=fresh.plan_id).exists()
    ):
        raise ValidationError(
            {
                "responsible_organisation": _("%(organisation)s does not take part in this plan.")
                % {"organisation": organisation}
            }
        )
    year = fresh.baseline_year
    if year is not None and year > fresh.plan.period_end_year:
        raise ValidationError(
            {
                "baseline_year": _("The baseline year cannot be after the plan period (%(end)s).")
                % {"end": fresh.plan.period_end_year}
            }
        )


@transaction.atomic
def prioritised_target_update(
    *, actor: User, prioritised_target: PrioritisedTarget, expected_version: int, data: dict
) -> Update[PrioritisedTarget]:
    """Save the changed fields of a prioritised target, refusing a stale edit.

    The reason for a rank set by hand goes with the rank it explained.
    """
    data = dict(data)
    if data.get("rank_override", prioritised_target.rank_override) is None and (
        "rank_override" in data or data.get("rank_override_reason")
    ):
        data["rank_override_reason"] = ""
    plan_lock(prioritised_target.plan_id)
    return versioned_update(
        instance=prioritised_target,
        expected_version=expected_version,
        data=data,
        actor=actor,
        editable=PRIORITISED_TARGET_FIELDS,
        check=_prioritised_target_fits,
    )


def baselines_within_plan_period(plan: ActionPlan, changed: list[str]) -> None:
    """A plan's period may not end before a baseline year recorded in it (registered
    with the kernel's plan change checks)."""
    if "period_end_year" not in changed:
        return
    late_baselines = sorted(
        PrioritisedTarget.objects.filter(
            plan=plan, baseline_year__gt=plan.period_end_year
        ).values_list("target__code", flat=True)
    )
    if late_baselines:
        raise ValidationError(
            {
                "period_end_year": _(
                    "The baselines of %(codes)s are from after %(year)s. Change them first."
                )
                % {"codes": ", ".join(late_baselines), "year": plan.period_end_year}
            }
        )


@transaction.atomic
def target_scores_set(
    *,
    actor: User,
    prioritised_target: PrioritisedTarget,
    expected_version: int,
    scores: dict[int, int],
) -> PrioritisedTarget:
    """Record one score per criterion (criterion id → score on the scale); the scores
    are serialised on their target."""
    plan = plan_lock(prioritised_target.plan_id)
    fresh = lock_for_update(prioritised_target, expected_version)
    criteria = set(plan.scoring_criteria.values_list("id", flat=True))
    if set(scores) - criteria:
        raise ValidationError(_("A criterion does not belong to this plan."))
    for criterion_id, score in scores.items():
        if not SCORE_MIN <= score <= SCORE_MAX:
            raise ValidationError(
                {
                    f"criterion_{criterion_id}": _("Score from %(low)s to %(high)s.")
                    % {"low": SCORE_MIN, "high": SCORE_MAX}
                }
            )
    existing = {score.criterion_id: score for score in fresh.scores.all()}
    for criterion_id, value in scores.items():
        score = existing.get(criterion_id) or TargetScore(
            prioritised_target=fresh, criterion_id=criterion_id
        )
        if score.pk and score.score == value:
            continue
        score.score = value
        attribute(score, actor)
        score.save()
    version_bump(fresh)
    return fresh


@transaction.atomic
def scoring_criteria_set(
    *,
    actor: User,
    plan: ActionPlan,
    expected_version: int,
    criteria: list[tuple[int | None, str, Decimal]],
) -> None:
    """Replace the plan's criteria: (id or None for a new one, name, weight).

    The criteria are serialised on the plan: ``expected_version`` is the plan's version
    when the user opened the page. The criteria left out are deleted with their scores.
    Weights may not all be zero.
    """
    plan_lock(plan.pk)
    try:
        plan = lock_for_update(plan, expected_version)
    except EditConflict as conflict:
        raise EditConflict(
            conflict.current,
            _(
                "Someone else changed the scoring criteria after you opened this page, so "
                "nothing was saved. The current criteria are shown below; make your change "
                "again."
            ),
        ) from None
    if not criteria or sum(weight for _id, _name, weight in criteria) <= 0:
        raise ValidationError(_("At least one criterion needs a weight above zero."))
    names = [name.strip().lower() for _id, name, _weight in criteria]
    if len(set(names)) != len(names):
        raise ValidationError(_("Two criteria have the same name."))
    existing: dict[int | None, ScoringCriterion] = {
        criterion.id: criterion for criterion in plan.scoring_criteria.all()
    }
    kept = {criterion_id for criterion_id, _name, _weight in criteria if criterion_id}
    if kept - existing.keys():
        raise ValidationError(_("A criterion does not belong to this plan."))
    for criterion_id in existing.keys() - kept:
        attribute(existing[criterion_id], actor)
        existing[criterion_id].delete()
    try:
        with transaction.atomic():
            for position, (criterion_id, name, weight) in enumerate(criteria):
                criterion = existing.get(criterion_id) or ScoringCriterion(plan=plan)
                unchanged = (criterion.name, criterion.weight, criterion.position) == (
                    name,
                    weight,
                    position,
                )
                if criterion.pk and unchanged:
                    continue
                criterion.name, criterion.weight, criterion.position = name, weight, position
                attribute(criterion, actor)
                criterion.save()
    except IntegrityError:
        # Swapping two names in one save collides with the per-plan uniqueness.
        raise ValidationError(_("Rename one criterion at a time.")) from None
    version_bump(plan)


@transaction.atomic
def baseline_update(
    *, actor: User, prioritised_target: PrioritisedTarget, expected_version: int, data: dict
) -> Update[PrioritisedTarget]:
    """Save a prioritised target's baseline, refusing a stale edit; the year stays within
    the plan period (checked under the plan's lock)."""
    plan_lock(prioritised_target.plan_id)
    return versioned_update(
        instance=prioritised_target,
        expected_version=expected_version,
        data=data,
        actor=actor,
        editable=BASELINE_FIELDS,
        check=_prioritised_target_fits,
    )


def _still_a_proposal(fresh: PrioritisedTarget, changed: list[str] | None = None) -> None:
    if fresh.status != ProposalStatus.PROPOSED:
        raise ValidationError(
            _("A coordinator has decided on this proposal meanwhile; it can no longer change.")
        )


@transaction.atomic
def proposal_update(
    *, actor: User, proposal: PrioritisedTarget, expected_version: int, data: dict
) -> Update[PrioritisedTarget]:
    """Change a proposal's rationale while it awaits the decision."""
    plan_lock(proposal.plan_id)
    return versioned_update(
        instance=proposal,
        expected_version=expected_version,
        data=data,
        actor=actor,
        editable=PROPOSAL_FIELDS,
        check=_still_a_proposal,
    )


@transaction.atomic
def proposal_withdraw(*, actor: User, proposal: PrioritisedTarget) -> None:
    """The proposing organisation takes its proposal back before the decision; the
    withdrawal stays in the plan's history."""
    record_remove(
        actor=actor,
        record=proposal,
        plan_id=proposal.plan_id,
        check=_still_a_proposal,
    )


@transaction.atomic
def proposal_decide(
    *, actor: User, prioritised_target: PrioritisedTarget, accept: bool, comment: str
) -> PrioritisedTarget:
    """A coordinator accepts or declines a proposed target, with a comment."""
    plan_lock(prioritised_target.plan_id)
    fresh = PrioritisedTarget.objects.select_for_update().filter(pk=prioritised_target.pk).first()
    if fresh is None:
        raise RecordRemoved(PrioritisedTarget, prioritised_target.pk)
    if fresh.status != ProposalStatus.PROPOSED:
        raise ValidationError(_("This proposal has already been decided."))
    if not accept and not comment.strip():
        raise ValidationError({"comment": _("Say why the proposal is declined.")})
    fresh.status = ProposalStatus.ACCEPTED if accept else ProposalStatus.DECLINED
    fresh.decision_comment = comment
    fresh.version += 1
    attribute(fresh, actor)
    fresh.save(update_fields=["status", "decision_comment", "version", "updated_at"])
    return fresh


@transaction.atomic
def prioritised_target_remove(*, actor: User, prioritised_target: PrioritisedTarget) -> None:
    """Remove a target from the plan with its scores, indicators and assessments.

    Records of the apps above that depend on it (the interventions addressing it) protect
    it: the removal is refused, naming them, rather than cutting them loose.
    """
    record_remove(
        actor=actor,
        record=prioritised_target,
        plan_id=prioritised_target.plan_id,
        in_use=_addressed_by,
    )


def _addressed_by(target: PrioritisedTarget, links: Iterable[models.Model]) -> str:
    """Why a prioritised target cannot go: the interventions addressing it."""
    users = sorted({str(getattr(link, "intervention", link)) for link in links})
    return _("Target %(code)s is still addressed by %(names)s. Change those first.") % {
        "code": target,
        "names": quoted(users),
    }


def _already_followed(followed: FollowedIndicator) -> bool:
    """The target already follows this global indicator, or a proxy of this name
    (ignoring case)."""
    if followed.indicator_id:
        condition = models.Q(indicator_id=followed.indicator_id)
    else:
        condition = models.Q(indicator__isnull=True, proxy_name__iexact=followed.proxy_name)
    return FollowedIndicator.objects.filter(
        condition, prioritised_target_id=followed.prioritised_target_id
    ).exists()


@transaction.atomic
def followed_indicator_add(
    *,
    actor: User,
    prioritised_target: PrioritisedTarget,
    indicator: Indicator | None = None,
    proxy_name: str = "",
    proxy_unit: str = "",
) -> FollowedIndicator:
    """Follow a global SDG indicator of the target, or a national proxy indicator."""
    plan_lock(prioritised_target.plan_id)
    if bool(indicator) == bool(proxy_name.strip()):
        raise ValidationError(
            {
                "indicator": _(
                    "Choose a global indicator or name a national proxy indicator, not both."
                )
            }
        )
    if indicator and indicator.target_id != prioritised_target.target_id:
        raise ValidationError({"indicator": _("This indicator belongs to another target.")})
    followed = FollowedIndicator(
        prioritised_target=prioritised_target,
        indicator=indicator,
        proxy_name=proxy_name.strip(),
        proxy_unit=proxy_unit.strip(),
    )
    # A second national proxy of the same name is told on the name the user typed.
    duplicate = (
        {"indicator": INDICATOR_ALREADY_FOLLOWED}
        if indicator
        else {"proxy_name": PROXY_ALREADY_FOLLOWED}
    )
    if _already_followed(followed):
        raise ValidationError(duplicate)
    attribute(followed, actor)
    try:
        with transaction.atomic():
            followed.save()
    except IntegrityError:
        # Someone added the same indicator between the check and the save.
        raise ValidationError(duplicate) from None
    return followed


@transaction.atomic
def followed_indicator_remove(*, actor: User, followed: FollowedIndicator) -> None:
    """Stop following an indicator for a prioritised target."""
    record_remove(actor=actor, record=followed, plan_id=followed.prioritised_target.plan_id)


# --- review of existing frameworks -----------------------------------------------------


FRAMEWORK_FIELDS = (
    "name",
    "kind",
    "owner",
    "level",
    "period_start_year",
    "period_end_year",
    "reference",
)


def _framework_period_forwards(framework: Framework, changed: list[str] | None = None) -> None:
    start, end = framework.period_start_year, framework.period_end_year
    if start is not None and end is not None and end < start:
        raise ValidationError({"period_end_year": PERIOD_BACKWARDS})


def _framework_fits(framework: Framework, changed: list[str] | None = None) -> None:
    """A framework's period runs forwards, and the plan reviews it once: one framework
    of a kind by a name (ignoring case)."""
    _framework_period_forwards(framework, changed)
    if changed is not None and not {"name", "kind"} & set(changed):
        return
    twins = Framework.objects.filter(
        plan_id=framework.plan_id, kind=framework.kind, name__iexact=framework.name
    ).exclude(pk=framework.pk)
    if twins.exists():
        raise ValidationError({"name": FRAMEWORK_ALREADY_IN_PLAN})


@transaction.atomic
def framework_create(*, actor: User, plan: ActionPlan, framework: Framework) -> Framework:
    """Add an existing framework to the plan's review."""
    plan_lock(plan.pk)
    framework.plan = plan
    _framework_fits(framework)
    attribute(framework, actor)
    try:
        with transaction.atomic():
            framework.save()
    except IntegrityError:
        # The same framework added by someone else between the check and the save.
        raise ValidationError({"name": FRAMEWORK_ALREADY_IN_PLAN}) from None
    return framework


@transaction.atomic
def framework_update(
    *, actor: User, framework: Framework, expected_version: int, data: dict
) -> Update[Framework]:
    """Save the changes to an existing framework, refusing a stale edit."""
    plan_lock(framework.plan_id)
    try:
        return versioned_update(
            instance=framework,
            expected_version=expected_version,
            data=data,
            actor=actor,
            editable=FRAMEWORK_FIELDS,
            check=_framework_fits,
        )
    except IntegrityError:
        # versioned_update saves in a savepoint: the race rolled back only that.
        raise ValidationError({"name": FRAMEWORK_ALREADY_IN_PLAN}) from None


@transaction.atomic
def framework_delete(*, actor: User, framework: Framework) -> None:
    """Remove a framework from the review, with its assessments."""
    record_remove(actor=actor, record=framework, plan_id=framework.plan_id)


@transaction.atomic
def framework_assessments_set(
    *,
    actor: User,
    framework: Framework,
    expected_version: int,
    assessments: dict[int, tuple[str, str]],
) -> None:
    """Set how the framework relates to each prioritised target of its plan.

    ``assessments`` maps a prioritised target id to (coherence, note); an empty
    coherence removes the assessment. The assessments are serialised on their
    framework: ``expected_version`` is its version when the user opened the page.
    """
    plan_lock(framework.plan_id)
    framework = lock_for_update(framework, expected_version)
    allowed = set(
        framework.plan.prioritised_targets.filter(status=ProposalStatus.ACCEPTED).values_list(
            "id", flat=True
        )
    )
    if set(assessments) - allowed:
        raise ValidationError(_("A target is not prioritised in this plan."))
    if {coherence for coherence, _note in assessments.values()} - {"", *Coherence.values}:
        raise ValueError("unknown coherence")
    existing = {item.prioritised_target_id: item for item in framework.assessments.all()}
    for target_id, (coherence, note) in assessments.items():
        assessment = existing.get(target_id)
        if not coherence:
            if assessment:
                attribute(assessment, actor)
                assessment.delete()
            continue
        if assessment and (assessment.coherence, assessment.note) == (coherence, note):
            continue
        assessment = assessment or FrameworkAssessment(
            framework=framework, prioritised_target_id=target_id
        )
        assessment.coherence, assessment.note = coherence, note
        attribute(assessment, actor)
        assessment.save()
    version_bump(framework)


# --- the consultation log ------------------------------------------------------------


def consultation_problems(
    *,
    plan: ActionPlan,
    held_on: date | None,
    prioritised_targets: Iterable[PrioritisedTarget],
    frameworks: Iterable[Framework],
) -> dict[str, list[str]]:
    """What is wrong with a consultation's record, by form field."""
    problems: dict[str, list[str]] = {}
    if held_on is not None and held_on > timezone.localdate():
        problems["held_on"] = [
            _("The date cannot be in the future: record a consultation once it has been held.")
        ]
    elif held_on is not None and held_on < CONSULTATIONS_FROM:
        # The model's bound, repeated so that a service called without a form refuses it
        # on the field rather than at the database's check constraint.
        problems["held_on"] = [str(CONSULTATION_TOO_EARLY)]
    if any(
        item.plan_id != plan.pk or item.status != ProposalStatus.ACCEPTED
        for item in prioritised_targets
    ):
        problems["prioritised_targets"] = [_("Link only targets this plan has prioritised.")]
    if any(framework.plan_id != plan.pk for framework in frameworks):
        problems["frameworks"] = [_("Link only existing frameworks reviewed in this plan.")]
    return problems


CONSULTATION_FIELDS = (
    "held_on",
    "kind",
    "title",
    "organisations",
    *Consultation.TOPIC_FIELDS,
    "outcomes",
    "decisions",
    "prioritised_targets",
    "frameworks",
)


@transaction.atomic
def consultation_create(
    *,
    actor: User,
    plan: ActionPlan,
    consultation: Consultation,
    organisations: Iterable[Organisation],
    prioritised_targets: Iterable[PrioritisedTarget],
    frameworks: Iterable[Framework],
) -> Consultation:
    """Record a consultation of ``plan`` with the organisations present and the
    prioritised targets and existing frameworks it concerned."""
    plan_lock(plan.pk)
    prioritised_targets, frameworks = list(prioritised_targets), list(frameworks)
    problems = consultation_problems(
        plan=plan,
        held_on=consultation.held_on,
        prioritised_targets=prioritised_targets,
        frameworks=frameworks,
    )
    if problems:
        raise ValidationError(problems)
    consultation.plan = plan
    attribute(consultation, actor)
    save_with_links(
        consultation,
        {
            "organisations": organisations,
            "prioritised_targets": prioritised_targets,
            "frameworks": frameworks,
        },
    )
    return consultation


@transaction.atomic
def consultation_update(
    *, actor: User, consultation: Consultation, expected_version: int, data: dict
) -> Update[Consultation]:
    """Save the changes to a consultation (its links included), refusing a stale edit."""
    plan_lock(consultation.plan_id)

    def links_fit(fresh: Consultation, changed: list[str]) -> None:
        problems = consultation_problems(
            plan=fresh.plan,
            held_on=fresh.held_on,
            prioritised_targets=data.get("prioritised_targets", []),
            frameworks=data.get("frameworks", []),
        )
        if problems:
            raise ValidationError(problems)

    return versioned_update(
        instance=consultation,
        expected_version=expected_version,
        data=data,
        actor=actor,
        editable=CONSULTATION_FIELDS,
        check=links_fit,
    )


@transaction.atomic
def consultation_delete(*, actor: User, consultation: Consultation) -> None:
    """Remove a consultation from the plan's log; its history rows stay."""
    record_remove(actor=actor, record=consultation, plan_id=consultation.plan_id)
