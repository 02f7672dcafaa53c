"""Template filters for numbers in the reader's locale, loaded as template builtins."""

from decimal import Decimal

from babel.numbers import format_decimal
from django import template
from django.utils.translation import get_language, to_locale

register = template.Library()


@register.filter
def number(value) -> str:
    """A Decimal without trailing zeros, in the active language's notation (8.1 → 8,1)."""
    if value is None or value == "":
        return ""
    value = Decimal(value)
    places = max(0, -value.normalize().as_tuple().exponent)
    return format_decimal(
        value,
        format=f"#,##0.{'#' * places}" if places else "#,##0",
        locale=to_locale(get_language() or "en"),
    )
