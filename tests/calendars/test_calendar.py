"""Example tests of the support calendar: the policy's checks, DST weeks, holidays and pauses."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from caredesk.calendars import (
    Calendar,
    ClockStopped,
    Duration,
    HolidaySet,
    Pause,
    parse_duration,
    us_federal_holidays,
)

NY = ZoneInfo("America/New_York")
WEEKDAYS_8_TO_20 = {weekday: [("08:00", "20:00")] for weekday in range(5)}


def ny(*args: int) -> datetime:
    return datetime(*args, tzinfo=NY)


@pytest.fixture(scope="module")
def support():
    """The policy's business-hours calendar: 08:00-20:00 Mon-Fri New York, US holidays."""
    return Calendar(
        name="business-hours",
        timezone="America/New_York",
        hours=WEEKDAYS_8_TO_20,
        holidays=HolidaySet(country="US"),
        business_day=timedelta(hours=12),
    )


# --- the policy's four business-day checks (week of Tue 2026-06-09, no holiday)


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        (ny(2026, 6, 9, 10), ny(2026, 6, 10, 10)),  # Tue 10:00 -> Wed 10:00
        (ny(2026, 6, 12, 19), ny(2026, 6, 15, 19)),  # Fri 19:00 -> Mon 19:00
        (ny(2026, 6, 13, 0), ny(2026, 6, 15, 20)),  # any time on Saturday -> Mon 20:00
        (ny(2026, 6, 13, 9, 30), ny(2026, 6, 15, 20)),
        (ny(2026, 6, 13, 23, 59, 59), ny(2026, 6, 15, 20)),
        (ny(2026, 6, 9, 20), ny(2026, 6, 10, 20)),  # Tue 20:00 -> Wed 20:00
    ],
)
def test_one_business_day(support, start, expected):
    assert support.add_business_days(start, 1) == expected
    assert support.due(start, parse_duration("1 business day")) == expected


def test_amount_running_out_at_a_closing_gives_the_closing_not_the_next_opening(support):
    assert support.add_business_time(ny(2026, 6, 9, 19), timedelta(hours=1)) == ny(2026, 6, 9, 20)
    assert support.add_business_time(ny(2026, 6, 9, 8), timedelta(hours=12)) == ny(2026, 6, 9, 20)
    # One more second needs the next opening.
    assert support.add_business_time(ny(2026, 6, 9, 19), timedelta(hours=1, seconds=1)) == ny(
        2026, 6, 10, 8, 0, 1
    )


def test_business_hours_count_open_time_and_hours_count_wall_clock(support):
    friday_evening = ny(2026, 6, 12, 19)
    assert support.due(friday_evening, parse_duration("2 business hours")) == ny(2026, 6, 15, 9)
    assert support.due(friday_evening, parse_duration("2 hours")) == ny(2026, 6, 12, 21)
    assert support.due(friday_evening, parse_duration("30 business minutes")) == ny(
        2026, 6, 12, 19, 30
    )


def test_results_are_in_the_calendar_zone_whatever_the_input_zone(support):
    start = datetime(2026, 6, 9, 14, tzinfo=UTC)  # Tue 10:00 in New York
    result = support.add_business_days(start, 1)
    assert result.tzinfo == NY
    assert result == ny(2026, 6, 10, 10)
    assert result.hour == 10


def test_exact_to_the_microsecond(support):
    start = ny(2026, 6, 9, 19, 59, 59, 999_999)
    assert support.add_business_time(start, timedelta(microseconds=2)) == ny(
        2026, 6, 10, 8, 0, 0, 1
    )


def test_zero_amount_is_the_start_even_when_closed(support):
    saturday = ny(2026, 6, 13, 12)
    assert support.add_business_time(saturday, timedelta(0)) == saturday
    assert support.add_business_days(saturday, 0) == saturday


def test_fractional_business_days(support):
    tuesday = ny(2026, 6, 9, 8)
    assert support.add_business_days(tuesday, 0.5) == ny(2026, 6, 9, 14)
    assert support.add_business_days(tuesday, Decimal("1.5")) == ny(2026, 6, 10, 14)
    assert support.due(tuesday, Duration("1.5", "business_days")) == ny(2026, 6, 10, 14)


