"""`caredesk mail import` on the whole real-world corpus: no crash, nothing lost, bytes kept."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from caredesk.clients.actions import add_contact
from caredesk.mail.models import InboundMessage
from tests.mail.corpus import EXPECTED_FILES, corpus_dir, corpus_files

OUTCOMES = {"created", "appended", "auto-reply", "bounce", "duplicate", "quarantined"}
FIELDS = {
    "source",
    "message_id",
    "outcome",
    "incident",
    "from",
    "subject",
    "attachments",
    "text",
    "reply_text",
}


def run_import(*paths) -> list[dict]:
    out = StringIO()
    call_command("mail", "import", "--json", *map(str, paths), stdout=out)
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_every_corpus_message_ends_in_an_incident_a_thread_or_the_quarantine(world):
    files = corpus_files()
    assert len(files) == EXPECTED_FILES, f"corpus missing or changed at {corpus_dir()}"
    # Some corpus senders are our clients' contacts, so that mail opens incidents too.
    for address in ("jamis@37signals.com", "raasdnil@gmail.com", "from@example.com"):
        add_contact(world["globex"], address, address)
    results = run_import(corpus_dir())
    assert len(results) == len(files)
    assert all(set(r) == FIELDS for r in results)
    assert {r["outcome"] for r in results} <= OUTCOMES
    assert {"created", "quarantined"} <= {r["outcome"] for r in results}
    for result in results:
        inbound = InboundMessage.objects.get(message_id=result["message_id"])
        assert inbound.state in ("processed", "quarantined")
        assert (
            inbound.incident is not None
            or inbound.state == "quarantined"
            or (result["outcome"] == "duplicate")
        ), result["source"]
        if result["outcome"] != "duplicate":
            # Byte for byte: what is stored is exactly the file.
            assert bytes(inbound.raw) == Path(result["source"]).read_bytes(), result["source"]
    stored = InboundMessage.objects.count()
    duplicates = sum(r["outcome"] == "duplicate" for r in results)
    assert stored + duplicates == len(files)


def test_importing_again_changes_nothing(world):
    first = run_import(corpus_dir() / "mailgun-talon")
    count = InboundMessage.objects.count()
    again = run_import(corpus_dir() / "mailgun-talon")
    assert {r["outcome"] for r in again} == {"duplicate"}
    assert InboundMessage.objects.count() == count == len(first)


def test_json_fields_of_one_message(world):
    path = corpus_dir() / "mikel-mail" / "attachment_emails" / "attachment_pdf.eml"
    (result,) = run_import(path)
    assert result["source"] == str(path)
    assert result["attachments"] and all(name for name in result["attachments"])
    assert "@" in result["from"] and result["subject"]
    assert result["outcome"] in OUTCOMES


def test_a_missing_path_is_a_clear_error(db):
    with pytest.raises(CommandError, match="no such file or folder"):
        call_command("mail", "import", "/nonexistent/mail.eml")


def test_mbox_and_maildir_go_through_the_same_pipeline(world, tmp_path):
    import mailbox

    raws = [p.read_bytes() for p in sorted((corpus_dir() / "mailgun-talon").rglob("*.eml"))[:3]]
    box = mailbox.mbox(str(tmp_path / "archive.mbox"))
    for raw in raws:
        box.add(raw)
    box.close()
    maildir = mailbox.Maildir(str(tmp_path / "Maildir"))
    for raw in raws:
        maildir.add(raw)
    from_mbox = run_import(tmp_path / "archive.mbox")
    from_maildir = run_import(tmp_path / "Maildir")
    assert len(from_mbox) == len(from_maildir) == 3
    assert {r["outcome"] for r in from_maildir} == {"duplicate"}  # same Message-IDs
