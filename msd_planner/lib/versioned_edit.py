"""The versioned-edit contract: the one way a record is edited without lost updates.

1. The model inherits ``Versioned``: a ``version`` column, 1 when created.
2. Its edit form inherits ``VersionedForm`` or ``VersionedModelForm``: a required hidden
   ``version`` field carries the version the user opened; ``form.edited_values()`` are
   the record's fields as submitted. A POST without a version is a form error, never
   a 500.
3. Its service calls ``versioned_update`` inside its transaction: the row is locked
   (``select_for_update``), its version compared (``EditConflict`` if it moved on,
   ``RecordRemoved`` if the row is gone), only the changed fields are written, the
   version goes up by one and one history row names the actor. Rules that span records
   are checked by ``check`` under that lock. Records edited as a set under a parent (a
   framework's assessments, a target's scores, a plan's criteria) are serialised on
   the parent: lock it with ``lock_for_update``, write the children, ``version_bump``
   the parent.
4. Its view uses ``VersionedEdit``: validation errors on the form; a stale save shows
   the conflict screen (the user's input kept, the saved values beside it).

Lock order, everywhere: the plan row first, then the record, then its children.
"""

import copy
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from django import forms
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from msd_planner.lib.history import attribute, save_with_links
from msd_planner.lib.integers import INTEGER_MAX
from msd_planner.lib.types import StrOrPromise, User

ModelT = TypeVar("ModelT", bound=models.Model)


class Versioned(models.Model):
    """A record users edit: its version goes up by one with every saved change."""

    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        abstract = True


VersionedT = TypeVar("VersionedT", bound=Versioned)


class EditConflict(ValidationError):
    """Someone saved the record after this user opened it; nothing was saved.

    ``current`` is the record as it is now saved, for the form to show it and to carry
    its version, so that submitting again (deliberately) overwrites it.
    """

    def __init__(self, current: Versioned, message: str | None = None):
        super().__init__(
            message
            or _(
                "Someone else saved this record after you opened it, so nothing was saved. "
                "Their version is shown below; your changes are still in the form. Submit "
                "again to replace their version with yours."
            ),
            code="conflict",
        )
        self.current = current


class RecordRemoved(ValidationError):
    """The record was removed after this user opened it; nothing was saved."""

    def __init__(self, model: type[models.Model], pk: object):
        removal = last_removal(model, pk)
        if removal is None:
            message = _(
                "This record was removed after you opened it, so nothing was saved. Your "
                "input is still in the form, to copy."
            )
        else:
            message = _(
                "%(who)s removed this record on %(when)s, after you opened it, so nothing "
                "was saved. Your input is still in the form, to copy."
            ) % {
                "who": removal.history_user or _("Someone"),
                "when": formats.date_format(
                    timezone.localtime(removal.history_date), "DATETIME_FORMAT"
                ),
            }
        super().__init__(message, code="removed")


def last_removal(model: type[models.Model], pk: object, **within: object) -> Any:
    """The history row of the record's removal (narrowed by ``within``, e.g. to one
    plan's), with its author; None if the model keeps no history or none matches."""
    history = getattr(model, "history", None)
    if history is None:
        return None
    return (
        history.filter(id=pk, history_type="-", **within)
        .select_related("history_user")
        .order_by("-history_date")
        .first()
    )


def lock_for_removal(instance: ModelT) -> ModelT:
    """Lock the row of a record about to be removed and return it fresh.

    ``RecordRemoved`` (saying who removed it, and when) if someone removed it first, so
    that a second removal neither fails nor writes a second removal to the history.
    Call inside a transaction, after locking the plan row.
    """
    model = type(instance)
    fresh = model._default_manager.select_for_update().filter(pk=instance.pk).first()
    if fresh is None:
        raise RecordRemoved(model, instance.pk)
    return fresh


def lock_for_update(instance: VersionedT, expected_version: int) -> VersionedT:
    """Lock the row of ``instance`` and return it fresh from the database.

    ``EditConflict`` if its version is no longer ``expected_version``; ``RecordRemoved``
    if it is gone. Call inside a transaction.
    """
    fresh = lock_for_removal(instance)
    if fresh.version != expected_version:
        raise EditConflict(fresh)
    return fresh


