"""The console queue's server time at scale, on SQLite and on PostgreSQL.

    .venv/bin/python bench/bench_queue.py [--count 100000] [--requests 30] [--only sqlite|postgres]
                                          [--keep]

For each database it seeds `--count` incidents with `bench/seed_incidents.py` into a database of
its own (a file under /tmp for SQLite; `caredesk_bench_queue_<count>` on the PostgreSQL server at
127.0.0.1:5432, or PG_BENCH_URL), then times `--requests` requests of the console queue in
Django's test client, signed in as an agent: the whole server side (middleware, filters, the
query, the template) without the network. It prints the median and the 95th percentile for the
default view and the other views an agent uses. `--keep` reuses a database already seeded with
the same count (seeding 1,000,000 takes a while).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PG_SERVER = os.environ.get("PG_BENCH_URL", "postgres://postgres@127.0.0.1:5432")
VIEWS = [
    ("default (open, by urgency)", ""),
    ("mine", "view=mine"),
    ("unassigned", "view=unassigned"),
    ("breaching", "view=breaching"),
    ("waiting on client", "view=waiting"),
    ("severity 1", "severity=1"),
    ("one product", "product=footprints"),
    ("one client", "view=all&client=S-0007"),
    ("page 5", "page=5"),
    ("search", "q=Reports"),
]


def database_url(kind: str, count: int) -> str:
    if kind == "sqlite":
        return f"sqlite:////tmp/caredesk_bench_queue_{count}.sqlite3"
    return f"{PG_SERVER}/caredesk_bench_queue_{count}"


def fresh_database(kind: str, url: str) -> None:
    if kind == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(url.removeprefix("sqlite:///") + suffix).unlink(missing_ok=True)
        return
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def seeded(url: str, count: int) -> bool:
    out = subprocess.run(
        [sys.executable, __file__, "--count-only"],
        env={**os.environ, "DATABASE_URL": url},
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    return out.returncode == 0 and out.stdout.strip() == str(count)


def measure(requests: int) -> dict:
    """Runs inside a process set up for one database."""
    import django

    django.setup()
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.urls import reverse

    from caredesk.accounts.models import User

    setup_test_environment()  # allow the test client's host name
    agent = User.objects.filter(role=User.Role.AGENT, is_active=True).order_by("pk").first()
    client = Client()
    client.force_login(agent)
    url = reverse("console:queue")
    results = {}
    for label, query in VIEWS:
        target = f"{url}?{query}" if query else url
        for _ in range(3):  # warm caches and connections
            assert client.get(target).status_code == 200
        samples = []
        for _ in range(requests):
            started = time.perf_counter()
            response = client.get(target)
            samples.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
        samples.sort()
        results[label] = (statistics.median(samples), samples[max(0, int(len(samples) * 0.95) - 1)])
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--only", choices=["sqlite", "postgres"])
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--count-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

    if args.count_only:
        import django

        django.setup()
        from caredesk.incidents.models import Incident

        print(Incident.objects.count())
        return 0
    if args.measure:
        print(json.dumps(measure(args.requests)))
        return 0

    report = {}
    for kind in [args.only] if args.only else ["sqlite", "postgres"]:
        url = database_url(kind, args.count)
        env = {**os.environ, "DATABASE_URL": url}
        if not (args.keep and seeded(url, args.count)):
            fresh_database(kind, url)
            print(f"seeding {args.count:,} incidents into {kind} ...", flush=True)
            subprocess.run(
                [
                    sys.executable,
                    str(ROOT / "bench" / "seed_incidents.py"),
                    "--count",
                    str(args.count),
                ],
                env=env,
                cwd=ROOT,
                check=True,
            )
        out = subprocess.run(
            [sys.executable, __file__, "--measure", "--requests", str(args.requests)],
            env=env,
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        )
        report[kind] = json.loads(out.stdout.strip().splitlines()[-1])

    print(f"\nconsole queue server time, {args.count:,} incidents, {args.requests} requests each")
    kinds = list(report)
    print(f"{'view':<28}" + "".join(f"{k + ' median':>17}{'p95':>9}" for k in kinds))
    for label, _ in VIEWS:
        row = "".join(
            f"{report[k][label][0]:>14.1f} ms{report[k][label][1]:>6.1f} ms" for k in kinds
        )
        print(f"{label:<28}{row}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
