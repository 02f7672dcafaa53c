"""Month names and the CLDR locale of each language of the interface (the formats
themselves are in ``msd_planner/formats``)."""

from functools import cache
from typing import Literal

from babel.core import Locale
from babel.dates import get_month_names
from django.utils import dates
from django.utils.functional import lazy
from django.utils.translation import get_language

# The CLDR locale whose conventions each language of the interface follows.
CLDR_LOCALES = {"en": "en_GB", "fr": "fr", "es": "es"}

MonthWidth = Literal["abbreviated", "narrow", "wide"]


def cldr_locale(language: str | None = None) -> str:
    """The CLDR locale of ``language`` (the active language by default)."""
    language = (language or get_language() or "en").split("-")[0]
    return CLDR_LOCALES.get(language, "en_GB")


@cache
def _month_names(locale: str, width: MonthWidth) -> dict[int, str]:
    return dict(get_month_names(width, "format", Locale.parse(locale)))


def _month(month: int, width: MonthWidth) -> str:
    return _month_names(cldr_locale(), width)[month]


_lazy_month = lazy(_month, str)


def use_cldr_month_names() -> None:
    """Django's month tables (the ``b``, ``M`` and ``F`` of a date format, the month
    names of its widgets) name months as CLDR does in the active language."""
    dates.MONTHS.update({month: _lazy_month(month, "wide") for month in range(1, 13)})
    dates.MONTHS_3.update({month: _lazy_month(month, "abbreviated") for month in range(1, 13)})
