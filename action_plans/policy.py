"""The one role → action → permission policy of a plan.

Everything that needs to know what a role may do reads it here: the grants written by
``governance.services`` (the only code that grants), the access checks of
``action_plans.permissions`` and the "who can do what" page. The tests do not read it:
they hold the expected role × action tables written by hand (``tests/cast_access.py``).

Three layers of rights, each written once:

1. **Roles** (``ROLE_ACTIONS``): what a member of an organisation taking part may do.
2. **Lead bodies**: the coordinators of any lead body run the whole plan
   (``LEAD_COORDINATOR_ACTIONS``); the coordinators and editors of the lead body
   responsible for an activity do that activity's work (``ACTIVITY_ACTIONS``).
3. **Own items** (``RecordRule``): an editor or coordinator of the organisation that owns
   a record (proposed it, is responsible for it, took part in it) may do to that record
   what the rule says, while the rule says it is open to its owners.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """A member's role in their organisation."""

    VIEWER = "viewer", _("Viewer")
    EDITOR = "editor", _("Editor")
    SIGNATORY = "signatory", _("Signatory")
    COORDINATOR = "coordinator", _("Coordinator")


class Activity(models.TextChoices):
    """The activities of the planning process; a plan's lead arrangement names the lead
    body responsible for each."""

    PRIORITISATION = "prioritisation", _("Prioritisation of targets")
    FRAMEWORK_REVIEW = "framework_review", _("Review of existing frameworks")
    INTERVENTION_DESIGN = "intervention_design", _("Intervention design")
    RESOURCE_MOBILISATION = "resource_mobilisation", _("Resource mobilisation")
    MONITORING = "monitoring", _("Monitoring and evaluation")
    VALIDATION = "validation", _("Validation")


class PlanAction(StrEnum):
    VIEW = "view"
    CONTRIBUTE = "contribute"  # propose items, edit and withdraw the organisation's own
    # The work of one activity (held by the lead body responsible for it):
    PRIORITISE = "prioritise"
    REVIEW_FRAMEWORKS = "review_frameworks"
    DESIGN_INTERVENTIONS = "design_interventions"
    MOBILISE_RESOURCES = "mobilise_resources"
    MONITOR = "monitor"
    VALIDATE = "validate"
    CHANGE = "change"  # edit everything in the plan, decide proposals, run its workflow
    GOVERN = "govern"  # lead arrangement and participants
    SIGN = "sign"  # sign off for an organisation


# Each action in a word or two, for lists of what a person may do.
ACTION_LABELS: dict[PlanAction, Promise] = {
    PlanAction.VIEW: _("See"),
    PlanAction.CONTRIBUTE: _("Propose and edit own items"),
    PlanAction.PRIORITISE: _("Prioritisation"),
    PlanAction.REVIEW_FRAMEWORKS: _("Framework review"),
    PlanAction.DESIGN_INTERVENTIONS: _("Intervention design"),
    PlanAction.MOBILISE_RESOURCES: _("Resource mobilisation"),
    PlanAction.MONITOR: _("Monitoring"),
    PlanAction.VALIDATE: _("Validation"),
    PlanAction.CHANGE: _("Edit everything, run workflow"),
    PlanAction.GOVERN: _("Manage governance"),
    PlanAction.SIGN: _("Sign off"),
}

# What each action allows, as the "who can do what" page says it.
ACTION_DESCRIPTIONS: dict[PlanAction, Promise] = {
    PlanAction.VIEW: _("See the plan and everything in it"),
    PlanAction.CONTRIBUTE: _(
        "Propose targets, record consultations the organisation took part in, and edit "
        "the organisation's own items"
    ),
    PlanAction.PRIORITISE: _(
        "Score targets, set the scoring criteria, edit prioritised targets: rationale, "
        "local adaptation, responsible organisation, a rank set by hand"
    ),
    PlanAction.REVIEW_FRAMEWORKS: _("Add, edit, assess and remove existing frameworks"),
    PlanAction.DESIGN_INTERVENTIONS: _("Design the interventions"),
    PlanAction.MOBILISE_RESOURCES: _("Keep the resource mobilisation plan"),
    PlanAction.MONITOR: _("Set baselines, choose indicators, record progress"),
    PlanAction.VALIDATE: _("Organise the validation and adoption of the plan"),
    PlanAction.CHANGE: _(
        "Edit everything in the plan, decide on proposals, remove targets and "
        "consultations, run the workflow"
    ),
    PlanAction.GOVERN: _("Change the lead arrangement and the participants"),
    PlanAction.SIGN: _("Sign off the plan for the organisation"),
}

