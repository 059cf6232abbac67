"""What `parse` returns: plain frozen dataclasses, everything already decoded."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


class UnparseableMail(ValueError):
    """Input that is not an e-mail at all (empty, or no header field anywhere).

    Real-world mail, however broken, never raises: the parser works around what it can and
    lists what it had to work around in `ParsedMail.defects`.
    """


@dataclass(frozen=True)
class ParsedAttachment:
    filename: str  # decoded and made safe: no path separators, no control characters
    content_type: str  # lower-case "type/subtype"
    content: bytes
    inline: bool  # an inline image (inline + Content-ID) or a part the HTML references by cid:
    content_id: str | None  # without <>


@dataclass(frozen=True)
class Bounce:
    original_message_id: str | None
    recipients: list[tuple[str, str, str]]  # (address, action, "status diagnostic")
    permanent: bool  # any recipient failed with a 5.x.x status


@dataclass(frozen=True)
class ParsedMail:
    message_id: str
    has_message_id: bool
    from_addr: str
    from_name: str
    sender_addr: str
    to: list[str]
    cc: list[str]
    reply_to: list[str]
    subject: str
    date: datetime | None
    in_reply_to: list[str]
    references: list[str]
    auto_submitted: bool
    auto_reason: str
    bounce: Bounce | None
    text: str
    html: str
    reply_text: str
    attachments: list[ParsedAttachment] = field(default_factory=list)
    defects: list[str] = field(default_factory=list)
