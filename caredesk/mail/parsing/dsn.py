"""Bounces: RFC 3464 delivery status notifications, and the plain-text ones some servers
still send (Postfix without DSN, Exim, qmail, Sendmail, Gmail and Exchange in text).

A bounce tells which recipients failed (`5.x.x`: permanently) or are delayed (`4.x.x`), and
which message it returns, so the incident it concerns can be found by that Message-ID.
"""

from __future__ import annotations

import re

from .body import Collected
from .headers import Headers, clean_addr, fold_spaces, parse_message_id, parse_msgids
from .model import Bounce

_STATUS = re.compile(r"\b([245])\.(\d{1,3})\.(\d{1,3})\b")
_SMTP_CODE = re.compile(r"(?<![\d.])([245])\d\d(?:[ -]|$)")
_EMAIL = r"[^\s<>()\[\]\",;:@]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}"

BOUNCE_SUBJECT = re.compile(
    r"^\s*(undeliver(ed|able)|undelivered mail returned to sender|delivery status notification|"
    r"mail delivery (failed|failure|system)|returned mail|failure notice|delivery failure|"
    r"non[- ]?delivery|nondeliverable|unzustellbar|nicht zustellbar|non remis|"
    r"mail system error|delivery notification|warning: could not send|"
    r"message not delivered|delivery has failed|address not found)",
    re.IGNORECASE,
)
BOUNCE_SENDERS = re.compile(r"^(mailer-daemon|postmaster|mail-daemon|mailerdaemon)@", re.I)
# Where a text bounce starts quoting the returned message: addresses below are not recipients.
_COPY_MARKERS = re.compile(
    r"^\s*(-{3,}.*(copy of the message|original message|returned message|below this line|"
    r"message headers|undelivered message).*|original message headers:|"
    r"-{2,} ?original message ?-{2,}|------ this is a copy of.*|"
    r"--- below this line is a copy of the message\.?)\s*$",
    re.IGNORECASE | re.MULTILINE,
)


def _blocks(text: str) -> list[dict[str, str]]:
    """Header-style blocks separated by blank lines; folded lines unfolded."""
    blocks: list[dict[str, str]] = []
    for chunk in re.split(r"\n\s*\n", text.replace("\r\n", "\n")):
        fields: dict[str, str] = {}
        name = None
        for line in chunk.split("\n"):
            if line[:1] in (" ", "\t") and name:
                fields[name] += " " + line.strip()
                continue
            match = re.match(r"^([A-Za-z0-9-]+)\s*:(.*)$", line)
            if match:
                name = match.group(1).lower()
                fields.setdefault(name, match.group(2).strip())
            else:
                name = None
        if fields:
            blocks.append(fields)
    return blocks


def _typed(value: str) -> str:
    """The value of an RFC 3464 "type; value" field."""
    return value.split(";", 1)[1].strip() if ";" in value else value.strip()


def _action_for(status: str, action: str = "") -> str:
    if action:
        return action
    return {"5": "failed", "4": "delayed", "2": "delivered"}.get(status[:1], "failed")


def _recipient(address: str, action: str, status: str, diagnostic: str):
    detail = fold_spaces(f"{status} {diagnostic}")
    return (address, _action_for(status, action.lower()), detail)


def parse_delivery_status(text: str) -> tuple[list[tuple[str, str, str]], str | None]:
    recipients = []
    original = None
    for block in _blocks(text):
        if "x-original-message-id" in block and original is None:
            original = parse_message_id(block["x-original-message-id"]) or None
        who = block.get("final-recipient") or block.get("original-recipient")
        if not who:
            continue
        address = clean_addr(_typed(who).strip("<>")) or _typed(who).strip("<> ")
        status_match = _STATUS.search(block.get("status", ""))
        status = status_match.group(0) if status_match else ""
        diagnostic = _typed(block.get("diagnostic-code", ""))
        if not status:
            found = _STATUS.search(diagnostic)
            status = found.group(0) if found else ""
        recipients.append(_recipient(address, block.get("action", ""), status, diagnostic))
    return recipients, original