def test_hundreds_of_business_days(support):
    # 2026 has 250 working days (261 weekdays less 11 federal holidays on weekdays), from
    # Friday 2 January (1 January is a holiday), so the 250th ends on New Year's Eve.
    start = ny(2026, 1, 2, 8)
    assert support.add_business_days(start, 250) == ny(2026, 12, 31, 20)
    assert support.add_business_days(start, 249.5) == ny(2026, 12, 31, 14)
    assert support.business_time_between(start, ny(2027, 1, 1)) == timedelta(hours=12 * 250)


# --- reading wall-clock time through daylight-saving changes


def test_opening_follows_the_new_york_wall_clock_through_the_year(support):
    summer = list(support.open_intervals(ny(2026, 7, 7), ny(2026, 7, 8)))
    winter = list(support.open_intervals(ny(2026, 12, 8), ny(2026, 12, 9)))
    assert [(a.astimezone(UTC).hour, b.astimezone(UTC).hour) for a, b in summer] == [(12, 0)]
    assert [(a.astimezone(UTC).hour, b.astimezone(UTC).hour) for a, b in winter] == [(13, 1)]


def test_spring_forward_week(support):
    # Sunday 2026-03-08 the clocks skip 02:00-03:00; the Friday before is in EST, Monday in EDT.
    friday = ny(2026, 3, 6, 19)
    assert support.add_business_days(friday, 1) == ny(2026, 3, 9, 19)
    assert support.add_business_days(friday, 1).utcoffset() == timedelta(hours=-4)
    # 72 elapsed hours (the wall clock shows 73), and business time is 1 h + 12 h.
    assert ny(2026, 3, 9, 20).astimezone(UTC) - friday.astimezone(UTC) == timedelta(hours=72)
    assert support.business_time_between(friday, ny(2026, 3, 9, 20)) == timedelta(hours=13)
    assert support.add_elapsed(friday, timedelta(hours=48)) == ny(2026, 3, 8, 20)


def test_fall_back_week(support):
    # Sunday 2026-11-01 the clocks repeat 01:00-02:00.
    friday = ny(2026, 10, 30, 19)
    assert support.add_business_days(friday, 1) == ny(2026, 11, 2, 19)
    assert support.add_business_days(friday, 1).utcoffset() == timedelta(hours=-5)
    assert support.add_elapsed(friday, timedelta(hours=48)) == ny(2026, 11, 1, 18)


def test_24x7_counts_the_real_length_of_dst_days():
    around = Calendar.always_open(name="24x7", timezone="America/New_York")
    assert around.business_time_between(ny(2026, 3, 8), ny(2026, 3, 9)) == timedelta(hours=23)
    assert around.business_time_between(ny(2026, 11, 1), ny(2026, 11, 2)) == timedelta(hours=25)
    # A business day of a 24x7 calendar is 24 hours of elapsed time, not one calendar day.
    assert around.add_business_days(ny(2026, 3, 7, 12), 1) == ny(2026, 3, 8, 13)


def night(hours):
    return Calendar("night", "America/New_York", dict.fromkeys(range(7), hours))


def test_opening_at_a_nonexistent_time_moves_to_the_jump():
    calendar = night([("02:30", "04:00")])
    assert list(calendar.open_intervals(ny(2026, 3, 8), ny(2026, 3, 9))) == [
        (datetime(2026, 3, 8, 7, tzinfo=UTC), datetime(2026, 3, 8, 8, tzinfo=UTC))
    ]


def test_closing_at_a_nonexistent_time_moves_to_the_jump():
    calendar = night([("01:30", "02:30")])
    intervals = list(calendar.open_intervals(ny(2026, 3, 8), ny(2026, 3, 9)))
    assert intervals == [(ny(2026, 3, 8, 1, 30), ny(2026, 3, 8, 3))]
    assert calendar.business_time_between(ny(2026, 3, 8), ny(2026, 3, 9)) == timedelta(minutes=30)


def test_hours_inside_the_gap_are_not_open_that_day():
    calendar = night([("02:10", "02:50")])
    assert list(calendar.open_intervals(ny(2026, 3, 8), ny(2026, 3, 9))) == []
    assert calendar.business_time_between(ny(2026, 3, 7), ny(2026, 3, 8)) == timedelta(minutes=40)


