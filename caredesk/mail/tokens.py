"""Signed identifiers in the Message-IDs and reply addresses we send, checked when mail comes
back: a reply joins an incident only by an identifier we made, never by one a sender invented."""

from __future__ import annotations

import re
import secrets

from django.conf import settings
from django.utils.crypto import constant_time_compare, salted_hmac

SALT = "caredesk.mail.thread"
_OURS = re.compile(r"^cd\.(\d+)\.([a-z0-9]+)\.([a-f0-9]{20})@", re.IGNORECASE)
_PLUS = re.compile(r"^[^+@]+\+(\d+)\.([a-f0-9]{20})@", re.IGNORECASE)


def _sign(value: str) -> str:
    return salted_hmac(SALT, value, algorithm="sha256").hexdigest()[:20]


def domain() -> str:
    return settings.CAREDESK_MAIL_DOMAIN


def message_id_for(incident_pk: int | None) -> str:
    """A Message-ID (without <>) naming the incident, signed; a random one without an incident."""
    nonce = secrets.token_hex(6)
    if incident_pk is None:
        return f"cd.0.{nonce}.{_sign(f'0.{nonce}')}@{domain()}"
    return f"cd.{incident_pk}.{nonce}.{_sign(f'{incident_pk}.{nonce}')}@{domain()}"


def is_ours(message_id: str) -> bool:
    """A Message-ID we made (signed with our key), with or without an incident."""
    match = _OURS.match(message_id or "")
    return bool(match) and constant_time_compare(
        match.group(3), _sign(f"{match.group(1)}.{match.group(2)}")
    )


def incident_of_message_id(message_id: str) -> int | None:
    """The incident a Message-ID of ours names, or None (not ours, forged or without incident)."""
    if not is_ours(message_id):
        return None
    pk = int(_OURS.match(message_id).group(1))
    return pk or None


def reply_address(mailbox_address: str, incident_pk: int) -> str:
    """support+<incident>.<signature>@domain: replies find their incident even without headers."""
    local, _, host = mailbox_address.partition("@")
    return f"{local}+{incident_pk}.{_sign(f'reply.{incident_pk}')}@{host}"


def incident_of_address(address: str) -> int | None:
    match = _PLUS.match(address or "")
    if not match:
        return None
    pk = match.group(1)
    return int(pk) if constant_time_compare(match.group(2), _sign(f"reply.{pk}")) else None
