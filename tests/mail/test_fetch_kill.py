"""Killing the worker mid-fetch (SIGKILL) and starting it again leaves every message processed
exactly once and every notification sent once (issue 4, "Done when"), against Dovecot and the
SMTP sink.

Real processes on a database of the test's own, never the pytest database: a fresh PostgreSQL
database when DATABASE_URL names PostgreSQL (dropped at the end), else a temporary SQLite file.
`caredesk migrate` creates the schema and tests/mail/kill_world.py builds a client with 40
contacts and the support Mailbox on the session's Dovecot; 200 requests from those contacts
(5 each, within the per-recipient rate cap) are delivered by LMTP. The SMTP settings point at
the sink (CAREDESK_SMTP_HOST/PORT, as in production).

A worker starts and is killed with SIGKILL once it has stored some messages but not all: it is
then inside the `fetch_mail` task (the test checks that this task was left RUNNING by it). Two
workers then start together and finish; they are stopped with SIGTERM. The test reads back the
database, the IMAP server and the sink: every message stored exactly once and routed (one
incident each), every one flagged on the server, and exactly one acknowledgement per incident
in the sink, answering its request (In-Reply-To).

Why the real worker, with the periodic jobs every second: the product fetches mail and sends
the outbox from periodic jobs that run every minute; a task killed midway is not retried, the
job of the next slot does what it left. Waiting for real minute slots would make the test take
minutes, and a loop calling the task functions would not test the worker (its scheduler, the
task queue, two workers claiming slots). So, as tests/incidents/test_worker_restart.py does, the
unchanged `caredesk worker` command runs with CAREDESK_POLL_SECONDS=1: the polling jobs
(mail.fetch, mail.send-outbox, incidents.sweep-clocks) every second.
"""

from __future__ import annotations

import json
import secrets
import signal
import time
from collections import Counter
from pathlib import Path

from tests import subprocesses
from tests.subprocesses import Probe, wait_for

from .conftest import KEYWORD, compose, run_python, subprocess_env

ROOT = Path(__file__).resolve().parents[2]
HELPER = Path(__file__).with_name("kill_world.py")
MESSAGES = 200
CONTACTS = 40
KILL_AFTER = 20  # stored messages
FINISH_WITHIN = 90.0
STORED = "SELECT count(*) FROM mail_inboundmessage"
# One snapshot: stored, not yet routed, queued outbox, sent acknowledgements.
PROGRESS = (
    f"SELECT ({STORED}), "
    "(SELECT count(*) FROM mail_inboundmessage WHERE state = 'received'), "
    "(SELECT count(*) FROM mail_outboundmessage WHERE status = 'queued'), "
    "(SELECT count(*) FROM mail_outboundmessage WHERE status = 'sent' "
    "AND kind = 'acknowledgement')"
)


class Processes(subprocesses.Processes):
    """Workers running the fetch and send jobs every second (see the module docstring)."""

    def worker(self, name: str):
        return self.start(
            name, "-m", "caredesk.cli", "worker", "--schedule-every", "0.2", "--interval", "0.05"
        )


