"""Seed many incidents fast into the configured database, for benchmarks.

    .venv/bin/python bench/seed_incidents.py [--count 100000] [--clients 300] [--batch 5000]

The database is the one the product uses: DATABASE_URL (PostgreSQL or SQLite), else the SQLite
file under var/ (CAREDESK_VAR_DIR). The schema is migrated first. Incidents are added to what is
there; run it on a database you can throw away, with no worker and nobody else writing to it.

What it makes:
- ~300 clients with licences, contacts and plans, made through the normal actions
  (`caredesk.clients.actions`, `caredesk.plans.actions.subscribe`; catalog from
  `caredesk.catalog.default_catalog.load_catalog`), and the support staff (agents, senior
  technicians, managers). Clients already seeded by an earlier run are reused.
- `--count` incidents over the last two years: 85% resolved, closed or declined, the rest new,
  open or waiting on the client, with various severities, channels and assignees; each with its
  clocks (met, breached, cancelled, paused or running), `next_due_at` consistent with them as
  `caredesk.incidents.clocks.refresh_next_due` would set it, a pause for those waiting on the
  client, and a few timeline events (opened, decision, assignment, reply, escalation, breaches,
  status changes).

ON PURPOSE, FOR BENCHMARKING ONLY, incidents, events, clocks and pauses are written with
`bulk_create`, bypassing `caredesk.incidents.actions` (which take milliseconds per incident and
queue mail). No mail is queued. What the actions would decide is still decided by the engine:
`caredesk.plans.engine.clocks` (and `engine.entitlement`) are called once per combination of facts
met (plan and add-on covering the product, product, severity, channel, escalated or not), and their
answers are reused: the targets with their wording, calendar and clause, and the decision. Due
instants are then computed for each incident by the very calendar the engine chose, with the same
call the engine makes (`Calendar.due(start, within)`). A sample of incidents (`--verify`) is checked
against `engine.clocks` with the incident's own facts at the end.

Prints rows per second (incidents, and all rows written).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from collections import Counter
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

DAYS = 730  # incidents spread over two years
CLOSED_SHARE = 0.85

STATUS_CLOSED = [("resolved", 64), ("closed", 33), ("declined", 3)]
STATUS_OPEN = [("new", 25), ("open", 45), ("waiting-client", 30)]
SEVERITIES = [(1, 4), (2, 21), (3, 45), (4, 30)]
CHANNELS = [("web", 50), ("email", 30), ("phone", 17), ("session", 3)]
WAITING_FOR = [("information", 6), ("upgrade", 1), ("answer", 3)]

SUBJECTS = [
    "Reports fail after the upgrade",
    "Cannot log in to the web interface",
    "E-mail submissions are not processed",
    "Agent does not check in",
    "Scheduled job stops at midnight",
    "Slow search on the main queue",
    "Licence key rejected",
    "Database connection drops",
    "Escalation rules do not fire",
    "Dashboard shows no data",
    "Export to CSV truncates rows",
    "Patch deployment stuck at 90%",
    "Inventory scan misses servers",
    "Question about configuring SLAs",
    "Error 500 on the self-service portal",
    "Attachment upload fails",
]
FIRST_NAMES = ["Ann", "Bob", "Cleo", "Dev", "Eva", "Finn", "Gail", "Hugo", "Ines", "Jon", "Kim"]
LAST_NAMES = ["Park", "Reyes", "Stone", "Ng", "Olsen", "Diaz", "Weber", "Kaur", "Moreau", "Ito"]
COMPANY_WORDS = ["Acme", "Globex", "Initech", "Umbra", "Vandelay", "Hooli", "Stark", "Wayne"]
COMPANY_KINDS = ["Corp", "Logistics", "Health", "Bank", "Foods", "Labs", "Group", "Retail"]
OPERATING_SYSTEMS = ["Windows Server 2019", "Windows Server 2022", "Red Hat Enterprise Linux 9"]
DATABASES = ["SQL Server 2019", "SQL Server 2022", "Oracle 19c", "PostgreSQL 15"]


def pick(rng: random.Random, weighted):
    values, weights = zip(*weighted, strict=True)
    return rng.choices(values, weights)[0]


def ensure_staff():
    """Agents, senior technicians (some on duty) and managers; kept if already there."""
    from caredesk.accounts.models import User

    def user(username, role, **extra):
        found = User.objects.filter(username=username).first()
        if found:
            return found
        return User.objects.create_user(
            username,
            f"{username}@support.test",
            None,  # no password: hashing one costs a third of a second per user
            role=role,
            first_name=username.title(),
            **extra,
        )

    agents = [user(f"bench-agent{i:02d}", User.Role.AGENT) for i in range(24)]
    seniors = [user(f"bench-senior{i}", User.Role.SENIOR, on_duty=i < 2) for i in range(5)]
    for i in range(3):
        user(f"bench-manager{i}", User.Role.MANAGER)
    return agents, seniors


def ensure_clients(n: int, rng: random.Random, today: date):
    """`n` clients, each with licences, contacts and one plan covering the last two years."""
    from caredesk.catalog.models import ProductLine
    from caredesk.clients.actions import add_contact, record_purchase, register_client
    from caredesk.plans.actions import subscribe

    lines = {line.slug: line for line in ProductLine.objects.all()}
    fp, ti = lines["footprints"], lines["track-it"]
    asset = [
        lines[s]
        for s in ("patch-manager", "deployment-manager", "inventory-manager", "remote-manager")
    ]
    clients = []
    for i in range(n):
        client = register_client(
            f"S-{i:04d}",
            f"{COMPANY_WORDS[i % 8]} {COMPANY_KINDS[i // 8 % 8]} {i:03d}",
        )
        if not client.subscriptions.exists():
            products = []
            if rng.random() < 0.65:
                products.append(fp)
            if rng.random() < 0.5 or not products:
                products.append(ti)
            if rng.random() < 0.3:
                products.append(rng.choice(asset))
            starts = today - timedelta(days=DAYS + 30 + rng.randrange(60))
            for product in products:
                version = {"track-it": "10.x"}.get(product.slug, "11.0")
                if product.slug == "track-it" and rng.random() < 0.3:
                    version = "9.x"
                record_purchase(
                    client,
                    product,
                    version,
                    starts,
                    serial_number=f"{product.slug[:2].upper()}-{i:04d}",
                    server_os=rng.choice(OPERATING_SYSTEMS),
                    database=rng.choice(DATABASES),
                )
            plan = "premium-care" if rng.random() < 0.55 else "install-assistance"
            addons = ["24x7"] if fp in products and rng.random() < 0.25 else []
            subscribe(client, plan, products, starts_on=starts, months=36, addons=addons)
            for c in range(1 + rng.randrange(4)):
                first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
                add_contact(
                    client,
                    f"{first} {last}",
                    f"{first.lower()}.{last.lower()}{c}@{client.number.lower()}.example",
                    phone=f"+1 555 {i:04d}",
                    is_primary=c == 0,
                )
        clients.append(client)
    return clients


class Facts:
    """What the engine says, per combination of facts, asked once and reused."""

    def __init__(self, reference: datetime):
        self.reference = reference
        self.asked = 0
        self._targets: dict = {}
        self._decisions: dict = {}

    def targets(self, client, plan_key, product, severity, channel, escalated):
        """[(key, within, calendar slug, clause, Calendar)] for these facts (engine.clocks)."""
        from caredesk.plans import engine
        from caredesk.policy import get_policy

        key = (plan_key, product.slug, severity, channel, escalated)
        if key not in self._targets:
            self.asked += 1
            answer = engine.clocks(
                client,
                product,
                severity=severity,
                channel=channel,
                submitted=self.reference,
                escalated=self.reference + timedelta(hours=1) if escalated else None,
            )
            calendars = get_policy().calendars
            self._targets[key] = [
                (t.key, t.within, t.calendar, t.clause, calendars[t.calendar])
                for t in answer.targets.values()
            ]
        return self._targets[key]

    def decision(self, client, plan_key, product, release, channel):
        """The intake decision for these facts (engine.entitlement, as open_incident asks it)."""
        from caredesk.incidents.actions import intake_decision

        key = (plan_key, product.slug, release.pk if release else None, channel)
        if key not in self._decisions:
            self.asked += 1
            self._decisions[key] = intake_decision(
                client, product, channel, release, self.reference
            )
        return self._decisions[key]


def support_reference(now: datetime) -> datetime:
    """A recent weekday 11:00 in New York (inside support hours), for questions of coverage."""
    from zoneinfo import ZoneInfo

    day = (now - timedelta(days=2)).astimezone(ZoneInfo("America/New_York")).date()
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return datetime(day.year, day.month, day.day, 11, tzinfo=ZoneInfo("America/New_York"))


class Writer:
    """Writes dict rows with the values adapted as `bulk_create` adapts them (the backend's own
    datetime and JSON adapters) but without building model instances: `executemany` of one INSERT
    on SQLite (bulk_create is held to 999 parameters a statement there), COPY on PostgreSQL.
    Several times faster than bulk_create."""

    def __init__(self, connection, model, explicit_pk: bool = False):
        ops = connection.ops
        fields = [f for f in model._meta.concrete_fields if explicit_pk or not f.primary_key]
        self.columns = [f.attname for f in fields]
        self.defaults = {f.attname: f.get_default() for f in fields if f.attname}
        self.adapters = []
        for f in fields:
            kind = f.get_internal_type()
            if kind == "DateTimeField":
                self.adapters.append(ops.adapt_datetimefield_value)
            elif kind == "JSONField":
                self.adapters.append(lambda value, f=f: ops.adapt_json_value(value, f.encoder))
            else:
                self.adapters.append(None)
        quote = ops.quote_name
        self.sql = (
            f"INSERT INTO {quote(model._meta.db_table)} "
            f"({', '.join(quote(f.column) for f in fields)}) "
            f"VALUES ({', '.join(['%s'] * len(fields))})"
        )
        self.copy_sql = None
        if connection.vendor == "postgresql":
            self.copy_sql = (
                f"COPY {quote(model._meta.db_table)} "
                f"({', '.join(quote(f.column) for f in fields)}) FROM STDIN"
            )
        self.connection = connection

    def write(self, rows: list[dict]) -> int:
        values = []
        for row in rows:
            values.append(
                tuple(
                    adapt(value) if adapt is not None and value is not None else value
                    for adapt, value in zip(
                        self.adapters,
                        (row.get(c, self.defaults[c]) for c in self.columns),
                        strict=True,
                    )
                )
            )
        if values:
            with self.connection.cursor() as cursor:
                if self.copy_sql:  # PostgreSQL: COPY is several times faster than INSERTs
                    with cursor.cursor.copy(self.copy_sql) as copy:
                        for row in values:
                            copy.write_row(row)
                else:
                    cursor.executemany(self.sql, values)
        return len(values)


def seed(
    count: int = 100_000,
    *,
    clients: int = 300,
    batch: int = 5000,
    seed: int = 1,
    verify: int = 200,
    now: datetime | None = None,
    out=print,
) -> dict:
    """Seed `count` incidents (Django must be set up and migrated). Returns the figures."""
    from django.db import connection, transaction
    from django.utils import timezone

    from caredesk.catalog.default_catalog import load_catalog
    from caredesk.clients.models import Licence
    from caredesk.incidents import intake
    from caredesk.incidents.models import Clock, ClockPause, Event, Incident

    rng = random.Random(seed)
    now = now or timezone.now()
    started = time.perf_counter()
    load_catalog()
    agents, seniors = ensure_staff()
    made = ensure_clients(clients, rng, now.date())
    facts = Facts(support_reference(now))

    # Per client: its products (licence, release, intake prefill), contacts and plan.
    profiles = []
    for client in made:
        sub = client.subscriptions.order_by("-starts_on").first()
        plan_key = (sub.plan, tuple(sorted(sub.addons)))
        contacts = list(client.contacts.all())
        products = []
        for licence in Licence.objects.filter(client=client).select_related(
            "product_line", "release"
        ):
            base = intake.prefill(client, None, licence)
            products.append((licence.product_line, licence.release, base))
        profiles.append((client, plan_key, contacts, products))
    out(
        f"database: {connection.vendor}; {len(made)} clients, {len(agents)} agents ready in "
        f"{time.perf_counter() - started:.1f} s; seeding {count:,} incidents"
    )

    writers = {
        "incidents": Writer(connection, Incident, explicit_pk=True),
        "events": Writer(connection, Event),
        "clocks": Writer(connection, Clock),
        "pauses": Writer(connection, ClockPause),
    }
    first_id = (Incident.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    rows = Counter()
    seeding = time.perf_counter()
    for offset in range(0, count, batch):
        made_rows = {name: [] for name in writers}
        for n in range(offset, min(count, offset + batch)):
            incident, events, clocks, pause = make_incident(
                first_id + n, rng, now, profiles, agents, seniors, facts
            )
            made_rows["incidents"].append(incident)
            made_rows["events"].extend(events)
            made_rows["clocks"].extend(clocks)
            if pause:
                made_rows["pauses"].append(pause)
        with transaction.atomic():
            for name, writer in writers.items():
                rows[name] += writer.write(made_rows[name])
        done = offset + len(made_rows["incidents"])
        if done % (batch * 20) == 0 or done == count:
            elapsed = time.perf_counter() - seeding
            out(f"  {done:>10,} incidents  {done / elapsed:>8,.0f} incidents/s")
    seconds = time.perf_counter() - seeding

    if connection.vendor == "postgresql":
        # Explicit ids were written: move the sequence past them for incidents opened later.
        # (SQLite's AUTOINCREMENT follows explicit ids by itself.)
        from django.core.management.color import no_style

        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), [Incident]):
                cursor.execute(sql)
    analyzing = time.perf_counter()
    with connection.cursor() as cursor:  # fresh statistics for the query planner
        cursor.execute("ANALYZE")
    analyze_seconds = time.perf_counter() - analyzing

    checked = verify_sample(first_id, count, verify, rng) if verify else 0
    total = sum(rows.values())
    out(
        f"seeded {rows['incidents']:,} incidents, {rows['events']:,} events, "
        f"{rows['clocks']:,} clocks, {rows['pauses']:,} pauses in {seconds:.1f} s: "
        f"{rows['incidents'] / seconds:,.0f} incidents/s, {total / seconds:,.0f} rows/s"
    )
    out(
        f"ANALYZE {analyze_seconds:.1f} s; {facts.asked} engine questions answered the "
        f"{count:,} incidents; {checked} incidents checked against engine.clocks: all agree"
    )
    return {
        "rows": dict(rows),
        "seconds": seconds,
        "incidents_per_second": rows["incidents"] / seconds,
        "rows_per_second": total / seconds,
        "first_id": first_id,
    }


def make_incident(incident_id, rng, now, profiles, agents, seniors, facts):
    """One incident with its events, clocks and pause (dict rows), as the actions and the sweep
    would have left it."""
    client, plan_key, contacts, products = rng.choice(profiles)
    product, release, base = rng.choice(products)
    contact = rng.choice(contacts) if contacts else None
    severity = pick(rng, SEVERITIES)
    channel = pick(rng, CHANNELS)
    closed = rng.random() < CLOSED_SHARE
    if closed:
        status = pick(rng, STATUS_CLOSED)
        created = now - timedelta(seconds=rng.uniform(2 * 86400, DAYS * 86400))
    else:
        status = pick(rng, STATUS_OPEN)
        # Most open incidents are recent (new ones hours old); a few have been open for months.
        mean = 10 * 3600 if status == "new" else 6 * 86400
        age = min(rng.expovariate(1 / mean), DAYS * 86400)
        created = now - timedelta(seconds=max(60.0, age))
    escalated = None
    if plan_key[0] == "premium-care" and status != "new" and rng.random() < 0.06:
        escalated = created + timedelta(hours=rng.uniform(1, 30))
        if escalated >= now:
            escalated = None
    decision = facts.decision(client, plan_key, product, release, channel)
    targets = facts.targets(client, plan_key, product, severity, channel, escalated is not None)

    assignee = rng.choice(agents) if closed or rng.random() < 0.7 else None
    senior = None
    responded = None  # the first response
    if status != "new":
        delay = rng.lognormvariate(8.3, 1.1)  # seconds: median about an hour, a long tail
        responded = min(created + timedelta(seconds=delay), now - timedelta(seconds=30))
    paused_at = responded if status == "waiting-client" else None
    ended = None  # resolved, closed or declined: the clocks stopped
    if closed:
        ended = min(responded + timedelta(hours=rng.uniform(0.5, 24 * 9)), now)
    waiting_for = pick(rng, WAITING_FOR) if paused_at else ""

    values = dict(base)
    if contact is not None:
        values.update(contact_name=contact.name, email=contact.email, phone=contact.phone)
    values.update(
        severity=str(severity),
        description="It fails for every user since Monday.",
        steps="Open the main queue and run the saved report.",
    )
    if not closed and rng.random() < 0.2:
        values.pop("os", None)  # a gap the checklist lists (P-INTAKE)

    events = [
        event(
            incident_id, "opened", created, body=values["description"], data={"channel": channel}
        ),
        event(
            incident_id,
            "decision",
            created,
            clause=decision.clause,
            body=decision.reason,
            internal=not decision.allowed,
            data={"allowed": decision.allowed, "policy_version": decision.policy_version},
        ),
    ]
    author = assignee.pk if assignee else None
    if responded:
        kind = "request-info" if paused_at else "agent-reply"
        events.append(
            event(incident_id, kind, responded, author_id=author, body="Looking into it.")
        )
    if escalated:
        events.append(
            event(incident_id, "escalation", escalated, author_id=author, body="Needs a senior.")
        )

    clocks = []
    for key, within, calendar_slug, clause, calendar in targets:
        start = escalated if key == "escalated-follow-up" else created
        due = calendar.due(start, within)  # what engine.clocks computes for these facts
        met = None
        if key == "first-response":
            met = responded
        elif status != "new" and rng.random() < 0.9:
            # System Down and escalation: a senior technician takes over or calls back,
            # usually in time.
            met = start + (due - start) * rng.uniform(0.2, 1.3)
            senior = senior or rng.choice(seniors)
        if met is not None and (met > (ended or now) or (paused_at and met > paused_at)):
            met = None
        state, breached_at = "running", None
        if due < (met or ended or paused_at or now):
            state, breached_at = "breached", due  # the sweep recorded it
            events.append(
                event(
                    incident_id,
                    "clock",
                    due + timedelta(seconds=rng.uniform(1, 60)),
                    internal=True,
                    clause=clause,
                    body=f"Target breached: {target_label(key)} was due {due.isoformat()} "
                    f"({within}).",
                    data={"target": key, "event": "breached", "due": due.isoformat()},
                )
            )
        if met is not None:
            state = "breached" if breached_at else "met"
        elif closed:
            state = "breached" if breached_at else "cancelled"
        elif paused_at and not breached_at:
            state, due = "paused", None  # waiting on the client: no due instant
        clocks.append(
            {
                "incident_id": incident_id,
                "target": key,
                "within": within,
                "calendar": calendar_slug,
                "clause": clause,
                "started_at": start,
                "due_at": due,
                "state": state,
                "warned_at": None,
                "met_at": met,
                "breached_at": breached_at,
            }
        )
    next_due = None
    if not closed:  # as clocks.refresh_next_due: the nearest due instant of a clock to be met
        live = [
            c["due_at"]
            for c in clocks
            if c["met_at"] is None and c["state"] in ("running", "breached")
        ]
        next_due = min(live, default=None)
    if closed:
        body = {
            "resolved": "Open → Resolved. Fixed by the service pack.",
            "closed": "Resolved → Closed",
            "declined": "Declined: outside the scope of support.",
        }[status]
        events.append(event(incident_id, "status", ended, author_id=author, body=body))
    pause = None
    if paused_at:
        pause = {"incident_id": incident_id, "started_at": paused_at, "ended_at": None}
        pause["reason"] = waiting_for
        events.append(
            event(incident_id, "status", paused_at, author_id=author, body="Open → Waiting")
        )

    incident = {
        "id": incident_id,
        "number": f"INC-{incident_id:06d}",
        "client_id": client.pk,
        "contact_id": contact.pk if contact else None,
        "product_line_id": product.pk,
        "release_id": release.pk if release else None,
        "subject": rng.choice(SUBJECTS),
        "severity": severity,
        "proposed_severity": severity if rng.random() < 0.9 else min(4, severity + 1),
        "channel": channel,
        "status": status,
        "waiting_for": waiting_for,
        "assignee_id": author,
        "intake": values,
        "missing": intake_missing(values),
        "scope_category": "",
        "entitlement": "allowed" if decision.allowed else "overridden",
        "entitlement_clause": decision.clause,
        "entitlement_reason": decision.reason,
        "upgrade_to_id": None,
        "escalated_at": escalated,
        "senior_id": senior.pk if senior else None,
        "next_due_at": next_due,
        "policy_version": decision.policy_version,
        "created_at": created,
        "updated_at": ended or paused_at or responded or created,
        "first_response_at": responded,
        "resolved_at": ended if status == "resolved" else None,
    }
    return incident, events, clocks, pause


def event(incident_id, kind, at, *, body="", internal=False, clause="", data=None, author_id=None):
    return {
        "incident_id": incident_id,
        "kind": kind,
        "author_id": author_id,
        "body": body,
        "internal": internal,
        "clause": clause,
        "data": data or {},
        "created_at": at,
    }


def target_label(key: str) -> str:
    from caredesk.incidents.clocks import target_label

    return target_label(key)


def intake_missing(values: dict) -> list[str]:
    from caredesk.incidents import intake

    return intake.missing(values)


def verify_sample(first_id: int, count: int, size: int, rng: random.Random) -> int:
    """Ask engine.clocks about a sample of seeded incidents with their own facts: every running,
    met or breached clock must carry the due instant the engine gives."""
    from caredesk.incidents.clocks import targets_of
    from caredesk.incidents.models import Incident

    ids = rng.sample(range(first_id, first_id + count), min(size, count))
    sample = Incident.objects.filter(pk__in=ids).select_related("client", "product_line")
    for incident in sample.prefetch_related("clocks", "pauses"):
        answer = targets_of(incident)
        clocks = list(incident.clocks.all())
        if set(answer.targets) != {c.target for c in clocks}:
            raise AssertionError(f"{incident.number}: targets differ from the engine's")
        for clock in clocks:
            # While the incident waits on the client, a clock met or breached before keeps its
            # due instant (clocks.sync leaves them alone); every other one is the engine's.
            if clock.state in ("met", "breached") and incident.pauses.all():
                continue
            if clock.due_at != answer.due(clock.target):
                raise AssertionError(
                    f"{incident.number} {clock.target} ({clock.state}): seeded due "
                    f"{clock.due_at}, engine says {answer.due(clock.target)}"
                )
    return len(ids)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000, help="incidents (default 100000)")
    parser.add_argument("--clients", type=int, default=300)
    parser.add_argument("--batch", type=int, default=5000, help="incidents per transaction")
    parser.add_argument("--seed", type=int, default=1, help="random seed")
    parser.add_argument(
        "--verify", type=int, default=200, help="incidents checked against the engine"
    )
    args = parser.parse_args(argv)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    print(f"seeding the {connection.vendor} database {connection.settings_dict['NAME']}")
    seed(args.count, clients=args.clients, batch=args.batch, seed=args.seed, verify=args.verify)
    return 0


if __name__ == "__main__":
    sys.exit(main())
