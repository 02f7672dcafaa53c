"""The plan's life: draft → in validation → validated → adopted, and back to draft to
change it (a request for changes, a withdrawal, a revision after adoption).

One table (``TRANSITIONS``) says which status may follow which, through which step and
with which ``PlanAction``. One service per step; each locks the plan row, checks the
actor against the table, applies its rules, saves and writes a ``PlanTransition``.
Sign-offs are governance's (it knows the lead model and the signatories): its signing
service calls ``plan_validate`` or ``plan_changes_request`` here.

While a plan is not a draft its content is read-only: ``action_plans.services.plan_lock``,
the first lock of every edit service, refuses.
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from action_plans.derived import derived
from action_plans.documents import document_request
from action_plans.history import ChangeEntry, plan_change_log
from action_plans.hooks import (
    DashboardFact,
    PlanPage,
    ReadinessItem,
    dashboard_facts,
    plan_page,
    readiness_checks,
    validation_policy,
)
from action_plans.models import (
    OPEN_VERSION_STATUSES,
    ActionPlan,
    ChangeReason,
    DocumentEdition,
    DocumentFormat,
    DocumentStatus,
    NotificationEvent,
    PlanChange,
    PlanDocument,
    PlanStatus,
    PlanTransition,
    PlanVersion,
    TransitionStep,
    VersionStatus,
)
from action_plans.notifications import Text, notify
from action_plans.permissions import plan_actions_for_user
from action_plans.policy import PlanAction
from action_plans.selectors import snapshot_contents
from action_plans.services import plan_row_lock
from action_plans.snapshot import (
    Difference,
    build_snapshot,
    compare,
    differences,
    section_title,
    section_url,
    snapshot_freeze,
)
from msd_planner.lib.types import AnyUser, User

T = TypeVar("T")

Step = TransitionStep  # the steps of the table, as the views name them too


@dataclass(frozen=True)
class Transition:
    source: PlanStatus
    target: PlanStatus
    action: PlanAction  # what the actor must hold on the plan


TRANSITIONS: dict[Step, Transition] = {
    Step.SUBMIT: Transition(PlanStatus.DRAFT, PlanStatus.IN_VALIDATION, PlanAction.CHANGE),
    Step.WITHDRAW: Transition(PlanStatus.IN_VALIDATION, PlanStatus.DRAFT, PlanAction.CHANGE),
    Step.REQUEST_CHANGES: Transition(PlanStatus.IN_VALIDATION, PlanStatus.DRAFT, PlanAction.SIGN),
    Step.VALIDATE: Transition(PlanStatus.IN_VALIDATION, PlanStatus.VALIDATED, PlanAction.SIGN),
    Step.ADOPT: Transition(PlanStatus.VALIDATED, PlanStatus.ADOPTED, PlanAction.CHANGE),
    Step.OPEN_REVISION: Transition(PlanStatus.ADOPTED, PlanStatus.DRAFT, PlanAction.CHANGE),
}


def steps_from(status: str) -> list[Step]:
    return [step for step, transition in TRANSITIONS.items() if transition.source == status]


# Recording a change with its reason is not a transition, but it has a page like the
# steps: it applies to a draft that revises an adopted plan.
RECORD_CHANGE = "record_change"


def step_applies(plan: ActionPlan, step: str) -> bool:
    """Whether the page of ``step`` may be offered for ``plan`` as it is now: the table
    says from which status each step leaves."""
    if step == RECORD_CHANGE:
        return plan.status == PlanStatus.DRAFT and official_version(plan) is not None
    return TRANSITIONS[Step(step)].source == plan.status


def step_refusal(plan: ActionPlan, step: str) -> str:
    """Why the page of ``step`` is not offered for ``plan`` now."""
    if step == RECORD_CHANGE:
        return _("Changes are recorded with a reason in a revision of an adopted plan.")
    return _("The plan is %(status)s: “%(step)s” does not apply now.") % {
        "status": plan.get_status_display().lower(),
        "step": Step(step).label,
    }


class TransitionRefused(ValidationError):
    """The step does not apply (the plan moved on, or the actor may not take it)."""


# --- readiness -------------------------------------------------------------------------


@dataclass(frozen=True)
class RevisionChanges:
    """What a revision changed since the official version, record by record, and which
    of those differences a recorded change names. A difference undone (the record as it
    was) is no longer one; a record named once stays explained, however often it
    changes again before the revision is submitted."""

    official: PlanVersion  # its snapshot not loaded (the readiness is kept in the cache)
    differences: list[Difference]
    explained: frozenset[str]

    @property
    def unexplained(self) -> list[Difference]:
        return [item for item in self.differences if not set(item.keys) <= self.explained]


def plan_facts(plan: ActionPlan) -> list[DashboardFact]:
    """The counts and figures of the plan's overview, every app's (``dashboard_facts``),
    computed once per content revision, language and day (what is overdue changes with
    the date), for every reader."""
    return derived(plan, "dashboard_facts", dashboard_facts, per_day=True)


def plan_facts_shown(plan: ActionPlan, actions: Iterable[PlanAction]) -> list[DashboardFact]:
    """The facts of the overview a reader holding ``actions`` on the plan sees."""
    actions = frozenset(actions)
    return [fact for fact in plan_facts(plan) if fact.shown(actions)]


def recent_changes(plan: ActionPlan) -> list[ChangeEntry]:
    """The overview's latest changes, read once per content revision and language: every
    change the log shows is written under the plan's lock or marks the plan changed."""
    return derived(plan, "recent_changes", lambda plan: plan_change_log(plan, size=5).entries)


