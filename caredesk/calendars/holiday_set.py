"""Days on which a support calendar is closed: a country's public holidays, plus and minus dates."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from datetime import date, datetime


class HolidaySet:
    """A country's public holidays (observed days included) computed year by year on demand."""

    def __init__(
        self,
        country: str | None = "US",
        *,
        subdiv: str | None = None,
        extra: Iterable[date] = (),
        removed: Iterable[date] = (),
    ) -> None:
        self.country = country.upper() if country else None
        self.subdiv = subdiv
        self.extra = frozenset(_check_date(d, "extra") for d in extra)
        self.removed = frozenset(_check_date(d, "removed") for d in removed)
        self._years: dict[int, frozenset[date]] = {}
        # Calendars are shared by request threads; the lock keeps a year from being built twice.
        self._lock = threading.Lock()
        if self.country is not None:
            self._country_holidays(date.today().year)  # fails now on an unknown country code

    def __contains__(self, day: object) -> bool:
        if not isinstance(day, date) or isinstance(day, datetime):
            return False
        if day in self.removed:
            return False
        if day in self.extra:
            return True
        return self.country is not None and day in self._country_holidays(day.year)

    def dates(self, year: int) -> frozenset[date]:
        """Every closed date of `year`, after extras and removals."""
        own = self._country_holidays(year) if self.country is not None else frozenset()
        extra = {d for d in self.extra if d.year == year}
        return frozenset((own | extra) - self.removed)

    def named(self, start: date, end: date) -> list[tuple[date, str | None]]:
        """Every closed date in [start, end), with the holiday's name (None for an extra date)."""
        years = range(start.year, end.year + 1)
        found = sorted(d for year in years for d in self.dates(year) if start <= d < end)
        names: dict = {}
        if self.country is not None and found:
            import holidays

            names = holidays.country_holidays(self.country, subdiv=self.subdiv, years=years)
        return [(day, names.get(day)) for day in found]

    def describe(self) -> str:
        """A short text for the published policy, e.g. "US holidays"."""
        if self.country is None:
            base = f"{_days(len(self.extra))}" if self.extra else ""
        else:
            region = f"{self.country}-{self.subdiv}" if self.subdiv else self.country
            base = f"{region} holidays"
            if self.extra:
                base += f" and {_days(len(self.extra))} more"
        return base

    def __repr__(self) -> str:
        return (
            f"HolidaySet(country={self.country!r}, subdiv={self.subdiv!r}, "
            f"extra={sorted(self.extra)!r}, removed={sorted(self.removed)!r})"
        )

    def _country_holidays(self, year: int) -> frozenset[date]:
        found = self._years.get(year)
        if found is None:
            with self._lock:
                found = self._years.get(year)
                if found is None:
                    found = _load(self.country, self.subdiv, year)
                    self._years[year] = found
        return found


def us_federal_holidays(years: Iterable[int]) -> frozenset[date]:
    """US federal holidays, observed days included, for the given years."""
    return frozenset().union(*(_load("US", None, year) for year in years))


def _load(country: str, subdiv: str | None, year: int) -> frozenset[date]:
    # Imported here so a calendar without country holidays never pays for the package.
    import holidays

    try:
        found = holidays.country_holidays(country, subdiv=subdiv, years=year)
    except NotImplementedError as exc:
        raise ValueError(f"unknown holiday calendar {country!r}: {exc}") from exc
    # A holiday observed in the year before (1 January 2028, a Saturday, is observed on Friday
    # 31 December 2027) is filed under the year it falls in, so asking by a date's own year works.
    return frozenset(found)


def _check_date(value: object, what: str) -> date:
    if not isinstance(value, date) or isinstance(value, datetime):
        raise TypeError(f"{what} holidays must be dates, not {value!r}")
    return value


def _days(count: int) -> str:
    return f"{count} day" if count == 1 else f"{count} days"
