"""Killing the worker while clocks fall due, then starting it again, leaves each breach recorded
exactly once (issue 3, "Clocks": restart-safe; a sweep missed while the worker was down fires once
when it returns).

Real processes on a real database of the test's own, never the pytest database: a fresh
PostgreSQL database when DATABASE_URL names PostgreSQL (dropped at the end), else a temporary
SQLite file. `caredesk migrate` creates the schema; tests/incidents/restart_world.py opens a few
hundred incidents through the actions, timed so that hundreds of clocks are overdue and more fall
due during the run. A worker starts; once it has recorded some breaches but not all, it is killed
(SIGKILL, mid-sweep). Two workers then start together and finish the job; they are stopped with
SIGTERM. The test then reads everything back and checks that each due clock is breached at its due
instant with exactly one timeline event and one mail per recipient, and that no other clock moved.

The sweep job runs every minute in the product. A sweep killed midway is not retried (its task row
stays RUNNING); what it left is done by the sweep of the next slot. To see several slots in
seconds the workers run the real `caredesk worker` command with CAREDESK_POLL_SECONDS=1;
CAREDESK_RESTART_SWEEP_EVERY=real keeps the shipped one-minute period: the restarted worker
then waits for the next minute (up to a minute longer).
"""

from __future__ import annotations

import json
import os
import signal
import time
from collections import Counter
from datetime import datetime
from pathlib import Path

import pytest

from tests import subprocesses
from tests.subprocesses import Probe, own_database, wait_for

ROOT = Path(__file__).resolve().parents[2]
HELPER = Path(__file__).with_name("restart_world.py")
INCIDENTS = 300
SWEEP_EVERY = os.environ.get("CAREDESK_RESTART_SWEEP_EVERY", "1")
REAL_SCHEDULE = SWEEP_EVERY == "real"
# How long the restarted workers may take to breach every due clock: a few sweeps, or the
# next minute slot with the shipped schedule.
FINISH_WITHIN = 120.0 if REAL_SCHEDULE else 60.0
BREACHED = "SELECT count(*) FROM incidents_clock WHERE state = 'breached'"
# Breached clocks and breach events, in one statement: one snapshot of both.
BREACHES_AND_EVENTS = (
    f"SELECT ({BREACHED}), (SELECT count(*) FROM incidents_event "
    "WHERE kind = 'clock' AND body LIKE 'Target breached:%')"
)


@pytest.fixture
def database_url(tmp_path):
    """A database of this test's own, on the engine the suite runs on."""
    with own_database(tmp_path, "restart") as url:
        yield url


class Processes(subprocesses.Processes):
    """Workers with the shipped command, or with the one-minute jobs shortened (see above)."""

    def worker(self, name: str):
        return self.start(
            name, "-m", "caredesk.cli", "worker", "--schedule-every", "0.2", "--interval", "0.05"
        )


