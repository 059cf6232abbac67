"""Support calendars and durations: exact business-time arithmetic, in pure Python.

Nothing here imports Django, so policy loading, the web app and scripts can all share it.
"""

from .calendar import Calendar
from .durations import Duration, DurationError, parse_duration
from .holiday_set import HolidaySet, us_federal_holidays
from .pauses import ClockStopped, Pause

__all__ = [
    "Calendar",
    "ClockStopped",
    "Duration",
    "DurationError",
    "HolidaySet",
    "Pause",
    "parse_duration",
    "us_federal_holidays",
]
