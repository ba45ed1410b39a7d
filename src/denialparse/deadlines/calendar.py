"""Calendar arithmetic for deadlines: federal holidays, business days, calendar months.

The holidays themselves are data, kept in the rules table (``data/deadline_rules.toml``) next to
the rules that roll forward over them; this module knows how to place them on a calendar.
"""

from __future__ import annotations

import calendar
import functools
from dataclasses import dataclass
from datetime import date, timedelta

OVERFLOWS = frozenset({"next_month_first", "clamp"})
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


@dataclass(frozen=True)
class Holiday:
    """A federal holiday: a fixed date (observed Fri/Mon) or the nth weekday of a month."""

    name: str
    month: int
    day: int | None = None
    weekday: int | None = None
    nth: int | None = None
    from_year: int | None = None


def _nth_weekday(year: int, month: int, weekday: int, nth: int) -> date:
    if nth > 0:
        first = date(year, month, 1)
        return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (nth - 1))
    last = date(year, month, calendar.monthrange(year, month)[1])
    return last - timedelta(days=(last.weekday() - weekday) % 7)


def _observed(day: date) -> date:
    # Saturday holidays are observed the Friday before, Sunday ones the Monday after.
    if day.weekday() == 5:
        return day - timedelta(days=1)
    if day.weekday() == 6:
        return day + timedelta(days=1)
    return day


def _packaged_holidays() -> tuple[Holiday, ...]:
    # Imported here: the rules module builds this module's Holiday when it reads the table.
    from denialparse.deadlines.rules import load_rules

    return load_rules().holidays


@functools.cache
def federal_holidays(year: int) -> dict[date, str]:
    """Federal holidays observed in ``year``, with the Friday/Monday shifts.

    New Year's Day of ``year + 1`` falling on a Saturday is observed on Dec 31 of ``year``, so it
    is included here.

    Args:
        year: the calendar year.

    Returns:
        Observed date -> holiday name.
    """
    found: dict[date, str] = {}
    for holiday in _packaged_holidays():
        for y in (year, year + 1):
            if holiday.from_year is not None and y < holiday.from_year:
                continue
            if holiday.day is not None:
                day = _observed(date(y, holiday.month, holiday.day))
            elif holiday.weekday is not None and holiday.nth is not None:
                day = _nth_weekday(y, holiday.month, holiday.weekday, holiday.nth)
            else:  # the rules parser refuses this; keeps the type checker honest
                continue
            if day.year == year:
                found[day] = holiday.name
    return found


def is_business_day(day: date) -> bool:
    """Monday to Friday and not an observed federal holiday."""
    return day.weekday() < 5 and day not in federal_holidays(day.year)


def next_business_day(day: date) -> date:
    """``day`` itself if it is a business day, else the next one."""
    while not is_business_day(day):
        day += timedelta(days=1)
    return day


def add_business_days(start: date, count: int) -> date:
    """The ``count``-th business day after ``start`` (``start`` itself not counted).

    Args:
        start: the day the clock starts.
        count: business days to add (>= 0).

    Returns:
        The resulting date.
    """
    day = start
    for _ in range(count):
        day = next_business_day(day + timedelta(days=1))
    return day


def add_months(start: date, months: int, *, overflow: str = "clamp") -> date:
    """Calendar-month arithmetic: the same day number ``months`` later.

    Args:
        start: the first date.
        months: months to add (may be negative).
        overflow: what to do when the target month has no such day (Oct 31 + 4 months):
            ``"next_month_first"`` gives the 1st of the following month (the ACA external-review
            rule: Oct 30 -> Mar 1), ``"clamp"`` the last day of the target month.

    Returns:
        The resulting date.

    Raises:
        ValueError: unknown ``overflow``.
    """
    if overflow not in OVERFLOWS:
        raise ValueError(f"overflow must be one of {sorted(OVERFLOWS)}")
    years, month0 = divmod(start.month - 1 + months, 12)
    year, month = start.year + years, month0 + 1
    last = calendar.monthrange(year, month)[1]
    if start.day <= last:
        return date(year, month, start.day)
    if overflow == "clamp":
        return date(year, month, last)
    return date(year, month, last) + timedelta(days=1)


def holiday_or_weekday(day: date) -> str:
    """The day's holiday name if it is an observed federal holiday, else its weekday name."""
    return federal_holidays(day.year).get(day) or calendar.day_name[day.weekday()]
