"""Turning bytes of a declared (or undeclared, or lying) charset into text.

Mail in the wild labels its charset by names Python does not know (Outlook's
`ks_c_5601-1987`, `x-unknown`, `windows-874`), by names that mean a superset in practice
(`iso-8859-1` text full of Windows-1252 quotes, `shift_jis` from phones that send cp932), or
not at all. `decode_bytes` never fails: declared charset (through the aliases below), then
UTF-8, then Windows-1252, and it says what it had to do.
"""

from __future__ import annotations

import codecs
import re

# What mailers write -> the codec that actually decodes what they send.
ALIASES = {
    # Outlook/Exchange name Korean "ks_c_5601-1987"; what they send is Windows code page 949
    # (Unified Hangul), a superset of EUC-KR that also carries Cyrillic and Greek.
    "ks_c_5601-1987": "cp949",
    "ks_c_5601": "cp949",
    "ks_c_5601_1987": "cp949",
    "ksc5601": "cp949",
    "euc-kr": "cp949",
    "euckr": "cp949",
    "korean": "cp949",
    # Japanese phones and Outlook send cp932 (NEC/IBM extensions) labelled as Shift_JIS.
    "shift_jis": "cp932",
    "shift-jis": "cp932",
    "sjis": "cp932",
    "x-sjis": "cp932",
    "windows-31j": "cp932",
    # ISO-2022-JP mail often carries JIS X 0212 / half-width kana escapes: take the superset.
    "iso-2022-jp": "iso2022_jp_2",
    "csiso2022jp": "iso2022_jp_2",
    # Chinese: GB2312/GBK labels routinely carry GB18030 characters.
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "cp936": "gb18030",
    "big5": "big5hkscs",
    # Browsers (WHATWG) decode these labels as Windows-1252, and so must we: Outlook writes
    # curly quotes (0x92) into "iso-8859-1" mail.
    "iso-8859-1": "cp1252",
    "iso8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "l1": "cp1252",
    "iso_8859-1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
    "ansi_x3.4-1968": "cp1252",
    "windows-874": "cp874",
    "x-mac-roman": "mac_roman",
    "iso-8859-8-i": "iso8859_8",
    "iso-8859-6-i": "iso8859_6",
    "x-user-defined": "cp1252",
    "unicode-1-1-utf-8": "utf-8",
    "utf8": "utf-8",
}

# Labels that mean "I don't know": skip straight to the fallbacks without a complaint.
UNKNOWN = {"", "x-unknown", "unknown", "unknown-8bit", "none", "default", "8bit", "charset"}

# Single-byte labels that mailers put on UTF-8 text (the Ruby mail fixtures' "ISO-8859-1" parts
# holding UTF-8 bytes): strictly valid UTF-8 with non-ASCII bytes in such a part is UTF-8.
_SINGLE_BYTE = {"cp1252", "iso8859-15", "ascii", "latin-1", "iso8859-1"}

_CLEAN = re.compile(r"[^a-z0-9._:\-]")


def normalize(label: str | None) -> str:
    """The lower-case label without quotes, comments or stray characters."""
    if not label:
        return ""
    label = label.strip().strip("\"'").strip().lower()
    label = label.split("*", 1)[0]  # RFC 2231 language suffix: "utf-8*en"
    return _CLEAN.sub("", label)


def codec_for(label: str | None) -> str | None:
    """The Python codec for a mail charset label, or None when nobody knows it."""
    label = normalize(label)
    if label in UNKNOWN:
        return None
    if label in ALIASES:
        return ALIASES[label]
    try:
        name = codecs.lookup(label).name
    except LookupError:
        # "windows1252", "cp-1252", "win-1251": try the obvious spellings.
        match = re.fullmatch(r"(?:windows|win|cp|x-cp)[-_]?(\d{3,4})", label)
        if match:
            try:
                return codecs.lookup("cp" + match.group(1)).name
            except LookupError:
                return None
        return None
    return ALIASES.get(name, name)


def _utf8_looks_right(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return any(b > 0x7F for b in data)


def decode_bytes(data: bytes, label: str | None, defects: list[str] | None = None) -> str:
    """Text from `data` in charset `label`: declared, then UTF-8, then Windows-1252."""
    if not data:
        return ""
    codec = codec_for(label)
    if codec is None and normalize(label) not in UNKNOWN and defects is not None:
        defects.append(f"unknown charset {label!r}: decoded as UTF-8 or Windows-1252")
    if data.isascii() and (codec is None or codec in _SINGLE_BYTE or codec == "utf-8"):
        return data.decode("ascii")
    if codec is not None:
        if codec in _SINGLE_BYTE and _utf8_looks_right(data):
            if defects is not None:
                defects.append(f"text labelled {label} is UTF-8: decoded as UTF-8")
            return data.decode("utf-8")
        try:
            return data.decode(codec)
        except (UnicodeDecodeError, LookupError):
            if defects is not None:
                defects.append(f"text is not valid {label}: decoded with fallbacks")
    return _fallback(data)


def _fallback(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    # Mostly UTF-8 with a few broken sequences reads better with replacement characters than
    # as Windows-1252 mojibake; text that is mostly invalid UTF-8 is a legacy 8-bit charset.
    as_utf8 = data.decode("utf-8", errors="replace")
    high = sum(1 for b in data if b > 0x7F)
    if as_utf8.count("\ufffd") * 10 <= high:
        return as_utf8
    return data.decode("cp1252", errors="replace")


def decode_header_bytes(data: bytes, fallback_label: str | None = None) -> str:
    """Raw 8-bit header bytes (RFC 6532 UTF-8, or a legacy charset sent unencoded)."""
    if data.isascii():
        return data.decode("ascii")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    codec = codec_for(fallback_label)
    if codec is not None:
        try:
            return data.decode(codec)
        except (UnicodeDecodeError, LookupError):
            pass
    return data.decode("cp1252", errors="replace")
