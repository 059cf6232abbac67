"""Mail intake end to end from a real IMAP server: messages per second, next to the rate of
parsing the same messages with the stdlib alone.

    .venv/bin/python bench/bench_mail.py [--messages 1000] [--contacts 200] [--corpus PATH]
                                         [--repeat 3] [--keep]

1. Starts Dovecot (IMAP + LMTP) with `../shared/mail/start-mailservers.sh` in a state directory
   of its own under /tmp, on free ports (installing Dovecot when missing); stops and purges it at
   the end.
2. Builds a database: a temporary SQLite file by default; when DATABASE_URL names PostgreSQL, a
   fresh database `caredesk_bench_mail_<pid>` on that server (dropped at the end unless --keep),
   never the configured database itself. `migrate`, the catalog, 20 clients on Premium Care for
   FootPrints with `--contacts` contacts between them, and the support Mailbox on Dovecot.
3. Builds `--messages` messages from the real-world corpus (`../shared/mail-corpus`, every
   .eml/.box/.mbox/.msg file in turn): each keeps its headers and body byte for byte except
   From (a known contact, in turn: five messages per contact with the defaults, inside the
   per-recipient cap on acknowledgements) and Message-ID (unique). Delivers them into the INBOX
   through LMTP, CRLF on the wire as an MTA sends.
4. Times caredesk ingesting them: what the `mail.fetch` job does (`fetch_all()` then
   `route_pending()`), repeated until a fetch finds nothing: IMAP fetch, store (one commit per
   message), flag on the server, parse, route into the incident actions (incidents opened,
   threads, quarantine; acknowledgements queued in the outbox, not sent).
5. Times parsing the same raw bytes (as stored, IMAP's) `--repeat` times, best pass:
   the stdlib alone, `email.message_from_bytes(raw, policy=email.policy.default)` and a walk of
   the parts decoding each leaf's payload; and caredesk's own `parse` for comparison.

Prints messages per second for each. Nothing is written outside the temporary directories.
"""

from __future__ import annotations

import argparse
import email
import email.policy
import os
import re
import shutil
import smtplib
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SCRIPTS = Path(os.environ.get("CAREDESK_MAIL_SCRIPTS") or ROOT.parent / "shared" / "mail")
CORPUS = Path(os.environ.get("CAREDESK_MAIL_CORPUS") or ROOT.parent / "shared" / "mail-corpus")
CLIENTS = 20
REPLACED = {b"from", b"message-id", b"sender", b"reply-to", b"resent-from", b"resent-message-id"}


# ------------------------------------------------------------------------------ mail servers
def _free_ports(count: int) -> list[int]:
    sockets = [socket.socket() for _ in range(count)]
    try:
        for s in sockets:
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


def _script(name: str, env: dict, *args: str) -> str:
    # Output through a file: Dovecot daemonizes holding the script's descriptors.
    with tempfile.TemporaryFile() as out:
        done = subprocess.run(
            [str(SCRIPTS / name), *args],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            timeout=600,
        )
        out.seek(0)
        text = out.read().decode(errors="replace")
    if done.returncode:
        sys.exit(f"{name} failed ({done.returncode}):\n{text}")
    return text


def start_servers(state: str) -> tuple[dict, dict]:
    imap_port, lmtp_port, sink_port = _free_ports(3)
    script_env = {
        **os.environ,
        "MAIL_STATE_DIR": state,
        "IMAP_PORT": str(imap_port),
        "LMTP_PORT": str(lmtp_port),
        "SMTP_SINK_PORT": str(sink_port),
        "PYTHON": sys.executable,
    }
    text = _script("start-mailservers.sh", script_env)
    servers = {}
    for line in text.splitlines():
        key, sep, value = line.partition("=")
        if sep and re.fullmatch(r"[A-Z_][A-Z0-9_]*", key):
            servers[key] = value.strip('"')
    return servers, script_env


# ------------------------------------------------------------------------------ messages
def corpus_files(path: Path) -> list[bytes]:
    suffixes = (".eml", ".box", ".mbox", ".msg")
    files = sorted(p for p in path.rglob("*") if p.is_file() and p.name.endswith(suffixes))
    if not files:
        sys.exit(f"no mail files under {path} (set --corpus or CAREDESK_MAIL_CORPUS)")
    return [p.read_bytes() for p in files]


