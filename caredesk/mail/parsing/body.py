"""The MIME walk: body text and HTML in reading order, attachments, forwarded messages.

The stdlib parser gives the tree; this module decides what each part is. A text/plain or
text/html part without a file name that is not marked `attachment` is body; of a
multipart/alternative only the best text and the best HTML are kept; every other leaf is an
attachment (named by Content-Disposition, Content-Type or Content-Location, in that order).
"""

from __future__ import annotations

import binascii
import re
from collections import Counter
from dataclasses import dataclass, field
from email import policy as email_policy
from email.message import Message
from email.parser import BytesParser

from . import html as html_mod
from .attachments import (
    KNOWN_CTE,
    decode_base64,
    decode_uuencode_payload,
    extract_uuencoded,
    is_tnef,
    location_name,
    normalize_cte,
    params,
    unpack_tnef,
)
from .charsets import decode_bytes
from .headers import Headers, unstructured

MAX_DEPTH = 24  # nested multiparts/messages deeper than this are kept as attachments
FORWARD_MARK = "---------- Forwarded message ----------"
SIGNATURE_TYPES = {
    "application/pgp-signature",
    "application/pkcs7-signature",
    "application/x-pkcs7-signature",
}
STATUS_TYPES = {
    "message/delivery-status",
    "message/global-delivery-status",
    "message/disposition-notification",
}
SMIME_TYPES = {"application/pkcs7-mime", "application/x-pkcs7-mime"}
ENCRYPTED_NOTE = (
    "[This message is encrypted ({how}). It cannot be read here; its encrypted parts are "
    "kept as attachments.]"
)
PARTIAL_NOTE = (
    "[This message is one fragment (message/partial{which}) of a larger message the sender's "
    "mailer split up; the fragment is kept as an attachment.]"
)
_STDLIB = email_policy.default


@dataclass
class Pending:
    filename: str
    content_type: str
    content: bytes
    inline: bool
    content_id: str | None


@dataclass
class Collected:
    text_pieces: list[tuple[str, str]] = field(default_factory=list)  # ("plain"|"html", ..)
    html_pieces: list[tuple[str, str]] = field(default_factory=list)
    attachments: list[Pending] = field(default_factory=list)
    forwarded: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    extra_text: list[str] = field(default_factory=list)  # TNEF bodies: used when no text
    delivery_status: list[str] = field(default_factory=list)
    returned_headers: list[Headers] = field(default_factory=list)
    report_type: str = ""


def unflow(text: str, delsp: bool) -> str:
    """RFC 3676 format=flowed: soft line breaks (a line ending in a space) joined again."""
    lines: list[tuple[int, str]] = []
    current: tuple[int, str] | None = None
    for raw in text.split("\n"):
        depth = len(raw) - len(raw.lstrip(">"))
        content = raw[depth:]
        if content.startswith(" "):
            content = content[1:]  # space-stuffing
        flowed = content.endswith(" ") and content.rstrip() != "--"
        if flowed and delsp:
            content = content[:-1]
        if current is not None and current[0] == depth:
            current = (depth, current[1] + content)
        else:
            if current is not None:
                lines.append(current)
            current = (depth, content)
        if not flowed:
            lines.append(current)
            current = None
    if current is not None:
        lines.append(current)
    return "\n".join((">" * depth + " " + line if depth else line) for depth, line in lines)


