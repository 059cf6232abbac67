"""Inbound mail parsing: raw bytes in, everything decoded out.

    from caredesk.mail.parsing import parse, ParsedMail, ParsedAttachment, Bounce

`parse(raw)` never raises for real-world mail, however broken; what it had to work around is
listed in `ParsedMail.defects`. Input that is not an e-mail at all raises `UnparseableMail`
(a ValueError), which the intake sends to the quarantine.
"""

from .core import parse
from .model import Bounce, ParsedAttachment, ParsedMail, UnparseableMail

__all__ = ["Bounce", "ParsedAttachment", "ParsedMail", "UnparseableMail", "parse"]