def test_a_worker_killed_mid_fetch_and_restarted_processes_and_answers_each_mail_once(
    mail, own_database, tmp_path
):
    env = subprocess_env(mail, own_database, tmp_path / "var")
    env["CAREDESK_POLL_SECONDS"] = "1"  # fetch, send and sweep every second, not minute
    procs, probe = Processes(env, tmp_path), Probe(own_database)
    started = time.monotonic()
    try:
        run_python(env, "-m", "caredesk.cli", "migrate", "--verbosity", "0")
        contacts = json.loads(run_python(env, str(HELPER), "build", "--contacts", str(CONTACTS)))
        contacts = contacts["contacts"]
        run = secrets.token_hex(4)
        requests = {}  # Message-ID (without <>) -> sender
        raws = []
        for n in range(MESSAGES):
            sender, message_id = contacts[n % CONTACTS], f"kill-{n}.{run}@kill.test"
            requests[message_id] = sender
            raws.append(
                compose(
                    sender,
                    f"Request {n}: the nightly report fails",
                    f"Request {n}. The nightly report fails with error {n}.",
                    message_id=f"<{message_id}>",
                )
            )
        mail.deliver(*raws)
        built = time.monotonic()

        # 1. A worker fetches; it is killed once it has stored some messages, not all.
        first = procs.worker("worker-1")
        at_kill = wait_for(
            lambda: (n := probe.row(STORED)[0]) >= KILL_AFTER and n,
            FINISH_WITHIN,
            f"the first worker to store {KILL_AFTER} messages",
            procs,
            [first],
        )
        procs.stop(first, signal.SIGKILL)
        stored_after_kill, unrouted_after_kill, _, _ = probe.row(PROGRESS)
        flagged_after_kill = len(mail.search("KEYWORD", KEYWORD))
        assert stored_after_kill < MESSAGES, "the worker stored everything before the kill"

        # 2. Two workers start again and finish the job.
        restarted = [procs.worker("worker-2"), procs.worker("worker-3")]
        wait_for(
            lambda: probe.row(PROGRESS) == (MESSAGES, 0, 0, MESSAGES),
            FINISH_WITHIN,
            f"the restarted workers to store, route and acknowledge all {MESSAGES} messages",
            procs,
            restarted,
            step=0.1,
        )
        time.sleep(2.5)  # a few more fetches and sends: they must find nothing to do
        stopped = {proc.name: procs.stop(proc) for proc in restarted}
        finished = time.monotonic()
        seen = json.loads(run_python(env, str(HELPER), "report"))
    finally:
        probe.close()
        procs.cleanup()
    print(
        f"\n{MESSAGES} messages; killed at {at_kill}-{stored_after_kill} stored "
        f"({unrouted_after_kill} of them not routed, {flagged_after_kill} flagged); "
        f"setup {built - started:.1f} s, workers {finished - built:.1f} s; stopped {stopped}"
    )
    assert stopped == {"worker-2": 0, "worker-3": 0}  # SIGTERM: a clean stop

    # The first worker died inside the fetch task.
    killed = f"-{first.pid}"
    assert any(
        t["task"] == "fetch_mail" and t["status"] == "RUNNING" and t["workers"][-1].endswith(killed)
        for t in seen["tasks"]
    ), [t for t in seen["tasks"] if t["status"] == "RUNNING"]

    # Every message stored exactly once, routed, one incident each.
    inbound = seen["inbound"]
    assert Counter(m["message_id"] for m in inbound) == Counter(list(requests))
    assert [m for m in inbound if (m["state"], m["outcome"]) != ("processed", "created")] == []
    assert len({m["incident"] for m in inbound}) == MESSAGES == seen["incidents"]
    assert {m["message_id"]: m["from"] for m in inbound} == requests
    assert seen["mailboxes"] == [{"error": "", "backlog": 0, "success": True}]

    # Every message flagged on the server, none left to fetch.
    on_server = mail.messages()
    assert len(on_server) == MESSAGES
    assert [uid for uid, m in on_server.items() if KEYWORD not in m["flags"]] == []

    # Exactly one acknowledgement per incident, in the outbox and in the sink.
    acks = [m for m in seen["outbound"] if m["kind"] == "acknowledgement"]
    assert [m for m in seen["outbound"] if m["kind"] != "acknowledgement"] == []
    assert Counter(m["incident"] for m in acks) == Counter({m["incident"]: 1 for m in inbound})
    assert {m["status"] for m in acks} == {"sent"}
    received = [m for m in mail.sink() if "We received your request" in str(m["Subject"])]
    assert len(received) == len(mail.sink())
    by_message_id = Counter(m["Message-ID"] for m in received)
    assert by_message_id == Counter(f"<{m['message_id']}>" for m in acks)
    answering = Counter(m["In-Reply-To"] for m in received)
    assert answering == Counter(f"<{message_id}>" for message_id in requests)
    assert {m["In-Reply-To"]: m["X-RcptTo"] for m in received} == {
        f"<{message_id}>": sender for message_id, sender in requests.items()
    }