def _status_near(text: str) -> str:
    found = _STATUS.search(text)
    if found:
        return found.group(0)
    code = _SMTP_CODE.search(text)
    if code:
        return f"{code.group(1)}.0.0"
    lowered = text.lower()
    if re.search(r"delay|will (keep )?(re)?try|temporar|deferred|vorübergehend", lowered):
        return "4.0.0"
    return "5.0.0"


def scrape_text_bounce(text: str, own: set[str]) -> list[tuple[str, str, str]]:
    """Failed recipients of a bounce written for people only."""
    marker = _COPY_MARKERS.search(text)
    report = text[: marker.start()] if marker else text
    found: dict[str, str] = {}
    patterns = [
        # Postfix, qmail: "<user@host>: host mx said: 550 5.1.1 ..." up to the blank line
        rf"^\s*<({_EMAIL})>:?\s*(?P<diag>(?:.+\n?)*)",
        # Exim, Gmail, Exchange: the address alone on its line, details below
        rf"^\s*<?({_EMAIL})>?\s*(?:\(.*\))?\s*\n"
        r"(?P<diag>(?:[ \t#].+\n?|.*(?:\d\.\d\.\d|[45]\d\d ).*\n?)*)",
        # Gmail's newer wording: "wasn't delivered to user@host because ..."
        r"(?:delivered to|zugestellt an|delivery to|failed to|could not be delivered to)\s+"
        rf"<?({_EMAIL})>?(?P<diag>[^\n]*\n?(?:.+\n?){{0,6}})",
    ]
    for pattern in patterns:
        for match in re.finditer(pattern, report, re.IGNORECASE | re.MULTILINE):
            address = clean_addr(match.group(1))
            if not address or address in own or address in found:
                continue
            found[address] = match.group("diag")
    recipients = []
    for address, diagnostic in found.items():
        status = _status_near(diagnostic or report)
        recipients.append(_recipient(address, "", status, diagnostic))
    return recipients


def _original_in_text(text: str) -> str | None:
    marker = _COPY_MARKERS.search(text)
    if marker is None:
        return None
    match = re.search(r"^\s*Message-ID:\s*(<[^>\n]+>)", text[marker.start() :], re.I | re.M)
    return parse_message_id(match.group(1)) if match else None


def find_bounce(
    headers: Headers,
    collected: Collected,
    text: str,
    from_addr: str,
    subject: str,
) -> Bounce | None:
    recipients: list[tuple[str, str, str]] = []
    original = None
    for status_text in collected.delivery_status:
        found, original_here = parse_delivery_status(status_text)
        recipients.extend(r for r in found if r not in recipients)
        original = original or original_here
    for returned in collected.returned_headers:
        message_id = parse_message_id(returned.get("message-id"))
        if message_id:
            original = message_id
            break
    is_dsn = collected.report_type == "delivery-status" or bool(collected.delivery_status)
    if collected.report_type == "disposition-notification":
        return None  # a read receipt: automatic, but nothing bounced
    if not is_dsn:
        sender_says = bool(BOUNCE_SENDERS.match(from_addr)) or bool(BOUNCE_SUBJECT.match(subject))
        if not sender_says:
            return None
        own = {a for a in [from_addr, *(_addrs(headers, "to"))] if a}
        recipients = scrape_text_bounce(text, own)
        if not recipients:
            return None
        original = original or _original_in_text(text)
    if not recipients:
        recipients = scrape_text_bounce(text, {from_addr})
    if original is None:
        original = _original_in_text(text)
    if original is None and is_dsn:
        # Gmail's DSNs answer the returned message: In-Reply-To is its Message-ID.
        replied = parse_msgids(headers.get("in-reply-to"))
        original = replied[0] if replied else None
    permanent = any(
        action == "failed" and detail.startswith("5") for _, action, detail in recipients
    )
    return Bounce(original_message_id=original, recipients=recipients, permanent=permanent)


def _addrs(headers: Headers, name: str) -> list[str]:
    from .headers import addr_list

    return addr_list(headers.get_all(name), [])
