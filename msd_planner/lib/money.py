"""Currencies (ISO 4217). Money is always a Decimal plus one of these codes."""

import datetime
from functools import cache

from babel.core import get_global
from babel.numbers import get_currency_name, get_territory_currencies
from django.utils.translation import get_language, to_locale


@cache
def current_currency_codes() -> frozenset[str]:
    """ISO 4217 codes that are legal tender somewhere today (per CLDR)."""
    today = datetime.date.today()
    codes: set[str] = set()
    for territory in get_global("territory_currencies"):
        codes.update(get_territory_currencies(territory, today))
    return frozenset(codes)


def _locale() -> str:
    return to_locale(get_language() or "en")


def currency_choices() -> list[tuple[str, str]]:
    """Form choices: code first so that typing the code selects it."""
    locale = _locale()
    return [
        (code, f"{code} — {get_currency_name(code, locale=locale)}")
        for code in sorted(current_currency_codes())
    ]