def normalize_text(text: str) -> str:
    """\\n line ends, no control characters, no trailing blanks, at most one empty line in a
    row more than the sender typed twice."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", "", text)
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    text = re.sub(r"\n{4,}", "\n\n\n", text)
    return text.strip("\n")


def _clean_cid(value: str) -> str | None:
    value = "".join(value.split()).strip("<>")
    return value or None


def raw_payload(part: Message) -> bytes | None:
    """The payload bytes exactly as received. `get_payload()` would decode 8-bit text with
    the declared charset (replacing what does not fit); the stored string keeps the original
    bytes as surrogate escapes."""
    payload = part._payload  # the only way to the undecoded bytes
    if not isinstance(payload, str):
        return None
    try:
        return payload.encode("ascii", "surrogateescape")
    except UnicodeEncodeError:  # built from str, not parsed from bytes
        return payload.encode("utf-8", "surrogateescape")


def _bytes(text: str | None) -> bytes:
    if not text:
        return b""
    try:
        return text.encode("ascii", "surrogateescape")
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogateescape")


def _message_bytes(message: Message) -> bytes:
    """An embedded message as .eml bytes, written back the way it came: header values and
    bodies as received (the stdlib generator would refold and re-encode them, and fails on
    raw 8-bit headers)."""
    sample = "".join(v for _, v in message.raw_items() if isinstance(v, str))
    eol = b"\r\n" if "\r\n" in sample or not sample else b"\n"
    out = [
        name.encode("ascii", "replace") + b": " + _bytes(value if isinstance(value, str) else "")
        for name, value in message.raw_items()
    ]
    head = eol.join(out) + eol + eol
    payload = message._payload  # the undecoded payload
    if isinstance(payload, str):
        return head + _bytes(payload)
    if not isinstance(payload, list):
        return head
    if not message.is_multipart():  # message/rfc822 and friends: one message inside
        return head + b"".join(_message_bytes(p) for p in payload if isinstance(p, Message))
    boundary = _bytes(message.get_boundary() or "")
    body = [_bytes(message.preamble)] if message.preamble else []
    for part in payload:
        if isinstance(part, Message):
            body.append(b"--" + boundary + eol + _message_bytes(part))
    body.append(b"--" + boundary + b"--" + eol + _bytes(message.epilogue))
    return head + eol.join(body)


def _find_boundary(declared_header: str, data: bytes) -> str | None:
    """The boundary a multipart really uses when the declared one does not match (an unquoted
    boundary with "=" in it, or none at all: mikel's raw_email_with_illegal_boundary,
    raw_email_bad_time)."""
    match = re.search(r"""boundary\s*=\s*(?:"([^"]*)"|([^;\s]+))""", declared_header, re.I)
    declared = (match.group(1) or match.group(2)) if match else ""
    counts: Counter[bytes] = Counter()
    for line in data.splitlines():
        if line.startswith(b"--"):
            candidate = line[2:].rstrip()
            if candidate.endswith(b"--"):
                candidate = candidate[:-2]
            if candidate:
                counts[candidate] += 1
    if declared and declared.encode("utf-8", "surrogateescape") in counts:
        return declared
    best = None
    for candidate, count in counts.most_common():
        plausible = count >= 2 or (declared and candidate.startswith(declared.encode()))
        if plausible and (best is None or (count, len(candidate)) > (counts[best], len(best))):
            best = candidate
    if best is None or b'"' in best:
        return None
    return best.decode("utf-8", "surrogateescape")


