"""The incident page: the clocks in plain words, what is missing and answering it, the public
timeline, replying, closing, sessions and the upgrade notice."""

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.html import escape

from caredesk.core.timefmt import when
from caredesk.incidents import actions
from caredesk.incidents.models import Clock, Event, Incident
from tests.portal.conftest import contact_user, signed_in, text

EASTERN = ZoneInfo("America/New_York")
ANSWERS = {
    "os": "Windows Server 2019",
    "database": "SQL Server 2019",
    "service_packs": "none",
    "hot_fixes": "none",
    "steps": "Schedule a report; wait.",
}


def page_of(incident) -> str:
    return f"/portal/incidents/{incident.number}/"


def section(html: str, element_id: str) -> str:
    match = re.search(rf'<(section|div|aside)[^>]*\bid="{element_id}".*?</\1>', html, re.S)
    assert match, f"no #{element_id}"
    return match.group(0)


def test_the_page_lists_what_is_missing_with_an_input_for_each(world, carol, open_for):
    incident = open_for()
    assert incident.missing == list(ANSWERS)
    html = text(carol.get(page_of(incident)))
    missing = section(html, "missing")
    assert f"We still need {len(ANSWERS)} details" in missing
    for key in ANSWERS:
        assert f'name="{key}"' in missing
    for label in ("Operating system and version", "Database version", "Steps to reproduce"):
        assert label in missing
    assert "Company name" not in missing


def test_answering_through_the_reply_form_clears_what_is_missing_and_resumes(
    world, carol, open_for
):
    incident = open_for()
    actions.request_information(incident, by=world["alice"])
    incident.refresh_from_db()
    assert incident.status == Incident.Status.WAITING_ON_CLIENT
    html = text(carol.get(page_of(incident)))
    assert "Your incident is waiting for them." in section(html, "missing")
    assert "Waiting on you" in html
    # The agent's request is on the timeline with exactly the missing items.
    history = section(html, "history")
    assert "asked for more information" in history and "Database version" in history

    response = carol.post(
        page_of(incident), {"action": "reply", "body": "Here they are.", **ANSWERS}
    )
    assert response.status_code == 302 and response["Location"] == page_of(incident)
    incident.refresh_from_db()
    assert incident.missing == []
    assert incident.status == Incident.Status.OPEN and incident.waiting_for == ""
    assert incident.intake["database"] == "SQL Server 2019"
    assert incident.pauses.get().ended_at is not None
    message = incident.events.get(kind=Event.Kind.CLIENT_MESSAGE)
    assert message.body == "Here they are." and message.author == world["carol"]
    html = text(carol.get(page_of(incident)))
    assert 'id="missing"' not in html
    assert "we now have everything we asked for" in html


def test_a_partial_answer_keeps_asking_for_the_rest(world, carol, open_for):
    incident = open_for()
    carol.post(page_of(incident), {"action": "reply", "database": "SQL Server 2019"})
    incident.refresh_from_db()
    assert "database" not in incident.missing and "os" in incident.missing
    html = text(carol.get(page_of(incident)))
    assert "Still missing: Operating system and version" in html
    assert f"We still need {len(ANSWERS) - 1} details" in html


def test_an_empty_reply_is_refused_at_the_form(world, carol, open_for):
    incident = open_for(values=ANSWERS)
    assert incident.missing == []
    response = carol.post(page_of(incident), {"action": "reply", "body": "  "})
    assert response.status_code == 200
    assert re.search(r'id="id_body_error">Write a message before sending it.', text(response))
    assert 'href="#id_body"' in text(response)
    assert not incident.events.filter(kind=Event.Kind.CLIENT_MESSAGE).exists()


def test_internal_notes_never_reach_the_portal(world, open_for):
    incident = open_for()
    actions.add_note(incident, "Internal: this client is on a watch list.", by=world["alice"])
    actions.assign(incident, world["alice"], by=world["alice"])
    actions.reply(incident, "We are looking into it.", by=world["alice"])
    contact_user(world["acme"], "dave", "Dave Colleague")
    for viewer in ("carol", "dave"):
        html = text(signed_in(viewer).get(page_of(incident)))
        assert "We are looking into it." in html  # the public reply is there
        assert "watch list" not in html
        assert "Assigned to" not in html
    assert Event.objects.filter(incident=incident, internal=True).count() == 2


