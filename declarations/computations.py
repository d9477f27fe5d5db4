"""Pure calculations on declaration data (no database, no request)."""

import calendar
from collections.abc import Iterable
from datetime import date, timedelta

# Leftover days of several periods add up to whole months at this rate; at 31 the leftover of a
# single period (at most 30 days) never makes a month, so one period counts by the calendar.
DAYS_PER_MONTH = 31


def add_months(day: date, months: int) -> date:
    """The same day `months` later, clamped to the end of a shorter month (1/31 + 1 → 2/28)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _months_and_days(start: date, end: date) -> tuple[int, int]:
    """Calendar length of the inclusive period start..end as (whole months, leftover days)."""
    after = end + timedelta(days=1)
    months = (after.year - start.year) * 12 + after.month - start.month
    if add_months(start, months) > after:
        months -= 1
    return months, (after - add_months(start, months)).days


def merged_periods(
    periods: Iterable[tuple[date, date | None]], until: date
) -> list[tuple[date, date]]:
    """The periods cut at `until` (an open end runs to `until`), sorted, overlapping or touching
    ones joined; periods starting after `until` are dropped."""
    clipped = []
    for start, end in periods:
        if end is not None and end < start:
            raise ValueError(f"period ends before it starts: {start}–{end}")
        if start > until:
            continue
        clipped.append((start, until if end is None or end > until else end))
    merged: list[tuple[date, date]] = []
    for start, end in sorted(clipped):
        if merged and start <= merged[-1][1] + timedelta(days=1):
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def whole_years(periods: Iterable[tuple[date, date | None]], year: int) -> int:
    """Whole years (周年) of the periods up to 31 December of `year`.

    Each period is (start, end) with both days included; end None means 至今. Time between
    periods is deducted and time covered twice is counted once. Each continuous stretch counts
    in calendar months (2017-12-01..2022-12-31 is 5 years 1 month → 5); leftover days of
    several stretches add up at 31 days a month. Used for 聘任年限 and 专业工作年限.
    """
    months = days = 0
    for start, end in merged_periods(periods, date(year, 12, 31)):
        m, d = _months_and_days(start, end)
        months += m
        days += d
    return (months + days // DAYS_PER_MONTH) // 12