def test_killed_worker_restarted_records_each_breach_once(database_url, tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "CAREDESK_VAR_DIR": str(tmp_path / "var"),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "CAREDESK_LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    }
    if not REAL_SCHEDULE:
        env["CAREDESK_POLL_SECONDS"] = SWEEP_EVERY
    procs, probe = Processes(env, tmp_path), Probe(database_url)
    try:
        procs.run("migrate", "-m", "caredesk.cli", "migrate", "--verbosity", "0")
        # Clocks fall due from 1 s after `base` on; the first worker starts at `base`.
        built = json.loads(procs.run("build", str(HELPER), "build", "--incidents", str(INCIDENTS)))
        base = built["base"]
        idle = base - time.time()
        due = built["due"]
        assert due > 250, built
        time.sleep(max(0.0, base - time.time()))

        # 1. A worker sweeps; it is killed once some breaches are recorded, well before all.
        first = procs.worker("worker-1")
        some = max(10, due // 10)
        at_kill = wait_for(
            lambda: (n := probe.count(BREACHED)) >= some and n,
            FINISH_WITHIN,
            f"the first worker to breach {some} clocks",
            procs,
            [first],
        )
        procs.stop(first, signal.SIGKILL)
        killed_at = time.time()
        # Each breach commits with its event: a kill mid-sweep leaves no half-recorded breach.
        # (On PostgreSQL a COMMIT sent just before the kill may still land: hence one snapshot.)
        after_kill, events_after_kill = probe.row(BREACHES_AND_EVENTS)
        assert after_kill < due, (
            f"the sweep recorded all {due} breaches before the kill: open more incidents"
        )
        assert events_after_kill == after_kill

        # 2. Two workers start again (run as many as you like) and record the rest.
        restarted = [procs.worker("worker-2"), procs.worker("worker-3")]
        wait_for(
            lambda: probe.count(BREACHED) >= due,
            FINISH_WITHIN,
            f"the restarted workers to breach all {due} due clocks",
            procs,
            restarted,
        )
        if not REAL_SCHEDULE:
            time.sleep(3 * float(SWEEP_EVERY))  # more sweeps: they must find nothing to do
        stopped = {proc.name: procs.stop(proc) for proc in restarted}
        print(f"\nworker pids {[p.pid for p in procs.started]}; stopped with {stopped}")
        finished_at = time.time()
        seen = json.loads(procs.run("report", str(HELPER), "report"))
    finally:
        probe.close()
        procs.cleanup()

    orphans = [(t["task"], t["workers"]) for t in seen["tasks"] if t["status"] == "RUNNING"]
    killed_worker = f"-{first.pid}"  # worker ids are host-pid
    assert any(
        task == "sweep_clocks" and workers[-1].endswith(killed_worker) for task, workers in orphans
    ), f"the first worker was not killed mid-sweep: {orphans}"
    assert stopped == {"worker-2": 0, "worker-3": 0}  # SIGTERM: a clean stop
    for t in seen["tasks"]:  # the sweeps, on the timeline of the test (shown with -s)
        if t["task"] == "sweep_clocks" and t["started"]:
            finished = f"{t['finished'] - base:6.1f}" if t["finished"] else "killed"
            print(
                f"sweep enqueued {t['enqueued'] - base:6.1f} started {t['started'] - base:6.1f} "
                f"finished {finished} {t['status']} {t['returned']} by {t['workers']}"
            )
    print(
        f"\n{due} clocks due ({built['due_after_base']} falling due after the first worker "
        f"started {idle:.1f} s after the build); killed at {at_kill}-{after_kill} breaches, "
        f"{killed_at - base:.1f} s after start; all done {finished_at - base:.1f} s after start; "
        f"left RUNNING: {orphans}"
    )
    assert datetime.fromisoformat(built["next_due"]).timestamp() > finished_at + 600

    # Every due clock breached at its due instant; no other clock moved.
    clocks = {(c["incident"], c["target"]): c for c in seen["clocks"]}
    breached = {key: c for key, c in clocks.items() if c["state"] == "breached"}
    assert len(breached) == due
    for c in breached.values():
        assert c["breached_at"] == c["due_at"], c
        assert datetime.fromisoformat(c["due_at"]).timestamp() <= base + 5
    states = Counter(c["state"] for c in seen["clocks"])
    kinds = built["kinds"]
    assert states["cancelled"] == kinds["resolved"]  # resolved before the sweep: not breached
    assert states["paused"] == 2 * kinds["paused"]  # waiting on the client: no due instant
    assert states["met"] == kinds["paused"]  # asking for information answered the client
    # First responses due tomorrow.
    tomorrow = kinds["not-due"] + kinds["soon-system-down"] + kinds["system-down-overdue"]
    assert states["running"] == tomorrow

    # Exactly one breach event per breached clock: none missing, none twice.
    events = Counter((e["incident"], e["target"]) for e in seen["breach_events"])
    assert set(events) == set(breached)
    assert [key for key, n in events.items() if n != 1] == []
    for e in seen["breach_events"]:
        assert e["due"] == breached[e["incident"], e["target"]]["due_at"]

    # One breach mail per clock and recipient: the managers, the assignee, and for System Down
    # the senior technicians on duty. Warnings, if any, once per clock and recipient as well.
    mail = Counter((m["kind"], m["incident"], m["subject"], m["to"]) for m in seen["clock_mail"])
    assert [key for key, n in mail.items() if n != 1] == []
    expected = set()
    for c in breached.values():
        to = set(seen["managers"]) | ({c["assignee"]} - {None})
        if c["target"].startswith("system-down"):
            to |= set(seen["seniors_on_duty"])
        subject = f"[{c['number']}] Breached: {c['label']}"
        expected |= {("clock-breached", c["incident"], subject, address) for address in to}
    assert {key for key in mail if key[0] == "clock-breached"} == expected

    # Each periodic slot was claimed once.
    runs = Counter((r["job"], r["slot"]) for r in seen["periodic_runs"])
    assert runs and max(runs.values()) == 1
    sweeps = [t for t in seen["tasks"] if t["task"] == "sweep_clocks"]
    assert any(t["status"] == "SUCCESSFUL" for t in sweeps)