class Walker:
    def __init__(self, defects: list[str], top_body: bytes | None = None):
        self.defects = defects
        self.top_body = top_body

    # ---------------------------------------------------------------------------- payload
    def payload(self, part: Message, headers: Headers) -> bytes:
        payload = part._payload  # the undecoded payload
        if isinstance(payload, list):  # a message part that the stdlib parsed
            return b"".join(_message_bytes(p) for p in payload if isinstance(p, Message))
        if isinstance(payload, Message):
            return _message_bytes(payload)
        data = raw_payload(part) or b""
        raw_cte = headers.get("content-transfer-encoding")
        cte = normalize_cte(raw_cte)
        if cte not in KNOWN_CTE:
            self.defects.append(f"unknown Content-Transfer-Encoding {raw_cte!r}: read as 8bit")
            return data
        if cte == "base64":
            return decode_base64(data)
        if cte == "quoted-printable":
            try:
                return binascii.a2b_qp(data)
            except (binascii.Error, ValueError):
                self.defects.append("broken quoted-printable kept as it is")
                return data
        if cte == "uuencode":
            return decode_uuencode_payload(data)
        return data

    # ------------------------------------------------------------------------------- walk
    def collect(self, part: Message, depth: int = 0) -> Collected:
        collected = Collected()
        self._walk(part, collected, depth, root=depth == 0)
        return collected

    def _walk(self, part: Message, c: Collected, depth: int, *, root=False, in_alt=False):
        ctype = part.get_content_type()
        if depth > MAX_DEPTH:
            self.defects.append("parts nested too deep kept as attachments")
            c.attachments.append(Pending("", ctype, self._raw(part), False, None))
            return
        maintype = ctype.split("/", 1)[0]
        if maintype == "multipart":
            if not part.is_multipart():
                repaired = self._repair(part, ctype)
                if repaired is None:
                    self._unrepairable(part, c)
                    return
                part = repaired
            self._multipart(part, ctype, c, depth)
        elif ctype in ("message/rfc822", "message/global"):
            self._forwarded(part, c, depth)
        elif ctype == "message/partial":
            self._partial(part, c, root)
        elif ctype in STATUS_TYPES:
            c.delivery_status.append(self._status_text(part))
        elif ctype in ("text/rfc822-headers", "text/global-headers") and c.report_type:
            headers = self._headers_text(part)
            c.returned_headers.append(headers)
        else:
            self._leaf(part, c, ctype, in_alt=in_alt)

    def _raw(self, part: Message) -> bytes:
        try:
            return self.payload(part, Headers.from_stdlib(part))
        except Exception:
            return b""

    def _repair(self, part: Message, ctype: str) -> Message | None:
        data = raw_payload(part)
        if not data or not data.strip():
            return None
        boundary = _find_boundary(Headers.from_stdlib(part).get("content-type"), data)
        if not boundary:
            return None
        head = f'Content-Type: {ctype}; boundary="{boundary}"\r\n\r\n'
        repaired = BytesParser(policy=_STDLIB).parsebytes(
            head.encode("utf-8", "surrogateescape") + data
        )
        if not repaired.is_multipart():
            return None
        self.defects.append(f"multipart boundary repaired: using {boundary!r}")
        return repaired

    def _unrepairable(self, part: Message, c: Collected):
        data = raw_payload(part)
        if data and data.strip():
            self.defects.append("multipart without usable boundaries read as plain text")
            text = decode_bytes(data, None, self.defects)
            c.text_pieces.append(("plain", text))
            c.html_pieces.append(("plain", text))

    def _multipart(self, part: Message, ctype: str, c: Collected, depth: int):
        payload = part._payload  # the undecoded payload
        children = [
            p for p in (payload if isinstance(payload, list) else []) if isinstance(p, Message)
        ]
        if ctype == "multipart/alternative":
            self._alternative(children, c, depth)
            return
        if ctype == "multipart/encrypted":
            protocol = params(Headers.from_stdlib(part).get("content-type"))[1].get("protocol")
            how = "PGP/MIME" if "pgp" in (protocol or "pgp") else protocol
            c.notes.append(ENCRYPTED_NOTE.format(how=how))
            for child in children:
                self._as_attachment(child, c)
            return
        if ctype == "multipart/report":
            report_type = params(Headers.from_stdlib(part).get("content-type"))[1].get(
                "report-type", "report"
            )
            c.report_type = c.report_type or report_type.lower()
        for index, child in enumerate(children):
            if (
                ctype == "multipart/signed"
                and index > 0
                and child.get_content_type() in SIGNATURE_TYPES
            ):
                continue  # the detached signature: protocol machinery, not an attachment
            self._walk(child, c, depth + 1)

    def _alternative(self, children: list[Message], c: Collected, depth: int):
        """Keep the best text and the best HTML: the last alternative that has each."""
        subs = []
        for child in children:
            sub = Collected(report_type=c.report_type)
            self._walk(child, sub, depth + 1, in_alt=True)
            subs.append(sub)
        with_plain = [s for s in subs if any(kind == "plain" for kind, _ in s.text_pieces)]
        with_html = [s for s in subs if any(kind == "html" for kind, _ in s.html_pieces)]
        text_source = (with_plain or [s for s in subs if s.text_pieces] or [None])[-1]
        html_source = (with_html or [text_source])[-1]
        if text_source is not None:
            c.text_pieces.extend(text_source.text_pieces)
        if html_source is not None:
            c.html_pieces.extend(html_source.html_pieces)
        for sub in subs:
            c.attachments.extend(sub.attachments)
            c.notes.extend(sub.notes)
            c.extra_text.extend(sub.extra_text)
            c.delivery_status.extend(sub.delivery_status)
            c.returned_headers.extend(sub.returned_headers)
        for sub in (text_source, html_source):
            if sub is not None:
                c.forwarded.extend(f for f in sub.forwarded if f not in c.forwarded)

    def _as_attachment(self, part: Message, c: Collected):
        headers = Headers.from_stdlib(part)
        name, inline, cid = self._naming(part, headers)
        c.attachments.append(
            Pending(name, part.get_content_type(), self.payload(part, headers), False, cid)
        )

    def _naming(self, part: Message, headers: Headers) -> tuple[str, bool, str | None]:
        disposition, disp_params = params(headers.get("content-disposition"))
        _, type_params = params(headers.get("content-type"))
        name = disp_params.get("filename") or type_params.get("name") or ""
        name = name or disp_params.get("name") or type_params.get("filename") or ""
        cid = _clean_cid(headers.get("content-id"))
        return name, disposition == "inline", cid

    def _leaf(self, part: Message, c: Collected, ctype: str, *, in_alt: bool):
        headers = Headers.from_stdlib(part)
        disposition, _ = params(headers.get("content-disposition"))
        name, inline, cid = self._naming(part, headers)
        data = self.payload(part, headers)
        if ctype in ("text/plain", "text/html") and disposition != "attachment" and not name:
            self._text_body(ctype, data, headers, c)
            return
        if in_alt and ctype.startswith("text/"):
            return  # text/enriched and friends: an alternative we do not show
        if ctype in SMIME_TYPES:
            c.notes.append(ENCRYPTED_NOTE.format(how="S/MIME"))
            name = name or "smime.p7m"
        if is_tnef(ctype, name) and self._tnef(data, c):
            return
        if not name:
            location = headers.get("content-location")
            if location:
                name = location_name(location)
        c.attachments.append(Pending(name, ctype, data, inline, cid))

    def _text_body(self, ctype: str, data: bytes, headers: Headers, c: Collected):
        _, type_params = params(headers.get("content-type"))
        charset = type_params.get("charset")
        if ctype == "text/html":
            charset = charset or html_mod.meta_charset(data)
            markup = decode_bytes(data, charset, self.defects)
            c.text_pieces.append(("html", markup))
            c.html_pieces.append(("html", markup))
            return
        text = decode_bytes(data, charset, self.defects)
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        if type_params.get("format", "").lower() == "flowed":
            text = unflow(text, type_params.get("delsp", "").lower() == "yes")
        text, files = extract_uuencoded(text)
        for filename, content in files:
            self.defects.append(f"uuencoded file {filename!r} taken out of the text")
            c.attachments.append(Pending(filename, "", content, False, None))
        c.text_pieces.append(("plain", text))
        c.html_pieces.append(("plain", text))

    def _tnef(self, data: bytes, c: Collected) -> bool:
        unpacked = unpack_tnef(data)
        if unpacked is None:
            self.defects.append("winmail.dat (TNEF) could not be unpacked: kept as it is")
            return False
        files, body, markup = unpacked
        for filename, content in files:
            c.attachments.append(Pending(filename, "", content, False, None))
        if body.strip():
            c.extra_text.append(body)
        elif markup.strip():
            c.extra_text.append(html_mod.to_text(markup))
        return True

    def _forwarded(self, part: Message, c: Collected, depth: int):
        payload = part._payload  # the undecoded payload
        inner = payload[0] if isinstance(payload, list) and payload else payload
        if not isinstance(inner, Message):
            self._leaf(part, c, "message/rfc822", in_alt=False)
            return
        part_headers = Headers.from_stdlib(part)
        headers = Headers.from_stdlib(inner)
        name, _inline, cid = self._naming(part, part_headers)
        subject = unstructured(headers.get("subject"))
        if not name and subject:
            name = subject if subject.lower().endswith(".eml") else f"{subject}.eml"
        c.attachments.append(Pending(name, "message/rfc822", _message_bytes(inner), False, cid))
        if c.report_type:
            c.returned_headers.append(headers)
        sub = self.collect(inner, depth + 1)
        lines = [FORWARD_MARK]
        for label in ("From", "Date", "Subject", "To"):
            value = unstructured(headers.get(label.lower()))
            if value:
                lines.append(f"{label}: {value}")
        c.forwarded.append("\n".join(lines) + "\n\n" + self.render_text(sub))

    def _partial(self, part: Message, c: Collected, root: bool):
        headers = Headers.from_stdlib(part)
        _, type_params = params(headers.get("content-type"))
        number, total = type_params.get("number"), type_params.get("total")
        which = f", part {number}" + (f" of {total}" if total else "") if number else ""
        c.notes.append(PARTIAL_NOTE.format(which=which))
        data = self.top_body if root and self.top_body is not None else self._raw(part)
        name = f"partial-{number}.eml" if number else ""
        c.attachments.append(Pending(name, "message/partial", data, False, None))

    def _status_text(self, part: Message) -> str:
        payload = part._payload  # the undecoded payload
        if isinstance(payload, list):
            blocks = []
            for block in payload:
                try:
                    blocks.append(block.as_string(policy=email_policy.compat32))
                except Exception:
                    blocks.append("")
            return "\n".join(blocks)
        return decode_bytes(self._raw(part), None)

    def _headers_text(self, part: Message) -> Headers:
        data = self._raw(part)
        parsed = BytesParser(policy=_STDLIB).parsebytes(data, headersonly=True)
        return Headers.from_stdlib(parsed)

    # ----------------------------------------------------------------------------- output
    def render_text(self, c: Collected) -> str:
        pieces = []
        for kind, content in c.text_pieces:
            pieces.append(content if kind == "plain" else html_mod.to_text(content))
        text = normalize_text("\n\n".join(pieces))
        if not text.strip() and c.extra_text:
            text = normalize_text("\n\n".join(c.extra_text))
        if not text.strip() and c.delivery_status:
            text = normalize_text("\n\n".join(c.delivery_status))
        parts = [*c.notes, text] if text.strip() else list(c.notes)
        parts.extend(normalize_text(block) for block in c.forwarded)
        return normalize_text("\n\n".join(p for p in parts if p.strip()))

    def render_html(self, c: Collected) -> str:
        if not any(kind == "html" for kind, _ in c.html_pieces):
            return ""
        out = []
        for kind, content in c.html_pieces:
            out.append(
                html_mod.sanitize(content)
                if kind == "html"
                else html_mod.plain_as_html(normalize_text(content))
            )
        return "\n".join(piece for piece in out if piece)

    def raw_html(self, c: Collected) -> list[str]:
        return [content for kind, content in c.html_pieces if kind == "html"]
