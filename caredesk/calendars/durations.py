"""Durations as written in the support policy: "2 hours", "1 business day", "3 months"."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal, InvalidOperation

# Canonical unit -> (singular text, plural text). The order is the order of the help text.
UNITS: dict[str, tuple[str, str]] = {
    "minutes": ("minute", "minutes"),
    "hours": ("hour", "hours"),
    "days": ("day", "days"),
    "weeks": ("week", "weeks"),
    "months": ("month", "months"),
    "business_minutes": ("business minute", "business minutes"),
    "business_hours": ("business hour", "business hours"),
    "business_days": ("business day", "business days"),
}

# Units that are a fixed length of plain elapsed time, in seconds.
ELAPSED_SECONDS: dict[str, int] = {
    "minutes": 60,
    "hours": 60 * 60,
    "days": 24 * 60 * 60,
    "weeks": 7 * 24 * 60 * 60,
}

# Business minutes and hours are fixed amounts of business time; business days depend on the
# calendar's business_day, so they are not in this table.
BUSINESS_SECONDS: dict[str, int] = {"business_minutes": 60, "business_hours": 60 * 60}

_WORDS: dict[str, str] = {
    "minute": "minutes",
    "minutes": "minutes",
    "min": "minutes",
    "mins": "minutes",
    "hour": "hours",
    "hours": "hours",
    "h": "hours",
    "hr": "hours",
    "hrs": "hours",
    "day": "days",
    "days": "days",
    "week": "weeks",
    "weeks": "weeks",
    "month": "months",
    "months": "months",
}
_BUSINESS_UNITS = {"minutes", "hours", "days"}

_TEXT = re.compile(r"^(?P<amount>[+-]?\d+(?:\.\d+)?)\s*(?P<unit>[a-z]+(?:\s+[a-z]+)?)$")

ACCEPTED = (
    'expected a number and a unit such as "2 hours", "1 business day" '
    "(units: minutes, hours, days, weeks, months, business minutes, business hours, "
    "business days)"
)


class DurationError(ValueError):
    """A duration text or value that cannot be read."""


@dataclass(frozen=True)
class Duration:
    """An amount of a unit: elapsed minutes to months, or business minutes, hours and days."""

    amount: Decimal
    unit: str

    def __post_init__(self) -> None:
        if self.unit not in UNITS:
            raise DurationError(
                f"unknown duration unit {self.unit!r}: expected one of {', '.join(UNITS)}"
            )
        amount = _decimal(self.amount)
        if amount is None:
            raise DurationError(f"duration amount {self.amount!r} is not a finite number")
        if amount <= 0:
            raise DurationError(
                f"a duration must be longer than zero, not {_format(amount)} {UNITS[self.unit][1]}"
            )
        # Decimal keeps "1.5" exact and makes Duration("30", ...) == Duration(30, ...).
        object.__setattr__(self, "amount", amount)

    @property
    def is_business(self) -> bool:
        """True for units that count only the calendar's open time."""
        return self.unit.startswith("business_")

    @property
    def is_elapsed(self) -> bool:
        """True for units that are a fixed length of wall-clock time."""
        return self.unit in ELAPSED_SECONDS

    def __str__(self) -> str:
        singular, plural = UNITS[self.unit]
        return f"{_format(self.amount)} {singular if self.amount == 1 else plural}"

    def as_timedelta(self) -> timedelta:
        """The elapsed length of a minutes/hours/days/weeks duration ("1 day" is 24 hours)."""
        if self.unit == "months":
            raise DurationError(
                f'"{self}" is not a fixed length of time: a month is counted on the calendar'
            )
        if self.unit not in ELAPSED_SECONDS:
            raise DurationError(
                f'"{self}" counts business time: it needs a calendar (Calendar.due)'
            )
        return _seconds(self.amount * ELAPSED_SECONDS[self.unit], self)

    def business_time(self, business_day: timedelta) -> timedelta:
        """The amount of business time of a business unit, given the calendar's business day."""
        if self.unit == "business_days":
            micros = self.amount * (business_day // timedelta(microseconds=1))
            return _micros(micros, self)
        if self.unit in BUSINESS_SECONDS:
            return _seconds(self.amount * BUSINESS_SECONDS[self.unit], self)
        raise DurationError(f'"{self}" is elapsed time, not business time')


def parse_duration(text: str) -> Duration:
    """Read policy text such as "2 hours", "1 business day" or "1.5 hrs" into a Duration."""
    if not isinstance(text, str):
        raise DurationError(f"cannot read {text!r}: {ACCEPTED}")
    cleaned = " ".join(text.lower().split())
    match = _TEXT.match(cleaned)
    unit = _unit(match.group("unit")) if match else None
    if match is None or unit is None:
        raise DurationError(f'cannot read "{text}": {ACCEPTED}')
    amount = Decimal(match.group("amount"))
    if amount <= 0:
        raise DurationError(f'cannot read "{text}": a duration must be longer than zero')
    return Duration(amount, unit)


def _unit(words: str) -> str | None:
    parts = words.split()
    if len(parts) == 1:
        return _WORDS.get(parts[0])
    if parts[0] != "business":
        return None
    base = _WORDS.get(parts[1])
    return f"business_{base}" if base in _BUSINESS_UNITS else None


def _decimal(value: object) -> Decimal | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, float):
        # str() gives the shortest text that round-trips, so 0.1 becomes Decimal("0.1").
        value = str(value)
    try:
        amount = Decimal(value) if isinstance(value, (int, str, Decimal)) else None
    except InvalidOperation:
        return None
    if amount is None or not amount.is_finite():
        return None
    return amount


def _format(amount: Decimal) -> str:
    # normalize() drops trailing zeros ("1.50" -> "1.5") and "f" avoids exponents ("3E+1").
    return format(amount.normalize(), "f")


def _seconds(seconds: Decimal, duration: Duration) -> timedelta:
    return _micros(seconds * 1_000_000, duration)


def _micros(micros: Decimal, duration: Duration) -> timedelta:
    try:
        return timedelta(microseconds=int(micros.to_integral_value()))
    except OverflowError:
        raise DurationError(f'"{duration}" is too long') from None
