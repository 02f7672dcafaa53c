"""Links the API adds to another app's pages."""

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from action_plans.hooks import RecordLink


def account_links(user: Any, access: Any) -> list[RecordLink]:
    """On the user's own account page: their API tokens (every signed-in user has some)."""
    return [RecordLink(_("API tokens: let a script read and report as you"), reverse("api_tokens"))]
