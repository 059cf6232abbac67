"""HTML mail: sanitized for display (nh3) and converted to text (inscriptis)."""

from __future__ import annotations

import html as html_lib
import re
import textwrap
from urllib.parse import unquote

import nh3
from inscriptis import get_text

# Safe for display in the console: nh3's defaults (no script, no event handlers, no style
# attributes, rel="noopener noreferrer" on links) plus cid: so inline images can be resolved
# by whoever renders the mail.
# (no data: URLs: a data:text/html link is a script in some browsers)
_URL_SCHEMES = {"http", "https", "mailto", "tel", "cid"}
_CID = re.compile(r"""cid:([^"'\s>)]+)""", re.IGNORECASE)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)""", re.I)
_MAX_HTML = 5_000_000


def sanitize(markup: str) -> str:
    if not markup.strip():
        return ""
    return nh3.clean(markup[:_MAX_HTML], url_schemes=_URL_SCHEMES).strip()


def plain_as_html(text: str) -> str:
    return f"<pre>{html_lib.escape(text)}</pre>"


def to_text(markup: str) -> str:
    """Readable text of an HTML body: paragraphs, lists and tables kept by inscriptis."""
    if not markup.strip():
        return ""
    try:
        text = get_text(markup[:_MAX_HTML])
    except Exception:  # lxml gives up on some byte soup: keep the words at least
        text = html_lib.unescape(re.sub(r"<[^>]*>", " ", markup))
    # inscriptis indents nested blocks; the indentation every line shares means nothing
    return textwrap.dedent(text.replace("\r\n", "\n"))


def referenced_cids(markups: list[str]) -> set[str]:
    cids: set[str] = set()
    for markup in markups:
        for match in _CID.findall(markup):
            cids.add(unquote(match).strip("<>").strip())
    return cids


def meta_charset(data: bytes) -> str | None:
    """The charset an HTML part declares in a <meta> tag (when its Content-Type does not)."""
    match = _META_CHARSET.search(data[:4096])
    return match.group(1).decode("ascii") if match else None