def figures_derive(plan_id: int, revision: str) -> bool:
    """Compute the plan's figures at ``revision`` (its readiness in every language, its
    dashboard's facts, the draft's snapshot) into the derived cache; nothing if a later
    write has given the plan another revision meanwhile. True when they were computed."""
    for language, _name in settings.LANGUAGES:
        plan = ActionPlan.objects.filter(pk=plan_id, content_revision=revision).first()
        if plan is None:
            return False  # removed, or superseded: its own job computes the newer figures
        with translation.override(language):
            plan_facts(plan)
            recent_changes(plan)
            if plan.status == PlanStatus.DRAFT:
                plan_readiness(plan)
    return True


def draft_snapshot(plan: ActionPlan) -> dict[str, Any]:
    """The draft's snapshot, as a version submitted now would freeze it: built once per
    content revision of the plan (``action_plans.derived``)."""
    return derived(plan, "draft_snapshot", build_snapshot, per_language=False)


def revision_changes(plan: ActionPlan) -> RevisionChanges | None:
    """The draft of a revision compared with the official version. None unless the plan
    is a revision's draft."""
    if plan.status != PlanStatus.DRAFT:
        return None
    official = PlanVersion.objects.filter(plan=plan, status=VersionStatus.ADOPTED).first()
    if official is None:
        return None
    official_content = snapshot_contents([official])[official.pk]
    explained = frozenset(
        key
        for records in revision_change_log(plan, official).values_list("records", flat=True)
        for key in records
    )
    return RevisionChanges(
        official,
        differences(compare(official_content, draft_snapshot(plan))),
        explained,
    )


def revision_change_log(plan: ActionPlan, official: PlanVersion) -> QuerySet[PlanChange]:
    """The changes recorded since ``official`` was adopted: in the draft, and in the
    revision's versions already submitted (2.0 for a draft that will be 2.1)."""
    return PlanChange.objects.filter(plan=plan).filter(
        Q(version=None) | Q(version__major__gt=official.major)
    )


LISTED_UNEXPLAINED = 10  # in the checklist; the validation page lists them all


def _explanation_item(plan: ActionPlan, revision: RevisionChanges) -> ReadinessItem:
    unexplained = revision.unexplained
    return ReadinessItem(
        key="changes_explained",
        label=_("Every change since version %(number)s has its reason")
        % {"number": revision.official.number},
        blocking=True,
        problems=tuple(
            _("%(subject)s (%(kind)s): no reason recorded.")
            % {"subject": item.subject, "kind": item.kind_label}
            for item in unexplained[:LISTED_UNEXPLAINED]
        )
        + (
            (
                _("And %(count)s more differences without a reason.")
                % {"count": len(unexplained) - LISTED_UNEXPLAINED},
            )
            if len(unexplained) > LISTED_UNEXPLAINED
            else ()
        ),
        url=validation_url(plan) + "#unexplained",
        order=1000,
    )


