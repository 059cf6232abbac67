"""Property tests: the calendar engine against a brute-force oracle that steps minute by minute.

The oracle knows nothing of the engine's interval arithmetic. For each minute of a window it
reads the local wall clock, and it places each opening and closing at the first minute whose
wall-clock reading has reached it (first occurrence when the clock is set back, the jump
when the reading does not exist): the policy's reading of DST days, found by brute force.
All instants are whole minutes, and the zones used change their clocks on whole minutes, so
counting minutes is exact.
"""

from __future__ import annotations

import functools
import itertools
from bisect import bisect_left
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from caredesk.calendars import Calendar, ClockStopped, Pause

MINUTE = timedelta(minutes=1)
ZONES = ("America/New_York", "Europe/London", "Australia/Sydney")
# Input instants are also given in a zone with a half-hour offset, to exercise conversion.
INPUT_ZONES = (UTC, ZoneInfo("Asia/Kolkata"), *(ZoneInfo(key) for key in ZONES))

HOURS = {
    "weekdays": {w: [("08:00", "20:00")] for w in range(5)},
    "lunch": {w: [("08:00", "12:00"), ("13:00", "17:00")] for w in range(5)},
    "weekend": {
        **{w: [("09:00", "17:00")] for w in range(5)},
        5: [("10:00", "16:00")],
        6: [("10:00", "16:00")],
    },
    # Openings and closings inside the DST gaps and repeated hours of all three zones, and
    # intervals that touch across midnight.
    "night": {
        w: [("00:00", "00:45"), ("01:30", "02:30"), ("02:45", "05:00"), ("22:00", "24:00")]
        for w in range(7)
    },
    "24x7": None,
}
HOLIDAYS = frozenset({date(2026, 3, 9), date(2026, 10, 26), date(2026, 4, 6)})

# Around each anchor the strategies pick instants; the anchors are DST changes (UTC).
ANCHORS = (
    datetime(2026, 3, 8, 7, tzinfo=UTC),  # New York springs forward
    datetime(2026, 11, 1, 6, tzinfo=UTC),  # New York falls back
    datetime(2026, 3, 29, 1, tzinfo=UTC),  # London springs forward
    datetime(2026, 10, 25, 1, tzinfo=UTC),  # London falls back
    datetime(2026, 4, 4, 16, tzinfo=UTC),  # Sydney falls back
    datetime(2026, 10, 3, 16, tzinfo=UTC),  # Sydney springs forward
    datetime(2026, 6, 17, 12, tzinfo=UTC),  # an ordinary week
)
WINDOW_BEFORE = timedelta(days=5)
WINDOW_MINUTES = 17 * 24 * 60  # the oracle's window: 5 days before an anchor to 12 days after

SETTINGS = settings(max_examples=400, deadline=None, database=None)


def utc(instant: datetime) -> datetime:
    # Python never finds a repeated local time (fold) == an instant of another zone, so results
    # are compared in UTC.
    return instant.astimezone(UTC)


@functools.cache
def calendar_for(kind: str, zone: str) -> Calendar:
    if kind == "24x7":
        return Calendar.always_open(name="24x7", timezone=zone)
    return Calendar(kind, zone, HOURS[kind], holidays=HOLIDAYS, business_day=timedelta(hours=9))


@functools.cache
def wall_readings(zone: str, window_start: datetime) -> list[datetime]:
    """The running maximum of the local wall clock, minute by minute over the window."""
    tz = ZoneInfo(zone)
    readings = (
        (window_start + i * MINUTE).astimezone(tz).replace(tzinfo=None)
        for i in range(WINDOW_MINUTES)
    )
    # "The first minute whose reading has reached T" is a bisection on the running maximum.
    return list(itertools.accumulate(readings, max))


