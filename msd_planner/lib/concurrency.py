"""Optimistic locking: a version column checked under ``select_for_update``."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _


class EditConflict(ValidationError):
    """Someone saved the record after this user opened it; nothing was saved."""

    def __init__(self):
        super().__init__(
            _(
                "Someone else saved this record after you opened it. Nothing was saved: "
                "review their changes below and make yours again."
            ),
            code="conflict",
        )


def lock_for_update(instance: models.Model, expected_version: int) -> models.Model:
    """Lock the row of ``instance``; raise ``EditConflict`` if its version moved on.

    Call inside a transaction. Returns the locked, fresh row.
    """
    fresh = type(instance).objects.select_for_update().get(pk=instance.pk)
    if fresh.version != expected_version:
        raise EditConflict()
    return fresh
