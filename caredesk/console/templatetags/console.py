"""How the console words time and clocks: "in 3 business hours", "overdue by 25 min", "paused".

Plain functions (used by the views) plus the template tags that call them. Nothing here decides
a due instant: those come from the stored clocks; this only measures what is left of them on
the clock's own support calendar.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from django import template
from django.utils import timezone
from django.utils.html import format_html

from caredesk.core.timefmt import support_when, when
from caredesk.incidents.clocks import target_label
from caredesk.incidents.models import Clock, Incident
from caredesk.policy import get_policy

register = template.Library()

SOON = timedelta(hours=2)  # as the queue's "breaching" view: due within two hours


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def business_left_words(left: timedelta, business: bool = True) -> str:
    """Time still to run, in words: "in 40 business min", "in 3 business hours"; a target in
    elapsed time (System Down transfer: 2 hours) says "in 1 h 30 min"."""
    minutes = max(1, math.ceil(left.total_seconds() / 60))
    kind = "business " if business else ""
    if minutes < 60:
        return f"in {minutes} {kind}min"
    hours, rest = divmod(minutes, 60)
    if rest == 0:
        return f"in {_plural(hours, kind + 'hour')}"
    return f"in {hours} h {rest} min{' business time' if business else ''}"


def overdue_words(late: timedelta) -> str:
    """Wall-clock time since a target fell due: "overdue by 25 min", "overdue by 3 days"."""
    minutes = max(1, math.floor(late.total_seconds() / 60))
    if minutes < 60:
        return f"overdue by {minutes} min"
    hours, rest = divmod(minutes, 60)
    if hours < 48:
        return (
            f"overdue by {hours} h {rest} min" if rest else f"overdue by {_plural(hours, 'hour')}"
        )
    return f"overdue by {_plural(hours // 24, 'day')}"


@dataclass
class ClockLeft:
    """One clock as the console shows it."""

    clock: Clock
    state: str  # running, soon, overdue, paused, met, breached, cancelled
    words: str

    @property
    def label(self) -> str:
        return target_label(self.clock.target)

    @property
    def state_label(self) -> str:
        return {
            "running": "Running",
            "soon": "Due soon",
            "overdue": "Overdue",
            "breached": "Breached",
            "met": "Met",
            "paused": "Paused",
            "cancelled": "No longer applies",
        }[self.state]

    @property
    def badge(self) -> str:
        return {
            "running": "info",
            "soon": "warn",
            "overdue": "bad",
            "breached": "bad",
            "met": "ok",
            "paused": "neutral",
            "cancelled": "neutral",
        }[self.state]


def clock_left(clock: Clock, now: datetime) -> ClockLeft:
    """What is left of a clock at `now`, in business time on the clock's own calendar."""
    state = clock.state
    if state == Clock.State.MET:
        return ClockLeft(clock, "met", "met")
    if state == Clock.State.CANCELLED:
        return ClockLeft(clock, "cancelled", "no longer applies")
    if state == Clock.State.PAUSED or clock.due_at is None:
        return ClockLeft(clock, "paused", "paused")
    if state == Clock.State.BREACHED:
        return ClockLeft(clock, "breached", overdue_words(now - clock.due_at))
    if clock.due_at <= now:
        return ClockLeft(clock, "overdue", overdue_words(now - clock.due_at))
    policy = get_policy()
    calendar = policy.calendars.get(clock.calendar)
    business = calendar is not None and _is_business(clock.within)
    left = calendar.business_time_between(now, clock.due_at) if business else clock.due_at - now
    state = "soon" if clock.due_at - now <= SOON else "running"
    return ClockLeft(clock, state, business_left_words(left, business))


def _is_business(within: str) -> bool:
    """Whether a target's words count business time ("1 business day") or elapsed time."""
    try:
        return get_policy().duration(within).is_business
    except (ValueError, TypeError):
        return True


def next_clock(incident: Incident, clocks, now: datetime) -> ClockLeft | None:
    """The clock the queue orders the incident by (its `next_due_at`), or a paused one."""
    done = (Clock.State.MET, Clock.State.CANCELLED)
    live = [c for c in clocks if c.met_at is None and c.state not in done]
    due = [c for c in live if c.due_at is not None and c.state != Clock.State.PAUSED]
    if due:
        return clock_left(min(due, key=lambda c: c.due_at), now)
    paused = [c for c in live if c.state == Clock.State.PAUSED]
    if paused:
        return clock_left(paused[0], now)
    return None


@register.simple_tag
def due_at(instant):
    """A due instant in the viewer's zone, with the support zone beside it when they differ."""
    if instant is None:
        return "—"
    viewer = timezone.get_current_timezone()
    mine = when(instant, viewer)
    support = support_when(instant)
    if viewer.key == get_policy().support_zone.key:
        return format_html('<time datetime="{}">{}</time>', instant.isoformat(), mine)
    return format_html(
        '<time datetime="{}">{}</time> <span class="muted">({})</span>',
        instant.isoformat(),
        mine,
        support,
    )


@register.filter
def severity_badge(level) -> str:
    """A severity level as a compact badge: System Down is loud, General Use quiet."""
    try:
        level = int(level)
        name = get_policy().severity(level).name
    except (TypeError, ValueError, KeyError):
        name = str(level)
    tone = {1: "bad", 2: "warn", 3: "info"}.get(level, "neutral")
    return format_html(
        '<span class="sev sev--{}" title="Severity {}: {}">{}</span>', tone, level, name, level
    )


@register.filter
def status_tone(status: str) -> str:
    return {
        Incident.Status.NEW: "info",
        Incident.Status.OPEN: "info",
        Incident.Status.WAITING_ON_CLIENT: "warn",
        Incident.Status.RESOLVED: "ok",
        Incident.Status.CLOSED: "neutral",
        Incident.Status.DECLINED: "neutral",
    }.get(status, "neutral")


@register.filter
def entitlement_tone(value: str) -> str:
    return {
        Incident.Entitlement.ALLOWED: "ok",
        Incident.Entitlement.DENIED: "bad",
        Incident.Entitlement.OVERRIDDEN: "warn",
    }.get(value, "neutral")


@register.filter
def local_iso(value: str):
    """An ISO instant kept in an event's data, as an aware datetime (shown in the viewer's zone)."""
    from django.utils.dateparse import parse_datetime

    try:
        return parse_datetime(value)
    except (TypeError, ValueError):
        return None


@register.filter
def calendar_name(slug: str) -> str:
    """A support calendar's name in the policy's words."""
    spec = get_policy().document.calendars.get(slug)
    return spec.name if spec else slug


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None