# The work of each activity, held by the lead body responsible for it.
ACTIVITY_ACTIONS: dict[str, PlanAction] = {
    Activity.PRIORITISATION: PlanAction.PRIORITISE,
    Activity.FRAMEWORK_REVIEW: PlanAction.REVIEW_FRAMEWORKS,
    Activity.INTERVENTION_DESIGN: PlanAction.DESIGN_INTERVENTIONS,
    Activity.RESOURCE_MOBILISATION: PlanAction.MOBILISE_RESOURCES,
    Activity.MONITORING: PlanAction.MONITOR,
    Activity.VALIDATION: PlanAction.VALIDATE,
}

# What each role of a participating organisation may do on the plan.
ROLE_ACTIONS: dict[str, frozenset[PlanAction]] = {
    Role.VIEWER: frozenset({PlanAction.VIEW}),
    Role.EDITOR: frozenset({PlanAction.VIEW, PlanAction.CONTRIBUTE}),
    Role.SIGNATORY: frozenset({PlanAction.VIEW, PlanAction.SIGN}),
    Role.COORDINATOR: frozenset({PlanAction.VIEW, PlanAction.CONTRIBUTE}),
}
# The roles that act for their organisation: they do the work of the activities their
# organisation leads, and edit their organisation's own items.
ACTING_ROLES = frozenset({Role.EDITOR, Role.COORDINATOR})
# What the coordinators of any lead body may do in addition: run the whole plan, which
# includes the work of every activity.
LEAD_COORDINATOR_ACTIONS = frozenset(
    {PlanAction.CHANGE, PlanAction.GOVERN, *ACTIVITY_ACTIONS.values()}
)
# A platform administrator sees every plan and may change its governance, but edits,
# signs or runs a plan only through a membership.
PLATFORM_ADMIN_ACTIONS = frozenset({PlanAction.VIEW, PlanAction.GOVERN})


def role_actions(
    role: str, *, leads_plan: bool = False, activities: Iterable[str] = ()
) -> frozenset[PlanAction]:
    """What a member with ``role`` may do on a plan their organisation takes part in:
    ``leads_plan`` when the organisation is a lead body, ``activities`` those it is the
    lead body responsible for."""
    actions = ROLE_ACTIONS[role]
    if role in ACTING_ROLES:
        actions |= {ACTIVITY_ACTIONS[activity] for activity in activities}
    if role == Role.COORDINATOR and leads_plan:
        actions |= LEAD_COORDINATOR_ACTIONS
    return actions


# The columns of the policy as the "who can do what" page shows it: who, and what they
# hold — all of it, or (lead body editors) only the activities their body leads.
ALL = "all"
OWN_ACTIVITIES = "own_activities"


# What a role may do in its own organisation, beside what it may do on plans.
ORGANISATION_DUTIES: dict[str, tuple[Promise, ...]] = {
    Role.COORDINATOR: (
        _("Manage the organisation's members: invite them, set their roles, end memberships"),
    ),
}


@dataclass(frozen=True)
class PolicyColumn:
    label: Promise
    holds: dict[PlanAction, str]  # action → ALL or OWN_ACTIVITIES; absent: not held
    duties: tuple[Promise, ...] = ()  # in the organisation (ORGANISATION_DUTIES)

    @property
    def summary(self) -> list[str]:
        """What the column holds, in words, in the policy's order, then its duties in the
        organisation."""
        return [
            str(ACTION_LABELS[action])
            if self.holds[action] == ALL
            else _("%(action)s, if their body leads it") % {"action": ACTION_LABELS[action]}
            for action in PlanAction
            if action in self.holds
        ] + [str(duty) for duty in self.duties]


