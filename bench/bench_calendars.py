"""Benchmark of the business-time engine: calls per second for typical due-date sums.

Run: python bench/bench_calendars.py   (from any directory; needs holidays and tzdata)
"""

from __future__ import annotations

import random
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

# Run as a plain script from anywhere: make the repository importable without installing it.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from caredesk.calendars import Calendar, HolidaySet  # noqa: E402

WEEKDAYS = {weekday: [("08:00", "20:00")] for weekday in range(5)}
HOLIDAYS = HolidaySet(country="US")


def support_calendar() -> Calendar:
    """The policy's calendar: 08:00-20:00 Mon-Fri New York, US holidays, 12-hour business day."""
    return Calendar(
        name="business-hours",
        timezone="America/New_York",
        hours=WEEKDAYS,
        holidays=HOLIDAYS,
        business_day=timedelta(hours=12),
    )


def starts(count: int) -> list[datetime]:
    # A fixed seed: the same instants on every run, spread over two years, on odd seconds.
    rng = random.Random(20260308)
    origin = datetime(2026, 1, 1, tzinfo=UTC)
    return [origin + timedelta(seconds=rng.randrange(2 * 365 * 86400)) for _ in range(count)]


def rate(label: str, call: Callable[[datetime], object], instants: list[datetime]) -> None:
    started = time.perf_counter()
    for instant in instants:
        call(instant)
    elapsed = time.perf_counter() - started
    per_second = len(instants) / elapsed
    micros = elapsed * 1e6 / len(instants)
    print(f"{label:<50} {per_second:>11,.0f} calls/s {micros:>9,.1f} µs/call")


def main() -> None:
    calendar = support_calendar()
    instants = starts(20_000)
    year = timedelta(days=365)
    # The steady state of a server: holiday years loaded and the per-day cache warm.
    for instant in instants[:1000]:
        calendar.add_business_days(instant, 400)
    print(f"calendar: {calendar.describe()}")
    rate("add_business_days(start, 1)", lambda s: calendar.add_business_days(s, 1), instants)
    rate("add_business_days(start, 30)", lambda s: calendar.add_business_days(s, 30), instants)
    rate(
        "add_business_days(start, 300)",
        lambda s: calendar.add_business_days(s, 300),
        instants[:2000],
    )
    rate("due(start, '2 business hours')", lambda s: calendar.due(s, "2 business hours"), instants)
    rate(
        "business_time_between(start, start + 1 year)",
        lambda s: calendar.business_time_between(s, s + year),
        instants[:2000],
    )
    rate("is_open(instant)", calendar.is_open, instants)
    # A fresh calendar per call: the cost when nothing is cached but the holiday tables.
    rate(
        "new calendar + add_business_days(start, 30)",
        lambda s: support_calendar().add_business_days(s, 30),
        instants[:1000],
    )


if __name__ == "__main__":
    main()
