"""Header fields, read by hand from the raw bytes.

The stdlib parser is used for the MIME structure only. Header fields are read here because
the stdlib gets several real-world cases wrong in ways that matter to a support desk:

- it decodes an encoded-word glued to a domain (`=?utf-8?Q?agent?=@example.com`) into
  `agent@example.com`, someone else's address (zammad mail117/mail118);
- a comma inside an encoded display name (`=?iso-8859-1?Q?B=FCrling,=20Andreas?=`, zammad
  mail065) splits one mailbox into two;
- a line before the headers (Kerio's "---- Original email message ----", zammad mail068), a
  header name followed by spaces (`From  : John`, RFC 2822 A.6.3) or a continuation line that
  lost its indentation (mikel's multiple_references_with_one_invalid) end the header block
  early, and the rest of the headers become body text.

Everything here works on `str` values that still carry RFC 2047 encoded-words; raw 8-bit
bytes (RFC 6532 UTF-8, or a legacy charset sent unencoded) are decoded first.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from .charsets import decode_bytes, decode_header_bytes
from .model import UnparseableMail

_HEADER_LINE = re.compile(rb"^([\x21-\x39\x3b-\x7e]+)[ \t]*:(.*)$", re.DOTALL)
_MBOX_FROM = re.compile(rb"^>?From (?!\s*:)")
_UNFOLD = re.compile(r"\r?\n(?=[ \t])|\r?\n")


@dataclass
class RawMessage:
    """A message split by hand: its header fields, a clean header block for the stdlib
    parser, and the body bytes untouched."""

    fields: list[tuple[str, bytes]]  # (name as written, unfolded value bytes)
    stdlib_bytes: bytes  # rebuilt header block + original body, for BytesParser
    body: bytes


def _lines(raw: bytes):
    """(line without its ending, offset of the next line) for each line of raw."""
    pos, size = 0, len(raw)
    while pos < size:
        nl = raw.find(b"\n", pos)
        if nl < 0:
            yield raw[pos:].rstrip(b"\r"), size
            return
        yield raw[pos:nl].rstrip(b"\r"), nl + 1
        pos = nl + 1


def _unclosed(value: bytes) -> bool:
    return value.count(b"<") > value.count(b">") or value.count(b"(") > value.count(b")")


def split_message(raw: bytes, defects: list[str]) -> RawMessage:
    """Read the header block line by line, repairing what mailers break."""
    if b"\n" not in raw and b"\r" in raw:  # classic Mac line ends
        raw = raw.replace(b"\r", b"\n")
        defects.append("bare CR line ends read as line ends")
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
        defects.append("byte order mark before the headers removed")
    linesep = b"\r\n" if b"\r\n" in raw[:4096] else b"\n"
    # Only the lines up to the first blank line can be headers: don't split a 20 MB body.
    first = len(raw) - len(raw.lstrip(b"\r\n"))
    blank = re.compile(rb"\r?\n\r?\n").search(raw, first)
    lines = list(_lines(raw[: blank.end()] if blank else raw))
    fields: list[list] = []  # [name, value bytes]
    body_start = len(raw)
    i = 0
    while i < len(lines) and not lines[i][0].strip():
        i += 1  # blank lines before anything: tolerated
    if i < len(lines) and _MBOX_FROM.match(lines[i][0]):
        i += 1  # mbox "From " envelope line, or a quoted ">From " one
    ended = False
    while i < len(lines):
        line, next_offset = lines[i]
        start_offset = lines[i - 1][1] if i > 0 else 0
        if not line:
            body_start = next_offset
            ended = True
            break
        match = _HEADER_LINE.match(line)
        if match:
            fields.append([match.group(1).decode("ascii"), match.group(2)])
        elif line[:1] in (b" ", b"\t"):
            if fields:
                fields[-1][1] += line
            else:
                defects.append("continuation line before the first header field ignored")
        elif not fields:
            shown = line[:60].decode("utf-8", "replace")
            defects.append(f"line before the header fields skipped: {shown!r}")
        else:
            # Still inside the header block when a header field follows before the blank
            # line (Kerio strips the indentation of folded lines: zammad mail068), or when
            # the field so far has an unclosed "<" (a broken References line).
            inside = False
            for following, _ in lines[i + 1 : i + 40]:
                if not following:
                    break
                if _HEADER_LINE.match(following) or following[:1] in (b" ", b"\t"):
                    inside = True
                    break
            if inside or _unclosed(fields[-1][1]):
                fields[-1][1] += b" " + line
                shown = line[:60].decode("utf-8", "replace")
                defects.append(f"header line without a name joined to the previous: {shown!r}")
            else:
                body_start = start_offset
                ended = True
                defects.append("no blank line between the headers and the body")
                break
        i += 1
    if not ended:
        body_start = len(raw)
    if not fields:
        raise UnparseableMail("no header field found: this is not an e-mail message")
    body = raw[body_start:]
    block = linesep.join(name.encode("ascii") + b": " + value.strip() for name, value in fields)
    return RawMessage(
        fields=[(name, value) for name, value in fields],
        stdlib_bytes=block + linesep + linesep + body,
        body=body,
    )


class Headers:
    """Case-insensitive access to header fields as decoded strings (encoded-words kept)."""

    def __init__(self, fields: list[tuple[str, bytes]], fallback_charset: str | None = None):
        self._fields = [(name.lower(), value) for name, value in fields]
        self.fallback_charset = fallback_charset

    @classmethod
    def from_stdlib(cls, message) -> Headers:
        """The fields of a message the stdlib parsed (a forwarded or returned message)."""
        fields = []
        for name, value in message.raw_items():
            if isinstance(value, str):
                try:
                    value = value.encode("ascii", "surrogateescape")
                except UnicodeEncodeError:  # a message built in code, not parsed
                    value = value.encode("utf-8", "surrogateescape")
            else:  # a header object: only for messages built in code
                value = str(value).encode("utf-8")
            fields.append((name, value))
        return cls(fields)

    def raw_all(self, name: str) -> list[bytes]:
        name = name.lower()
        return [value for field, value in self._fields if field == name]

    def get_all(self, name: str) -> list[str]:
        values = []
        for raw in self.raw_all(name):
            raw = re.sub(rb"\r?\n", b"", raw)
            values.append(decode_header_bytes(raw, self.fallback_charset).strip())
        return values

    def get(self, name: str, default: str = "") -> str:
        values = self.get_all(name)
        return values[0] if values else default

    def __contains__(self, name: str) -> bool:
        return bool(self.raw_all(name))


# ------------------------------------------------------------------------- RFC 2047 words
_ENCODED_WORD = re.compile(r"=\?([^?\s]+?)\?([bBqQ])\?([^?]*?)\?=")
_QP_ESCAPE = re.compile(rb"=([0-9A-Fa-f]{2})")


def _decode_b(text: str) -> bytes | None:
    text = re.sub(r"\s+", "", text).rstrip("=")
    if len(text) % 4 == 1:  # one stray character cannot be decoded: drop it
        text = text[:-1]
    text += "=" * (-len(text) % 4)
    try:
        return base64.b64decode(text)
    except (binascii.Error, ValueError):
        return None


def _decode_q(text: str) -> bytes:
    data = text.replace("_", " ").encode("utf-8", "surrogateescape")
    return _QP_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), data)


def decode_words(value: str) -> str:
    """Decode RFC 2047 encoded-words in unstructured text (Subject, display names).

    Adjacent encoded-words separated only by white space are joined without it, and their bytes
    are joined before decoding when they share a charset, so a multi-byte character split
    across two words (mikel's bad_subject) survives. Broken words seen in the wild are
    tolerated: spaces inside the text (zammad mail077), extra base64 padding (zammad mail098),
    an unknown charset ("NONE", mikel's bad_encoded_subject).
    """
    if "=?" not in value:
        return value
    out: list[str] = []
    pending: list[tuple[str, bytes]] = []  # (charset, bytes) of adjacent words

    def flush():
        while pending:
            charset, data = pending.pop(0)
            while pending and pending[0][0] == charset:
                data += pending.pop(0)[1]
            out.append(decode_bytes(data, charset))

    pos = 0
    for match in _ENCODED_WORD.finditer(value):
        gap = value[pos : match.start()]
        if gap and (gap.strip() or not pending):
            flush()
            out.append(gap)
        charset, encoding, text = match.groups()
        charset = charset.split("*", 1)[0]
        data = _decode_b(text) if encoding in "bB" else _decode_q(text)
        if data is None:
            flush()
            out.append(match.group(0))
        else:
            pending.append((charset.lower(), data))
        pos = match.end()
    flush()
    out.append(value[pos:])
    return "".join(out)


def fold_spaces(value: str) -> str:
    return " ".join(value.split())


def unstructured(value: str) -> str:
    """A header like Subject: encoded-words decoded, white space folded."""
    return fold_spaces(decode_words(value))


# ---------------------------------------------------------------------------- addresses
@dataclass(frozen=True)
class Mailbox:
    name: str
    addr: str


_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<eword>=\?[^?\s]+\?[bBqQ]\?[^?]*\?=(?=[\s<>"(),;:]|$))
  | (?P<word>[^\s()<>",;:]+)
  | (?P<special>[()<>",;:])
    """,
    re.VERBOSE,
)


def _read_delimited(value: str, pos: int, close: str, nests: bool) -> tuple[str, int]:
    """Text after an opening quote/paren/angle at pos up to its closing character."""
    depth, i, out = 1, pos + 1, []
    while i < len(value):
        char = value[i]
        if char == "\\" and close != ">" and i + 1 < len(value):
            out.append(value[i + 1])
            i += 2
            continue
        if nests and char == "(":
            depth += 1
        elif char == close:
            depth -= 1
            if depth == 0:
                return "".join(out), i + 1
        elif close == ">" and char == '"':  # a quoted local part inside <>
            end = value.find('"', i + 1)
            end = len(value) - 1 if end < 0 else end
            out.append(value[i : end + 1])
            i = end + 1
            continue
        out.append(char)
        i += 1
    return "".join(out), len(value)  # unterminated: the rest


def _tokens(value: str) -> list[tuple[str, str, bool]]:
    """(kind, text, glued to the previous token) for an address header value."""
    tokens: list[tuple[str, str, bool]] = []
    pos, glued = 0, False
    while pos < len(value):
        char = value[pos]
        if char == '"':
            text, pos = _read_delimited(value, pos, '"', False)
            tokens.append(("quoted", text, glued))
        elif char == "(":
            text, pos = _read_delimited(value, pos, ")", True)
            tokens.append(("comment", text, glued))
        elif char == "<":
            text, pos = _read_delimited(value, pos, ">", False)
            tokens.append(("angle", text, glued))
        else:
            match = _TOKEN.match(value, pos)
            kind = match.lastgroup
            text = match.group(kind)
            pos = match.end()
            if kind == "ws":
                glued = False
                continue
            if kind == "special":
                kind = {",": "comma", ";": "semi", ":": "colon", ">": "stray", ")": "stray"}.get(
                    text, "stray"
                )
            tokens.append((kind, text, glued))
        glued = True
    return tokens


_COMMENT = re.compile(r"\([^()]*\)")
_DOMAIN_OK = re.compile(r"^(\[[^\]]*\]|[^\s@()<>\[\],;:\\\"]+)$")


def _strip_comments(value: str) -> str:
    previous = None
    while previous != value:
        previous, value = value, _COMMENT.sub(" ", value)
    return value


def clean_addr(value: str, defects: list[str] | None = None) -> str:
    """The addr-spec in `value` (an angle-addr's inside, or a bare address), or ""."""
    value = _strip_comments(value).strip()
    if value.startswith("@") and ":" in value:  # obsolete source route "@a,@b:user@c"
        value = value.split(":", 1)[1].strip()
    if '"' not in value:
        value = re.sub(r"\s*([.@])\s*", r"\1", value)
    if "@" not in value:
        return ""
    local, domain = value.rsplit("@", 1)
    local, domain = local.strip(), re.sub(r"\s+", "", domain).strip(".")
    if not local or not domain or not _DOMAIN_OK.match(domain):
        return ""
    if "=?" in local and "?=" in local:
        # An encoded-word is not allowed in an addr-spec; decoding one here is how a sender
        # forges someone else's address (zammad mail117/mail118).
        if defects is not None:
            defects.append(f"encoded-word glued to a domain is not an address: {value!r}")
        return ""
    if re.search(r"\s", local) and not (local.startswith('"') and local.endswith('"')):
        local = '"' + fold_spaces(local).replace('"', "") + '"'
        if defects is not None:
            defects.append(f"unquoted spaces in the local part of {value!r}")
    return f"{local}@{domain.lower()}"


def _phrase(tokens) -> str:
    parts: list[str] = []
    for kind, text, _glued in tokens:
        # Encoded-words inside quotes are decoded too: every mailer does (zammad mail098).
        if kind in ("word", "eword", "quoted"):
            parts.append(text)
    return unstructured(" ".join(parts)).strip().strip("'\"").strip()


def _comments(tokens) -> str:
    return unstructured(" ".join(text for kind, text, _ in tokens if kind == "comment")).strip()


def _merge_bare(tokens):
    """Rejoin an addr-spec the sender spread over several tokens: `jdoe@test   . example`
    (RFC 2822 A.6.3) or a quoted local part `"Millions Lottery"@example.com` (zammad mail076)."""
    merged: list[list] = []
    for kind, text, glued in tokens:
        if merged and kind in ("word", "quoted") and merged[-1][0] in ("word", "quoted"):
            prev = merged[-1]
            prev_text = f'"{prev[1]}"' if prev[0] == "quoted" else prev[1]
            this_text = f'"{text}"' if kind == "quoted" else text
            if (glued and (this_text.startswith("@") or prev_text.endswith("@"))) or (
                prev_text.endswith(".") or this_text.startswith(".")
            ):
                merged[-1] = ["word", prev_text + this_text, prev[2]]
                continue
        merged.append([kind, text, glued])
    return [tuple(token) for token in merged]


def _mailboxes_of(tokens, defects: list[str]) -> list[Mailbox]:
    tokens = [t for t in tokens if t[0] != "stray"] if tokens else []
    if not tokens:
        return []
    angles = [i for i, t in enumerate(tokens) if t[0] == "angle"]
    if angles:
        if len(angles) > 1:
            defects.append("more than one <address> in one mailbox: the first is taken")
        first = angles[0]
        addr = clean_addr(tokens[first][1], defects)
        name = _phrase(tokens[:first]) or _comments(tokens)
        if not addr and tokens[first][1].strip():
            defects.append(f"not an address: <{tokens[first][1].strip()}>")
        return [Mailbox(name, addr)]
    tokens = _merge_bare(tokens)
    at_words = [i for i, t in enumerate(tokens) if t[0] == "word" and "@" in t[1]]
    if not at_words:
        return [Mailbox(_phrase(tokens) or _comments(tokens), "")]
    if len(at_words) > 1:
        defects.append("several addresses without commas between them")
        return [Mailbox("", clean_addr(tokens[i][1], defects)) for i in at_words]
    index = at_words[0]
    addr = clean_addr(tokens[index][1], defects)
    name = _phrase(tokens[:index]) or _comments(tokens)
    return [Mailbox(name, addr)]


def parse_addresses(value: str, defects: list[str] | None = None) -> list[Mailbox]:
    """Every mailbox of an address-list header, groups flattened; never raises."""
    defects = defects if defects is not None else []
    result: list[Mailbox] = []
    current: list = []
    for token in _tokens(value):
        kind = token[0]
        if kind in ("comma", "semi"):
            result.extend(_mailboxes_of(current, defects))
            current = []
        elif kind == "colon":
            if all(t[0] in ("word", "quoted", "eword", "comment") for t in current) and not any(
                "@" in t[1] for t in current if t[0] == "word"
            ):
                current = []  # a group's display name: "Undisclosed recipients:"
            else:
                current.append(("word", ":", True))
        else:
            current.append(token)
    result.extend(_mailboxes_of(current, defects))
    return [m for m in result if m.addr or m.name]


def addr_list(values: list[str], defects: list[str]) -> list[str]:
    seen: list[str] = []
    for value in values:
        for mailbox in parse_addresses(value, defects):
            if mailbox.addr and mailbox.addr not in seen:
                seen.append(mailbox.addr)
    return seen


# ------------------------------------------------------------------------- message ids
_ANGLED = re.compile(r"<([^<>]*)>")


def parse_msgids(value: str) -> list[str]:
    """Message-IDs without <>, in order; white space and comments inside are dropped."""
    value = _strip_comments(value)
    ids = [re.sub(r"\s+", "", inner) for inner in _ANGLED.findall(value)]
    ids = [i for i in ids if i]
    if not ids:  # written without brackets
        ids = [t.strip("<>") for t in re.split(r"[\s,]+", value) if "@" in t]
    result: list[str] = []
    for i in ids:
        if i not in result:
            result.append(i)
    return result


def parse_message_id(value: str) -> str:
    ids = parse_msgids(value)
    if ids:
        return ids[0]
    bare = re.sub(r"[\s<>]+", "", _strip_comments(value))
    return bare


# -------------------------------------------------------------------------------- dates
def parse_date(value: str, defects: list[str]) -> datetime | None:
    value = fold_spaces(_strip_comments(value))
    if not value:
        return None
    cleaned = re.sub(r"\s*:\s*", ":", value)
    for candidate in (value, cleaned):
        try:
            date = parsedate_to_datetime(candidate)
        except (TypeError, ValueError, IndexError, OverflowError):
            continue
        if date is None:
            continue
        if date.tzinfo is None:
            date = date.replace(tzinfo=UTC)
        if not 1900 <= date.year <= 2200:
            defects.append(f"Date out of range ignored: {value!r}")
            return None
        return date
    defects.append(f"Date not understood: {value[:80]!r}")
    return None


def unfold(value: str) -> str:
    return _UNFOLD.sub("", value)