def test_ambiguous_times_take_their_first_occurrence():
    calendar = night([("01:30", "02:30")])
    # 01:30 EDT (05:30 UTC) to 02:30 EST (07:30 UTC): two hours on the fall-back night.
    # (Compared in UTC: Python says an ambiguous local time != any instant of another zone.)
    intervals = list(calendar.open_intervals(ny(2026, 11, 1), ny(2026, 11, 2)))
    assert [(a.astimezone(UTC), b.astimezone(UTC)) for a, b in intervals] == [
        (datetime(2026, 11, 1, 5, 30, tzinfo=UTC), datetime(2026, 11, 1, 7, 30, tzinfo=UTC))
    ]
    assert intervals[0][0].fold == 0 and intervals[0][0].utcoffset() == timedelta(hours=-4)
    closing_ambiguous = night([("00:30", "01:30")])
    assert calendar.business_time_between(ny(2026, 11, 1), ny(2026, 11, 2)) == timedelta(hours=2)
    assert closing_ambiguous.business_time_between(ny(2026, 11, 1), ny(2026, 11, 2)) == timedelta(
        hours=1
    )
    # The first 01:15 (EDT) is open; the second (EST) is after the closing at 01:30 EDT.
    assert closing_ambiguous.is_open(datetime(2026, 11, 1, 5, 15, tzinfo=UTC))
    assert not closing_ambiguous.is_open(datetime(2026, 11, 1, 6, 15, tzinfo=UTC))


def test_24_00_closes_at_midnight_and_touching_days_are_joined():
    calendar = Calendar("late", "Europe/London", {0: [("20:00", "24:00")], 1: [("00:00", "02:00")]})
    london = ZoneInfo("Europe/London")
    intervals = list(
        calendar.open_intervals(
            datetime(2026, 6, 8, tzinfo=london), datetime(2026, 6, 10, tzinfo=london)
        )
    )
    assert intervals == [
        (datetime(2026, 6, 8, 20, tzinfo=london), datetime(2026, 6, 9, 2, tzinfo=london))
    ]


# --- holidays


def test_thanksgiving_is_closed(support):
    assert not support.is_open(ny(2026, 11, 26, 12))
    assert support.add_business_days(ny(2026, 11, 25, 10), 1) == ny(2026, 11, 27, 10)


def test_july_4th_is_observed_on_friday_july_3rd(support):
    assert not support.is_open(ny(2026, 7, 3, 12))
    assert support.add_business_days(ny(2026, 7, 2, 10), 1) == ny(2026, 7, 6, 10)
    assert support.next_open(ny(2026, 7, 2, 20)) == ny(2026, 7, 6, 8)


def test_holiday_years_are_computed_on_demand(support):
    assert date(2031, 11, 27) in support.holidays  # Thanksgiving 2031
    assert support.add_business_days(ny(2031, 11, 26, 10), 1) == ny(2031, 11, 28, 10)


def test_holiday_set_extra_and_removed_dates():
    holidays = HolidaySet(country="US", extra=[date(2026, 12, 24)], removed=[date(2026, 11, 26)])
    assert date(2026, 12, 24) in holidays
    assert date(2026, 11, 26) not in holidays
    assert date(2026, 12, 25) in holidays
    assert date(2026, 12, 23) not in holidays
    assert holidays.dates(2026) >= {date(2026, 12, 24), date(2026, 12, 25), date(2026, 7, 3)}
    assert date(2026, 11, 26) not in holidays.dates(2026)


def test_holiday_set_without_a_country_has_only_its_extra_dates():
    holidays = HolidaySet(country=None, extra=[date(2026, 8, 3)])
    assert date(2026, 8, 3) in holidays
    assert date(2026, 12, 25) not in holidays
    assert holidays.describe() == "1 day"


def test_holiday_set_ignores_what_is_not_a_date():
    holidays = HolidaySet(country="US")
    assert datetime(2026, 12, 25, 12) not in holidays
    assert "2026-12-25" not in holidays


def test_holiday_set_refuses_unknown_countries_and_non_dates():
    with pytest.raises(ValueError, match="unknown holiday calendar 'XX'"):
        HolidaySet(country="XX")
    with pytest.raises(TypeError, match="must be dates"):
        HolidaySet(extra=["2026-12-24"])


def test_observed_new_year_falls_in_the_year_before():
    # 1 January 2028 is a Saturday: observed on Friday 31 December 2027.
    assert date(2027, 12, 31) in HolidaySet(country="US")
    assert date(2027, 12, 31) in us_federal_holidays([2027])
    assert date(2026, 7, 3) in us_federal_holidays([2026])


def test_any_container_of_dates_serves_as_holidays():
    calendar = Calendar("plain", "UTC", WEEKDAYS_8_TO_20, holidays={date(2026, 6, 10)})
    start = datetime(2026, 6, 9, 10, tzinfo=UTC)
    assert calendar.add_business_days(start, 1) == datetime(2026, 6, 11, 10, tzinfo=UTC)


