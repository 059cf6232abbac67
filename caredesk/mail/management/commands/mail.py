"""`caredesk mail import [--json] PATH...`, `mail fetch`, `mail route`, `mail status`."""

import json

from django.core.management.base import BaseCommand, CommandError

from caredesk.mail import intake
from caredesk.mail.models import InboundMessage, Mailbox
from caredesk.mail.sources import SourceError, messages


class Command(BaseCommand):
    help = "Mail intake: import files, fetch mailboxes, route what is stored, show health."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser(
            "import",
            help="Take .eml files, mbox files or maildir folders "
            "through the same pipeline as IMAP.",
        )
        imp.add_argument("paths", nargs="+", metavar="PATH")
        imp.add_argument(
            "--json", action="store_true", dest="as_json", help="One JSON object per message."
        )
        sub.add_parser("fetch", help="Fetch every active mailbox once.")
        sub.add_parser("route", help="Route messages stored but not yet routed.")
        sub.add_parser("status", help="Each mailbox's health and the quarantine.")

    def handle(self, *args, action, **options):
        getattr(self, f"handle_{action}")(**options)

    def handle_import(self, paths, as_json=False, **options):
        counts: dict[str, int] = {}
        for path in paths:
            try:
                items = list(messages(path))
            except SourceError as exc:
                raise CommandError(str(exc)) from None
            for source, raw in items:
                result = import_one(raw, source)
                counts[result["outcome"]] = counts.get(result["outcome"], 0) + 1
                if as_json:
                    self.stdout.write(_json(result))
                else:
                    number = f" {result['incident']}" if result["incident"] else ""
                    self.stdout.write(f"{result['outcome']:<12}{number:<12} {source}")
        if not as_json:
            summary = ", ".join(f"{n} {outcome}" for outcome, n in sorted(counts.items()))
            self.stdout.write(f"{sum(counts.values())} messages: {summary or 'none'}")

    def handle_fetch(self, **options):
        from caredesk.mail.imap import fetch_all

        for mailbox, report in fetch_all():
            self.stdout.write(f"{mailbox.name}: {report}")

    def handle_route(self, **options):
        routed = 0
        for inbound in InboundMessage.objects.unrouted().order_by("received_at"):
            intake.route(inbound)
            routed += 1
        self.stdout.write(f"{routed} messages routed")

    def handle_status(self, **options):
        for box in Mailbox.objects.all():
            state = "failing since " + box.failing_since.isoformat() if box.failing_since else "ok"
            last = box.last_success_at.isoformat() if box.last_success_at else "never"
            self.stdout.write(
                f"{box.name}: {state}; last success {last}; backlog {box.backlog}"
                + (f"; error: {box.last_error}" if box.last_error else "")
            )
        self.stdout.write(f"quarantine: {InboundMessage.objects.quarantined().count()} messages")


def import_one(raw: bytes, source: str) -> dict:
    """Store and route one message; the JSON fields of `mail import --json`."""
    stored = intake.store(raw, source=source)
    inbound = stored.inbound if stored.duplicate else intake.route(stored.inbound, stored.parsed)
    outcome = "duplicate" if stored.duplicate else inbound.outcome or "quarantined"
    parsed = stored.parsed
    return {
        "source": source,
        "message_id": inbound.message_id,
        "outcome": outcome,
        "incident": inbound.incident.number if inbound.incident_id else None,
        "from": parsed.from_addr if parsed else "",
        "subject": parsed.subject if parsed else "",
        "attachments": [a.filename for a in parsed.attachments] if parsed else [],
        "text": parsed.text if parsed else "",
        "reply_text": parsed.reply_text if parsed else "",
    }


def _json(result: dict) -> str:
    return json.dumps(result, ensure_ascii=False)