def policy_table() -> list[PolicyColumn]:
    """The role × action table, computed with ``role_actions`` (as the grants are)."""
    every_activity = tuple(ACTIVITY_ACTIONS)

    def column(
        label: Promise,
        actions: frozenset[PlanAction],
        per_activity: frozenset[PlanAction] = frozenset(),
        role: str = "",
    ) -> PolicyColumn:
        holds = {action: ALL for action in actions}
        holds.update({action: OWN_ACTIVITIES for action in per_activity - actions})
        return PolicyColumn(label=label, holds=holds, duties=ORGANISATION_DUTIES.get(role, ()))

    lead_editor_all = role_actions(Role.EDITOR, leads_plan=True, activities=every_activity)
    lead_editor_none = role_actions(Role.EDITOR, leads_plan=True)
    return [
        *(column(role.label, role_actions(role), role=role) for role in Role),
        column(_("Editor of a lead body"), lead_editor_none, lead_editor_all),
        column(
            _("Coordinator of a lead body"),
            role_actions(Role.COORDINATOR, leads_plan=True),
            role=Role.COORDINATOR,
        ),
        column(_("Platform administrator"), PLATFORM_ADMIN_ACTIONS),
    ]


def permission_codename(action: PlanAction) -> str:
    """The django-guardian permission (on ``ActionPlan``) that carries ``action``."""
    return f"{action.value}_actionplan"


ACTION_BY_CODENAME = {permission_codename(action): action for action in PlanAction}


# --- own items -----------------------------------------------------------------------


@dataclass(frozen=True)
class RecordRule:
    """Who may do one thing to one kind of record.

    Whoever holds ``action`` on the plan may do it to every such record (no one, when
    ``action`` is None: the owners' own step); an editor or coordinator of an organisation
    in ``owners(record)`` may do it to that record while ``open_to_owners(record)`` holds.
    ``description`` says so on the "who can do what" page, which lists every rule declared.
    """

    name: str
    action: PlanAction | None
    owners: Callable[[Any], Iterable[int | None]]
    description: Promise
    open_to_owners: Callable[[Any], bool] = lambda record: True
    # Work that goes on once the plan has left the draft (the living plan: progress,
    # comments, the log of meetings with funding partners). Every other rule changes
    # the plan's content, which is frozen outside a draft.
    any_status: bool = False

    def allows(
        self, actions: frozenset[PlanAction], organisation_ids: frozenset[int], record: Any
    ) -> bool:
        if self.action is not None and self.action in actions:
            return True
        return bool(organisation_ids & set(self.owners(record))) and self.open_to_owners(record)


_record_rules: dict[str, RecordRule] = {}


def record_rule(**fields: Any) -> RecordRule:
    """Declare a rule (in an app's ``rules.py``); the "who can do what" page lists it."""
    rule = RecordRule(**fields)
    _record_rules[rule.name] = rule
    return rule


def record_rules() -> tuple[RecordRule, ...]:
    return tuple(_record_rules.values())


# --- what the plan's status leaves open ----------------------------------------------

# Outside a draft a plan's content is frozen: what a user holds of these actions is
# not open to them until a draft is opened again (a withdrawal, a request for changes, a
# revision). Seeing and signing stay open; the workflow's steps check the status
# themselves (``action_plans.workflow.TRANSITIONS``); the work that goes on whatever the
# status is declared by the rules marked ``any_status`` (``living_rules``).
ALWAYS_OPEN_ACTIONS = frozenset({PlanAction.VIEW, PlanAction.SIGN})


def open_actions(actions: frozenset[PlanAction], *, draft: bool) -> frozenset[PlanAction]:
    """The actions of ``actions`` a user may use to change a plan's content now."""
    return actions if draft else actions & ALWAYS_OPEN_ACTIONS


def living_rules() -> tuple[RecordRule, ...]:
    """The work that stays open once a plan is in validation, validated or adopted: the
    one list the "who can do what" page shows under the plan's status."""
    return tuple(rule for rule in _record_rules.values() if rule.any_status)
