"""Subprocess helper of test_fetch_kill.py and of the racing-fetch test in test_imap.py: builds
the world in a database of their own, races two fetches, and reports what was recorded.

    python tests/mail/kill_world.py build --contacts 40   (IMAP_* and MAIL_* from the environment)
    python tests/mail/kill_world.py race
    python tests/mail/kill_world.py report

Each command reads DATABASE_URL, CAREDESK_VAR_DIR and CAREDESK_SMTP_HOST/PORT like the product.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _setup() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def build(contacts: int) -> dict:
    """A client on Premium Care 24x7 for FootPrints with `contacts` contacts, a manager, and the
    support Mailbox on the test's Dovecot, mapped to FootPrints."""
    from caredesk.accounts.models import User
    from caredesk.catalog.default_catalog import load_catalog
    from caredesk.catalog.models import ProductLine
    from caredesk.clients.actions import add_contact, record_purchase, register_client
    from caredesk.mail.models import Mailbox
    from caredesk.plans.actions import subscribe

    load_catalog()
    fp = ProductLine.objects.get(slug="footprints")
    start = date.today() - timedelta(days=100)
    client = register_client("K-100", "Kill Test Corp")
    record_purchase(client, fp, "11.0", start, serial_number="FP-K1")
    subscribe(client, "premium-care", [fp], starts_on=start, months=24, addons=["24x7"])
    addresses = [f"contact{n:03d}@kill.test" for n in range(contacts)]
    for n, address in enumerate(addresses):
        add_contact(client, f"Contact {n}", address, is_primary=n == 0)
    User.objects.create_user("mia", "mia@staff.test", None, role=User.Role.MANAGER)
    box = Mailbox.objects.create(
        name="support",
        address=os.environ["MAIL_USER"],
        host=os.environ["IMAP_HOST"],
        port=int(os.environ["IMAP_PORT"]),
        security=Mailbox.Security.NONE,
        username=os.environ["MAIL_USER"],
        secret=os.environ["MAIL_PASSWORD"],
    )
    box.products.set([fp])
    return {"contacts": addresses}


def report() -> dict:
    from django_tasks_db.models import DBTaskResult

    from caredesk.incidents.models import Incident
    from caredesk.mail.models import InboundMessage, Mailbox, OutboundMessage

    return {
        "inbound": [
            {
                "message_id": m.message_id,
                "state": m.state,
                "outcome": m.outcome,
                "incident": m.incident_id,
                "from": m.from_addr,
                "source": m.source,
            }
            for m in InboundMessage.objects.order_by("pk")
        ],
        "outbound": [
            {
                "kind": m.kind,
                "status": m.status,
                "to": m.to,
                "incident": m.incident_id,
                "message_id": m.message_id,
                "in_reply_to": m.headers.get("In-Reply-To", ""),
                "attempts": m.attempts,
                "last_error": m.last_error,
            }
            for m in OutboundMessage.objects.order_by("pk")
        ],
        "incidents": Incident.objects.count(),
        "tasks": [
            {"task": t.task_path.rpartition(".")[2], "status": t.status, "workers": t.worker_ids}
            for t in DBTaskResult.objects.order_by("enqueued_at")
        ],
        "mailboxes": [
            {"error": b.last_error, "backlog": b.backlog, "success": bool(b.last_success_at)}
            for b in Mailbox.objects.all()
        ],
    }


def race() -> dict:
    """Two fetches of the support mailbox in two threads, each with its own IMAP and database
    connection, in lockstep: both fetch a message before either stores it (a barrier in front
    of `intake.store`), so both try to store every message. Returns each one's report, then
    the report of the database."""
    import threading

    from django.db import connection

    from caredesk.mail import imap, intake
    from caredesk.mail.models import Mailbox

    gate = threading.Barrier(2, timeout=30)
    real_store = intake.store

    def store_in_step(raw, **kwargs):
        gate.wait()  # the other fetch holds the same message now
        return real_store(raw, **kwargs)

    results: dict[str, dict] = {}

    def run(name):
        try:
            got = imap.fetch_mailbox(Mailbox.objects.get(name="support"))
            results[name] = {
                "fetched": got.fetched,
                "stored": got.stored,
                "duplicates": got.duplicates,
                "error": got.error,
            }
        except BaseException as exc:  # reported to the test
            results[name] = {"exception": f"{type(exc).__name__}: {exc}"}
            gate.abort()
        finally:
            connection.close()

    intake.store = store_in_step
    try:
        threads = [threading.Thread(target=run, args=(name,)) for name in ("a", "b")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
    finally:
        intake.store = real_store
    return {"race": results, **report()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build")
    b.add_argument("--contacts", type=int, default=40)
    sub.add_parser("report")
    sub.add_parser("race")
    args, rest = parser.parse_known_args(argv)
    _setup()
    if rest:
        parser.error(f"unrecognized arguments: {' '.join(rest)}")
    if args.command == "build":
        print(json.dumps(build(args.contacts)))
    else:
        print(json.dumps(race() if args.command == "race" else report()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