@dataclass(frozen=True)
class Readiness:
    items: list[ReadinessItem]
    revision: RevisionChanges | None = None  # a revision's differences and their reasons

    @property
    def blocking(self) -> list[ReadinessItem]:
        return [item for item in self.items if item.blocking and not item.ok]

    @property
    def warnings(self) -> list[ReadinessItem]:
        return [item for item in self.items if not item.blocking and not item.ok]

    @property
    def ready(self) -> bool:
        return not self.blocking


def plan_readiness(plan: ActionPlan) -> Readiness:
    """Every app's criteria for the plan, blocking ones first, in the apps' order; for
    a revision, every difference from the official version explained by a reason.
    Judged once per content revision of the plan and language (``action_plans.derived``)."""
    return derived(plan, "readiness", _readiness_judged)


def _readiness_judged(plan: ActionPlan) -> Readiness:
    items = [item for check in readiness_checks() for item in check(plan)]
    revision = revision_changes(plan)
    if revision is not None:
        items.append(_explanation_item(plan, revision))
    return Readiness(sorted(items, key=lambda item: (not item.blocking, item.order)), revision)


# --- the steps -------------------------------------------------------------------------


def validation_url(plan: ActionPlan) -> str:
    return reverse("plan_validation", args=[plan.pk])


def tell(
    plan: ActionPlan, event: str, users: Iterable[User | None], message: Text, *, url: str = ""
) -> None:
    """Tell ``users`` what happened to ``plan`` (in the app, and by email on commit), each
    in their language (``message`` writes the text in the active one), with a link to
    ``url`` (the validation page unless told)."""
    notify(
        users=users,
        plan=plan,
        event=event,
        subject=lambda: f"MSD Planner – {plan.title}: {NotificationEvent(event).label}",
        message=message,
        url=url or validation_url(plan),
    )


def _render_later(
    plan: ActionPlan,
    version: PlanVersion,
    *,
    again: bool = False,
    edition: str = DocumentEdition.OFFICIAL,
) -> None:
    """Queue the version's PDF (after commit): on submission the edition for validation,
    which the signatories read and which stays as it was rendered; on validation the
    official one, rendered again on adoption (the cover then carries the adoption's date
    and act), with the Word document of the adopted version."""
    if not settings.PLAN_DOCUMENTS_ON_VALIDATION:
        return
    if again:
        PlanDocument.objects.filter(version=version, edition=edition).update(
            status=DocumentStatus.QUEUED
        )
    document_request(plan=plan, version=version, edition=edition)
    if again:
        document_request(plan=plan, version=version, edition=edition, format=DocumentFormat.DOCX)


def _lock(plan_id: int) -> ActionPlan:
    return plan_row_lock(plan_id)


def open_version(plan: ActionPlan) -> PlanVersion | None:
    return PlanVersion.objects.filter(plan=plan, status__in=OPEN_VERSION_STATUSES).first()


def official_version(plan: ActionPlan) -> PlanVersion | None:
    return PlanVersion.objects.filter(plan=plan, status=VersionStatus.ADOPTED).first()


def _moved_on(plan: ActionPlan, step: Step) -> TransitionRefused:
    last = plan.transitions.select_related("actor").first()
    if last is None:
        return TransitionRefused(
            _("The plan is %(status)s: this step does not apply.")
            % {"status": plan.get_status_display().lower()}
        )
    return TransitionRefused(
        _(
            "The plan is %(status)s since %(who)s's step “%(step)s” on %(when)s: nothing "
            "was changed."
        )
        % {
            "status": plan.get_status_display().lower(),
            "who": last.actor or _("the system"),
            "step": last.get_step_display(),
            "when": formats.date_format(timezone.localtime(last.created_at), "DATETIME_FORMAT"),
        }
    )