def version_bump(instance: Versioned) -> None:
    """Count a change to the records serialised on ``instance`` (its children's own
    history rows record what changed, so the parent writes none)."""
    type(instance)._default_manager.filter(pk=instance.pk).update(version=F("version") + 1)
    instance.version += 1


@dataclass
class Update(Generic[ModelT]):
    instance: ModelT
    changed: list[str] = field(default_factory=list)


def _comparable(value: object) -> object:
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, (models.QuerySet, list, tuple, set)):
        return {item.pk if isinstance(item, models.Model) else item for item in value}
    return value


def versioned_update(
    *,
    instance: VersionedT,
    expected_version: int,
    data: Mapping[str, Any],
    actor: User | None,
    editable: Iterable[str],
    check: Callable[[VersionedT, list[str]], None] | None = None,
) -> Update[VersionedT]:
    """Save the changes ``data`` (field name → new value) to ``instance``, refusing a
    stale edit. Returns the fresh record and the names of the fields that changed.

    Only fields in ``editable`` may be given. ``check(fresh, changed)`` runs with the
    new values set, under the row lock, and raises ``ValidationError`` to refuse. An
    edit that changes nothing writes nothing and keeps the version.
    """
    unknown = data.keys() - set(editable)
    if unknown:
        raise ValueError(f"not editable here: {sorted(unknown)}")
    with transaction.atomic():
        fresh = lock_for_update(instance, expected_version)
        meta = fresh._meta
        many = {name for name in data if meta.get_field(name).many_to_many}
        changed = [
            name
            for name, value in data.items()
            if (
                _comparable(getattr(fresh, name).all())
                if name in many
                else _comparable(getattr(fresh, name))
            )
            != _comparable(value)
        ]
        if not changed:
            return Update(fresh, [])
        concrete = [name for name in changed if name not in many]
        for name in concrete:
            setattr(fresh, name, data[name])
        if check is not None:
            check(fresh, changed)
        fresh.version += 1
        attribute(fresh, actor)
        automatic = [
            model_field.name
            for model_field in meta.concrete_fields
            if getattr(model_field, "auto_now", False)
        ]
        save_with_links(
            fresh,
            {name: data[name] for name in changed if name in many},
            update_fields=[*dict.fromkeys(concrete), "version", *automatic],
        )
        return Update(fresh, changed)


def versioned_upsert(
    *,
    found: VersionedT | None,
    create: Callable[[], VersionedT],
    expected_version: int,
    data: Mapping[str, Any],
    actor: User | None,
    editable: Iterable[str],
    removed: str,
) -> Update[VersionedT]:
    """Save the one record of its kind a parent holds (a plan's localisation target, an
    intervention's strategy), ``found`` or not yet written. A record not yet written has
    version 0: ``create()`` writes it (attributed to the actor, saved) on the first save;
    two people writing the first one at once get a conflict, not two records. A record
    removed after the form was opened is said so (``removed``); then ``versioned_update``.
    The caller holds the parent's lock."""
    if found is None:
        if expected_version != 0:
            raise ValidationError(removed)
        return Update(create(), list(data))
    if expected_version == 0:
        raise EditConflict(found)
    return versioned_update(
        instance=found,
        expected_version=expected_version,
        data=data,
        actor=actor,
        editable=editable,
    )


# --- forms -----------------------------------------------------------------------------


def version_field() -> forms.IntegerField:
    """The hidden version of the record the user opened, checked when they save."""
    out_of_date = gettext_lazy(
        "This form is out of date. Open the page again and redo your change."
    )
    # No version the column could hold is out of range: the form is simply out of date.
    return forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=0,
        max_value=INTEGER_MAX,
        error_messages={
            "required": out_of_date,
            "invalid": out_of_date,
            "min_value": out_of_date,
            "max_value": out_of_date,
        },
    )