def test_agent_replies_show_who_from_support_wrote(world, carol, open_for):
    incident = open_for(values=ANSWERS)
    actions.reply(incident, "Please try the hot fix.", by=world["alice"])
    actions.regrade(incident, 2, reason="Reports are business critical", by=world["alice"])
    history = section(text(carol.get(page_of(incident))), "history")
    assert "Alice (support) replied" in history and "Please try the hot fix." in history
    assert "Severity changed from 3 (Inconvenience) to 2 (Functional Problem)" in history
    assert "Reports are business critical" in history


def test_the_clocks_read_in_the_viewers_zone_with_the_support_zone_beside(world, carol, open_for):
    incident = open_for()
    due = incident.clocks.get(target="first-response").due_at
    clocks = section(text(carol.get(page_of(incident))), "clocks")
    assert f'We will answer by <time datetime="{due.isoformat()}">{when(due, EASTERN)}' in clocks
    assert "1 business day" in clocks

    world["carol"].time_zone = "Europe/London"
    world["carol"].save()
    clocks = section(text(signed_in("carol").get(page_of(incident))), "clocks")
    london = when(due, ZoneInfo("Europe/London"))
    assert london.endswith("UK time") and london in clocks
    eastern = due.astimezone(EASTERN)
    beside = (
        f"{eastern:%H:%M} Eastern"
        if eastern.date() == due.astimezone(ZoneInfo("Europe/London")).date()
        else when(due, EASTERN)
    )
    assert f"({beside})" in clocks


def test_a_clock_waiting_on_the_client_says_so(world, carol, open_for):
    incident = open_for(product=world["catalog"]["track-it"], severity=1)
    actions.request_information(incident, by=world["alice"])
    assert incident.clocks.filter(state=Clock.State.PAUSED).exists()
    html = text(carol.get(page_of(incident)))
    clocks = section(html, "clocks")
    assert "paused while we wait for your answer" in clocks
    assert "the clock is paused until you answer" in section(html, "missing")
    assert "We answered on" in clocks  # the request met the first response


def test_closing_asks_for_confirmation_then_closes(world, carol, open_for):
    incident = open_for()
    html = text(carol.get(page_of(incident)))
    close = section(html, "close")
    assert "<details" in close and f"Yes, close {incident.number}" in close

    carol.post(page_of(incident), {"action": "close"})  # no confirmation
    incident.refresh_from_db()
    assert incident.status == Incident.Status.NEW

    response = carol.post(page_of(incident), {"action": "close", "confirm": "yes"}, follow=True)
    incident.refresh_from_db()
    assert incident.status == Incident.Status.CLOSED
    html = text(response)
    assert f"{incident.number} is closed." in html
    assert 'name="body"' not in html and 'id="close"' not in html
    assert section(html, "closed")
    # A reply to a closed incident is refused with what to do instead.
    response = carol.post(
        page_of(incident), {"action": "reply", "body": "One more thing"}, follow=True
    )
    assert "submit a new request" in text(response)
    assert not incident.events.filter(kind=Event.Kind.CLIENT_MESSAGE).exists()


def test_a_reply_reopens_a_resolved_incident(world, carol, open_for):
    incident = open_for(values=ANSWERS)
    actions.resolve(incident, by=world["alice"], summary="Fixed by 11.0 SP1")
    assert "Your reply opens the incident again" in text(carol.get(page_of(incident)))
    carol.post(page_of(incident), {"action": "reply", "body": "It came back."})
    incident.refresh_from_db()
    assert incident.status == Incident.Status.OPEN


def test_booked_remote_sessions_show_their_time(world, carol, open_for):
    incident = open_for()
    starts = (timezone.now() + timedelta(days=2)).replace(second=0, microsecond=0)
    actions.book_session(
        incident, by=world["alice"], starts_at=starts, minutes=45, notes="Bring the server password"
    )
    sessions = section(text(carol.get(page_of(incident))), "sessions")
    assert when(starts, EASTERN) in sessions
    assert "45 minutes with Alice" in sessions and "Bring the server password" in sessions


def test_a_retired_release_incident_shows_the_upgrade_notice(world, hooli, open_for):
    incident = open_for(client=hooli, contact_email="hank@c-400.test")
    assert incident.upgrade_to is not None
    html = text(signed_in("hank").get(page_of(incident)))
    upgrade = section(html, "upgrade")
    assert "is a Retired release" in upgrade
    assert escape(str(incident.upgrade_to)) in upgrade
    assert 'href="/policy/#P-RETIRED"' in upgrade


def test_unknown_actions_are_refused(world, carol, open_for):
    incident = open_for()
    assert carol.post(page_of(incident), {"action": "delete"}).status_code == 400
    assert carol.put(page_of(incident)).status_code == 405
