"""`parse`: raw bytes in, a `ParsedMail` out, every field decoded."""

from __future__ import annotations

import hashlib
from email import errors as email_errors
from email import policy as email_policy
from email.parser import BytesParser

from . import auto, dsn, quotes
from .attachments import content_type_for, extension_for, params, safe_filename
from .body import Walker
from .charsets import decode_header_bytes
from .headers import (
    Headers,
    addr_list,
    parse_addresses,
    parse_date,
    parse_message_id,
    parse_msgids,
    split_message,
    unstructured,
)
from .html import referenced_cids
from .model import ParsedAttachment, ParsedMail, UnparseableMail

_PARSER = BytesParser(policy=email_policy.default)
MAX_SIZE = 200 * 1024 * 1024

# What the stdlib reports, in words an agent understands.
_STDLIB_DEFECTS = {
    email_errors.StartBoundaryNotFoundDefect: "multipart start boundary not found",
    email_errors.CloseBoundaryNotFoundDefect: "multipart close boundary missing",
    email_errors.MultipartInvariantViolationDefect: "multipart without parts",
    email_errors.NoBoundaryInMultipartDefect: "multipart without a boundary parameter",
    email_errors.MissingHeaderBodySeparatorDefect: "no blank line after a part's headers",
    email_errors.MisplacedEnvelopeHeaderDefect: "an mbox 'From ' line among the headers",
    email_errors.FirstHeaderLineIsContinuationDefect: "a part's headers start indented",
    email_errors.InvalidBase64PaddingDefect: "base64 with wrong padding",
    email_errors.InvalidBase64CharactersDefect: "base64 with stray characters",
    email_errors.InvalidBase64LengthDefect: "base64 of an impossible length",
}


def _describe(defect) -> str:
    return _STDLIB_DEFECTS.get(type(defect), type(defect).__name__)


def _stdlib_defects(message, defects: list[str]):
    for part in message.walk():
        for defect in part.defects:
            defects.append(_describe(defect))


def parse(raw: bytes) -> ParsedMail:
    """Parse one raw e-mail. Never raises for real-world mail; input that is not mail at all
    raises UnparseableMail."""
    if isinstance(raw, (bytearray, memoryview)):
        raw = bytes(raw)
    if not isinstance(raw, bytes):
        raise TypeError(f"parse() takes the raw bytes of a message, not {type(raw).__name__}")
    if not raw.strip():
        raise UnparseableMail("empty message")
    if len(raw) > MAX_SIZE:
        raise UnparseableMail(f"message of {len(raw)} bytes is larger than {MAX_SIZE}")
    try:
        return _parse(raw)
    except UnparseableMail:
        raise
    except (Exception, RecursionError) as exc:  # a parser bug must not lose the message
        raise UnparseableMail(f"parser failure: {type(exc).__name__}: {exc}") from exc


def _parse(raw: bytes) -> ParsedMail:
    defects: list[str] = []
    split = split_message(raw, defects)
    content_type = next(
        (value for name, value in split.fields if name.lower() == "content-type"), b""
    )
    _, top_params = params(decode_header_bytes(content_type))
    headers = Headers(split.fields, fallback_charset=top_params.get("charset"))
    message = _PARSER.parsebytes(split.stdlib_bytes)
    _stdlib_defects(message, defects)

    walker = Walker(defects, top_body=split.body)
    collected = walker.collect(message)
    text = walker.render_text(collected)
    html = walker.render_html(collected)

    message_id = parse_message_id(headers.get("message-id"))
    has_message_id = bool(message_id)
    if not has_message_id:
        message_id = f"sha256-{hashlib.sha256(raw).hexdigest()}@caredesk.invalid"

    from_boxes = parse_addresses(", ".join(headers.get_all("from")), defects)
    with_addr = [box for box in from_boxes if box.addr]
    from_addr = with_addr[0].addr if with_addr else ""
    from_name = (with_addr[0] if with_addr else from_boxes[0]).name if from_boxes else ""
    if len(with_addr) > 1:
        defects.append("more than one From address: the first is the sender")

    sender_addr = ""
    for name in ("sender", "return-path"):
        values = headers.get_all(name)
        if values:
            sender_addr = next(iter(addr_list(values[:1], defects)), "")
            break
    null_sender = any(not addr_list([value], []) for value in headers.get_all("return-path")[:1])

    subject = unstructured(headers.get("subject"))
    bounce = dsn.find_bounce(headers, collected, text, from_addr, subject)
    is_auto, auto_reason = auto.detect(headers, subject, bounce, null_sender, collected.report_type)

    reply = quotes.reply_text(text) or text.strip()

    return ParsedMail(
        message_id=message_id,
        has_message_id=has_message_id,
        from_addr=from_addr,
        from_name=from_name,
        sender_addr=sender_addr,
        to=addr_list(headers.get_all("to"), defects),
        cc=addr_list(headers.get_all("cc"), defects),
        reply_to=addr_list(headers.get_all("reply-to"), defects),
        subject=subject,
        date=parse_date(headers.get("date"), defects),
        in_reply_to=parse_msgids(" ".join(headers.get_all("in-reply-to"))),
        references=parse_msgids(" ".join(headers.get_all("references"))),
        auto_submitted=is_auto,
        auto_reason=auto_reason,
        bounce=bounce,
        text=text,
        html=html,
        reply_text=reply,
        attachments=_attachments(collected.attachments, walker.raw_html(collected)),
        defects=list(dict.fromkeys(defects)),
    )


def _attachments(pending, markups: list[str]) -> list[ParsedAttachment]:
    cids = referenced_cids(markups)
    result = []
    for index, item in enumerate(pending, start=1):
        content_type = (item.content_type or "").lower()
        name = safe_filename(item.filename)
        if not content_type:
            content_type = content_type_for(name) if name else "application/octet-stream"
        if not name:
            name = f"attachment-{index}{extension_for(content_type)}"
        inline = bool(item.content_id) and (item.inline or item.content_id in cids)
        result.append(
            ParsedAttachment(
                filename=name,
                content_type=content_type,
                content=item.content,
                inline=inline,
                content_id=item.content_id,
            )
        )
    return result
