"""Optimistic locking: a version column checked under ``select_for_update``."""

import copy
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _


class EditConflict(ValidationError):
    """Someone saved the record after this user opened it; nothing was saved.

    ``current`` is the record as it is now saved, for the form to show it and to carry
    its version, so that submitting again (deliberately) overwrites it.
    """

    def __init__(self, current: models.Model):
        super().__init__(
            _(
                "Someone else saved this record after you opened it, so nothing was saved. "
                "Their version is shown below; your changes are still in the form. Submit "
                "again to replace their version with yours."
            ),
            code="conflict",
        )
        self.current = current


def lock_for_update(instance: models.Model, expected_version: int) -> models.Model:
    """Lock the row of ``instance``; raise ``EditConflict`` if its version moved on.

    Call inside a transaction. Returns the locked, fresh row.
    """
    fresh = type(instance).objects.select_for_update().get(pk=instance.pk)
    if fresh.version != expected_version:
        raise EditConflict(fresh)
    return fresh


def form_after_conflict(build_form: Callable, data, conflict: EditConflict):
    """The form shown again after ``conflict``: the user's input, the version now saved
    (so that submitting again replaces it on purpose) and the conflict message.

    ``build_form(data, instance)`` builds the page's form; it gets a copy of the saved
    record, because validating a model form writes the user's input into its instance.
    """
    data = data.copy()
    data["version"] = conflict.current.version
    form = build_form(data, copy.copy(conflict.current))
    form.is_valid()
    form.add_error(None, conflict)
    return form


def display_value(instance: models.Model, name: str) -> str:
    """One field of ``instance`` in words, as a detail page would show it."""
    model_field = instance._meta.get_field(name)
    if model_field.many_to_many:
        return ", ".join(str(item) for item in getattr(instance, name).all()) or "—"
    if model_field.choices:
        return str(getattr(instance, f"get_{name}_display")()) or "—"
    value = getattr(instance, name)
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if value is None or value == "":
        return "—"
    return str(value)


def saved_values(form, current: models.Model) -> list[tuple[str, str]]:
    """For the conflict screen: (label, value as saved now) of each field of the record
    the user's form would change."""
    names = {model_field.name for model_field in current._meta.get_fields()}
    return [
        (str(form[name].label), display_value(current, name))
        for name in form.changed_data
        if name in names and name != "version"
    ]
