"""Typed access to the fields of forms and models, for what only some kinds have.

For a type checker ``form.fields`` holds plain ``Field``s: a choice field's ``choices``
or a model choice field's ``queryset`` are reached through ``form_field``, which checks
that the field is of that kind; ``Model._meta.get_field`` may give a relation seen from
its other end, which has no ``verbose_name`` of its own.
"""

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.db import models

from msd_planner.lib.types import StrOrPromise

FieldT = TypeVar("FieldT", bound=forms.Field)


def form_field(form: forms.BaseForm, name: str, kind: type[FieldT]) -> FieldT:
    """``form.fields[name]``, which is a ``kind`` of field (TypeError otherwise)."""
    field = form.fields[name]
    if not isinstance(field, kind):
        raise TypeError(f"{name} is a {type(field).__name__}, not a {kind.__name__}")
    return field


def label_choices(field: "forms.ModelChoiceField[Any]", label: Callable[[Any], str]) -> None:
    """Name the records ``field`` offers with ``label(record)`` rather than
    ``str(record)``: Django's ``label_from_instance``, replaced on this field alone."""
    field.label_from_instance = label  # type: ignore[method-assign, assignment]  # on this field alone


def verbose_name(model: type[models.Model] | models.Model, name: str) -> StrOrPromise:
    """The ``verbose_name`` of the field ``name`` of ``model`` (TypeError for a relation
    seen from its other end)."""
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field):
        raise TypeError(f"{name} is not a field of {model._meta.label}")
    return field.verbose_name