class VersionedForm(forms.Form):
    """A form that edits a record (or a set of records under one parent) with a version.

    Pass ``version=`` the version of the record shown; the user's copy comes back in
    ``cleaned_data["version"]`` for the service to check.
    """

    version = version_field()

    def __init__(self, *args: Any, version: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = version

    def saved_values(self, current: object) -> list[tuple[StrOrPromise, StrOrPromise]]:
        """For the conflict screen: (label, value now saved) of each field the user's
        input would change, read from the form rebuilt on the saved record."""
        return [
            (str(self[name].label), _shown(self[name].initial))
            for name in self.changed_data
            if name != "version"
        ]


if TYPE_CHECKING:
    # Its subclasses edit many models; ModelForm takes no type argument at run time.
    _ModelForm = forms.ModelForm[Any]
else:
    _ModelForm = forms.ModelForm


class VersionedModelForm(_ModelForm):
    """A model form for a ``Versioned`` record. It validates and hands
    ``edited_values()`` to a service; it never saves. For a new record (``save(commit=
    False)`` hands it to a create service) the version is not needed."""

    version = version_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = self.instance.version
        # A new record has no one else's version to conflict with.
        self.fields["version"].required = bool(self.instance.pk)

    def edited_values(self) -> dict[str, Any]:
        """The clean values of the record's fields on this form; ``versioned_update``
        keeps those that differ from the record as saved."""
        return {name: self.cleaned_data[name] for name in self._meta.fields or ()}

    def saved_values(self, current: models.Model) -> list[tuple[StrOrPromise, StrOrPromise]]:
        names = {model_field.name for model_field in current._meta.get_fields()}
        return [
            (str(self[name].label), display_value(current, name))
            for name in self.changed_data
            if name in names and name != "version"
        ]


def _shown(value: object) -> str:
    return "—" if value is None or value == "" else str(value)


def display_value(instance: models.Model, name: str) -> str:
    """One field of ``instance`` in words, as a detail page would show it."""
    model_field = instance._meta.get_field(name)
    if model_field.many_to_many:
        return ", ".join(str(item) for item in getattr(instance, name).all()) or "—"
    if isinstance(model_field, models.Field) and model_field.choices:
        return str(getattr(instance, f"get_{name}_display")()) or "—"
    value = getattr(instance, name)
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    return _shown(value)


# --- views -----------------------------------------------------------------------------


def add_service_error(form: forms.BaseForm, error: ValidationError) -> None:
    """Put a service's refusal on the form: on the fields it names that the form has, and
    at the top for the rest (a rule about records the form does not show, e.g. a quick
    edit of the status refused because of the intervention's partners)."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    topics = getattr(form, "error_topics", ())  # names the form places itself
    for name, errors in error.error_dict.items():
        known = name in form.fields or name in topics
        form.add_error(name if known else None, ValidationError(errors))


class VersionedEdit:
    """One edit page's form, from the request to the service.

    ``build_form(data, current)`` builds the page's form for the record ``current``
    (``data`` is None on GET). ``edit.save(service)`` calls ``service(form)`` when the
    POST is valid and returns True once saved; otherwise the form carries what went
    wrong: field errors, the conflict screen (the user's input kept, the form rebuilt
    on the record as saved now so that submitting again replaces it on purpose, and
    ``saved_values`` listing what the other person saved), or the record's removal.
    """

    def __init__(
        self,
        request: HttpRequest,
        build_form: Callable[[Any, Any], VersionedForm | VersionedModelForm],
        current: Any = None,
    ):
        self.request = request
        self.build_form = build_form
        self.form = build_form(request.POST if request.method == "POST" else None, current)
        self.saved_values: list[tuple[StrOrPromise, StrOrPromise]] | None = None
        self.result: Any = None

    def save(self, service: Callable[[Any], Any]) -> bool:
        if self.request.method != "POST" or not self.form.is_valid():
            return False
        try:
            self.result = service(self.form)
        except EditConflict as conflict:
            data = self.request.POST.copy()
            # an int, as the form cleans it (QueryDict's stubs take text only)
            data["version"] = conflict.current.version  # type: ignore[assignment]
            # A copy: validating a model form writes the user's input into its instance.
            self.form = self.build_form(data, copy.copy(conflict.current))
            self.form.is_valid()
            self.form.add_error(None, conflict)
            self.saved_values = self.form.saved_values(conflict.current)
            return False
        except ValidationError as error:
            add_service_error(self.form, error)
            return False
        return True

    @property
    def context(self) -> dict[str, Any]:
        return {"form": self.form, "saved_values": self.saved_values}
