"""Dates and numbers in each language as CLDR writes them (babel is the oracle): one
unambiguous form a language, the month in letters, times on the 24-hour clock."""

import re
from datetime import date, datetime

import pytest
from babel.core import Locale
from babel.dates import format_date, format_datetime, format_time
from django.utils import formats, translation
from django.utils.formats import get_format

from msd_planner.lib.dates import cldr_locale

LANGUAGES = ["en", "fr", "es"]
DAYS = [date(2026, month, day) for month in range(1, 13) for day in (1, 9, 28)]
CLOCK = ((0, 5), (8, 57), (12, 0), (23, 59))
TIMES = [datetime(2026, 2, 1, hour, minute) for hour, minute in CLOCK]
NUMERIC_DATE = re.compile(r"\b\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}\b")


def _cldr(language: str) -> Locale:
    return Locale.parse(cldr_locale(language))


def _medium_date_short_time(locale: Locale) -> str:
    return (
        str(locale.datetime_formats["medium"])
        .replace("{1}", locale.date_formats["medium"].pattern)
        .replace("{0}", locale.time_formats["short"].pattern)
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_date_format_is_cldrs_medium_date(language):
    locale = _cldr(language)
    with translation.override(language):
        for day in DAYS:
            expected = format_date(day, "medium", locale=locale)
            for name in ("DATE_FORMAT", "SHORT_DATE_FORMAT"):
                assert formats.date_format(day, name) == expected
            assert not NUMERIC_DATE.search(expected)
            assert formats.date_format(day, "MONTH_DAY_FORMAT") == format_date(
                day, locale.datetime_skeletons["MMMd"], locale=locale
            )
            assert formats.date_format(day, "YEAR_MONTH_FORMAT") == format_date(
                day, locale.datetime_skeletons["yMMMM"], locale=locale
            )


@pytest.mark.parametrize("language", LANGUAGES)
def test_date_times_read_as_cldr_writes_them_on_the_24_hour_clock(language):
    locale = _cldr(language)
    pattern = _medium_date_short_time(locale)
    with translation.override(language):
        for moment in TIMES:
            expected = format_datetime(moment, pattern, locale=locale)
            for name in ("DATETIME_FORMAT", "SHORT_DATETIME_FORMAT"):
                assert formats.date_format(moment, name) == expected
            assert formats.time_format(moment.time(), "TIME_FORMAT") == format_time(
                moment.time(), "short", locale=locale
            )
            assert "a.m." not in expected and "p.m." not in expected
    with translation.override(language):
        assert "23:59" in formats.date_format(TIMES[-1], "DATETIME_FORMAT")


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "1 Feb 2026, 14:05"), ("fr", "1 févr. 2026, 14:05"), ("es", "1 feb 2026, 14:05")],
)
def test_the_forms_a_reader_sees(language, expected):
    with translation.override(language):
        assert formats.date_format(datetime(2026, 2, 1, 14, 5), "DATETIME_FORMAT") == expected


@pytest.mark.parametrize("language", ["fr", "es"])
def test_may_is_the_month_whatever_a_catalogue_says_of_the_word(language):
    """The project's catalogue translates the column header "May" (may do) as a verb;
    the month keeps its name."""
    with translation.override(language):
        assert formats.date_format(date(2026, 5, 1), "YEAR_MONTH_FORMAT").startswith(
            {"fr": "mai", "es": "mayo"}[language]
        )


@pytest.mark.parametrize("language", LANGUAGES)
def test_separators_are_cldrs(language):
    symbols = _cldr(language).number_symbols["latn"]
    with translation.override(language):
        assert get_format("DECIMAL_SEPARATOR") == symbols["decimal"]
        assert get_format("THOUSAND_SEPARATOR") == symbols["group"]
        assert get_format("NUMBER_GROUPING") == 3


@pytest.mark.parametrize("language", LANGUAGES)
def test_date_inputs_still_take_iso_dates(language):
    with translation.override(language):
        assert "%Y-%m-%d" in get_format("DATE_INPUT_FORMATS")