@functools.cache
def open_minutes(kind: str, zone: str, window_start: datetime) -> bytes:
    """1 for each minute of the window at which the calendar is open, else 0."""
    if HOURS[kind] is None:
        return b"\x01" * WINDOW_MINUTES
    reached = wall_readings(zone, window_start)
    mask = bytearray(WINDOW_MINUTES)
    first_day = window_start.date() - timedelta(days=2)
    for offset in range(WINDOW_MINUTES // 1440 + 4):
        day = first_day + timedelta(days=offset)
        if day in HOLIDAYS:
            continue
        for opening, closing in HOURS[kind].get(day.weekday(), []):
            low = bisect_left(reached, _wall(day, opening))
            high = bisect_left(reached, _wall(day, closing))
            mask[low:high] = b"\x01" * (high - low)
    return bytes(mask)


def _wall(day: date, text: str) -> datetime:
    if text == "24:00":
        return datetime.combine(day + timedelta(days=1), time(0))
    return datetime.combine(day, time.fromisoformat(text))


@dataclass
class Scenario:
    """A calendar, a start instant and pauses, with the oracle's view of the minutes around."""

    kind: str
    zone: str
    anchor: datetime
    start: datetime
    pauses: list[Pause]

    @property
    def calendar(self) -> Calendar:
        return calendar_for(self.kind, self.zone)

    @property
    def window_start(self) -> datetime:
        return self.anchor - WINDOW_BEFORE

    def later(self, minutes: int) -> datetime:
        """The start plus `minutes` of elapsed time, shown in the start's zone."""
        # Computed in UTC: aware arithmetic in one ZoneInfo is wall-clock arithmetic, and it
        # drops `fold`.
        return (utc(self.start) + minutes * MINUTE).astimezone(self.start.tzinfo)

    def index(self, instant: datetime) -> int:
        return (instant.astimezone(UTC) - self.window_start) // MINUTE

    def instant(self, index: int) -> datetime:
        return self.window_start + index * MINUTE

    @functools.cached_property
    def running(self) -> bytearray:
        """Open minutes with the paused ones zeroed."""
        mask = bytearray(open_minutes(self.kind, self.zone, self.window_start))
        for pause in self.pauses:
            low = max(self.index(pause.start), 0)
            high = WINDOW_MINUTES if pause.end is None else max(self.index(pause.end), 0)
            mask[low:high] = bytes(max(high - low, 0))
        return mask

    @property
    def stopped_for_good(self) -> bool:
        return any(pause.end is None for pause in self.pauses)

    def count(self, start: datetime, end: datetime) -> int:
        """Running minutes in [start, end); none when end is not after start."""
        return self.running[self.index(start) : self.index(end)].count(1)

    def first_reaching(self, minutes: int) -> datetime | None:
        """The first minute by which `minutes` running minutes have passed since the start."""
        position = self.index(self.start)
        if minutes == 0:
            return self.start
        counted = 0
        for i in range(position, WINDOW_MINUTES):
            counted += self.running[i]
            if counted == minutes:
                return self.instant(i + 1)
        assert self.stopped_for_good, "the oracle's window is too short for this scenario"
        return None


@st.composite
def scenarios(draw, kinds=tuple(HOURS), with_pauses=True) -> Scenario:
    kind = draw(st.sampled_from(kinds))
    zone = draw(st.sampled_from(ZONES))
    anchor = draw(st.sampled_from(ANCHORS))
    shown_in = draw(st.sampled_from(INPUT_ZONES))
    start = anchor + draw(st.integers(-3 * 1440, 3 * 1440)) * MINUTE
    pauses = []
    if with_pauses:
        for _ in range(draw(st.integers(0, 3))):
            pause_start = start + draw(st.integers(-1440, 2 * 1440)) * MINUTE
            length = draw(st.one_of(st.integers(0, 1440), st.none()))
            pause_end = None if length is None else pause_start + length * MINUTE
            pauses.append(Pause(pause_start.astimezone(shown_in), pause_end))
    return Scenario(kind, zone, anchor, start.astimezone(shown_in), pauses)


amounts = st.integers(0, 12 * 60)


@SETTINGS
@given(scenarios(), st.integers(0, 4 * 1440))
def test_business_time_between_counts_the_oracles_running_minutes(scenario, span):
    end = scenario.later(span)
    expected = scenario.count(scenario.start, end) * MINUTE
    assert scenario.calendar.business_time_between(scenario.start, end, scenario.pauses) == expected


@SETTINGS
@given(scenarios(), amounts)
def test_add_business_time_is_the_first_minute_the_oracle_reaches_the_amount(scenario, minutes):
    expected = scenario.first_reaching(minutes)
    calendar = scenario.calendar
    if expected is None:
        with pytest.raises(ClockStopped):
            calendar.add_business_time(scenario.start, minutes * MINUTE, scenario.pauses)
        return
    result = calendar.add_business_time(scenario.start, minutes * MINUTE, scenario.pauses)
    assert utc(result) == utc(expected)
    assert result.tzinfo == calendar.timezone


@SETTINGS
@given(scenarios(), amounts)
def test_add_and_between_are_inverse(scenario, minutes):
    calendar, amount = scenario.calendar, minutes * MINUTE
    try:
        due = calendar.add_business_time(scenario.start, amount, scenario.pauses)
    except ClockStopped:
        assert scenario.stopped_for_good
        return
    assert calendar.business_time_between(scenario.start, due, scenario.pauses) == amount


@SETTINGS
@given(scenarios(), amounts, amounts)
def test_add_business_time_is_monotonic_in_the_amount(scenario, first, second):
    calendar = scenario.calendar
    smaller, larger = sorted((first, second))
    try:
        later = calendar.add_business_time(scenario.start, larger * MINUTE, scenario.pauses)
    except ClockStopped:
        assert scenario.stopped_for_good
        return
    earlier = calendar.add_business_time(scenario.start, smaller * MINUTE, scenario.pauses)
    assert earlier <= later
    if smaller < larger:
        assert earlier < later


@SETTINGS
@given(scenarios(kinds=("24x7",)), amounts, st.integers(0, 4 * 1440))
def test_24x7_is_elapsed_arithmetic(scenario, minutes, span):
    calendar, amount = scenario.calendar, minutes * MINUTE
    start, end = scenario.start, scenario.later(span)
    assert utc(calendar.add_business_time(start, amount)) == utc(scenario.later(minutes))
    assert calendar.business_time_between(start, end) == utc(end) - utc(start)
    try:
        elapsed = calendar.add_elapsed(start, amount, scenario.pauses)
    except ClockStopped:
        with pytest.raises(ClockStopped):
            calendar.add_business_time(start, amount, scenario.pauses)
        return
    assert utc(calendar.add_business_time(start, amount, scenario.pauses)) == utc(elapsed)


@SETTINGS
@given(scenarios(), amounts)
def test_add_elapsed_skips_only_the_pauses(scenario, minutes):
    # The same oracle with every minute open: wall-clock time less the pauses.
    elapsed = Scenario("24x7", scenario.zone, scenario.anchor, scenario.start, scenario.pauses)
    expected = elapsed.first_reaching(minutes)
    if expected is None:
        with pytest.raises(ClockStopped):
            scenario.calendar.add_elapsed(scenario.start, minutes * MINUTE, scenario.pauses)
        return
    result = scenario.calendar.add_elapsed(scenario.start, minutes * MINUTE, scenario.pauses)
    assert utc(result) == utc(expected)


@SETTINGS
@given(scenarios(with_pauses=False), st.integers(0, 4 * 1440))
def test_is_open_next_open_and_open_intervals_agree_with_the_oracle(scenario, span):
    calendar, start = scenario.calendar, scenario.start
    end = scenario.later(span)
    mask = scenario.running
    assert calendar.is_open(start) == bool(mask[scenario.index(start)])
    next_index = mask.index(1, scenario.index(start))
    assert utc(calendar.next_open(start)) == scenario.instant(next_index)
    # The oracle's runs of open minutes inside [start, end), as intervals.
    expected, low = [], scenario.index(start)
    for is_open, run in itertools.groupby(range(low, scenario.index(end)), key=mask.__getitem__):
        minutes = list(run)
        if is_open:
            expected.append((scenario.instant(minutes[0]), scenario.instant(minutes[-1] + 1)))
    intervals = list(calendar.open_intervals(start, end))
    assert [(utc(a), utc(b)) for a, b in intervals] == expected