def test_a_calendar_closed_for_ever_raises_instead_of_looping():
    class Everything:
        """A holiday container that says every date is a holiday."""

        def __contains__(self, day):
            return True

    calendar = Calendar("closed", "UTC", WEEKDAYS_8_TO_20, holidays=Everything())
    with pytest.raises(ValueError, match="closed for 3660 days in a row"):
        calendar.add_business_days(datetime(2026, 6, 9, tzinfo=UTC), 1)
    assert calendar.business_time_between(
        datetime(2026, 1, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC)
    ) == timedelta(0)


# --- pauses


def test_a_pause_in_open_time_pushes_the_due_date(support):
    tuesday = ny(2026, 6, 9, 10)
    pause = Pause(ny(2026, 6, 9, 12), ny(2026, 6, 9, 14))
    assert support.add_business_days(tuesday, 1, pauses=[pause]) == ny(2026, 6, 10, 12)
    assert support.business_time_between(tuesday, ny(2026, 6, 10, 12), pauses=[pause]) == timedelta(
        hours=12
    )


def test_a_pause_in_closed_time_changes_nothing(support):
    friday = ny(2026, 6, 12, 19)
    weekend = Pause(ny(2026, 6, 12, 20), ny(2026, 6, 15, 8))
    assert support.add_business_days(friday, 1, pauses=[weekend]) == ny(2026, 6, 15, 19)


def test_overlapping_pauses_are_merged(support):
    tuesday = ny(2026, 6, 9, 8)
    overlapping = [
        Pause(ny(2026, 6, 9, 13), ny(2026, 6, 9, 15)),
        Pause(ny(2026, 6, 9, 10), ny(2026, 6, 9, 14)),
        Pause(ny(2026, 6, 9, 11), ny(2026, 6, 9, 12)),
        Pause(ny(2026, 6, 9, 15), ny(2026, 6, 9, 16)),  # touching the first
    ]
    assert support.business_time_between(
        tuesday, ny(2026, 6, 9, 20), pauses=overlapping
    ) == timedelta(hours=6)
    assert support.add_business_time(tuesday, timedelta(hours=3), pauses=overlapping) == ny(
        2026, 6, 9, 17
    )


def test_pauses_may_be_given_as_pairs(support):
    pause = (ny(2026, 6, 9, 12), ny(2026, 6, 9, 14))
    assert support.business_time_between(
        ny(2026, 6, 9, 8), ny(2026, 6, 9, 20), pauses=[pause]
    ) == timedelta(hours=10)


def test_an_open_ended_pause_stops_the_clock(support):
    tuesday = ny(2026, 6, 9, 10)
    waiting = Pause(ny(2026, 6, 9, 12))
    with pytest.raises(ClockStopped, match="open-ended pause"):
        support.add_business_days(tuesday, 1, pauses=[waiting])
    with pytest.raises(ClockStopped):
        support.add_elapsed(tuesday, timedelta(hours=3), pauses=[waiting])
    # A clock that runs out before the pause starts is not affected.
    assert support.add_business_time(tuesday, timedelta(hours=2), pauses=[waiting]) == ny(
        2026, 6, 9, 12
    )
    assert support.business_time_between(tuesday, ny(2026, 6, 12), pauses=[waiting]) == timedelta(
        hours=2
    )


def test_pauses_stop_wall_clock_durations_too(support):
    tuesday = ny(2026, 6, 9, 10)
    pauses = [
        Pause(ny(2026, 6, 9, 10, 30), ny(2026, 6, 9, 11)),
        Pause(tuesday, ny(2026, 6, 9, 10, 10)),
    ]
    assert support.add_elapsed(tuesday, timedelta(hours=2), pauses=pauses) == ny(2026, 6, 9, 12, 40)
    assert support.due(tuesday, parse_duration("2 hours"), pauses=pauses) == ny(2026, 6, 9, 12, 40)


def test_pause_validation():
    with pytest.raises(ValueError, match="ends .* before it starts"):
        Pause(ny(2026, 6, 9, 12), ny(2026, 6, 9, 11))
    with pytest.raises(ValueError, match="naive"):
        Pause(datetime(2026, 6, 9, 12))
    with pytest.raises(ValueError, match="naive"):
        Pause(ny(2026, 6, 9, 12), datetime(2026, 6, 9, 13))


