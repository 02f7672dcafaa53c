"""The largest values the database's integer columns hold, said on the field.

PostgreSQL's ``integer`` and ``smallint`` hold 4 and 2 bytes; a larger value answers
"integer out of range" (a 500) unless a form or a service refuses it first. SQLite takes
larger values, so the bound is written here rather than left to the database backend.
"""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.utils.deconstruct import deconstructible
from django.utils.formats import number_format
from django.utils.translation import gettext as _

INTEGER_MAX = 2**31 - 1
SMALL_INTEGER_MAX = 2**15 - 1


def too_large(limit: int) -> str:
    """The message on a field whose number is above ``limit``, in the reader's notation."""
    return _("Enter a number no larger than %(limit)s.") % {
        "limit": number_format(limit, force_grouping=True)
    }


@deconstructible(path="msd_planner.lib.integers.FitsTheColumn")
class FitsTheColumn(MaxValueValidator):
    """A model field's bound at its column's largest value, with ``too_large``'s message."""

    def __init__(self, limit_value: int = INTEGER_MAX):
        super().__init__(limit_value)

    def __call__(self, value: int | None) -> None:
        if value is not None and value > self.limit_value:
            raise ValidationError(too_large(self.limit_value), code="max_value")
