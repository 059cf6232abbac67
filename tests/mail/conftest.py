"""Real mail servers for the mail tests: Dovecot IMAP + LMTP and an aiosmtpd SMTP sink on
loopback, started once per test session by `../shared/mail/start-mailservers.sh`.

The servers get a state directory of their own under /tmp and free ports, so two test runs (or a
developer's servers on the default ports) never meet; they are stopped and their state purged at
the end of the session. When they cannot start the tests FAIL: a mail suite that silently skips
its real servers proves nothing.

- `mailservers` (session): the KEY=VALUE lines the script prints, as a dict (a `MailServers`,
  which adds helpers: `deliver` by LMTP, `append` by IMAP, `imap()` connections, `sink()`).
- `mail` (per test): the same object, with the INBOX emptied, extra folders deleted and the
  sink Maildir cleared before the test.
- `imap_mailbox`: a `Mailbox` row pointing at Dovecot (`security="none"`), mail about
  FootPrints unless the text names another product.
- `smtp_sink`: Django's SMTP backend pointed at the sink.
- `compose(...)`: a raw message (CRLF line endings, as an MTA puts it on the wire).
- `own_database`: the URL of a database of the test's own for worker subprocesses (a fresh
  PostgreSQL database when DATABASE_URL names PostgreSQL, dropped at the end; else a SQLite
  file), with `subprocess_env(...)` and `run_python(...)` to run commands against it.
"""

from __future__ import annotations

import email
import email.policy
import imaplib
import mailbox as mailbox_lib
import os
import re
import smtplib
import socket
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

import pytest

from tests import subprocesses

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = Path(os.environ.get("CAREDESK_MAIL_SCRIPTS") or ROOT.parent / "shared" / "mail")
KEYWORD = "$CaredeskStored"
# Folders Dovecot creates by itself (special-use); anything else a test made is deleted.
KEPT_FOLDERS = {"INBOX", "Drafts", "Sent", "Trash"}


def crlf(raw: bytes) -> bytes:
    """What an MTA puts on the wire: CRLF line endings, ending with one."""
    raw = re.sub(rb"\r\n|\r|\n", b"\r\n", raw)
    return raw if raw.endswith(b"\r\n") else raw + b"\r\n"