def crlf(raw: bytes) -> bytes:
    raw = re.sub(rb"\r\n|\r|\n", b"\r\n", raw)
    return raw if raw.endswith(b"\r\n") else raw + b"\r\n"


def rewrite(raw: bytes, sender: str, message_id: str) -> bytes:
    """The corpus message with a new From and Message-ID; everything else as it was."""
    raw = crlf(raw)
    while raw.startswith(b"From "):  # an mbox separator line
        raw = raw.split(b"\r\n", 1)[1]
    head, sep, body = raw.partition(b"\r\n\r\n")
    if not sep:  # no blank line: all header, or no header at all
        head, body = raw.rstrip(b"\r\n"), b""
    kept, dropping = [], False
    for line in head.split(b"\r\n"):
        if line[:1] in (b" ", b"\t"):
            if not dropping:
                kept.append(line)
            continue
        name = line.split(b":", 1)[0].strip().lower()
        dropping = name in REPLACED
        if not dropping:
            kept.append(line)
    new = [f"From: {sender}".encode(), f"Message-ID: <{message_id}>".encode(), *kept]
    return b"\r\n".join(new) + b"\r\n\r\n" + body


def deliver(servers: dict, raws: list[bytes]) -> float:
    start = time.perf_counter()
    with smtplib.LMTP(servers["LMTP_HOST"], int(servers["LMTP_PORT"]), timeout=60) as lmtp:
        for raw in raws:
            refused = lmtp.sendmail("bench@example.test", [servers["MAIL_USER"]], raw)
            if refused:
                sys.exit(f"LMTP refused a message: {refused}")
    return time.perf_counter() - start


