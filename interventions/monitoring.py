"""On track or not: the rule that says where an indicator stands against its path, written
once and shown in words on the monitoring page (``RULE_IN_WORDS``). Pure functions on
plain values: no database, no clock.

The path runs from the baseline to the yearly targets, straight between points. A
baseline sits in the middle of its year and a target ("by the end of the year") at the end
of its year, as the results chart draws them; after the last target the path stays at it.

The actual is the latest approved value for the whole population (the total: no sex, age
or migratory group). Values by group are never added up into a total: a rate by sex does
not add, and a missing group would make any sum wrong. An indicator reported only by
group has no data until a total is approved.

Progress made is (actual - baseline) / (expected - baseline), the expected value read on
the path at the actual's date; it is 100 % when the actual is where the path says, more
when it is ahead, below zero when it went the wrong way. The direction is the path's
own, so an indicator whose targets lie below its baseline (a cost to bring down) is
measured the same way. At 90 % or more the indicator is on track, at 60 % or more at risk,
below that off track.

Two cases have nothing to divide by: where the path expects no change yet (an actual
measured at or before the baseline's date) the indicator is on track unless it moved
against the direction of its targets (at risk); where the target is to keep the baseline
level, the share is 100 % less the actual's distance from it as a share of it (an exact
match when the level is zero).
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from itertools import pairwise

from babel.numbers import format_percent
from django.utils.translation import get_language, to_locale
from django.utils.translation import gettext_lazy as _

ON_TRACK_SHARE = Decimal("0.9")
AT_RISK_SHARE = Decimal("0.6")

RULE_IN_WORDS = _(
    "Each indicator's path runs in a straight line from its baseline (the middle of the "
    "baseline year) to each yearly target (the end of the target's year), and stays at the "
    "last target after it. Only approved values for the whole population count; values by "
    "group alone are not added up. Progress made is the change from the baseline to the "
    "latest approved value, as a share of the change the path expects by that value's date. "
    "On track: %(on_track)s or more. At risk: %(at_risk)s or more. Off track: below "
    "%(at_risk)s. A target below the baseline is a fall to achieve and is measured the same "
    "way; a target equal to the baseline is a level to keep, and the share is then %(all)s "
    "less the distance from that level as a share of it. No data: no baseline, no target or "
    "no approved value."
)


def rule_in_words() -> str:
    """The rule as the monitoring page states it, its thresholds in the reader's notation."""
    return str(RULE_IN_WORDS) % {
        "on_track": whole_percent(ON_TRACK_SHARE),
        "at_risk": whole_percent(AT_RISK_SHARE),
        "all": whole_percent(Decimal(1)),
    }


def whole_percent(share: Decimal) -> str:
    return format_percent(share, format="#,##0\u00a0%", locale=to_locale(get_language() or "en"))


class Status(StrEnum):
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OFF_TRACK = "off_track"
    NO_DATA = "no_data"

    @property
    def label(self) -> str:
        return str(STATUS_LABELS[self])


STATUS_LABELS = {
    Status.ON_TRACK: _("On track"),
    Status.AT_RISK: _("At risk"),
    Status.OFF_TRACK: _("Off track"),
    Status.NO_DATA: _("No data"),
}


class NoData(StrEnum):
    """Why an indicator has no status."""

    NO_BASELINE = "no_baseline"
    NO_TARGET = "no_target"
    NO_VALUE = "no_value"
    ONLY_BY_GROUP = "only_by_group"

    @property
    def label(self) -> str:
        return str(NO_DATA_LABELS[self])


NO_DATA_LABELS = {
    NoData.NO_BASELINE: _("No baseline"),
    NoData.NO_TARGET: _("No target"),
    NoData.NO_VALUE: _("No approved value"),
    NoData.ONLY_BY_GROUP: _("Approved values by group only, no total"),
}


@dataclass(frozen=True)
class Actual:
    """An approved value: ``total`` is False for a value of one group (sex, age, …)."""

    measured_on: date
    value: Decimal
    total: bool = True


@dataclass(frozen=True)
class Assessment:
    status: Status
    no_data: NoData | None = None
    latest: Actual | None = None  # the actual assessed
    expected: Decimal | None = None  # the path's value at the latest actual's date
    share: Decimal | None = None  # progress made, 1 = as expected


def year_position(day: date) -> Decimal:
    """A date as a year and its fraction: 1 July 2026 is about 2026.5."""
    start = date(day.year, 1, 1)
    days_in_year = (date(day.year + 1, 1, 1) - start).days
    return day.year + Decimal((day - start).days) / days_in_year


def path(
    baseline: tuple[int, Decimal], targets: Iterable[tuple[int, Decimal]]
) -> list[tuple[Decimal, Decimal]]:
    """The path's points as (position in years, value): the baseline in the middle of its
    year, each target at the end of its year; a target before the baseline is left out."""
    start = (baseline[0] + Decimal("0.5"), baseline[1])
    ends = sorted((Decimal(year + 1), value) for year, value in targets)
    return [start, *(point for point in ends if point[0] > start[0])]


def expected_at(points: Sequence[tuple[Decimal, Decimal]], position: Decimal) -> Decimal:
    """The path's value at ``position``: the baseline before it starts, the last target
    after it ends, straight between two points."""
    if position <= points[0][0]:
        return points[0][1]
    for (x0, y0), (x1, y1) in pairwise(points):
        if position <= x1:
            return y0 + (y1 - y0) * (position - x0) / (x1 - x0)
    return points[-1][1]


def latest_by_year(actuals: Iterable[Actual]) -> dict[int, Actual]:
    """The latest approved total of each year, by year: what the monitoring page lists."""
    found: dict[int, Actual] = {}
    for actual in sorted(
        (item for item in actuals if item.total), key=lambda item: item.measured_on
    ):
        found[actual.measured_on.year] = actual
    return found


def share_status(share: Decimal) -> Status:
    if share >= ON_TRACK_SHARE:
        return Status.ON_TRACK
    if share >= AT_RISK_SHARE:
        return Status.AT_RISK
    return Status.OFF_TRACK


def assess(
    *,
    baseline: tuple[int | None, Decimal | None],
    targets: Iterable[tuple[int, Decimal]],
    actuals: Iterable[Actual],
) -> Assessment:
    """Where an indicator stands: its ``baseline`` (year, value), its yearly ``targets``
    (year, value) and its approved ``actuals``, by the rule of this module."""
    actuals = list(actuals)
    baseline_year, baseline_value = baseline
    if baseline_year is None or baseline_value is None:
        return Assessment(Status.NO_DATA, NoData.NO_BASELINE)
    points = path((baseline_year, baseline_value), targets)
    if len(points) < 2:
        return Assessment(Status.NO_DATA, NoData.NO_TARGET)
    totals = latest_by_year(actuals)
    if not totals:
        reason = NoData.ONLY_BY_GROUP if actuals else NoData.NO_VALUE
        return Assessment(Status.NO_DATA, reason)
    latest = totals[max(totals)]
    expected = expected_at(points, year_position(latest.measured_on))
    made = latest.value - baseline_value
    required = expected - baseline_value
    if required:
        share = made / required
    else:
        direction = points[-1][1] - baseline_value
        if direction:  # nothing expected yet: only a move the wrong way counts
            status = Status.AT_RISK if made * direction < 0 else Status.ON_TRACK
            return Assessment(status, latest=latest, expected=expected)
        # keep the level: the distance from it, as a share of it
        if expected:
            share = 1 - abs(made) / abs(expected)
        else:
            share = Decimal(1) if not made else Decimal(0)
    return Assessment(share_status(share), latest=latest, expected=expected, share=share)