def _take(
    step: Step,
    *,
    plan_id: int,
    actor: User | None,
    comment: str = "",
    organisation_name: str = "",
    version: PlanVersion | None = None,
) -> ActionPlan:
    """Check ``step`` against the table for ``actor`` on the locked plan, move the plan
    and record the transition. The caller has locked the plan and applies the step's
    own rules."""
    plan = ActionPlan.objects.get(pk=plan_id)
    transition = TRANSITIONS[step]
    if plan.status != transition.source:
        raise _moved_on(plan, step)
    if actor is not None and transition.action not in plan_actions_for_user(actor, plan):
        raise TransitionRefused(_("You may not take this step on this plan."))
    if actor is not None and not organisation_name:
        organisation_name = validation_policy().acting_for(actor, plan)
    PlanTransition.objects.create(
        plan=plan,
        version=version,
        step=step,
        from_status=transition.source,
        to_status=transition.target,
        actor=actor,
        organisation_name=organisation_name,
        comment=comment,
    )
    plan.status = transition.target
    plan.save(update_fields=["status", "updated_at"])
    return plan


def _next_number(plan: ActionPlan) -> tuple[int, int]:
    """1.0 first; the minor number on each resubmission; the next major number for the
    first submission after an adoption."""
    adopted = PlanVersion.objects.filter(
        plan=plan, status__in=[VersionStatus.ADOPTED, VersionStatus.SUPERSEDED]
    ).count()
    major = adopted + 1
    minor = PlanVersion.objects.filter(plan=plan, major=major).count()
    return major, minor


@transaction.atomic
def plan_submit(*, actor: User | None, plan: ActionPlan, comment: str = "") -> PlanVersion:
    """Send the draft for validation, refused while a blocking readiness criterion fails
    (the refusal lists them). A numbered version is made."""
    plan = _lock(plan.pk)
    if plan.status != TRANSITIONS[Step.SUBMIT].source:
        raise _moved_on(plan, Step.SUBMIT)
    readiness = plan_readiness(plan)
    if not readiness.ready:
        raise TransitionRefused(
            [_("The plan is not ready for validation:")]
            + [f"{item.label}: {' '.join(item.problems)}" for item in readiness.blocking]
        )
    revising = official_version(plan) is not None
    if revising and not PlanChange.objects.filter(plan=plan, version=None).exists():
        raise TransitionRefused(
            _(
                "A revision of an adopted plan is submitted with its changes: record at least "
                "one, with its reason."
            )
        )
    major, minor = _next_number(plan)
    version = PlanVersion.objects.create(
        plan=plan,
        major=major,
        minor=minor,
        status=VersionStatus.IN_VALIDATION,
        submitted_at=timezone.now(),
        submitted_by=actor,
    )
    # the plan as it stands under this lock (its revision new): the version's content
    snapshot_freeze(version=version, content=draft_snapshot(plan))
    PlanChange.objects.filter(plan=plan, version=None).update(version=version)
    _take(Step.SUBMIT, plan_id=plan.pk, actor=actor, comment=comment, version=version)
    _render_later(plan, version, edition=DocumentEdition.FOR_VALIDATION)
    tell(
        plan,
        NotificationEvent.VALIDATION_OPENED,
        validation_policy().signatories(plan),
        lambda: (
            _(
                "Version %(number)s of “%(plan)s” is open for validation. As a signatory of an "
                "organisation whose signature is required, approve it or request changes."
            )
            % {"number": version.number, "plan": plan.title}
        ),
    )
    return version


@transaction.atomic
def plan_withdraw(*, actor: User | None, plan: ActionPlan, comment: str) -> ActionPlan:
    """Take the version out of validation, back to the draft (a reason is required)."""
    plan = _lock(plan.pk)
    if not comment.strip():
        raise ValidationError({"comment": _("Say why the plan is withdrawn from validation.")})
    version = open_version(plan)
    plan = _take(Step.WITHDRAW, plan_id=plan.pk, actor=actor, comment=comment, version=version)
    if version is not None:
        version.status = VersionStatus.WITHDRAWN
        version.save(update_fields=["status"])
    return plan