def compose(
    sender: str = "carol@acme.test",
    subject: str = "Reports fail",
    body: str = "The nightly report fails with error 42.",
    *,
    to: str = "support@example.test",
    message_id: str | None = "",
    **headers: str,
) -> bytes:
    """A raw message; `message_id=None` leaves the header out, "" makes a fresh one. Further
    headers by keyword: In_Reply_To="<...>" becomes In-Reply-To."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(datetime.now(UTC))
    if message_id is not None:
        message["Message-ID"] = message_id or make_msgid(domain=sender.rpartition("@")[2])
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body)
    return crlf(message.as_bytes(policy=email.policy.SMTP))


def _free_ports(count: int) -> list[int]:
    sockets = []
    try:
        for _ in range(count):
            s = socket.socket()
            s.bind(("127.0.0.1", 0))
            sockets.append(s)
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


class MailServers(dict):
    """The env printed by start-mailservers.sh, plus what the tests do with the servers."""

    @property
    def user(self) -> str:
        return self["MAIL_USER"]

    def imap(self, user: str | None = None, password: str | None = None) -> imaplib.IMAP4:
        conn = imaplib.IMAP4(self["IMAP_HOST"], int(self["IMAP_PORT"]), timeout=30)
        conn.login(user or self["MAIL_USER"], password or self["MAIL_PASSWORD"])
        return conn

    def deliver(self, *raws: bytes, to: str | None = None) -> None:
        """LMTP delivery (what Postfix or Exim do), one session for all; refusals fail."""
        with smtplib.LMTP(self["LMTP_HOST"], int(self["LMTP_PORT"]), timeout=30) as lmtp:
            for raw in raws:
                refused = lmtp.sendmail("mta@example.test", [to or self.user], crlf(raw))
                assert not refused, refused

    def append(self, folder: str, raw: bytes) -> None:
        conn = self.imap()
        try:
            typ, data = conn.append(_quote(folder), None, None, crlf(raw))
            assert typ == "OK", data
        finally:
            conn.logout()

    def create_folder(self, folder: str) -> None:
        conn = self.imap()
        try:
            typ, data = conn.create(_quote(folder))
            assert typ == "OK" or b"ALREADYEXISTS" in b"".join(data), data
        finally:
            conn.logout()

    def messages(self, folder: str = "INBOX") -> dict[int, dict]:
        """Every message of a folder, by UID: {"raw": bytes as the server returns them,
        "flags": set of flags}. Reads without setting \\Seen."""
        conn = self.imap()
        try:
            typ, data = conn.select(_quote(folder), readonly=True)
            assert typ == "OK", data
            if int(data[0]) == 0:
                return {}
            typ, data = conn.uid("FETCH", "1:*", "(UID FLAGS BODY.PEEK[])")
            assert typ == "OK", data
        finally:
            conn.logout()
        found = {}
        for item in data:
            if not isinstance(item, tuple):
                continue
            head = item[0].decode()
            uid = int(re.search(r"UID (\d+)", head).group(1))
            flags = set(re.search(r"FLAGS \(([^)]*)\)", head).group(1).split())
            found[uid] = {"raw": item[1], "flags": flags}
        return found

    def search(self, *criteria: str, folder: str = "INBOX") -> list[int]:
        conn = self.imap()
        try:
            typ, data = conn.select(_quote(folder), readonly=True)
            assert typ == "OK", data
            typ, data = conn.uid("SEARCH", None, *criteria)
            assert typ == "OK", data
            return [int(uid) for uid in data[0].split()]
        finally:
            conn.logout()

    def sink_keys(self) -> list[str]:
        """The sink's Maildir keys in delivery order ("<sec>.M<usec>P<pid>Q<count>.<host>")."""
        box = mailbox_lib.Maildir(self["SMTP_SINK_MAILDIR"], factory=None, create=True)

        def when(key):
            match = re.match(r"(\d+)\.M(\d+)P\d+Q(\d+)", key)
            return tuple(int(n) for n in match.groups()) if match else (0, 0, 0)

        return sorted(box.keys(), key=when)

    def sink(self, skip: int = 0) -> list[email.message.EmailMessage]:
        """What the SMTP sink received, oldest first, parsed (policy.default); the envelope is
        in the X-MailFrom and X-RcptTo headers the sink adds. `skip` leaves out the first ones."""
        box = mailbox_lib.Maildir(self["SMTP_SINK_MAILDIR"], factory=None, create=True)
        return [
            email.message_from_bytes(box.get_bytes(key), policy=email.policy.default)
            for key in self.sink_keys()[skip:]
        ]

    def purge(self) -> None:
        """An empty INBOX, no folders but the special ones, an empty sink."""
        conn = self.imap()
        try:
            typ, data = conn.list()
            for line in data or []:
                if not line:
                    continue
                name = _folder_name(line)
                if name not in KEPT_FOLDERS:
                    conn.delete(_quote(name))
            for folder in KEPT_FOLDERS:
                typ, data = conn.select(_quote(folder))
                if typ == "OK" and int(data[0]):
                    conn.store("1:*", "+FLAGS.SILENT", r"(\Deleted)")
                    conn.expunge()
            conn.close()
        finally:
            conn.logout()
        mailbox_lib.Maildir(self["SMTP_SINK_MAILDIR"], factory=None, create=True).clear()

    def sink_pid(self) -> int:
        return int((Path(self["MAIL_STATE_DIR"]) / "smtp-sink.pid").read_text())

    def start(self) -> None:
        """(Re)start what is not running: the script restarts only a server that died."""
        _run_script("start-mailservers.sh", self.script_env)

    def running(self) -> bool:
        for port in ("IMAP_PORT", "LMTP_PORT", "SMTP_SINK_PORT"):
            with socket.socket() as s:
                s.settimeout(1)
                if s.connect_ex(("127.0.0.1", int(self[port]))):
                    return False
        return True


