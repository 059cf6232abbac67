"""Turning local wall-clock readings into instants, and checking instants we are given.

Everything inside the engine is computed on UTC datetimes: subtracting two datetimes that share
a ZoneInfo tzinfo gives wall-clock differences, which are wrong across a DST change.

DST policy for local times on change days (deterministic, whatever the zone):
- a local time that does not exist (the clock jumped over it) means the first instant that
  exists after it, i.e. the instant of the jump: 02:30 on a New York spring-forward day is
  03:00 EDT;
- a local time that happens twice (the clock was set back) means its first occurrence (fold=0):
  01:30 on a New York fall-back day is 01:30 EDT.
Both rules are monotonic, so an interval whose opening is before its closing in local time never
maps to a reversed interval, and consecutive days never overlap.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

SECONDS_PER_DAY = 24 * 60 * 60


def to_utc(instant: datetime, what: str = "instant") -> datetime:
    """Check that `instant` is an aware datetime and return it in UTC."""
    if not isinstance(instant, datetime):
        raise TypeError(f"{what} must be a datetime, not {type(instant).__name__}")
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError(
            f"{what} {instant.isoformat()} is naive: give a timezone-aware datetime "
            "(for example with tzinfo=ZoneInfo('America/New_York') or UTC)"
        )
    return instant.astimezone(UTC)


def wall_to_utc(day: date, second_of_day: int, zone: ZoneInfo) -> datetime:
    """The instant at which the local clock of `zone` reads `second_of_day` on `day`.

    `second_of_day` may be 86400 ("24:00"), the start of the next day.
    """
    if second_of_day >= SECONDS_PER_DAY:
        day += timedelta(days=second_of_day // SECONDS_PER_DAY)
        second_of_day %= SECONDS_PER_DAY
    hour, rest = divmod(second_of_day, 3600)
    wall = datetime.combine(day, time(hour, rest // 60, rest % 60))
    # fold=0 is the first occurrence of an ambiguous reading, as the policy wants.
    first = wall.replace(tzinfo=zone).astimezone(UTC)
    if first.astimezone(zone).replace(tzinfo=None) == wall:
        return first
    return _end_of_gap(wall, zone)


def _end_of_gap(wall: datetime, zone: ZoneInfo) -> datetime:
    """The instant the clock jumped at, for a `wall` reading inside a spring-forward gap."""
    # In a gap, fold=1 applies the offset from after the jump (landing before it) and fold=0 the
    # one from before (landing after it), so the jump lies in (low, high]. zoneinfo has no public
    # list of transitions, so we bisect on whole seconds (tzdata transitions are whole seconds).
    low = wall.replace(tzinfo=zone, fold=1).astimezone(UTC)
    high = wall.replace(tzinfo=zone, fold=0).astimezone(UTC)
    old_offset = low.astimezone(zone).utcoffset()
    one_second = timedelta(seconds=1)
    while high - low > one_second:
        middle = low + ((high - low) // one_second // 2) * one_second
        if middle.astimezone(zone).utcoffset() == old_offset:
            low = middle
        else:
            high = middle
    return high