# --- elapsed durations


def test_days_are_24_hour_periods_of_elapsed_time(support):
    # 30 days across the November DST change: 720 hours, so the wall clock shows an hour less.
    start = ny(2026, 10, 20, 10)
    assert support.due(start, Duration("30", "days")) == ny(2026, 11, 19, 9)
    assert support.due(start, parse_duration("2 weeks")) == ny(2026, 11, 3, 9)


def test_months_are_not_a_clock(support):
    with pytest.raises(ValueError, match="a month has no fixed length"):
        support.due(ny(2026, 6, 9), parse_duration("1 month"))


def test_due_reads_text_and_refuses_other_types(support):
    assert support.due(ny(2026, 6, 9, 10), "1 business day") == ny(2026, 6, 10, 10)
    with pytest.raises(TypeError):
        support.due(ny(2026, 6, 9, 10), timedelta(hours=1))


# --- instants and intervals


def test_naive_datetimes_are_refused(support):
    naive = datetime(2026, 6, 9, 10)
    for call in (
        lambda: support.is_open(naive),
        lambda: support.next_open(naive),
        lambda: support.open_intervals(naive, ny(2026, 6, 10)),
        lambda: support.business_time_between(ny(2026, 6, 8), naive),
        lambda: support.add_business_time(naive, timedelta(hours=1)),
        lambda: support.add_business_days(naive, 1),
        lambda: support.add_elapsed(naive, timedelta(hours=1)),
        lambda: support.due(naive, parse_duration("2 hours")),
    ):
        with pytest.raises(ValueError, match="is naive: give a timezone-aware datetime"):
            call()


def test_bad_amounts_are_refused(support):
    with pytest.raises(ValueError, match="must not be negative"):
        support.add_business_time(ny(2026, 6, 9), timedelta(hours=-1))
    with pytest.raises(ValueError, match="zero or more"):
        support.add_business_days(ny(2026, 6, 9), -1)
    with pytest.raises(ValueError, match="zero or more"):
        support.add_business_days(ny(2026, 6, 9), float("nan"))
    with pytest.raises(TypeError):
        support.add_business_time(ny(2026, 6, 9), 3600)
    with pytest.raises(TypeError):
        support.is_open(date(2026, 6, 9))


def test_is_open_at_openings_not_at_closings(support):
    assert support.is_open(ny(2026, 6, 9, 8))
    assert support.is_open(ny(2026, 6, 9, 19, 59, 59))
    assert not support.is_open(ny(2026, 6, 9, 20))
    assert not support.is_open(ny(2026, 6, 9, 7, 59, 59))
    assert not support.is_open(ny(2026, 6, 13, 12))


def test_next_open(support):
    assert support.next_open(ny(2026, 6, 9, 10, 17)) == ny(2026, 6, 9, 10, 17)
    assert support.next_open(ny(2026, 6, 12, 20)) == ny(2026, 6, 15, 8)
    assert support.next_open(ny(2026, 11, 25, 21)) == ny(2026, 11, 27, 8)


def test_open_intervals_are_clipped_to_the_range(support):
    intervals = list(support.open_intervals(ny(2026, 6, 9, 12), ny(2026, 6, 15, 9)))
    assert intervals == [
        (ny(2026, 6, 9, 12), ny(2026, 6, 9, 20)),
        (ny(2026, 6, 10, 8), ny(2026, 6, 10, 20)),
        (ny(2026, 6, 11, 8), ny(2026, 6, 11, 20)),
        (ny(2026, 6, 12, 8), ny(2026, 6, 12, 20)),
        (ny(2026, 6, 15, 8), ny(2026, 6, 15, 9)),
    ]
    assert all(a.tzinfo == NY and b.tzinfo == NY for a, b in intervals)
    assert list(support.open_intervals(ny(2026, 6, 10), ny(2026, 6, 9))) == []


def test_business_time_between_is_zero_when_end_is_not_after_start(support):
    assert support.business_time_between(ny(2026, 6, 10), ny(2026, 6, 9)) == timedelta(0)
    assert support.business_time_between(ny(2026, 6, 9, 10), ny(2026, 6, 9, 10)) == timedelta(0)


