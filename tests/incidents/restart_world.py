"""Subprocess helper of test_worker_restart.py: builds a world in a database of its own, reports
what the workers recorded.

    python tests/incidents/restart_world.py build [--incidents 400]
    python tests/incidents/restart_world.py report

Each command reads DATABASE_URL (and CAREDESK_VAR_DIR) like the product does. Every incident is
opened through `caredesk.incidents.actions`, so its clocks are those the engine computes.

The incidents are timed against `base`, the instant the test starts the first worker (chosen by
the build, which prints it):
- overdue: first-response (24x7 FootPrints, sev 3/4) or System Down clocks due before `base`,
  and first responses of business-hours Track-It! incidents due days ago;
- due soon: System Down transfer and callback ("2 hours" wall clock and "2 business hours" on
  the 24x7 calendar) or a 24x7 first response ("1 business day" = 24 hours) due 1 to 4 seconds
  after `base`, so they fall due while the workers run;
- controls that must never be breached: clocks due tomorrow, clocks of resolved incidents
  (cancelled) and clocks paused while waiting on the client.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Mix of incidents, per 100: (kind, share); each kind is timed in build().
MIX = [
    ("overdue", 38),
    ("soon-system-down", 17),
    ("soon-first-response", 15),
    ("business-hours-overdue", 13),
    ("system-down-overdue", 7),
    ("not-due", 4),
    ("resolved", 3),
    ("paused", 3),
]


def _setup() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def kind_of(i: int) -> str:
    """The kind of the i-th incident, following MIX."""
    slot, total = i % 100, 0
    for kind, share in MIX:
        total += share
        if slot < total:
            return kind
    raise AssertionError("MIX must add up to 100")


def _user(username: str, role: str, **extra):
    from caredesk.accounts.models import User

    # No password: hashing one costs a third of a second and nobody signs in here.
    return User.objects.create_user(
        username, f"{username}@staff.test", None, role=role, first_name=username.title(), **extra
    )


SOON = ("soon-system-down", "soon-first-response")


def build(incidents: int) -> dict:
    """Open `incidents` incidents; returns `base`, the instant the first worker is to start, and
    what the workers must do. The incidents due long before `base` are opened first; then `base`
    is set just after the time the others will take to open, at the rate measured so far."""
    import time

    from django.db.models import Min
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from caredesk.accounts.models import User
    from caredesk.catalog.default_catalog import load_catalog
    from caredesk.catalog.models import ProductLine
    from caredesk.clients.actions import add_contact, record_purchase, register_client
    from caredesk.incidents import actions
    from caredesk.incidents.models import Clock
    from caredesk.plans.actions import subscribe

    load_catalog()
    fp = ProductLine.objects.get(slug="footprints")
    ti = ProductLine.objects.get(slug="track-it")
    start = timezone.now().date() - timedelta(days=200)

    around = register_client("R-100", "Around The Clock Corp")
    record_purchase(around, fp, "11.0", start, serial_number="FP-R1")
    subscribe(around, "premium-care", [fp], starts_on=start, months=24, addons=["24x7"])
    office = register_client("R-200", "Office Hours Inc")
    record_purchase(office, ti, "10.x", start, serial_number="TI-R2")
    subscribe(office, "premium-care", [ti], starts_on=start, months=24)
    carla = add_contact(around, "Carla Contact", "carla@around.test", is_primary=True)
    otto = add_contact(office, "Otto Office", "otto@office.test", is_primary=True)

    ann = _user("ann", User.Role.AGENT)
    _user("mia", User.Role.MANAGER)
    _user("max", User.Role.MANAGER)
    _user("sid", User.Role.SENIOR, on_duty=True)
    _user("sue", User.Role.SENIOR, on_duty=True)
    _user("stan", User.Role.SENIOR)  # off duty: System Down mail goes to those on duty

    def open_one(i: int, kind: str, base: datetime) -> None:
        # 1.0 s to 4.0 s after base, spread over the incidents.
        soon = timedelta(seconds=1 + (i * 7 % 31) / 10)
        fields = {"client": around, "product": fp, "contact": carla, "channel": "web"}
        if kind == "overdue":
            # 24x7 first response: "1 business day" is 24 hours; due 30 s to 2 h before base.
            at = base - timedelta(hours=24, seconds=30 + i * 37 % 7200)
            fields.update(severity=3 + i % 2, channel="web" if i % 3 else "email")
        elif kind == "soon-system-down":
            # Transfer "2 hours" and callback "2 business hours" (24x7): due base + 1..4 s.
            at = base - timedelta(hours=2) + soon
            fields.update(severity=1)
        elif kind == "soon-first-response":
            at = base - timedelta(hours=24) + soon
            fields.update(severity=2)
        elif kind == "business-hours-overdue":
            # Support hours, 12 business hours a day: due days before base.
            at = base - timedelta(days=10, minutes=i % 600)
            fields.update(client=office, product=ti, contact=otto, severity=2)
        elif kind == "system-down-overdue":
            at = base - timedelta(hours=3, seconds=i % 600)
            fields.update(severity=1)
        elif kind == "not-due":
            at = base - timedelta(hours=1)
            fields.update(severity=3)
        elif kind == "resolved":
            at = base - timedelta(hours=30)
            fields.update(severity=3)
        elif kind == "paused":
            at = base - timedelta(hours=3)
            fields.update(severity=1)
        else:
            raise AssertionError(kind)
        incident = actions.open_incident(
            subject=f"Restart {kind} {i}", description="It broke.", at=at, **fields
        )
        if i % 2:
            actions.assign(incident, ann, by=ann, at=at + timedelta(seconds=1))
        if kind == "resolved":
            actions.resolve(incident, by=ann, summary="Fixed.", at=at + timedelta(hours=1))
        elif kind == "paused":
            # Answers the client (first response met) and waits on them: the System Down
            # clocks stand still with no due instant.
            actions.request_information(
                incident, by=ann, message="Which server?", at=at + timedelta(minutes=5)
            )

    kinds = [kind_of(i) for i in range(incidents)]
    early = [i for i, kind in enumerate(kinds) if kind not in SOON]
    later = [i for i, kind in enumerate(kinds) if kind in SOON]
    # Nothing of the first part is due within hours of any base a few minutes from now.
    began, base = time.monotonic(), timezone.now()
    for i in early:
        open_one(i, kinds[i], base)
    per_incident = (time.monotonic() - began) / max(1, len(early))
    base = timezone.now() + timedelta(seconds=0.5 + 1.5 * per_incident * len(later))
    for i in later:
        open_one(i, kinds[i], base)
    # The acknowledgements are queued mail: the periodic send-outbox job sends them anyway.
    # Dropping the build's hundreds of send tasks lets the first worker sweep at once.
    DBTaskResult.objects.all().delete()

    running = Clock.objects.filter(state=Clock.State.RUNNING)
    last_soon = base + timedelta(seconds=5)
    return {
        "base": base.timestamp(),
        "kinds": dict(Counter(kinds)),
        # Running clocks due by the end of the "soon" spread: the workers must breach them all.
        "due": running.filter(due_at__lte=last_soon).count(),
        "due_after_base": running.filter(due_at__gt=base, due_at__lte=last_soon).count(),
        # The next due instant after that: the test must be over long before it.
        "next_due": running.filter(due_at__gt=last_soon)
        .aggregate(first=Min("due_at"))["first"]
        .isoformat(),
    }


def report() -> dict:
    """Everything the test checks, read through the ORM (the same on SQLite and PostgreSQL)."""
    from django_tasks_db.models import DBTaskResult

    from caredesk.core.models import PeriodicRun
    from caredesk.incidents import notify
    from caredesk.incidents.clocks import target_label
    from caredesk.incidents.models import Clock, Event
    from caredesk.mail.models import OutboundMessage

    def iso(value):
        return value.isoformat() if value else None

    return {
        "clocks": [
            {
                "id": c.pk,
                "incident": c.incident_id,
                "number": c.incident.number,
                "subject": c.incident.subject,
                "assignee": c.incident.assignee.email if c.incident.assignee else None,
                "target": c.target,
                "label": target_label(c.target),
                "state": c.state,
                "due_at": iso(c.due_at),
                "breached_at": iso(c.breached_at),
            }
            for c in Clock.objects.select_related("incident", "incident__assignee").order_by("pk")
        ],
        "breach_events": [
            {"incident": e.incident_id, "target": e.data.get("target"), "due": e.data.get("due")}
            for e in Event.objects.filter(kind=Event.Kind.CLOCK).order_by("pk")
            if e.data.get("event") == "breached"
        ],
        "clock_mail": [
            {"kind": m.kind, "incident": m.incident_id, "to": m.to, "subject": m.subject}
            for m in OutboundMessage.objects.filter(
                kind__in=["clock-breached", "clock-warning"]
            ).order_by("pk")
        ],
        "periodic_runs": [
            {"job": r.job, "slot": iso(r.slot)} for r in PeriodicRun.objects.order_by("pk")
        ],
        "tasks": [
            {
                "task": t.task_path.rpartition(".")[2],
                "status": t.status,
                "workers": t.worker_ids,
                "enqueued": t.enqueued_at.timestamp(),
                "started": t.started_at.timestamp() if t.started_at else None,
                "finished": t.finished_at.timestamp() if t.finished_at else None,
                "returned": t.return_value,
            }
            for t in DBTaskResult.objects.order_by("enqueued_at")
        ],
        "managers": sorted(u.email for u in notify.managers()),
        "seniors_on_duty": sorted(u.email for u in notify.seniors_on_duty()),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build")
    b.add_argument("--incidents", type=int, default=400)
    sub.add_parser("report")
    args, rest = parser.parse_known_args(argv)
    _setup()
    if rest:
        parser.error(f"unrecognized arguments: {' '.join(rest)}")
    if args.command == "build":
        print(json.dumps(build(args.incidents)))
    else:
        print(json.dumps(report()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
