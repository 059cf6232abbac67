"""Attachment names, payload decoding, uuencode and TNEF.

Parameters are read from the raw header value by hand (`params`), because the stdlib misses
three things real mail does (see the corpus README): a base64 encoded-word as the value of
`name=` (mikel's attachment_with_base64_encoded_name), an unquoted file name with spaces
(`filename=This is a test.txt`, Apple Mail), and encoded-words inside quoted names (Outlook,
Gmail: `name="=?UTF-8?B?44Gm44GZ44GoLnR4dA==?="`).
"""

from __future__ import annotations

import base64
import binascii
import mimetypes
import posixpath
import re
import unicodedata
from urllib.parse import unquote_to_bytes, urlsplit

from .charsets import decode_bytes
from .headers import decode_words, fold_spaces

# ------------------------------------------------------------------------- parameters
_SECTION = re.compile(r"^(?P<name>[^*]+)(?:\*(?P<index>\d+))?(?P<ext>\*)?$")


def _split_semicolons(value: str) -> list[str]:
    pieces, current, quoted, escaped = [], [], False, False
    for char in value:
        if escaped:
            current.append(char)
            escaped = False
        elif char == "\\" and quoted:
            current.append(char)
            escaped = True
        elif char == '"':
            quoted = not quoted
            current.append(char)
        elif char == ";" and not quoted:
            pieces.append("".join(current))
            current = []
        else:
            current.append(char)
    pieces.append("".join(current))
    return pieces


def _unquote(value: str) -> str:
    value = value.strip()
    if value.startswith('"'):
        end = value.rfind('"')
        inner = value[1:end] if end > 0 else value[1:]
        return re.sub(r"\\(.)", r"\1", inner)
    return value


def params(value: str) -> tuple[str, dict[str, str]]:
    """The main value (lower-cased) and the decoded parameters of a Content-Type or
    Content-Disposition value; RFC 2231 continuations and charsets are joined and decoded."""
    pieces = _split_semicolons(value or "")
    main = pieces[0].strip().lower()
    plain: dict[str, str] = {}
    sections: dict[str, list[tuple[int, bool, str]]] = {}
    for piece in pieces[1:]:
        if "=" not in piece:
            continue
        key, raw = piece.split("=", 1)
        key = key.strip().lower()
        match = _SECTION.match(key)
        if not match:
            continue
        if match.group("index") is not None or match.group("ext"):
            index = int(match.group("index") or 0)
            sections.setdefault(match.group("name"), []).append(
                (index, bool(match.group("ext")), _unquote(raw))
            )
        elif key not in plain:
            plain[key] = fold_spaces(decode_words(_unquote(raw)))
    for name, parts in sections.items():
        parts.sort(key=lambda p: p[0])
        charset = None
        data = b""
        for position, (_index, extended, text) in enumerate(parts):
            if extended:
                if position == 0 and text.count("'") >= 2:
                    charset, _lang, text = text.split("'", 2)
                data += unquote_to_bytes(text)
            else:
                data += text.encode("utf-8", "surrogateescape")
        decoded = decode_bytes(data, charset or "utf-8")
        plain[name] = fold_spaces(decode_words(decoded))
    return main, plain


# ---------------------------------------------------------------------------- file names
_BIDI_CHARS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f"
# Bidirectional overrides turn "gpj.exe" into a name that reads as "exe.jpg".
_BIDI = dict.fromkeys(map(ord, _BIDI_CHARS))
MAX_NAME = 200

EXTENSIONS = {
    "application/pdf": ".pdf",
    "application/octet-stream": ".bin",
    "application/ms-tnef": ".dat",
    "application/vnd.ms-tnef": ".dat",
    "application/pgp-encrypted": ".pgp",
    "application/pgp-signature": ".asc",
    "application/pkcs7-mime": ".p7m",
    "application/x-pkcs7-mime": ".p7m",
    "application/pkcs7-signature": ".p7s",
    "application/x-pkcs7-signature": ".p7s",
    "application/msword": ".doc",
    "message/rfc822": ".eml",
    "message/global": ".eml",
    "message/partial": ".eml",
    "text/plain": ".txt",
    "text/html": ".html",
    "text/csv": ".csv",
    "text/calendar": ".ics",
    "text/rfc822-headers": ".txt",
    "image/jpeg": ".jpg",
    "image/jpg": ".jpg",
    "image/pjpeg": ".jpg",
    "image/png": ".png",
    "image/gif": ".gif",
}


def extension_for(content_type: str) -> str:
    if content_type in EXTENSIONS:
        return EXTENSIONS[content_type]
    return mimetypes.guess_extension(content_type, strict=False) or ".bin"


def content_type_for(filename: str) -> str:
    guessed, _ = mimetypes.guess_type(filename, strict=False)
    return guessed or "application/octet-stream"


def safe_filename(name: str | None) -> str:
    """A file name an agent can download: no directories, no control or bidi characters,
    no leading dots; "" when nothing usable is left."""
    if not name:
        return ""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]  # "C:\\x\\..\\evil.exe" -> "evil.exe"
    name = name.translate(_BIDI)
    name = "".join(
        " " if unicodedata.category(char) in ("Cc", "Zl", "Zp") else char for char in name
    )
    name = fold_spaces(name).strip(". ")
    if len(name) > MAX_NAME:
        stem, dot, ext = name.rpartition(".")
        if dot and 0 < len(ext) <= 10:
            name = stem[: MAX_NAME - len(ext) - 1] + "." + ext
        else:
            name = name[:MAX_NAME]
    return name


