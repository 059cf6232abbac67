"""Reading policy durations: the accepted forms, the refusals and their messages."""

from datetime import timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from caredesk.calendars import Duration, DurationError, parse_duration
from caredesk.calendars.durations import UNITS

HELP = 'expected a number and a unit such as "2 hours", "1 business day"'


@pytest.mark.parametrize(
    ("text", "amount", "unit"),
    [
        ("1 business day", 1, "business_days"),
        ("2 Business Days", 2, "business_days"),
        ("1.5 business days", Decimal("1.5"), "business_days"),
        ("2 business hours", 2, "business_hours"),
        ("1 business hour", 1, "business_hours"),
        ("30 business minutes", 30, "business_minutes"),
        ("45 business min", 45, "business_minutes"),
        ("2 hours", 2, "hours"),
        ("1 HOUR", 1, "hours"),
        ("4h", 4, "hours"),
        ("4 hr", 4, "hours"),
        ("1.25 hrs", Decimal("1.25"), "hours"),
        ("15 minutes", 15, "minutes"),
        ("1 minute", 1, "minutes"),
        ("10 min", 10, "minutes"),
        ("30 days", 30, "days"),
        ("1 day", 1, "days"),
        ("2 weeks", 2, "weeks"),
        ("3 months", 3, "months"),
        ("  1   business   day  ", 1, "business_days"),
    ],
)
def test_parse_accepted_forms(text, amount, unit):
    assert parse_duration(text) == Duration(amount=amount, unit=unit)


@pytest.mark.parametrize(
    "text",
    [
        "2 fortnights",
        "",
        "hours",
        "two hours",
        "2",
        "1 business week",
        "1 business month",
        "2 hours ago",
        "1,5 hours",
        "1e3 hours",
        "business 2 days",
        ".5 hours",
    ],
)
def test_parse_refuses_other_text_naming_it_and_the_accepted_forms(text):
    with pytest.raises(DurationError) as caught:
        parse_duration(text)
    assert str(caught.value).startswith(f'cannot read "{text}": {HELP}')
    assert "business hours" in str(caught.value)  # the list of units is spelled out


def test_error_text_is_the_documented_one():
    with pytest.raises(DurationError) as caught:
        parse_duration("2 fortnights")
    assert str(caught.value).startswith(
        'cannot read "2 fortnights": expected a number and a unit such as "2 hours", '
        '"1 business day"'
    )


@pytest.mark.parametrize("text", ["0 hours", "-1 hours", "0.0 business days", "-2 days"])
def test_parse_refuses_zero_and_negative_amounts(text):
    with pytest.raises(DurationError, match="longer than zero"):
        parse_duration(text)


def test_parse_refuses_non_text():
    with pytest.raises(DurationError, match="cannot read 2"):
        parse_duration(2)


def test_duration_error_is_a_value_error():
    assert issubclass(DurationError, ValueError)


@pytest.mark.parametrize(
    ("duration", "text"),
    [
        (Duration(1, "business_days"), "1 business day"),
        (Duration(2, "business_days"), "2 business days"),
        (Duration("1.50", "business_days"), "1.5 business days"),
        (Duration(2, "hours"), "2 hours"),
        (Duration(1, "hours"), "1 hour"),
        (Duration("30", "days"), "30 days"),
        (Duration(Decimal("1.0"), "months"), "1 month"),
        (Duration(0.5, "business_hours"), "0.5 business hours"),
        (Duration(90, "minutes"), "90 minutes"),
    ],
)
def test_str_is_the_canonical_text(duration, text):
    assert str(duration) == text


def test_amounts_of_any_numeric_type_are_equal_and_hash_alike():
    assert Duration("30", "days") == Duration(30, "days") == Duration(30.0, "days")
    assert hash(Duration("30", "days")) == hash(Duration(30, "days"))
    assert Duration(0.1, "hours").amount == Decimal("0.1")


@pytest.mark.parametrize(
    ("amount", "unit", "message"),
    [
        (0, "hours", "longer than zero"),
        (-1, "days", "longer than zero"),
        (1, "fortnights", "unknown duration unit"),
        (1, "business day", "unknown duration unit"),
        ("x", "hours", "not a finite number"),
        (float("nan"), "hours", "not a finite number"),
        (True, "hours", "not a finite number"),
    ],
)
def test_duration_refuses_bad_values(amount, unit, message):
    with pytest.raises(DurationError, match=message):
        Duration(amount, unit)


def test_duration_is_frozen():
    duration = Duration(1, "hours")
    with pytest.raises(AttributeError):
        duration.amount = 2


def test_is_business_and_is_elapsed():
    assert parse_duration("1 business day").is_business
    assert parse_duration("2 business hours").is_business
    assert not parse_duration("2 hours").is_business
    assert parse_duration("2 hours").is_elapsed
    assert not parse_duration("3 months").is_elapsed


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("90 minutes", timedelta(minutes=90)),
        ("2 hours", timedelta(hours=2)),
        ("1.5 hours", timedelta(minutes=90)),
        ("30 days", timedelta(hours=30 * 24)),
        ("2 weeks", timedelta(days=14)),
        ("0.000001 minutes", timedelta(microseconds=60)),
    ],
)
def test_as_timedelta_for_elapsed_units(text, expected):
    assert parse_duration(text).as_timedelta() == expected


def test_as_timedelta_refuses_months_and_business_units():
    with pytest.raises(DurationError, match="a month is counted on the calendar"):
        parse_duration("3 months").as_timedelta()
    with pytest.raises(DurationError, match="counts business time"):
        parse_duration("1 business day").as_timedelta()


def test_as_timedelta_reports_overflow_as_a_duration_error():
    with pytest.raises(DurationError, match="too long"):
        parse_duration("99999999999 weeks").as_timedelta()


def test_business_time_of_business_units():
    day = timedelta(hours=12)
    assert parse_duration("1 business day").business_time(day) == timedelta(hours=12)
    assert parse_duration("1.5 business days").business_time(day) == timedelta(hours=18)
    assert parse_duration("2 business hours").business_time(day) == timedelta(hours=2)
    assert parse_duration("30 business minutes").business_time(day) == timedelta(minutes=30)
    with pytest.raises(DurationError, match="elapsed time"):
        parse_duration("2 hours").business_time(day)


amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal(10_000), places=2)


@settings(max_examples=200, deadline=None, database=None)
@given(amounts, st.sampled_from(sorted(UNITS)))
def test_str_reads_back_to_the_same_duration(amount, unit):
    duration = Duration(amount, unit)
    assert parse_duration(str(duration)) == duration
