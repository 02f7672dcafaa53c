"""Organisations: adding them and changing their details."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from action_plans.models import ActionPlan
from action_plans.services import plans_changed
from governance.models import Organisation, User
from msd_planner.lib.history import attribute
from msd_planner.lib.versioned_edit import Update, versioned_update

ORGANISATION_NAME_CONSTRAINT = "organisation_name_unique"


def _parent_problem(organisation: Organisation) -> str | None:
    """Why ``organisation.parent`` cannot be its parent: itself, or one of its own parts."""
    if organisation.parent_id is None or organisation.pk is None:
        return None
    if organisation.parent_id == organisation.pk:
        return _("An organisation cannot be its own parent.")
    seen = {organisation.pk}
    ancestor_id = organisation.parent_id
    while ancestor_id is not None and ancestor_id not in seen:
        seen.add(ancestor_id)
        ancestor_id = (
            Organisation.objects.filter(pk=ancestor_id).values_list("parent_id", flat=True).first()
        )
    if ancestor_id == organisation.pk:
        return _("%(parent)s is part of %(name)s, so it cannot be its parent.") % {
            "parent": organisation.parent,
            "name": organisation.name,
        }
    return None


def _integrity_as_field_error(error: IntegrityError) -> ValidationError:
    if ORGANISATION_NAME_CONSTRAINT not in str(error):
        raise error
    return ValidationError(
        {"name": _("An organisation with this name already exists in this country.")}
    )


@transaction.atomic
def organisation_create(*, actor: User, organisation: Organisation) -> Organisation:
    """Add an organisation validated by its form."""
    attribute(organisation, actor)
    try:
        with transaction.atomic():
            organisation.save()
    except IntegrityError as error:
        raise _integrity_as_field_error(error) from None
    return organisation


def _parent_fits(organisation: Organisation, changed: list[str]) -> None:
    # Only a new parent can close a cycle (and only administrators change parents).
    if "parent" in changed and (problem := _parent_problem(organisation)):
        raise ValidationError({"parent": problem})


ORGANISATION_FIELDS = (
    "name",
    "acronym",
    "type",
    "level",
    "parent",
    "country",
    "iati_identifier",
    "is_local_actor",
    "led_by_women",
    "led_by_youth",
    "led_by_persons_with_disabilities",
    "led_by_migrants",
    "led_by_host_community",
    "credit_preference",
)


@transaction.atomic
def organisation_update(
    *, actor: User, organisation: Organisation, expected_version: int, data: dict
) -> Update[Organisation]:
    """Save the changes to an organisation, refusing a stale edit. Which fields a user
    may change is decided by the form their role gets."""
    try:
        update = versioned_update(
            instance=organisation,
            expected_version=expected_version,
            data=data,
            actor=actor,
            editable=ORGANISATION_FIELDS,
            check=_parent_fits,
        )
    except IntegrityError as error:
        raise _integrity_as_field_error(error) from None
    if update.changed:
        # Its names and kind read on the pages of every plan that names it: as a
        # participant, a lead, a funder, a reporting organisation. Renames are rare.
        plans_changed(ActionPlan.objects.values_list("pk", flat=True))
    return update