def plan_changes_request(
    *,
    actor: User | None,
    plan: ActionPlan,
    organisation_name: str,
    comment: str,
    section: str = "",
) -> ActionPlan:
    """A required organisation asks for changes (about one ``section`` of the version, if
    it says which): the version goes back to a draft and the coordinators are pointed to
    that section of it. Called by governance's signing service, inside its transaction,
    with the plan locked."""
    version = open_version(plan)
    plan = _take(
        Step.REQUEST_CHANGES,
        plan_id=plan.pk,
        actor=actor,
        comment=comment,
        organisation_name=organisation_name,
        version=version,
    )
    version = _the_open_version(version)
    version.status = VersionStatus.CHANGES_REQUESTED
    version.save(update_fields=["status"])
    words = {
        "organisation": organisation_name,
        "number": version.number,
        "plan": plan.title,
        "comment": comment,
    }

    def message() -> str:
        if section:
            return _(
                "%(organisation)s requested changes to version %(number)s of “%(plan)s”, about "
                "its section “%(section)s”: %(comment)s"
            ) % {**words, "section": section_title(section)}
        return (
            _("%(organisation)s requested changes to version %(number)s of “%(plan)s”: %(comment)s")
            % words
        )

    tell(
        plan,
        NotificationEvent.CHANGES_REQUESTED,
        validation_policy().coordinators(plan),
        message,
        url=section_url(version, section) if section else "",
    )
    return plan


def plan_validate(*, actor: User | None, plan: ActionPlan, organisation_name: str) -> ActionPlan:
    """The last required approval is in: the version is validated. Called by governance's
    signing service, inside its transaction, with the plan locked."""
    version = open_version(plan)
    policy = validation_policy()
    missing = {item.organisation_id for item in policy.required(plan)} - policy.approvals(version)
    if missing:
        raise TransitionRefused(_("Some required organisations have not approved yet."))
    plan = _take(
        Step.VALIDATE,
        plan_id=plan.pk,
        actor=actor,
        organisation_name=organisation_name,
        version=version,
    )
    version = _the_open_version(version)
    version.status = VersionStatus.VALIDATED
    version.validated_at = timezone.now()
    version.save(update_fields=["status", "validated_at"])
    _render_later(plan, version)
    tell(
        plan,
        NotificationEvent.VALIDATED,
        policy.coordinators(plan),
        lambda: (
            _(
                "Version %(number)s of “%(plan)s” is validated by every required organisation: "
                "it can be adopted."
            )
            % {"number": version.number, "plan": plan.title}
        ),
    )
    return plan


def adoption_dates(plan: ActionPlan) -> tuple[date | None, date]:
    """The first and last days the open version can have been adopted: the day it was
    validated (local time; none while it is not validated) and today."""
    version = open_version(plan)
    validated_at = version.validated_at if version is not None else None
    earliest = timezone.localdate(validated_at) if validated_at is not None else None
    return earliest, timezone.localdate()


