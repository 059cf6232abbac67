"""What the sender wrote this time: the text without quoted replies and the signature.

Mail clients mark the quoted message in different ways; each pattern below names who writes
it. Lines are only dropped, never rewritten, so every line of the result is a line of the
full text (which is kept as well).
"""

from __future__ import annotations

import re

# "On Tue, 3 Apr 2012 at 16:19, bob <bob@example.com> wrote:" (Gmail, Apple Mail, iPhone,
# Thunderbird), "Am 07.05.2012 08:10, schrieb Martin:" (Thunderbird de), "Le 3 avr. 2012 à
# 16:19, bob a écrit :" (fr), "El ... escribió:" (es) ... Gmail wraps the line, so up to three
# lines are read together.
_INTRO = r"(?:on|am|le|el|il|op|em|den|p[åa]|w dniu|dne|dnia|в)"
_VERBS = (
    r"(?:wrote|writes|schrieb|a\s+[ée]crit|escribi[óo]|ha\s+scritto|schreef|escreveu|skrev|"
    r"napisa[łl]\w*|kirjoitti|написал\w*|napsal\w*|scrisse|yazd[ıi]|kirjutas|írta)"
)
# A date or time is part of every such line; requiring a digit keeps "On Monday I wrote the
# following:" in the reply.
ATTRIBUTION = re.compile(
    rf"^\s*{_INTRO}\b(?=.*\d).{{0,400}}?{_VERBS}\b.{{0,120}}:\s*$", re.I | re.S
)
# A line that only names the author ("bob <bob@example.com> wrote:") counts when quoted
# lines follow it.
SHORT_ATTRIBUTION = re.compile(rf"^\s*.{{1,200}}\b{_VERBS}\s*:\s*$", re.I | re.S)

# "-----Original Message-----" (Outlook, AOL), "----- Original Message -----" (Yahoo,
# Zimbra), "---------- Forwarded message ----------" (Gmail, and our own forwarded blocks),
# "-------- Ursprüngliche Nachricht --------" (GMX, Thunderbird de) ...
SEPARATOR = re.compile(
    r"^\s*[-_=]{2,}\s*(?:original message|original email message|ursprüngliche nachricht|"
    r"original-nachricht|originalnachricht|message d'origine|message original|"
    r"mensaje original|messaggio originale|oorspronkelijk bericht|originalmeddelande|"
    r"alkuperäinen viesti|wiadomość oryginalna|původní zpráva|исходное сообщение|"
    r"forwarded message|weitergeleitete nachricht|message transféré|mensaje reenviado|"
    r"messaggio inoltrato|doorgestuurd bericht|returned message)\s*[-_=]{2,}\s*$",
    re.I,
)
BEGIN_FORWARD = re.compile(
    r"^\s*(begin forwarded message|anfang der weitergeleiteten nachricht|"
    r"d[ée]but du message r[ée]exp[ée]di[ée])\s*:?\s*$",
    re.I,
)
# Lotus Notes: "Martin Edenhofer via Znuny Team --- Installation [Ticket#11392] ---"
LOTUS = re.compile(r"^\s*\S.{0,200}\s---\s.{1,300}\s---\s*$")
# Outlook and Hotmail quote the original's headers without "> ": "From: ... Sent: ..."
# (and Von/Gesendet, De/Envoyé ...); an underscore rule may come first.
FROM_LINE = re.compile(
    r"^\s*\*?(?:from|von|de|da|van|fr[åa]n|fra|od|от|feladó|kimden|lähettäjä)\s*\*?\s*:\s*\S",
    re.I,
)
SENT_LINE = re.compile(
    r"^\s*\*?(?:sent|date|gesendet|datum|envoy[ée]|enviado|inviato|verzonden|skickat|sendt|"
    r"data|wysłano|odesláno|отправлено|dátum|tarih|lähetetty|fecha)\s*\*?\s*:",
    re.I,
)
UNDERSCORES = re.compile(r"^\s*_{10,}\s*$")
QUOTED = re.compile(r"^\s*>")
# "-- " is the signature separator (RFC 3676); many mailers send it as "--".
SIGNATURE = re.compile(r"^--\s*$")
MOBILE_SIGNATURE = re.compile(
    r"^\s*(?:sent from my \w+|sent from (?:mail|outlook|yahoo mail|gmail|samsung)\b|"
    r"get outlook for \w+|von meinem \w+ gesendet|gesendet von meinem \w+|"
    r"envoy[ée] de mon \w+|enviado desde mi \w+|inviato da(?:l mio)? \w+|"
    r"sent with sparrow|verzonden vanaf mijn \w+|skickat från min \w+)",
    re.I,
)


def _attribution_end(lines: list[str], start: int) -> int:
    """The last line of an "On ... wrote:" attribution starting at `start`, or -1."""
    if not lines[start].strip() or QUOTED.match(lines[start]):
        return -1
    for width in (1, 2, 3):
        end = start + width - 1
        if end >= len(lines) or (width > 1 and not lines[end].strip()):
            break
        joined = " ".join(line.strip() for line in lines[start : end + 1])
        if len(joined) <= 600 and ATTRIBUTION.match(joined):
            return end
    return -1


def _next_content(lines: list[str], index: int) -> int | None:
    for i in range(index, len(lines)):
        if lines[i].strip():
            return i
    return None


def _header_block(lines: list[str], start: int) -> bool:
    """Outlook-style quoted headers: a From line followed closely by a Sent/Date line."""
    if not FROM_LINE.match(lines[start]):
        return False
    return any(SENT_LINE.match(line) for line in lines[start + 1 : start + 6])


def _separator(lines: list[str], i: int) -> bool:
    line = lines[i]
    if SEPARATOR.match(line) or BEGIN_FORWARD.match(line) or LOTUS.match(line):
        return True
    if UNDERSCORES.match(line):
        after = _next_content(lines, i + 1)
        return after is not None and after <= i + 3 and _header_block(lines, after)
    return _header_block(lines, i)


def reply_text(text: str) -> str:
    """The new text of a reply; "" when nothing is left (the caller falls back to text)."""
    lines = text.split("\n")
    kept: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if QUOTED.match(line):
            i += 1
            continue
        end = _attribution_end(lines, i)
        if end < 0 and SHORT_ATTRIBUTION.match(line):
            following = _next_content(lines, i + 1)
            if following is not None and QUOTED.match(lines[following]):
                end = i
        if end >= 0:
            following = _next_content(lines, end + 1)
            if following is not None and QUOTED.match(lines[following]):
                i = end + 1  # the attribution of a "> " quote: drop it, keep what follows
                continue
            break  # the original follows unquoted (Outlook, Apple Mail HTML): it all goes
        if _separator(lines, i):
            break
        if SIGNATURE.match(line) or (MOBILE_SIGNATURE.match(line) and len(line.strip()) <= 60):
            break  # (a long "Sent from my laptop, the error ..." line is a sentence)
        kept.append(line.rstrip())
        i += 1
    result = "\n".join(kept)
    result = re.sub(r"\n{3,}", "\n\n", result)
    return result.strip("\n")
