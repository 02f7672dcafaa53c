"""The one role → action → permission policy of a plan.

Everything that needs to know what a role may do reads it here: the grants written by
``governance.services`` (the only code that grants), the access checks of
``action_plans.permissions``, and the "who can do what" page.
"""

from enum import StrEnum

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """A member's role in their organisation."""

    VIEWER = "viewer", _("Viewer")
    EDITOR = "editor", _("Editor")
    SIGNATORY = "signatory", _("Signatory")
    COORDINATOR = "coordinator", _("Coordinator")


class PlanAction(StrEnum):
    VIEW = "view"
    CONTRIBUTE = "contribute"  # propose items, edit the organisation's own items
    CHANGE = "change"  # edit everything in the plan, run its workflow
    GOVERN = "govern"  # lead arrangement and participants
    SIGN = "sign"  # sign off for an organisation


# What each role of a participating organisation may do on the plan.
ROLE_ACTIONS: dict[str, frozenset[PlanAction]] = {
    Role.VIEWER: frozenset({PlanAction.VIEW}),
    Role.EDITOR: frozenset({PlanAction.VIEW, PlanAction.CONTRIBUTE}),
    Role.SIGNATORY: frozenset({PlanAction.VIEW, PlanAction.SIGN}),
    Role.COORDINATOR: frozenset({PlanAction.VIEW, PlanAction.CONTRIBUTE}),
}
# What the coordinators of a lead body may do in addition: run the whole plan.
LEAD_COORDINATOR_ACTIONS = frozenset({PlanAction.CHANGE, PlanAction.GOVERN})
# A platform administrator sees every plan and may change its governance, but edits,
# signs or runs a plan only through a membership.
PLATFORM_ADMIN_ACTIONS = frozenset({PlanAction.VIEW, PlanAction.GOVERN})


def role_actions(role: str, *, organisation_leads_plan: bool) -> frozenset[PlanAction]:
    """What a member with ``role`` may do on a plan their organisation takes part in."""
    actions = ROLE_ACTIONS[role]
    if role == Role.COORDINATOR and organisation_leads_plan:
        actions |= LEAD_COORDINATOR_ACTIONS
    return actions


def permission_codename(action: PlanAction) -> str:
    """The django-guardian permission (on ``ActionPlan``) that carries ``action``."""
    return f"{action.value}_actionplan"


ACTION_BY_CODENAME = {permission_codename(action): action for action in PlanAction}