@transaction.atomic
def plan_adopt(
    *,
    actor: User | None,
    plan: ActionPlan,
    adoption_date: date,
    reference: str,
    comment: str = "",
) -> PlanVersion:
    """Adopt the validated version: it becomes the official plan (the one adopted before
    it is superseded)."""
    plan = _lock(plan.pk)
    problems: dict[str, list[str]] = {}
    earliest, latest = adoption_dates(plan)
    if adoption_date is None:
        problems["adoption_date"] = [_("Enter the date of adoption.")]
    elif adoption_date > latest:
        problems["adoption_date"] = [_("The date of adoption cannot be in the future.")]
    elif earliest is not None and adoption_date < earliest:
        problems["adoption_date"] = [
            _("The date of adoption cannot be before the version was validated, on %(date)s.")
            % {"date": formats.date_format(earliest, "DATE_FORMAT")}
        ]
    if not (reference or "").strip():
        problems["reference"] = [_("Enter the adopting act or its reference.")]
    if problems:
        raise ValidationError(problems)
    if actor is not None and plan.status == PlanStatus.VALIDATED:
        refusal = validation_policy().adoption_refusal(plan, actor)
        if refusal:
            raise TransitionRefused(refusal)
    version = open_version(plan)
    _take(Step.ADOPT, plan_id=plan.pk, actor=actor, comment=comment, version=version)
    version = _the_open_version(version)
    PlanVersion.objects.filter(plan=plan, status=VersionStatus.ADOPTED).update(
        status=VersionStatus.SUPERSEDED
    )
    version.status = VersionStatus.ADOPTED
    version.adopted_at = timezone.now()
    version.adopted_by = actor
    version.adoption_date = adoption_date
    version.adoption_reference = reference.strip()
    version.save()
    _render_later(plan, version, again=True)
    policy = validation_policy()
    tell(
        plan,
        NotificationEvent.ADOPTED,
        [*policy.coordinators(plan), *policy.signatories(plan)],
        lambda: (
            _("Version %(number)s of “%(plan)s” was adopted on %(date)s (%(reference)s).")
            % {
                "number": version.number,
                "plan": plan.title,
                "date": formats.date_format(adoption_date, "DATE_FORMAT"),
                "reference": version.adoption_reference,
            }
        ),
    )
    return version


def _change_problems(reason: str, text: str) -> dict[str, list[str]]:
    problems = {}
    if reason not in ChangeReason.values:
        problems["reason"] = [_("Choose the reason for the change.")]
    if not (text or "").strip():
        problems["text"] = [_("Say what changes and why.")]
    return problems


@transaction.atomic
def plan_revision_open(
    *, actor: User | None, plan: ActionPlan, reason: str, text: str
) -> ActionPlan:
    """Open the adopted plan for revision: a new draft, while the adopted version stays
    the official one until its successor is adopted. The reason is the first entry of
    the revision's change log."""
    plan = _lock(plan.pk)
    problems = _change_problems(reason, text)
    if problems:
        raise ValidationError(problems)
    plan = _take(
        Step.OPEN_REVISION,
        plan_id=plan.pk,
        actor=actor,
        comment=f"{ChangeReason(reason).label}: {text.strip()}",
        version=official_version(plan),
    )
    PlanChange.objects.create(plan=plan, reason=reason, text=text.strip(), actor=actor)
    return plan


def _the_open_version(version: PlanVersion | None) -> PlanVersion:
    """The open version of a plan whose step the table has just allowed: a plan in
    validation or validated has one."""
    if version is None:
        raise LookupError("a plan in validation or validated has an open version")
    return version


def _revision(plan: ActionPlan) -> RevisionChanges:
    """The revision whose changes are being recorded (``_may_record_changes`` checked the
    plan is a revision's draft)."""
    revision = revision_changes(plan)
    if revision is None:
        raise TransitionRefused(
            _("Changes are recorded with a reason in a revision of an adopted plan.")
        )
    return revision


def _may_record_changes(actor: User | None, plan: ActionPlan) -> None:
    if plan.status != PlanStatus.DRAFT or official_version(plan) is None:
        raise TransitionRefused(
            _("Changes are recorded with a reason in a revision of an adopted plan.")
        )
    if actor is not None and PlanAction.CHANGE not in plan_actions_for_user(actor, plan):
        raise TransitionRefused(_("You may not record changes of this plan."))


@transaction.atomic
def plan_change_record(
    *,
    actor: User | None,
    plan: ActionPlan,
    reason: str,
    text: str,
    records: Sequence[str] = (),
) -> PlanChange:
    """Record a change made in a revision of the adopted plan, with its reason and the
    records it explains (``records``: keys of the differences from the official version,
    each with the parts that differ with it): the change log of the version the revision
    becomes."""
    plan = _lock(plan.pk)
    _may_record_changes(actor, plan)
    problems = _change_problems(reason, text)
    explained = []
    if records:
        revision = _revision(plan)
        by_key = {item.key: item for item in revision.differences}
        if any(key not in by_key for key in records):
            problems["records"] = [
                _("A record chosen no longer differs from version %(number)s: see the list again.")
                % {"number": revision.official.number}
            ]
        else:
            # each record with its parts, in the comparison's order
            explained = list(
                dict.fromkeys(key for chosen in records for key in by_key[chosen].keys)
            )
    if problems:
        raise ValidationError(problems)
    return PlanChange.objects.create(
        plan=plan, reason=reason, text=text.strip(), records=explained, actor=actor
    )


