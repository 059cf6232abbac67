"""iCalendar invitations for booked remote sessions (RFC 5545, via the icalendar package)."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText


def invitation(session) -> str:
    incident = session.incident
    cal = Calendar()
    cal.add("prodid", "-//caredesk//remote sessions//EN")
    cal.add("version", "2.0")
    cal.add("method", "REQUEST")
    event = Event()
    event.add("uid", session.uid)
    event.add("dtstamp", timezone.now())
    event.add("dtstart", session.starts_at)
    event.add("dtend", session.ends_at)
    event.add("summary", f"Remote support session — {incident.number} {incident.subject}")
    event.add("description", session.notes or f"Remote session for incident {incident.number}.")
    event.add("url", f"{settings.SITE_URL}/portal/incidents/{incident.number}/")
    organizer = vCalAddress(f"mailto:{settings.DEFAULT_FROM_EMAIL}")
    organizer.params["cn"] = vText(session.agent.display_name)
    event["organizer"] = organizer
    if incident.contact is not None:
        attendee = vCalAddress(f"mailto:{incident.contact.email}")
        attendee.params["cn"] = vText(incident.contact.name)
        attendee.params["role"] = vText("REQ-PARTICIPANT")
        event.add("attendee", attendee, encode=0)
    cal.add_component(event)
    return cal.to_ical().decode("utf-8")
