"""Currencies (ISO 4217). Money is always a Decimal plus one of these codes."""

import datetime
from decimal import ROUND_HALF_EVEN, Decimal, localcontext
from fractions import Fraction
from functools import cache

from babel.core import Locale, get_global
from babel.numbers import (
    NumberPattern,
    get_currency_name,
    get_currency_precision,
    get_territory_currencies,
    parse_pattern,
)
from django.utils.translation import get_language, to_locale
from django.utils.translation import gettext as _


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


# --- amounts ---------------------------------------------------------------------------
#
# Money is a Decimal beside an ISO 4217 code, never a float. An amount in a foreign
# currency is converted to the plan's base currency once, when it is saved, with the rate
# the user entered: the exact product is rounded once (half to even) to the base
# currency's minor unit, and stored. Every total is then a database SUM of stored,
# already rounded amounts, so the rows of a table add up to its total to the cent, and
# display only formats (in the reader's notation), it never rounds again.

MONEY_DIGITS = 18  # up to a quadrillion, with three decimals
MONEY_PLACES = 3  # the most minor-unit digits of a current currency (BHD, KWD, TND …)
RATE_DIGITS = 22
RATE_PLACES = 10  # a rate such as 0.0000123456 (from a currency of many units per dollar)
# What the columns hold: amounts below 10^15, rates below 10^12.
MONEY_LIMIT = Decimal(10) ** (MONEY_DIGITS - MONEY_PLACES)
RATE_LIMIT = Decimal(10) ** (RATE_DIGITS - RATE_PLACES)


@cache
def minor_digits(code: str) -> int:
    """How many decimals the currency has (GHS 2, XOF 0, KWD 3), per CLDR."""
    return get_currency_precision(code)


def decimals(value: Decimal) -> int:
    """How many decimals ``value`` has, trailing zeros aside (1.50 has 1, 100 has 0)."""
    exponent = value.normalize().as_tuple().exponent
    return max(-exponent, 0) if isinstance(exponent, int) else 0


def too_precise(amount: Decimal, code: str) -> bool:
    """True if ``amount`` has more decimals than the currency ``code`` has."""
    return decimals(amount) > minor_digits(code)


def precision_problem(amount: Decimal, code: str, *, places: int = MONEY_PLACES) -> str | None:
    """Why ``amount`` has too many decimals for the currency ``code`` (and for a column
    of ``places`` decimals), in words; None when it has no more than they allow."""
    digits = minor_digits(code)
    if decimals(amount) <= min(digits, places):
        return None
    if digits > places:  # the column holds fewer decimals than the currency has
        return _("Enter at most %(places)s decimals.") % {"places": places}
    if digits == 0:
        return _("%(currency)s has no decimals: enter a whole amount.") % {"currency": code}
    return _("%(currency)s has %(digits)s decimals: enter at most %(digits)s.") % {
        "currency": code,
        "digits": digits,
    }


def converted(amount: Decimal, rate: Decimal | None, to_currency: str) -> Decimal:
    """``amount`` × ``rate``, exact in Decimal, rounded once to ``to_currency``'s minor
    unit (half to even). No rate: the amount is already in that currency."""
    with localcontext() as context:
        context.prec = MONEY_DIGITS + RATE_DIGITS  # the product is exact
        exact = amount if rate is None else amount * rate
        return exact.quantize(Decimal(1).scaleb(-minor_digits(to_currency)), ROUND_HALF_EVEN)


def converted_part(
    amount: Decimal, part: Decimal, whole: Decimal, rate: Decimal | None, to_currency: str
) -> Decimal:
    """``amount`` × ``part`` ÷ ``whole`` × ``rate`` (the ``part`` ÷ ``whole`` share of
    ``amount``, converted), exact as a fraction, rounded once to ``to_currency``'s minor
    unit (half to even). A Decimal division would round at the context's precision first,
    and that rounding can tip the second one (``tests/funding/test_money_properties.py``)."""
    exact = Fraction(amount) * Fraction(part) / Fraction(whole)
    if rate is not None:
        exact *= Fraction(rate)
    digits = minor_digits(to_currency)
    return Decimal(f"{round(exact * 10**digits)}E-{digits}")  # round(): half to even


def split_evenly(amount: Decimal, parts: int, code: str) -> list[Decimal]:
    """``amount`` split into ``parts`` amounts of ``code``'s minor unit that add up to it
    exactly: the units left over go one each to the first parts (100.00 in three:
    33.34, 33.33, 33.33)."""
    digits = minor_digits(code)
    units = int(amount.scaleb(digits).to_integral_value(ROUND_HALF_EVEN))
    each, left_over = divmod(units, parts)
    return [Decimal(each + (index < left_over)).scaleb(-digits) for index in range(parts)]


SHARE_PLACES = Decimal("0.0001")  # a share kept in exports and snapshots: 37.25 %


def rounded_share(value: Decimal | None) -> Decimal | None:
    """A share as exports and snapshots keep it, to a hundredth of a percent."""
    return None if value is None else value.quantize(SHARE_PLACES)


def share(part: Decimal | None, whole: Decimal | None) -> Decimal | None:
    """``part`` ÷ ``whole`` (a fraction in [0, 1] where part ≤ whole); None for 0 ÷ 0."""
    if not whole:
        return None
    return (part or Decimal(0)) / whole


@cache
def _money_pattern(places: int) -> NumberPattern:
    return parse_pattern("#,##0" + ("." + "0" * places if places else ""))


@cache
def babel_locale(name: str) -> Locale:
    """The babel locale of a language (parsed once: a page formats hundreds of amounts)."""
    return Locale.parse(name)


def format_money(amount: Decimal | None, code: str) -> str:
    """``amount`` to the currency's decimals in the reader's notation, with its code:
    "1,450,000.00 GHS", "1 450 000,00 GHS"."""
    if amount is None:
        return ""
    formatted = _money_pattern(minor_digits(code)).apply(amount, babel_locale(_locale()))
    return f"{formatted}\N{NO-BREAK SPACE}{code}"