def _quote(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _folder_name(line: bytes) -> str:
    # (\HasNoChildren) "/" "Processed"   or   (\HasNoChildren) "/" INBOX
    name = line.decode().rsplit(' "/" ', 1)[1]
    return name[1:-1].replace('\\"', '"').replace("\\\\", "\\") if name.startswith('"') else name


def _run_script(name: str, env: dict, *args: str, timeout: float = 300) -> str:
    """Run one of the mail scripts; its output goes through files, not pipes: Dovecot
    daemonizes with the script's descriptors, so a pipe would never see its end."""
    script = SCRIPTS / name
    if not script.exists():
        pytest.fail(f"{script} is missing: set CAREDESK_MAIL_SCRIPTS to the mail scripts folder")
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        try:
            done = subprocess.run(
                [str(script), *args],
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=err,
                timeout=timeout,
            )
        except subprocess.TimeoutExpired:
            done = None
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(errors="replace"), err.read().decode(errors="replace")
    if done is None:
        pytest.fail(f"{name} did not finish within {timeout:.0f} s:\n{stdout}\n{stderr}")
    if done.returncode:
        pytest.fail(f"{name} failed ({done.returncode}):\n{stdout}\n{stderr}")
    return stdout


def parse_env(text: str) -> dict:
    env = {}
    for line in text.splitlines():
        key, sep, value = line.strip().partition("=")
        if sep and re.fullmatch(r"[A-Z_][A-Z0-9_]*", key):
            env[key] = value[1:-1] if value[:1] == value[-1:] == '"' and value else value
    return env


@pytest.fixture(scope="session")
def mailservers():
    """Dovecot IMAP + LMTP and the SMTP sink, started for this session (installing Dovecot with
    apt and aiosmtpd with pip into this interpreter when missing); fails when they cannot start."""
    state = tempfile.mkdtemp(prefix="caredesk-mail-", dir="/tmp")
    imap_port, lmtp_port, sink_port = _free_ports(3)
    script_env = {
        **os.environ,
        "MAIL_STATE_DIR": state,
        "IMAP_PORT": str(imap_port),
        "LMTP_PORT": str(lmtp_port),
        "SMTP_SINK_PORT": str(sink_port),
        # aiosmtpd runs (and is installed) in the test interpreter's environment.
        "PYTHON": sys.executable,
    }
    stop = [str(SCRIPTS / "stop-mailservers.sh"), "--purge"]
    try:
        servers = MailServers(parse_env(_run_script("start-mailservers.sh", script_env)))
        servers.script_env = script_env
        missing = {"IMAP_PORT", "LMTP_PORT", "SMTP_SINK_PORT", "SMTP_SINK_MAILDIR", "MAIL_USER"}
        missing -= set(servers)
        if missing:
            pytest.fail(f"start-mailservers.sh printed no {sorted(missing)}")
        yield servers
    finally:
        # Also when the start failed halfway: stop whatever of it runs, by its pid files.
        subprocess.run(
            stop,
            env=script_env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=60,
        )


@pytest.fixture
def mail(mailservers):
    """The servers, emptied for this test: INBOX, folders and sink."""
    if not mailservers.running():  # a test stopped one and could not restart it
        mailservers.start()
    mailservers.purge()
    return mailservers


@pytest.fixture
def imap_mailbox(mail, world):
    """A Mailbox row for the Dovecot INBOX, in plain IMAP on loopback."""
    from caredesk.mail.models import Mailbox

    return Mailbox.objects.create(
        name="support",
        address=mail.user,
        host=mail["IMAP_HOST"],
        port=int(mail["IMAP_PORT"]),
        security=Mailbox.Security.NONE,
        username=mail.user,
        secret=mail["MAIL_PASSWORD"],
        default_product=world["catalog"]["footprints"],
    )


@pytest.fixture
def smtp_sink(mail, settings):
    """Outgoing mail through Django's SMTP backend into the sink."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = mail["SMTP_SINK_HOST"]
    settings.EMAIL_PORT = int(mail["SMTP_SINK_PORT"])
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 10
    return mail


@pytest.fixture
def own_database(tmp_path):
    """A database of this test's own, on the engine the suite runs on, for subprocesses."""
    with subprocesses.own_database(tmp_path, "mailtest") as url:
        yield url


def subprocess_env(servers: MailServers, database_url: str, var_dir: Path) -> dict:
    """The environment of a caredesk process on `database_url`: outgoing mail by SMTP to the
    sink (as configured in production), the IMAP account in IMAP_* / MAIL_* for kill_world."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "CAREDESK_VAR_DIR": str(var_dir),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "CAREDESK_LOG_LEVEL": "WARNING",
        "CAREDESK_SMTP_HOST": servers["SMTP_SINK_HOST"],
        "CAREDESK_SMTP_PORT": servers["SMTP_SINK_PORT"],
        "PYTHONUNBUFFERED": "1",
        **{k: servers[k] for k in ("IMAP_HOST", "IMAP_PORT", "MAIL_USER", "MAIL_PASSWORD")},
    }
    for key in (
        "CAREDESK_SMTP_USER",
        "CAREDESK_SMTP_PASSWORD",
        "CAREDESK_SMTP_STARTTLS",
        "CAREDESK_SMTP_TLS",
    ):
        env.pop(key, None)
    return env


def run_python(env: dict, *args: str, timeout: float = 120) -> str:
    """Run `python ARGS` from the repository; fails the test when it fails."""
    done = subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if done.returncode:
        pytest.fail(f"{' '.join(args)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return done.stdout
