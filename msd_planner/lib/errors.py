"""Exceptions the access helpers raise; the authorisation log middleware records them."""

from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404

from msd_planner.lib.types import User


class ObjectHidden(Http404):
    """The user may not see the object: answer 404 so its existence does not leak."""

    def __init__(self, action: str, object_description: str):
        super().__init__("Not found.")
        self.action = action
        self.object_description = object_description


class ActionRefused(PermissionDenied):
    """The user may see the object but not perform the action: answer 403."""

    def __init__(self, action: str, object_description: str):
        super().__init__(f"You may not {action} this.")
        self.action = action
        self.object_description = object_description


class RecordGone(Http404):
    """The record asked for was removed from a plan the user may see: the page says who
    removed it and when (and keeps what the user was submitting), instead of a bare 404."""

    def __init__(
        self,
        object_description: str,
        removed_by: User | None,
        removed_at: datetime,
        context: dict[str, Any],
    ):
        super().__init__("Removed.")
        self.object_description = object_description
        self.removed_by = removed_by
        self.removed_at = removed_at
        self.context = context  # of the page around it (e.g. the plan)


class PlanClosed(Exception):
    """The plan is not a draft, so its content does not change now: the edit page is not
    offered, and a request for it answers 409 with a page saying why and what to do next
    (and what the user was submitting, to copy)."""

    def __init__(self, action: str, object_description: str, context: dict[str, Any]):
        super().__init__(f"The plan is closed to {action}.")
        self.action = action
        self.object_description = object_description
        self.context = context  # of the page around it (the plan, the user's actions)