@transaction.atomic
def plan_change_made(
    *,
    actor: User | None,
    plan: ActionPlan,
    write: Callable[[], T],
    record_key: Callable[[T], str],
    reason: str,
    text: str,
) -> tuple[T, PlanChange | None]:
    """A record saved in a revision with the reason for its change, in one transaction:
    ``write()`` is the app's own service, ``record_key(result)`` the record's key in the
    snapshot. The change is recorded naming the record (and its parts) when the record
    then differs from the official version; a save that leaves it as the official
    version has it records no change (None)."""
    plan = _lock(plan.pk)
    _may_record_changes(actor, plan)
    problems = _change_problems(reason, text)
    if problems:
        raise ValidationError(problems)
    result = write()
    revision = _revision(plan)
    difference = next(
        (item for item in revision.differences if item.key == record_key(result)), None
    )
    if difference is None:
        return result, None
    change = PlanChange.objects.create(
        plan=plan, reason=reason, text=text.strip(), records=difference.keys, actor=actor
    )
    return result, change


def pending_changes(plan: ActionPlan) -> QuerySet[PlanChange]:
    """The changes recorded in the current revision, not yet in a version."""
    return PlanChange.objects.filter(plan=plan, version=None).select_related("actor")


# --- the next step, in words -------------------------------------------------------------


@dataclass(frozen=True)
class NextStep:
    text: str
    url: str = ""
    link: str = ""


def next_step(
    plan: ActionPlan,
    user: AnyUser,
    actions: frozenset[PlanAction],
    readiness: Readiness | None,
) -> NextStep:
    """Where the plan stands and what this user may do next (for the dashboard)."""
    policy = validation_policy()
    page = reverse("plan_validation", args=[plan.pk])
    may_change = PlanAction.CHANGE in actions
    if plan.status == PlanStatus.DRAFT:
        if readiness is not None and not readiness.ready:
            return NextStep(
                _("%(count)s blocking criteria to meet before the plan can be submitted.")
                % {"count": len(readiness.blocking)},
                page + "#readiness",
                _("See the checklist"),
            )
        if may_change:
            return NextStep(
                _("The plan is ready: submit it for validation."),
                reverse("plan_submit", args=[plan.pk]),
                _("Submit for validation"),
            )
        return NextStep(_("The plan is a draft; its coordinators submit it for validation."))
    version = open_version(plan)
    if plan.status == PlanStatus.IN_VALIDATION and version is not None:
        required = policy.required(plan)
        approved = policy.approvals(version)
        text = _(
            "%(count)s of %(total)s required organisations have approved version %(number)s."
        ) % {
            "count": len({item.organisation_id for item in required} & approved),
            "total": len(required),
            "number": version.number,
        }
        if set(policy.signable(user, plan)) - approved:
            return NextStep(text, plan_page(PlanPage.SIGN, plan), _("Sign for your organisation"))
        return NextStep(text, page + "#signatures", _("See the sign-offs"))
    if plan.status == PlanStatus.VALIDATED and version is not None:
        if may_change and not policy.adoption_refusal(plan, user):
            return NextStep(
                _("Version %(number)s is validated: adopt it.") % {"number": version.number},
                reverse("plan_adopt", args=[plan.pk]),
                _("Adopt the plan"),
            )
        return NextStep(
            _("Version %(number)s is validated and awaits adoption.") % {"number": version.number}
        )
    official = official_version(plan)
    return NextStep(
        _("Version %(number)s is the official plan; a revision opens a new draft.")
        % {"number": official.number if official else "—"},
        reverse("plan_revision_open", args=[plan.pk]) if may_change else "",
        _("Open a revision") if may_change else "",
    )
