"""Times as people read them: in a given zone, with a zone name they recognise."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

FRIENDLY_ZONES = {
    "America/New_York": "Eastern",
    "America/Chicago": "Central",
    "America/Denver": "Mountain",
    "America/Phoenix": "Mountain (Arizona)",
    "America/Los_Angeles": "Pacific",
    "Europe/London": "UK time",
    "UTC": "UTC",
}


def zone_name(zone: ZoneInfo) -> str:
    return FRIENDLY_ZONES.get(zone.key, zone.key.replace("_", " "))


def when(instant: datetime | None, zone: ZoneInfo) -> str:
    """'Wed Jun 3, 10:00 Eastern' — the instant on the clock of `zone`."""
    if instant is None:
        return "—"
    local = instant.astimezone(zone)
    return f"{local:%a %b} {local.day}, {local:%H:%M} {zone_name(zone)}"


def support_when(instant: datetime | None) -> str:
    from caredesk.policy import get_policy

    return when(instant, get_policy().support_zone)
