"""Support calendars: when support is open, and exact business-time arithmetic over it.

Every computation walks the calendar day by day over whole open intervals (interval arithmetic
on UTC datetimes), so results are exact to the microsecond and cost one step per local day,
never one per minute. See `localtime` for how local times on DST-change days are read.
"""

from __future__ import annotations

import math
from collections.abc import Container, Iterable, Iterator, Mapping
from datetime import date, datetime, time, timedelta, tzinfo
from decimal import Decimal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .durations import Duration, parse_duration
from .hours import WeeklyHours, describe_hours, read_hours
from .localtime import to_utc, wall_to_utc
from .pauses import ClockStopped, Pause, merge_pauses, running

ONE_DAY = timedelta(days=1)
ZERO = timedelta(0)

# An unbounded search (a due date, the next opening) gives up after this many closed days in a
# row: a calendar whose holiday container says "closed" forever would otherwise never return.
MAX_CLOSED_DAYS = 3660

# Per-calendar cache of open intervals by local date; cleared when it grows past this.
_CACHE_LIMIT = 50_000

PauseLike = Pause | tuple[datetime, datetime | None]
UtcSpan = tuple[datetime, datetime]


class Calendar:
    """Weekly support hours in an IANA time zone, closed on holidays, with a business-day length."""

    def __init__(
        self,
        name: str,
        timezone: str | ZoneInfo = "UTC",
        hours: Mapping[int, Iterable[tuple[str | time, str | time]]] | None = None,
        holidays: Container[date] | None = None,
        business_day: timedelta | None = None,
    ) -> None:
        self.name = name
        self.timezone = _zone(timezone)
        self.hours: WeeklyHours = read_hours(hours or {})
        if not self.hours:
            raise ValueError(f"calendar {name!r} is never open: give opening hours for some day")
        if holidays is not None and not hasattr(holidays, "__contains__"):
            raise TypeError(f"calendar {name!r}: holidays must be a container of dates")
        self.holidays: Container[date] = holidays if holidays is not None else frozenset()
        if business_day is None:
            # Our reading when none is given: the longest day of the week's open time.
            business_day = timedelta(
                seconds=max(
                    sum(end - start for start, end in spans) for spans in self.hours.values()
                )
            )
        if not isinstance(business_day, timedelta) or business_day <= ZERO:
            raise ValueError(f"calendar {name!r}: business_day must be a positive timedelta")
        self.business_day = business_day
        self._always_open = False
        self._days: dict[date, tuple[UtcSpan, ...]] = {}

    @classmethod
    def always_open(cls, name: str = "24x7", timezone: str | ZoneInfo = "UTC") -> Calendar:
        """A calendar open every instant; a business day is 24 hours."""
        every_day = {weekday: [("00:00", "24:00")] for weekday in range(7)}
        calendar = cls(name, timezone, every_day, None, timedelta(hours=24))
        calendar._always_open = True
        return calendar

    @property
    def zone_name(self) -> str:
        """The IANA name of the calendar's time zone, e.g. "America/New_York"."""
        return self.timezone.key

    def __repr__(self) -> str:
        return f"<Calendar {self.name}: {self.describe()}>"

    def describe(self) -> str:
        """A short text for the published policy, e.g. "Mon–Fri 08:00–20:00 America/New_York"."""
        if self._always_open:
            return "24 hours a day, 7 days a week"
        text = f"{describe_hours(self.hours)} {self.zone_name}"
        closed = _describe_holidays(self.holidays)
        return f"{text}, except {closed}" if closed else text

    # --- questions about one instant

    def is_open(self, instant: datetime) -> bool:
        """Whether support is open at `instant` (an opening is open, a closing is not)."""
        moment = to_utc(instant)
        local_day = moment.astimezone(self.timezone).date()
        # Neighbouring days too: with odd midnights (a DST change at 00:00) a local date's
        # intervals can start a little before the instants that read as that date.
        for day in (local_day - ONE_DAY, local_day, local_day + ONE_DAY):
            for start, end in self._day(day):
                if start <= moment < end:
                    return True
        return False

    def next_open(self, instant: datetime) -> datetime:
        """`instant` itself if support is open then, else the next opening."""
        for start, _ in self._segments(to_utc(instant)):
            return start.astimezone(self.timezone)
        raise AssertionError("unreachable: the walk is unbounded")  # pragma: no cover

    def open_intervals(self, start: datetime, end: datetime) -> Iterator[tuple[datetime, datetime]]:
        """The open intervals [opening, closing) within [start, end), in the calendar's zone."""
        # Checked here, not on first iteration, so a naive datetime fails at the call.
        return self._joined(to_utc(start, "start"), to_utc(end, "end"))

    def _joined(self, low: datetime, high: datetime) -> Iterator[tuple[datetime, datetime]]:
        pending: UtcSpan | None = None
        for opening, closing in self._segments(low, high):
            # Intervals of consecutive days can touch (20:00-24:00, then 00:00-02:00): join them.
            if pending is not None and pending[1] == opening:
                pending = (pending[0], closing)
                continue
            if pending is not None:
                yield self._local(pending)
            pending = (opening, closing)
        if pending is not None:
            yield self._local(pending)

    # --- business time

    def business_time_between(
        self, start: datetime, end: datetime, pauses: Iterable[PauseLike] = ()
    ) -> timedelta:
        """Open time in [start, end) outside the pauses; zero if end <= start."""
        low, high = to_utc(start, "start"), to_utc(end, "end")
        merged = merge_pauses(pauses)
        total = ZERO
        if high <= low:
            return total
        for opening, closing in running(self._segments(low, high), merged):
            total += closing - opening
        return total

    def add_business_time(
        self, start: datetime, amount: timedelta, pauses: Iterable[PauseLike] = ()
    ) -> datetime:
        """The earliest instant by which `amount` of business time has run since `start`.

        An amount that runs out exactly at a closing gives that closing, not the next opening.
        Raises ClockStopped when an open-ended pause starts before the amount has run.
        """
        low = to_utc(start, "start")
        _check_amount(amount)
        merged = merge_pauses(pauses)
        if self._always_open:
            return self._elapsed(low, amount, merged)
        if amount == ZERO:
            return low.astimezone(self.timezone)
        remaining = amount
        for opening, closing in running(self._segments(low), merged):
            length = closing - opening
            if remaining <= length:
                return (opening + remaining).astimezone(self.timezone)
            remaining -= length
        raise _stopped(amount, "business time")

    def add_business_days(
        self, start: datetime, n: int | float | Decimal, pauses: Iterable[PauseLike] = ()
    ) -> datetime:
        """`n` business days (n × business_day of business time) after `start`."""
        return self.add_business_time(start, self._days_of_business(n), pauses)

    def add_elapsed(
        self, start: datetime, amount: timedelta, pauses: Iterable[PauseLike] = ()
    ) -> datetime:
        """Wall-clock time: `amount` of elapsed time after `start`, not counting the pauses."""
        low = to_utc(start, "start")
        _check_amount(amount)
        return self._elapsed(low, amount, merge_pauses(pauses))

    def due(
        self, start: datetime, duration: Duration | str, pauses: Iterable[PauseLike] = ()
    ) -> datetime:
        """When a clock of `duration` started at `start` runs out: business or elapsed time."""
        if isinstance(duration, str):
            duration = parse_duration(duration)
        if not isinstance(duration, Duration):
            raise TypeError(f"duration must be a Duration, not {type(duration).__name__}")
        if duration.unit == "months":
            raise ValueError(
                f'"{duration}" is not a clock: a month has no fixed length (count dates instead)'
            )
        if duration.is_business:
            return self.add_business_time(start, duration.business_time(self.business_day), pauses)
        return self.add_elapsed(start, duration.as_timedelta(), pauses)

    # --- the walk

    def _segments(self, low: datetime, high: datetime | None = None) -> Iterator[UtcSpan]:
        """Open intervals clipped to [low, high) in UTC, one local day at a time, in order.

        Intervals of consecutive days are not joined (callers that show them do). Without
        `high` the walk is unbounded and ends only with MAX_CLOSED_DAYS closed days in a row.
        """
        if high is not None and high <= low:
            return
        day = low.astimezone(self.timezone).date() - ONE_DAY  # see is_open about odd midnights
        last_day = None if high is None else high.astimezone(self.timezone).date() + ONE_DAY
        closed_in_a_row = 0
        while last_day is None or day <= last_day:
            spans = self._day(day)
            for opening, closing in spans:
                if high is not None and opening >= high:
                    return
                if closing > low:
                    yield max(opening, low), closing if high is None else min(closing, high)
            if spans:
                closed_in_a_row = 0
            else:
                closed_in_a_row += 1
                if closed_in_a_row > MAX_CLOSED_DAYS:
                    raise ValueError(
                        f"calendar {self.name!r} is closed for {MAX_CLOSED_DAYS} days in a row "
                        f"from {day - timedelta(days=MAX_CLOSED_DAYS)}: no opening to reach"
                    )
            day += ONE_DAY

    def _day(self, day: date) -> tuple[UtcSpan, ...]:
        """The open intervals (UTC) of one local date; cached, since walks revisit days."""
        spans = self._days.get(day)
        if spans is None:
            spans = ()
            weekly = self.hours.get(day.weekday())
            if weekly and day not in self.holidays:
                found = []
                for opening, closing in weekly:
                    start = wall_to_utc(day, opening, self.timezone)
                    end = wall_to_utc(day, closing, self.timezone)
                    # Both ends in one spring-forward gap map to one instant: nothing is open.
                    if start < end:
                        found.append((start, end))
                spans = tuple(found)
            if len(self._days) >= _CACHE_LIMIT:
                self._days.clear()
            self._days[day] = spans
        return spans

    def _elapsed(self, low: datetime, amount: timedelta, pauses: list) -> datetime:
        if amount == ZERO:
            return low.astimezone(self.timezone)  # as for business time: nothing has to run
        remaining = amount
        cursor = low
        for pause_start, pause_end in pauses:
            if pause_end is not None and pause_end <= cursor:
                continue
            if pause_start > cursor:
                if remaining <= pause_start - cursor:
                    break
                remaining -= pause_start - cursor
            if pause_end is None:
                raise _stopped(amount, "elapsed time")
            cursor = max(cursor, pause_end)
        return (cursor + remaining).astimezone(self.timezone)

    def _days_of_business(self, n: int | float | Decimal) -> timedelta:
        if isinstance(n, bool) or not isinstance(n, (int, float, Decimal)):
            raise TypeError(f"a number of business days must be a number, not {n!r}")
        finite = n.is_finite() if isinstance(n, Decimal) else math.isfinite(n)
        if not finite or n < 0:
            raise ValueError(f"a number of business days must be zero or more, not {n}")
        if isinstance(n, Decimal):
            micros = n * (self.business_day // timedelta(microseconds=1))
            return timedelta(microseconds=int(micros.to_integral_value()))
        return self.business_day * n

    def _local(self, span: UtcSpan) -> tuple[datetime, datetime]:
        return span[0].astimezone(self.timezone), span[1].astimezone(self.timezone)


def _zone(timezone: str | tzinfo) -> ZoneInfo:
    if isinstance(timezone, ZoneInfo):
        return timezone
    if not isinstance(timezone, str):
        raise TypeError(f"timezone must be an IANA name such as 'America/New_York': {timezone!r}")
    try:
        return ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {timezone!r}") from None


def _check_amount(amount: timedelta) -> None:
    if not isinstance(amount, timedelta):
        raise TypeError(f"amount must be a timedelta, not {type(amount).__name__}")
    if amount < ZERO:
        raise ValueError(f"amount must not be negative: {amount}")


def _stopped(amount: timedelta, kind: str) -> ClockStopped:
    return ClockStopped(
        f"{amount} of {kind} never runs out: an open-ended pause stops the clock first"
    )


def _describe_holidays(holidays: Container[date]) -> str:
    describe = getattr(holidays, "describe", None)
    if callable(describe):
        return describe()
    try:
        count = len(holidays)  # type: ignore[arg-type]
    except TypeError:
        return "holidays"
    if count == 0:
        return ""
    return "1 holiday" if count == 1 else f"{count} holidays"
