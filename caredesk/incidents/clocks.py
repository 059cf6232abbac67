"""An incident's clocks: computed by the entitlement engine, paused while waiting on the client,
met or breached exactly once. The sweep (run by the worker) warns and records breaches."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Min, Q
from django.utils import timezone

from caredesk.calendars import Pause
from caredesk.plans import engine

from .models import Clock, ClockPause, Event, Incident

OPEN_CLOCK = (Clock.State.RUNNING, Clock.State.PAUSED)
WARNING_AT_MOST = timedelta(hours=1)


def pauses_of(incident: Incident) -> list[Pause]:
    return [Pause(p.started_at, p.ended_at) for p in incident.pauses.all()]


def targets_of(incident: Incident) -> engine.Clocks:
    """What the policy sets for this incident's facts: the one computation of its due instants."""
    return engine.clocks(
        incident.client,
        incident.product_line,
        severity=incident.severity,
        channel=incident.channel,
        submitted=incident.created_at,
        escalated=incident.escalated_at,
        pauses=pauses_of(incident),
    )


def sync(incident: Incident, at: datetime | None = None) -> None:
    """Bring the clocks in line with the incident's facts (severity, pauses, escalation) as
    they stand at `at` (now by default)."""
    at = at or timezone.now()
    answer = targets_of(incident)
    paused = incident.pauses.filter(ended_at__isnull=True).exists()
    existing = {clock.target: clock for clock in incident.clocks.all()}
    for key, target in answer.targets.items():
        clock = existing.get(key)
        state = Clock.State.PAUSED if paused else Clock.State.RUNNING
        if clock is None:
            started = incident.escalated_at if key == "escalated-follow-up" else incident.created_at
            Clock.objects.create(
                incident=incident,
                target=key,
                within=target.within,
                calendar=target.calendar,
                clause=target.clause,
                started_at=started,
                due_at=target.due,
                state=state,
            )
        elif clock.state in OPEN_CLOCK:
            clock.due_at, clock.state = target.due, state
            clock.save(update_fields=["due_at", "state"])
    for key, clock in existing.items():
        if key not in answer.targets and clock.state in OPEN_CLOCK:
            _cancel(clock, at)
    refresh_next_due(incident)


def refresh_next_due(incident: Incident) -> None:
    """The queue orders by the nearest due instant of a clock still to be met."""
    live = incident.clocks.filter(met_at__isnull=True).filter(
        Q(state=Clock.State.RUNNING) | Q(state=Clock.State.BREACHED)
    )
    incident.next_due_at = (
        live.aggregate(first=Min("due_at"))["first"] if incident.is_open else None
    )
    Incident.objects.filter(pk=incident.pk).update(next_due_at=incident.next_due_at)


def pause(incident: Incident, reason: str, at: datetime) -> None:
    if not incident.pauses.filter(ended_at__isnull=True).exists():
        ClockPause.objects.create(incident=incident, started_at=at, reason=reason)
    sync(incident, at)


def resume(incident: Incident, at: datetime) -> None:
    incident.pauses.filter(ended_at__isnull=True).update(ended_at=at)
    sync(incident, at)


def record_breach(clock: Clock, *, swept_at: datetime) -> bool:
    """Mark a clock breached at its due instant: exactly once, whoever gets there first."""
    with transaction.atomic():
        won = Clock.objects.filter(pk=clock.pk, state=Clock.State.RUNNING).update(
            state=Clock.State.BREACHED, breached_at=clock.due_at
        )
        if not won:
            return False
        incident = clock.incident
        Event.objects.create(
            incident=incident,
            kind=Event.Kind.CLOCK,
            internal=True,
            created_at=swept_at,
            clause=clock.clause,
            body=f"Target breached: {target_label(clock.target)} was due "
            f"{clock.due_at.isoformat()} ({clock.within}).",
            data={"target": clock.target, "event": "breached", "due": clock.due_at.isoformat()},
        )
        from . import notify

        notify.clock_breached(clock)
    return True


def meet(incident: Incident, target: str, at: datetime) -> None:
    """The target was met at `at` (late if after its due instant: then it is also breached)."""
    for clock in incident.clocks.filter(target=target, met_at__isnull=True).exclude(
        state=Clock.State.CANCELLED
    ):
        if clock.state == Clock.State.RUNNING and clock.due_at and at > clock.due_at:
            record_breach(clock, swept_at=at)
            clock.refresh_from_db()
        clock.met_at = at
        if clock.state != Clock.State.BREACHED:
            clock.state = Clock.State.MET
        clock.save(update_fields=["met_at", "state"])
    refresh_next_due(incident)


def _cancel(clock: Clock, at: datetime) -> None:
    """A target that no longer applies; one already missed stays breached, never forgotten."""
    if clock.state == Clock.State.RUNNING and clock.due_at is not None and clock.due_at <= at:
        record_breach(clock, swept_at=at)
        return
    Clock.objects.filter(pk=clock.pk, state__in=OPEN_CLOCK).update(state=Clock.State.CANCELLED)


def close_all(incident: Incident, at: datetime) -> None:
    """A resolved or declined incident stops its clocks; unmet ones no longer apply."""
    incident.pauses.filter(ended_at__isnull=True).update(ended_at=at)
    for clock in incident.clocks.filter(state__in=OPEN_CLOCK).select_related("incident"):
        _cancel(clock, at)
    refresh_next_due(incident)


def warning_due(clock: Clock) -> datetime:
    """Warn a quarter of the target before it falls due, an hour at most."""
    lead = min(WARNING_AT_MOST, (clock.due_at - clock.started_at) / 4)
    return clock.due_at - lead


def sweep(now: datetime) -> dict:
    """Warn assignees of clocks about to fall due, and record breaches. Safe to run anywhere,
    any number of times: each warning and each breach is recorded once."""
    from . import notify

    breached = 0
    for clock in Clock.objects.filter(state=Clock.State.RUNNING, due_at__lte=now).select_related(
        "incident"
    ):
        breached += record_breach(clock, swept_at=now)
        refresh_next_due(clock.incident)
    warned = 0
    soon = Clock.objects.filter(
        state=Clock.State.RUNNING,
        warned_at__isnull=True,
        due_at__gt=now,
        due_at__lte=now + WARNING_AT_MOST,
    ).select_related("incident", "incident__assignee")
    for clock in soon:
        if warning_due(clock) > now:
            continue
        with transaction.atomic():
            if Clock.objects.filter(pk=clock.pk, warned_at__isnull=True).update(warned_at=now):
                notify.clock_warning(clock)
                warned += 1
    return {"breached": breached, "warned": warned}


TARGET_LABELS = {
    "first-response": "First response",
    "system-down-transfer": "System Down transfer to a senior technician",
    "system-down-callback": "Senior technician callback",
    "escalated-follow-up": "Escalated issue follow-up",
}


def target_label(key: str) -> str:
    return TARGET_LABELS.get(key, key)
