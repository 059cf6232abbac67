"""For tests that run real caredesk processes (workers killed and restarted): a database of
the test's own on the engine the suite runs on, a probe reading it from the test process, the
processes themselves, and a poll that fails loudly when a worker dies."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.parse
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@contextmanager
def own_database(tmp_path: Path, prefix: str):
    """The URL of a fresh database: a SQLite file, or a new PostgreSQL database (dropped after)
    when the suite runs on PostgreSQL."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        yield f"sqlite:///{tmp_path / f'{prefix}.sqlite3'}"
        return
    import psycopg

    parts = urllib.parse.urlsplit(url)
    name = f"caredesk_{prefix}_{os.getpid()}_{time.time_ns()}"
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield parts._replace(path=f"/{name}").geturl()
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class Probe:
    """Reads the workers' database from the test process, through a connection of its own."""

    def __init__(self, url: str):
        self.url, self.conn = url, None

    def row(self, sql: str) -> tuple:
        if self.conn is None:
            if self.url.startswith("sqlite"):
                path = self.url.removeprefix("sqlite:///")
                self.conn = sqlite3.connect(path, timeout=20, isolation_level=None)
            else:
                import psycopg

                self.conn = psycopg.connect(self.url, autocommit=True)
        return self.conn.execute(sql).fetchone()

    def count(self, sql: str) -> int:
        return self.row(sql)[0]

    def close(self):
        if self.conn is not None:
            self.conn.close()


class Processes:
    """The test's subprocesses: each logs to a file; none outlives the test."""

    def __init__(self, env: dict, logs: Path):
        self.env, self.logs, self.started = env, logs, []

    def run(self, name: str, *args: str, timeout: float = 120) -> str:
        done = subprocess.run(
            [sys.executable, *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if done.returncode:
            pytest.fail(f"{name} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
        return done.stdout

    def start(self, name: str, *args: str) -> subprocess.Popen:
        log = open(self.logs / f"{name}.log", "w")  # noqa: SIM115 (closed with the process)
        proc = subprocess.Popen(
            [sys.executable, *args], cwd=ROOT, env=self.env, stdout=log, stderr=log
        )
        proc.name, proc.log = name, log
        self.started.append(proc)
        return proc

    def stop(self, proc: subprocess.Popen, sig=signal.SIGTERM, grace: float = 20) -> int:
        if proc.poll() is None:
            proc.send_signal(sig)
            try:
                proc.wait(grace)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(10)
        proc.log.close()
        return proc.returncode

    def cleanup(self):
        for proc in self.started:
            if proc.poll() is None:
                proc.kill()
                proc.wait(10)
            proc.log.close()

    def tail(self) -> str:
        return "\n".join(
            f"--- {p.name} ---\n" + (self.logs / f"{p.name}.log").read_text()[-3000:]
            for p in self.started
        )


def wait_for(condition, within: float, what: str, procs: Processes, running, step=0.02):
    """Poll `condition` until it is true, while the `running` workers stay up."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        if any(proc.poll() is not None for proc in running):
            pytest.fail(f"a worker exited while waiting for {what}\n{procs.tail()}")
        time.sleep(step)
    pytest.fail(f"gave up after {within:.0f} s waiting for {what}\n{procs.tail()}")
