"""How the console words what is left of a target: business time, elapsed time, overdue."""

from datetime import timedelta

from caredesk.console.templatetags.console import (
    business_left_words,
    clock_left,
    next_clock,
    overdue_words,
)
from caredesk.incidents.models import Clock
from tests.conftest import eastern


def test_words_for_time_left_and_overdue():
    assert business_left_words(timedelta(minutes=40)) == "in 40 business min"
    assert business_left_words(timedelta(seconds=10)) == "in 1 business min"
    assert business_left_words(timedelta(hours=3)) == "in 3 business hours"
    assert business_left_words(timedelta(hours=1)) == "in 1 business hour"
    assert business_left_words(timedelta(hours=2, minutes=15)) == "in 2 h 15 min business time"
    assert business_left_words(timedelta(hours=1, minutes=30), business=False) == "in 1 h 30 min"
    assert overdue_words(timedelta(minutes=25, seconds=40)) == "overdue by 25 min"
    assert overdue_words(timedelta(hours=3)) == "overdue by 3 hours"
    assert overdue_words(timedelta(hours=1, minutes=5)) == "overdue by 1 h 5 min"
    assert overdue_words(timedelta(days=3, hours=2)) == "overdue by 3 days"


def clock(**fields):
    values = {
        "target": "first-response",
        "within": "1 business day",
        "calendar": "business-hours",
        "clause": "P-PLAN",
        "state": Clock.State.RUNNING,
        "started_at": eastern(2026, 6, 5, 12),
    }
    values.update(fields)
    return Clock(**values)


def test_time_left_counts_the_clocks_own_business_hours():
    friday_7pm = eastern(2026, 6, 5, 19)
    # Open 08:00-20:00 Mon-Fri: an hour on Friday evening and an hour on Monday morning.
    left = clock_left(clock(due_at=eastern(2026, 6, 8, 9)), friday_7pm)
    assert (left.state, left.words) == ("running", "in 2 business hours")
    # A target in elapsed time (2 hours) counts the wall clock, and is due soon.
    transfer = clock(
        target="system-down-transfer", within="2 hours", due_at=friday_7pm + timedelta(minutes=90)
    )
    assert clock_left(transfer, friday_7pm).words == "in 1 h 30 min"
    assert clock_left(transfer, friday_7pm).state == "soon"
    late = clock_left(clock(due_at=friday_7pm - timedelta(minutes=25)), friday_7pm)
    assert (late.state, late.words) == ("overdue", "overdue by 25 min")
    paused = clock_left(clock(state=Clock.State.PAUSED, due_at=None), friday_7pm)
    assert (paused.state, paused.words, paused.state_label) == ("paused", "paused", "Paused")
    assert clock_left(clock(state=Clock.State.MET, due_at=friday_7pm), friday_7pm).state == "met"


def test_the_queue_shows_the_nearest_running_target_or_a_paused_one():
    now = eastern(2026, 6, 5, 19)
    near = clock(target="system-down-transfer", within="2 hours", due_at=now + timedelta(hours=1))
    far = clock(due_at=eastern(2026, 6, 8, 9))
    assert next_clock(None, [far, near], now).clock is near
    paused = clock(state=Clock.State.PAUSED, due_at=None)
    assert next_clock(None, [paused], now).words == "paused"
    assert next_clock(None, [clock(state=Clock.State.MET, due_at=now)], now) is None