def test_lunch_break():
    calendar = Calendar(
        "office", "Europe/London", {w: [("08:00", "12:00"), ("13:00", "17:00")] for w in range(5)}
    )
    london = ZoneInfo("Europe/London")
    assert calendar.business_day == timedelta(hours=8)  # default: the longest day's open time
    start = datetime(2026, 6, 9, 11, tzinfo=london)
    assert calendar.add_business_time(start, timedelta(hours=1)) == datetime(
        2026, 6, 9, 12, tzinfo=london
    )
    assert calendar.add_business_time(start, timedelta(hours=2)) == datetime(
        2026, 6, 9, 14, tzinfo=london
    )
    assert not calendar.is_open(datetime(2026, 6, 9, 12, 30, tzinfo=london))


def test_always_open_is_open_every_instant_and_is_elapsed_arithmetic():
    around = Calendar.always_open("24x7")
    start = datetime(2026, 6, 13, 3, 17, tzinfo=UTC)
    assert around.is_open(start)
    assert around.business_day == timedelta(hours=24)
    assert around.add_business_time(start, timedelta(hours=50)) == start + timedelta(hours=50)
    assert around.add_business_days(start, 2) == start + timedelta(hours=48)
    assert around.next_open(start) == start
    assert around.business_time_between(start, start + timedelta(days=9)) == timedelta(days=9)


# --- construction and description


def test_describe(support):
    assert support.describe() == "Mon–Fri 08:00–20:00 America/New_York, except US holidays"
    assert Calendar.always_open("24x7").describe() == "24 hours a day, 7 days a week"
    split = Calendar(
        "split",
        "Europe/London",
        {
            **{w: [("08:00", "12:00"), ("13:00", "17:00")] for w in range(5)},
            5: [("10:00", "14:00")],
        },
        holidays={date(2026, 12, 25), date(2026, 12, 26)},
    )
    assert split.describe() == (
        "Mon–Fri 08:00–12:00, 13:00–17:00; Sat 10:00–14:00 Europe/London, except 2 holidays"
    )
    extra = HolidaySet("US", extra=[date(2026, 12, 24)])
    assert extra.describe() == "US holidays and 1 day more"
    assert "Calendar business-hours" in repr(support)


def test_timezone_and_zone_name(support):
    assert support.timezone == NY
    assert support.zone_name == "America/New_York"


@pytest.mark.parametrize(
    ("hours", "message"),
    [
        ({0: [("8am", "20:00")]}, "Mon: '8am' is not a time"),
        ({0: [("20:00", "08:00")]}, "Mon: 20:00-08:00 closes before it opens"),
        ({1: [("08:00", "12:00"), ("11:00", "17:00")]}, "Tue: opening hours overlap at 11:00"),
        ({7: [("08:00", "20:00")]}, "weekday 7"),
        ({0: [("24:00", "24:00")]}, "not an opening time"),
        ({0: [("08:00", "24:30")]}, "not a closing time"),
        ({0: ["08:00"]}, "is not an \\(opening, closing\\) pair"),
        ({}, "never open"),
        ({0: []}, "never open"),
    ],
)
def test_bad_hours_are_refused(hours, message):
    with pytest.raises(ValueError, match=message):
        Calendar("bad", "UTC", hours)


def test_touching_hours_are_joined():
    calendar = Calendar("joined", "UTC", {0: [("12:00", "17:00"), ("08:00", "12:00")]})
    assert calendar.hours == {0: ((8 * 3600, 17 * 3600),)}


def test_unknown_time_zone_and_bad_business_day_are_refused():
    with pytest.raises(ValueError, match="unknown time zone 'America/Atlantis'"):
        Calendar("bad", "America/Atlantis", WEEKDAYS_8_TO_20)
    with pytest.raises(ValueError, match="business_day must be a positive timedelta"):
        Calendar("bad", "UTC", WEEKDAYS_8_TO_20, business_day=timedelta(0))


def test_zones_whose_clocks_change_at_midnight_still_tile_the_days():
    # Santiago springs forward from 00:00 to 01:00 on 2026-09-06: that day opens at 01:00.
    santiago = ZoneInfo("America/Santiago")
    calendar = Calendar("full", "America/Santiago", dict.fromkeys(range(7), [("00:00", "24:00")]))
    start, end = datetime(2026, 9, 4, tzinfo=santiago), datetime(2026, 9, 9, tzinfo=santiago)
    assert list(calendar.open_intervals(start, end)) == [(start, end)]
    assert calendar.business_time_between(start, end) == timedelta(days=5, hours=-1)
    assert calendar.next_open(datetime(2026, 9, 6, 3, 59, tzinfo=UTC)) == datetime(
        2026, 9, 5, 23, 59, tzinfo=santiago
    )