# ------------------------------------------------------------------------------ database
def database(keep: bool, tmp: Path):
    """The URL to use, and what to do at the end."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        return f"sqlite:///{tmp / 'bench_mail.sqlite3'}", "SQLite (temporary file)", lambda: None
    import psycopg

    parts = urllib.parse.urlsplit(url)
    name = f"caredesk_bench_mail_{os.getpid()}"
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
        version = conn.execute("SHOW server_version").fetchone()[0]

    def drop():
        if keep:
            print(f"kept database {name}")
            return
        from django.db import connections

        connections.close_all()
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return parts._replace(path=f"/{name}").geturl(), f"PostgreSQL {version} ({name})", drop


def build_world(servers: dict, contacts: int) -> list[str]:
    from datetime import date, timedelta

    from django.core.management import call_command

    from caredesk.catalog.default_catalog import load_catalog
    from caredesk.catalog.models import ProductLine
    from caredesk.clients.actions import add_contact, record_purchase, register_client
    from caredesk.mail.models import Mailbox
    from caredesk.plans.actions import subscribe

    call_command("migrate", verbosity=0)
    load_catalog()
    fp = ProductLine.objects.get(slug="footprints")
    start = date.today() - timedelta(days=100)
    addresses = []
    for c in range(CLIENTS):
        client = register_client(f"B-{c:03d}", f"Bench Client {c}")
        record_purchase(client, fp, "11.0", start, serial_number=f"FP-B{c}")
        subscribe(client, "premium-care", [fp], starts_on=start, months=24, addons=["24x7"])
        for n in range(c, contacts, CLIENTS):
            address = f"contact{n:04d}@client{c:02d}.bench.test"
            add_contact(client, f"Contact {n}", address, is_primary=n == c)
            addresses.append(address)
    box = Mailbox.objects.create(
        name="support",
        address=servers["MAIL_USER"],
        host=servers["IMAP_HOST"],
        port=int(servers["IMAP_PORT"]),
        security=Mailbox.Security.NONE,
        username=servers["MAIL_USER"],
        secret=servers["MAIL_PASSWORD"],
        default_product=fp,
    )
    box.products.set([fp])
    return addresses


# ------------------------------------------------------------------------------ measuring
def ingest() -> tuple[float, int]:
    """What the mail.fetch job does, until a fetch finds nothing; seconds and passes."""
    from caredesk.mail.imap import fetch_all, route_pending

    start, passes = time.perf_counter(), 0
    while True:
        passes += 1
        reports = fetch_all()
        route_pending()
        for box, report in reports:
            if report.error:
                sys.exit(f"fetch of {box.name} failed: {report.error}")
        if sum(report.fetched for _, report in reports) == 0:
            return time.perf_counter() - start, passes


def stdlib_parse(raw: bytes) -> None:
    message = email.message_from_bytes(raw, policy=email.policy.default)
    for part in message.walk():
        if not part.is_multipart():
            part.get_payload(decode=True)


def best_rate(raws: list[bytes], parse_one, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for raw in raws:
            parse_one(raw)
        best = min(best, time.perf_counter() - start)
    return len(raws) / best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--contacts", type=int, default=200)
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--repeat", type=int, default=3, help="passes of each parser")
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL database")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="caredesk-bench-mail-"))
    # Its own directory directly under /tmp: Dovecot's mail processes (nobody) must reach it.
    state = tempfile.mkdtemp(prefix="caredesk-bench-mailservers-", dir="/tmp")
    url, db_name, drop = database(args.keep, tmp)
    os.environ["DATABASE_URL"] = url
    os.environ["CAREDESK_VAR_DIR"] = str(tmp / "var")  # attachments are written under it
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("CAREDESK_LOG_LEVEL", "ERROR")
    servers, script_env = start_servers(state)
    try:
        import django

        django.setup()
        from caredesk.incidents.models import Incident
        from caredesk.mail.models import InboundMessage, OutboundMessage
        from caredesk.mail.parsing import parse

        started = time.perf_counter()
        contacts = build_world(servers, args.contacts)
        built = time.perf_counter() - started
        files = corpus_files(args.corpus)
        run = os.urandom(4).hex()
        raws = [
            rewrite(files[n % len(files)], contacts[n % len(contacts)], f"bench-{n}.{run}@bench")
            for n in range(args.messages)
        ]
        delivered = deliver(servers, raws)

        seconds, passes = ingest()

        stored = InboundMessage.objects.count()
        if stored != args.messages or InboundMessage.objects.unrouted().exists():
            sys.exit(f"{stored} of {args.messages} messages stored, or some not routed")
        outcomes = Counter(InboundMessage.objects.values_list("outcome", flat=True))
        incidents = Incident.objects.count()
        acks = OutboundMessage.objects.filter(kind="acknowledgement").count()
        fetched = [bytes(raw) for raw in InboundMessage.objects.values_list("raw", flat=True)]
        size = sum(map(len, fetched))
        stdlib = best_rate(fetched, stdlib_parse, args.repeat)
        ours = best_rate(fetched, parse, args.repeat)
    finally:
        _script("stop-mailservers.sh", script_env, "--purge")
        drop()
        shutil.rmtree(tmp, ignore_errors=True)
        shutil.rmtree(state, ignore_errors=True)

    rate = args.messages / seconds
    print(f"database: {db_name}; {os.cpu_count()} CPUs; Python {sys.version.split()[0]}")
    print(
        f"{args.messages} messages from {len(files)} corpus files, {size / 1e6:.1f} MB as "
        f"fetched; senders: {len(contacts)} contacts of {CLIENTS} clients (world built in "
        f"{built:.1f} s)"
    )
    print(f"LMTP delivery into Dovecot        {args.messages / delivered:8.0f} messages/s")
    print(
        f"caredesk intake end to end        {rate:8.1f} messages/s  ({seconds:.1f} s, "
        f"{passes} fetch passes: IMAP fetch, store, flag, parse, route)"
    )
    print(f"  caredesk parse() alone          {ours:8.0f} messages/s")
    print(f"stdlib alone (parse + walk parts) {stdlib:8.0f} messages/s")
    print(
        f"outcomes: {dict(sorted(outcomes.items()))}; {incidents} incidents opened, "
        f"{acks} acknowledgements queued"
    )


if __name__ == "__main__":
    main()
