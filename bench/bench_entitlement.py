"""How fast the entitlement engine answers, on the database the product runs on.

    .venv/bin/python bench/bench_entitlement.py [--clients 500] [--repeat 2000]

Uses a fresh in-memory SQLite database unless DATABASE_URL names another (for PostgreSQL,
give a database that may be emptied: the benchmark builds its own test database beside it).
Prints decisions per second for each question kind, and the time of a client page's overview.
"""

import argparse
import os
import statistics
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DATABASE_URL", "sqlite://:memory:")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402


def build(clients: int):
    from caredesk.catalog.default_catalog import load_catalog
    from caredesk.catalog.models import ProductLine
    from caredesk.clients.actions import record_purchase, register_client
    from caredesk.plans.actions import subscribe

    load_catalog()
    fp, ti = ProductLine.objects.get(slug="footprints"), ProductLine.objects.get(slug="track-it")
    made = []
    for i in range(clients):
        client = register_client(f"B-{i:05d}", f"Bench {i}")
        start = date(2025, 1, 1) + timedelta(days=i % 300)
        record_purchase(client, fp, "11.0" if i % 3 else "10.0", start)
        record_purchase(client, ti, "10.x", start)
        plan = "premium-care" if i % 2 else "install-assistance"
        addons = ["24x7"] if i % 4 == 1 else []
        subscribe(client, plan, [fp, ti], starts_on=start, months=24, addons=addons)
        made.append(client)
    return made, fp, ti


def rate(label, fn, repeat):
    fn()
    started = time.perf_counter()
    for _ in range(repeat):
        fn()
    elapsed = time.perf_counter() - started
    print(f"{label:<44} {repeat / elapsed:>10,.0f} /s   {elapsed / repeat * 1e3:8.3f} ms each")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=2000)
    args = parser.parse_args()

    from django.core.management import call_command

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        call_command("migrate", verbosity=0)
        t0 = time.perf_counter()
        clients, fp, ti = build(args.clients)
        print(
            f"database: {connection.vendor}; {args.clients} clients built in "
            f"{time.perf_counter() - t0:.1f} s"
        )
        from caredesk.plans import engine

        at = datetime(2026, 3, 3, 10, tzinfo=ZoneInfo("America/New_York"))
        picks = iter(range(10**9))

        def pick():
            return clients[next(picks) % len(clients)]

        rate(
            "entitlement e-submission",
            lambda: engine.entitlement(pick(), "e-submission", fp, at=at),
            args.repeat,
        )
        rate(
            "entitlement maintenance-releases",
            lambda: engine.entitlement(pick(), "maintenance-releases", fp, at=at),
            args.repeat,
        )
        rate(
            "entitlement phone (calendar check)",
            lambda: engine.entitlement(pick(), "phone", ti, at=at),
            args.repeat,
        )
        rate(
            "clocks severity 1, web",
            lambda: engine.clocks(pick(), fp, severity=1, channel="web", submitted=at),
            args.repeat,
        )
        rate(
            "scope migration-assistance",
            lambda: engine.scope("migration-assistance", client=pick(), product=fp),
            args.repeat,
        )
        rate(
            "plan-change renewal",
            lambda: engine.plan_change(
                pick(), "premium-care", [fp, ti], start=date(2027, 6, 1), months=12
            ),
            args.repeat // 4,
        )
        samples = []
        for _ in range(50):
            started = time.perf_counter()
            engine.overview(pick(), at=at)
            samples.append((time.perf_counter() - started) * 1e3)
        samples.sort()
        median, p95 = statistics.median(samples), samples[int(len(samples) * 0.95) - 1]
        label = "client page overview (2 products x 12)"
        print(f"{label:<44} median {median:.2f} ms, p95 {p95:.2f} ms")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
