"""Weekly opening hours: reading {weekday: [("08:00", "20:00"), ...]} and describing it."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import time

from .localtime import SECONDS_PER_DAY

# Opening hours as seconds of the local day, per weekday (0 = Monday); "24:00" is 86400.
WeeklyHours = dict[int, tuple[tuple[int, int], ...]]

DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_CLOCK = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$")


def read_hours(hours: Mapping[int, Iterable[tuple[str | time, str | time]]]) -> WeeklyHours:
    """Check and normalise weekly hours; weekdays that are missing or empty are closed."""
    weekly: WeeklyHours = {}
    for weekday, spans in hours.items():
        if isinstance(weekday, bool) or not isinstance(weekday, int) or not 0 <= weekday <= 6:
            raise ValueError(f"weekday {weekday!r}: expected 0 (Monday) to 6 (Sunday)")
        day = DAY_NAMES[weekday]
        read = []
        for span in spans:
            try:
                opening, closing = span
            except (TypeError, ValueError):
                raise ValueError(
                    f"{day}: {span!r} is not an (opening, closing) pair like ('08:00', '20:00')"
                ) from None
            start, end = _clock(opening, day, False), _clock(closing, day, True)
            if start >= end:
                raise ValueError(f"{day}: {_text(start)}-{_text(end)} closes before it opens")
            read.append((start, end))
        read.sort()
        merged: list[tuple[int, int]] = []
        for start, end in read:
            if merged and start < merged[-1][1]:
                # Overlaps are most likely typos; refuse them rather than guess.
                raise ValueError(f"{day}: opening hours overlap at {_text(start)}")
            if merged and start == merged[-1][1]:
                merged[-1] = (merged[-1][0], end)  # 08:00-12:00 + 12:00-17:00 is 08:00-17:00
            else:
                merged.append((start, end))
        if merged:
            weekly[weekday] = tuple(merged)
    return weekly


def describe_hours(weekly: WeeklyHours) -> str:
    """E.g. "Mon–Fri 08:00–20:00" or "Mon–Fri 08:00–12:00, 13:00–17:00; Sat 10:00–14:00"."""
    groups: list[tuple[int, int, tuple[tuple[int, int], ...]]] = []
    for weekday in range(7):
        spans = weekly.get(weekday)
        if not spans:
            continue
        if groups and groups[-1][1] == weekday - 1 and groups[-1][2] == spans:
            groups[-1] = (groups[-1][0], weekday, spans)
        else:
            groups.append((weekday, weekday, spans))
    parts = []
    for first, last, spans in groups:
        days = DAY_NAMES[first] if first == last else f"{DAY_NAMES[first]}–{DAY_NAMES[last]}"
        times = ", ".join(f"{_text(start)}–{_text(end)}" for start, end in spans)
        parts.append(f"{days} {times}")
    return "; ".join(parts)


def _clock(value: str | time, day: str, closing: bool) -> int:
    if isinstance(value, time):
        if value.tzinfo is not None:
            raise ValueError(f"{day}: {value} must be a local time without a time zone")
        return value.hour * 3600 + value.minute * 60 + value.second
    match = _CLOCK.match(value.strip()) if isinstance(value, str) else None
    if match is None:
        raise ValueError(f"{day}: {value!r} is not a time like '08:00'")
    hour, minute, second = int(match[1]), int(match[2]), int(match[3] or 0)
    seconds = hour * 3600 + minute * 60 + second
    if closing and seconds == SECONDS_PER_DAY:
        return seconds  # "24:00": the end of the day
    if hour > 23 or minute > 59 or second > 59:
        where = "a closing time" if closing else "an opening time"
        raise ValueError(f"{day}: {value!r} is not {where} (00:00 to 23:59, or 24:00 to close)")
    return seconds


def _text(seconds: int) -> str:
    hour, rest = divmod(seconds, 3600)
    minute, second = divmod(rest, 60)
    return f"{hour:02d}:{minute:02d}" + (f":{second:02d}" if second else "")
