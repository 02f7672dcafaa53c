"""Template filters for numbers in the reader's locale, loaded as template builtins."""

from decimal import Decimal

from babel.numbers import format_decimal, format_percent
from django import template
from django.utils.translation import get_language, to_locale

from msd_planner.lib.money import format_money

register = template.Library()


@register.filter
def number(value: Decimal | float | str | None) -> str:
    """A Decimal without trailing zeros, in the active language's notation (8.1 → 8,1)."""
    if value is None or value == "":
        return ""
    value = Decimal(value)
    exponent = value.normalize().as_tuple().exponent
    places = max(0, -exponent) if isinstance(exponent, int) else 0  # not for NaN, infinity
    return format_decimal(
        value,
        format=f"#,##0.{'#' * places}" if places else "#,##0",
        locale=to_locale(get_language() or "en"),
    )


@register.filter
def money(value: Decimal | float | str | None, currency: str) -> str:
    """An amount with its currency code, to the currency's decimals, in the reader's
    notation: ``{{ row.committed|money:plan.base_currency }}``."""
    if value is None or value == "":
        return ""
    return format_money(Decimal(value), currency)


@register.filter
def percent(value: Decimal | float | str | None) -> str:
    """A fraction as a percentage in the reader's notation (0.372 → 37.2 %); empty for
    None (a share of nothing)."""
    if value is None or value == "":
        return ""
    return format_percent(
        Decimal(value), format="#,##0.0\u00a0%", locale=to_locale(get_language() or "en")
    )