def location_name(location: str) -> str:
    """The file name in a Content-Location URL or path."""
    location = "".join(location.split())
    if not location:
        return ""
    path = urlsplit(location).path or location
    base = posixpath.basename(path.rstrip("/"))
    return decode_bytes(unquote_to_bytes(base), "utf-8")


# ---------------------------------------------------------------------- transfer encoding
CTE_ALIASES = {
    "quoted printable": "quoted-printable",
    "quoted_printable": "quoted-printable",
    "quotedprintable": "quoted-printable",
    "qp": "quoted-printable",
    "base-64": "base64",
    "b64": "base64",
    "7-bit": "7bit",
    "7bits": "7bit",
    "8bits": "8bit",
    "8-bit": "8bit",
    "x-uuencode": "uuencode",
    "x-uue": "uuencode",
    "uue": "uuencode",
    "": "7bit",
}
KNOWN_CTE = {"7bit", "8bit", "binary", "base64", "quoted-printable", "uuencode"}


def normalize_cte(value: str) -> str:
    value = fold_spaces(value.split(";", 1)[0]).lower().strip("\"' ")
    return CTE_ALIASES.get(value, value)


def decode_base64(data: bytes) -> bytes:
    try:
        return binascii.a2b_base64(data)
    except binascii.Error:
        pass
    clean = re.sub(rb"[^A-Za-z0-9+/]", b"", data)
    if len(clean) % 4 == 1:
        clean = clean[:-1]
    clean += b"=" * (-len(clean) % 4)
    try:
        return base64.b64decode(clean)
    except binascii.Error:
        return b""


def uudecode_lines(lines: list[bytes]) -> bytes:
    """Decode uuencoded lines (without "begin"/"end"), forgiving short and padded lines."""
    out = bytearray()
    for line in lines:
        line = line.rstrip(b"\r\n")
        if not line:
            continue
        count = (line[0] - 32) & 0x3F
        if count == 0:
            break  # the "`" line before "end"
        try:
            out += binascii.a2b_uu(line)
            continue
        except binascii.Error:
            pass
        chunk = bytearray()
        body = line[1:]
        for i in range(0, len(body), 4):
            group = [(c - 32) & 0x3F for c in body[i : i + 4].ljust(4, b"`")]
            chunk += bytes(
                [
                    (group[0] << 2 | group[1] >> 4) & 0xFF,
                    (group[1] << 4 | group[2] >> 2) & 0xFF,
                    (group[2] << 6 | group[3]) & 0xFF,
                ]
            )
        out += chunk[:count]
    return bytes(out)


def decode_uuencode_payload(data: bytes) -> bytes:
    """A part with Content-Transfer-Encoding x-uuencode, with or without begin/end lines."""
    lines = data.splitlines()
    start = 0
    for i, line in enumerate(lines):
        if line.startswith(b"begin "):
            start = i + 1
            break
    body = []
    for line in lines[start:]:
        if line.strip() == b"end":
            break
        body.append(line)
    return uudecode_lines(body)


_UU_BLOCK = re.compile(
    r"^begin(?:-base64)? [0-7]{3,4} (?P<name>[^\n]+)\n(?P<body>(?:[^\n]*\n)*?)end[ \t]*$",
    re.MULTILINE,
)


def extract_uuencoded(text: str) -> tuple[str, list[tuple[str, bytes]]]:
    """uuencoded files inside a text body (old mailers, and scripts: zammad mail025): the
    text without them, and (file name, bytes) for each."""
    if "begin " not in text:
        return text, []
    files: list[tuple[str, bytes]] = []

    def take(match: re.Match) -> str:
        lines = [line.encode("latin-1", "replace") for line in match.group("body").split("\n")]
        files.append((match.group("name").strip(), uudecode_lines(lines)))
        return ""

    return _UU_BLOCK.sub(take, text), files


# ------------------------------------------------------------------------------------ TNEF
def is_tnef(content_type: str, filename: str) -> bool:
    return content_type in ("application/ms-tnef", "application/vnd.ms-tnef") or (
        filename.lower() == "winmail.dat"
    )


def _text(value) -> str:
    if isinstance(value, bytes):
        return decode_bytes(value.rstrip(b"\x00"), "utf-8").rstrip("\x00")
    return str(value or "").rstrip("\x00")


def unpack_tnef(data: bytes) -> tuple[list[tuple[str, bytes]], str, str] | None:
    """Outlook's winmail.dat: its files, its plain body and its HTML body; None when it
    cannot be read (then the .dat itself is kept)."""
    try:
        from tnefparse import TNEF

        tnef = TNEF(data, do_checksum=False)
        files = []
        for attachment in tnef.attachments:
            name = _text(attachment.long_filename()) or _text(attachment.name)
            content = attachment.data if isinstance(attachment.data, bytes) else b""
            if name or content:
                files.append((name, content))
        body = _text(tnef.body) if tnef.body else ""
        html = _text(tnef.htmlbody) if tnef.htmlbody else ""
    except Exception:  # tnefparse raises assorted errors on damaged input
        return None
    if not files and not body and not html:
        return None
    return files, body, html
