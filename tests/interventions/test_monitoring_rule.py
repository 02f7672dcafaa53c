"""The on-track rule on hand-written cases: every expected share and status below was
worked out by hand from the rule in words (interventions/monitoring.py)."""

from datetime import date
from decimal import Decimal

import pytest

from interventions.monitoring import Actual, NoData, Status, assess, latest_by_year

ON, RISK, OFF, NONE = Status.ON_TRACK, Status.AT_RISK, Status.OFF_TRACK, Status.NO_DATA
D = Decimal


def total(day: str, value: str) -> Actual:
    return Actual(date.fromisoformat(day), D(value))


def by_group(day: str, value: str) -> Actual:
    return Actual(date.fromisoformat(day), D(value), total=False)


# Path (2024.5, 10) → (2027.0, 30): on 1 January 2026 (2026.0) the path expects 22.
UP = {"baseline": (2024, D(10)), "targets": [(2026, D(30))]}
# Path (2024.5, 50) → (2027.0, 25): on 1 January 2026 it expects 35 (a fall of 15).
DOWN = {"baseline": (2024, D(50)), "targets": [(2026, D(25))]}
# Path (2020.5, 0) → (2026.0, 100), then 100 for ever: a zero baseline.
FROM_ZERO = {"baseline": (2020, D(0)), "targets": [(2025, D(100))]}
# Path (2024.5, 10) → (2026.0, 20) → (2028.0, 60): on 1 January 2027 it expects 40.
TWO_TARGETS = {"baseline": (2024, D(10)), "targets": [(2027, D(60)), (2025, D(20))]}
KEEP = {"baseline": (2024, D(80)), "targets": [(2026, D(80))]}
KEEP_ZERO = {"baseline": (2024, D(0)), "targets": [(2026, D(0))]}

CASES = [
    # (name, indicator, actuals, status, expected value, share)
    ("as expected", UP, [total("2026-01-01", "22")], ON, "22", "1"),
    ("90 % is on track", UP, [total("2026-01-01", "20.8")], ON, "22", "0.9"),
    ("below 90 % is at risk", UP, [total("2026-01-01", "20")], RISK, "22", "10/12"),
    ("60 % is at risk", UP, [total("2026-01-01", "17.2")], RISK, "22", "0.6"),
    ("below 60 % is off track", UP, [total("2026-01-01", "16")], OFF, "22", "0.5"),
    ("wrong way is off track", UP, [total("2026-01-01", "8")], OFF, "22", "-2/12"),
    # 1 January 2025: the path expects 14; 31 is past the final target already
    ("target already reached", UP, [total("2025-01-01", "31")], ON, "14", "21/4"),
    ("falling as expected", DOWN, [total("2026-01-01", "35")], ON, "35", "1"),
    ("falling too slowly", DOWN, [total("2026-01-01", "40")], RISK, "35", "10/15"),
    ("rising instead of falling", DOWN, [total("2026-01-01", "52")], OFF, "35", "-2/15"),
    ("fallen past the target", DOWN, [total("2026-01-01", "20")], ON, "35", "2"),
    ("past the last target year", FROM_ZERO, [total("2029-01-01", "95")], ON, "100", "0.95"),
    ("past the last year, short", FROM_ZERO, [total("2029-01-01", "80")], RISK, "100", "0.8"),
    ("past the last year, far", FROM_ZERO, [total("2029-01-01", "50")], OFF, "100", "0.5"),
    ("between two targets", TWO_TARGETS, [total("2027-01-01", "40")], ON, "40", "1"),
    ("between two, short", TWO_TARGETS, [total("2027-01-01", "31")], RISK, "40", "21/30"),
    # the latest approved total counts: an older value, a group's value after it do not
    (
        "the latest total counts",
        UP,
        [total("2026-01-01", "22"), total("2025-06-30", "5"), by_group("2026-03-01", "1")],
        ON,
        "22",
        "1",
    ),
    ("keep the level", KEEP, [total("2026-01-01", "76")], ON, "80", "0.95"),
    ("keep the level, slipping", KEEP, [total("2026-01-01", "60")], RISK, "80", "0.75"),
    ("keep the level, lost", KEEP, [total("2026-01-01", "40")], OFF, "80", "0.5"),
    ("keep zero", KEEP_ZERO, [total("2026-01-01", "0")], ON, "0", "1"),
    ("keep zero, missed", KEEP_ZERO, [total("2026-01-01", "1")], OFF, "0", "0"),
    # measured before the baseline's date: the path expects no change yet
    ("nothing expected yet", UP, [total("2024-03-01", "12")], ON, "10", None),
    ("nothing expected, wrong way", UP, [total("2024-03-01", "9")], RISK, "10", None),
    ("nothing expected, falling", DOWN, [total("2024-03-01", "49")], ON, "50", None),
]


@pytest.mark.parametrize(
    ("indicator", "actuals", "status", "expected", "share"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_the_rule_on_hand_written_cases(indicator, actuals, status, expected, share):
    assessment = assess(**indicator, actuals=actuals)

    assert assessment.status == status
    assert assessment.expected == D(expected)
    if share is None:
        assert assessment.share is None
    else:
        numerator, _, denominator = share.partition("/")
        assert assessment.share == D(numerator) / D(denominator or 1)


NO_DATA_CASES = [
    (
        "no baseline year",
        {"baseline": (None, D(10)), "targets": [(2026, D(30))]},
        NoData.NO_BASELINE,
    ),
    (
        "no baseline value",
        {"baseline": (2024, None), "targets": [(2026, D(30))]},
        NoData.NO_BASELINE,
    ),
    ("no target", {"baseline": (2024, D(10)), "targets": []}, NoData.NO_TARGET),
    (
        "a target only before the baseline",
        {"baseline": (2024, D(10)), "targets": [(2023, D(30))]},
        NoData.NO_TARGET,
    ),
]


@pytest.mark.parametrize(
    ("indicator", "reason"),
    [case[1:] for case in NO_DATA_CASES],
    ids=[case[0] for case in NO_DATA_CASES],
)
def test_no_data_without_a_baseline_or_a_target(indicator, reason):
    assessment = assess(**indicator, actuals=[total("2026-01-01", "22")])

    assert (assessment.status, assessment.no_data) == (NONE, reason)


def test_no_data_without_an_approved_total():
    assert assess(**UP, actuals=[]).no_data == NoData.NO_VALUE
    only_groups = assess(**UP, actuals=[by_group("2026-01-01", "22"), by_group("2026-01-01", "9")])
    assert (only_groups.status, only_groups.no_data) == (NONE, NoData.ONLY_BY_GROUP)


def test_each_year_keeps_its_latest_total():
    actuals = [
        total("2026-09-30", "25"),
        total("2026-03-31", "20"),
        by_group("2026-12-31", "99"),
        total("2025-12-31", "15"),
    ]

    assert latest_by_year(actuals) == {
        2025: total("2025-12-31", "15"),
        2026: total("2026-09-30", "25"),
    }
