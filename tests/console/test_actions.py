"""Each action form changes the incident through its action, or shows why not and changes
nothing; destructive ones confirm first; CSRF is enforced; htmx gets the page fragment."""

from datetime import datetime, timedelta

import pytest
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from caredesk.incidents import actions
from caredesk.incidents.models import Event, Incident, RemoteSession
from tests.conftest import EASTERN


def post(http, incident, action, data=None, **extra):
    return http.post(reverse(f"console:{action}", args=[incident.number]), data or {}, **extra)


def refused(response, message, incident, before=None):
    """The form shows `message`; the incident and its timeline are as they were."""
    html = response.content.decode()
    assert response.status_code == 400, response.status_code
    assert message in html, message
    assert "was not done" in html
    if before is not None:
        assert snapshot(incident) == before


def snapshot(incident):
    incident = Incident.objects.get(pk=incident.pk)
    return (
        incident.status,
        incident.severity,
        incident.assignee_id,
        incident.entitlement,
        incident.scope_category,
        incident.escalated_at,
        incident.events.count(),
    )


def done(response, incident):
    assert response.status_code == 302, response.content.decode()[:500]
    assert response["Location"] == incident.get_absolute_url()
    return Incident.objects.get(pk=incident.pk)


def test_reply(world, alice_http, incident):
    before = snapshot(incident)
    refused(
        post(alice_http, incident, "reply", {"body": "   "}),
        "This field is required.",
        incident,
        before,
    )
    after = done(post(alice_http, incident, "reply", {"body": "Restart the scheduler."}), incident)
    event = after.events.get(kind=Event.Kind.AGENT_REPLY)
    assert event.body == "Restart the scheduler." and event.author == world["alice"]
    assert after.status == Incident.Status.OPEN and after.first_response_at is not None
    page = alice_http.get(after.get_absolute_url()).content.decode()
    assert "Reply sent to Carol Contact." in page and "Restart the scheduler." in page


def test_internal_note(world, alice_http, incident):
    before = snapshot(incident)
    refused(
        post(alice_http, incident, "note", {"body": ""}),
        "This field is required.",
        incident,
        before,
    )
    after = done(post(alice_http, incident, "note", {"body": "Check the DB."}), incident)
    assert after.events.get(kind=Event.Kind.NOTE).internal


def test_request_missing_information(world, alice_http, incident):
    form = alice_http.get(incident.get_absolute_url()).content.decode()
    for key in incident.missing:  # pre-ticked: exactly what is missing
        assert f'name="items" value="{key}" id="id_request-info_items_' in form
    assert 'value="os" id="id_request-info_items_' in form
    assert 'value="company" id="id_request-info_items_' in form
    before = snapshot(incident)
    refused(
        post(alice_http, incident, "request-info", {"items": ["bogus"]}),
        "Select a valid choice.",
        incident,
        before,
    )
    refused(
        post(alice_http, incident, "request-info", {"message": ""}),
        "nothing is missing: say what you need in the message",
        incident,
        before,
    )
    after = done(
        post(alice_http, incident, "request-info", {"items": ["os", "steps"], "message": "Ta"}),
        incident,
    )
    event = after.events.get(kind=Event.Kind.REQUEST_INFO)
    assert event.data["items"] == ["os", "steps"] and event.body == "Ta"
    assert (after.status, after.waiting_for) == ("waiting-client", "information")


def test_regrade(world, alice_http, incident):
    before = snapshot(incident)
    refused(
        post(alice_http, incident, "regrade", {"severity": "3", "reason": "Same"}),
        "the severity is already 3",
        incident,
        before,
    )
    refused(
        post(alice_http, incident, "regrade", {"severity": "2", "reason": ""}),
        "This field is required.",
        incident,
        before,
    )
    refused(
        post(alice_http, incident, "regrade", {"severity": "9", "reason": "x"}),
        "Select a valid choice.",
        incident,
        before,
    )
    after = done(
        post(alice_http, incident, "regrade", {"severity": "2", "reason": "Month-end"}), incident
    )
    assert after.severity == 2
    assert after.events.get(kind=Event.Kind.REGRADE).data == {"old": 3, "new": 2}


def test_assign_to_me_to_an_agent_and_to_nobody(world, alice_http, incident):
    before = snapshot(incident)
    refused(
        post(alice_http, incident, "assign", {"assignee": world["carol"].pk}),
        "Select a valid choice.",
        incident,
        before,
    )
    assert (
        done(
            post(alice_http, incident, "assign", {"assignee": world["alice"].pk}), incident
        ).assignee
        == world["alice"]
    )
    assert (
        done(post(alice_http, incident, "assign", {"assignee": world["sam"].pk}), incident).assignee
        == world["sam"]
    )
    assert done(post(alice_http, incident, "assign", {"assignee": ""}), incident).assignee is None
    assert incident.events.filter(kind=Event.Kind.ASSIGN).count() == 3


def test_take_over_is_for_senior_technicians(world, alice_http, sam_http, open_now):
    incident = open_now(severity=1)
    before = snapshot(incident)
    refused(
        post(alice_http, incident, "take-over"),
        "only a senior technician takes over",
        incident,
        before,
    )
    after = done(post(sam_http, incident, "take-over"), incident)
    assert after.senior == world["sam"] == after.assignee
    assert after.clocks.get(target="system-down-transfer").state == "met"


def test_escalate(world, alice_http, incident):
    before = snapshot(incident)
    refused(
        post(alice_http, incident, "escalate", {"reason": ""}),
        "This field is required.",
        incident,
        before,
    )
    after = done(post(alice_http, incident, "escalate", {"reason": "Client VP called"}), incident)
    assert after.escalated_at is not None
    assert after.events.get(kind=Event.Kind.ESCALATION).body == "Client VP called"
    before = snapshot(after)
    refused(
        post(alice_http, incident, "escalate", {"reason": "Again"}),
        "is already escalated",
        incident,
        before,
    )


def test_log_a_call(world, alice_http, incident):
    before = snapshot(incident)
    refused(
        post(alice_http, incident, "call", {"minutes": "0", "summary": "x"}),
        "greater than or equal to 1",
        incident,
        before,
    )
    after = done(
        post(
            alice_http,
            incident,
            "call",
            {"minutes": "12", "summary": "Walked through it", "outbound": "on"},
        ),
        incident,
    )
    call = after.events.get(kind=Event.Kind.CALL)
    assert call.data == {"minutes": 12, "outbound": True} and call.body == "Walked through it"


def _next(weekday: int, hour: int) -> datetime:
    """The next `weekday` (0 = Monday) at `hour` on the support clock, at least a day away."""
    day = timezone.now().astimezone(EASTERN).date() + timedelta(days=1)
    while day.weekday() != weekday:
        day += timedelta(days=1)
    return datetime(day.year, day.month, day.day, hour, tzinfo=EASTERN)


def test_book_a_remote_session(world, alice_http, open_now):
    track_it = open_now(product=world["catalog"]["track-it"])  # business hours, Mon-Fri
    saturday = _next(5, 10)
    before = snapshot(track_it)
    refused(
        post(
            alice_http,
            track_it,
            "session",
            {"starts_at": saturday.strftime("%Y-%m-%dT%H:%M"), "minutes": "60"},
        ),
        "the session must be inside support hours",
        track_it,
        before,
    )
    refused(
        post(alice_http, track_it, "session", {"starts_at": "2020-01-06T10:00", "minutes": "60"}),
        "a session is booked for a time to come",
        track_it,
        before,
    )
    refused(
        post(alice_http, track_it, "session", {"starts_at": "soon", "minutes": "60"}),
        "Enter a valid date/time.",
        track_it,
        before,
    )
    assert not RemoteSession.objects.exists()
    tuesday = _next(1, 14)
    done(
        post(
            alice_http,
            track_it,
            "session",
            {"starts_at": tuesday.strftime("%Y-%m-%dT%H:%M"), "minutes": "45", "notes": "VPN"},
        ),
        track_it,
    )
    session = RemoteSession.objects.get(incident=track_it)
    # The time was typed in the viewer's zone (alice has none: the support zone).
    assert session.starts_at == tuesday and session.minutes == 45 and session.notes == "VPN"


def test_classify_scope(world, alice_http, incident):
    after = done(post(alice_http, incident, "classify", {"category": "installation"}), incident)
    assert after.scope_category == "installation"
    response = post(alice_http, incident, "classify", {"category": "customization"})
    assert done(response, incident).scope_category == "customization"
    page = alice_http.get(incident.get_absolute_url()).content.decode()
    assert "Decline it with the clause." in page
    before = snapshot(incident)
    refused(
        post(alice_http, incident, "classify", {"category": "nonsense"}),
        "Select a valid choice.",
        incident,
        before,
    )


def test_decline_shows_the_clause_and_referral_before_confirming(world, alice_http, incident):
    form = decline_form(alice_http, incident)
    assert 'value="customization"' in form and 'value="installation"' not in form
    before = snapshot(incident)
    refused(
        post(alice_http, incident, "decline", {"category": "installation"}),
        "Select a valid choice.",
        incident,
        before,
    )
    preview = post(
        alice_http, incident, "decline", {"category": "customization", "message": "Ask PS"}
    )
    html = preview.content.decode()
    assert preview.status_code == 200 and snapshot(incident) == before
    assert "Decline " in html and "Professional Services" in html
    assert 'href="/policy/#P-SCOPE"' in html and 'name="confirmed" value="yes"' in html
    assert "Ask PS</textarea>" in html
    after = done(
        post(
            alice_http,
            incident,
            "decline",
            {"category": "customization", "message": "Ask PS", "confirmed": "yes"},
        ),
        incident,
    )
    assert after.status == Incident.Status.DECLINED
    assert after.events.filter(kind=Event.Kind.STATUS, clause="P-SCOPE").exists()


def test_log_migration_time_shows_what_is_left(world, alice_http, incident):
    page = alice_http.get(incident.get_absolute_url()).content.decode()
    assert "60 of 60 minutes left" in page
    before = snapshot(incident)
    refused(
        post(alice_http, incident, "migration", {"minutes": "0"}),
        "greater than or equal to 1",
        incident,
        before,
    )
    done(post(alice_http, incident, "migration", {"minutes": "40", "note": "DB move"}), incident)
    page = alice_http.get(incident.get_absolute_url()).content.decode()
    assert "40 minutes of migration assistance logged; 20 left." in page
    assert "20 of 60 minutes left" in page
    # The engine decides what can be declined: an allowance used up is out of scope.
    assert 'value="migration-assistance"' not in decline_form(alice_http, incident)
    done(post(alice_http, incident, "migration", {"minutes": "20"}), incident)
    assert 'value="migration-assistance"' in decline_form(alice_http, incident)


def decline_form(http, incident) -> str:
    page = http.get(incident.get_absolute_url()).content.decode()
    form = page[page.index('id="action-decline"') :]
    return form[: form.index("</details>")]


@pytest.fixture
def held(world):
    return actions.open_incident(
        client=world["initech"],
        product=world["catalog"]["footprints"],
        subject="No plan",
        severity=3,
        channel="web",
        accept_unentitled=True,
    )


def test_override_entitlement_needs_a_reason_and_a_denied_incident(
    world, alice_http, incident, held
):
    before = snapshot(incident)
    refused(
        post(alice_http, incident, "override", {"reason": "Because"}),
        "needs no override",
        incident,
        before,
    )
    before = snapshot(held)
    refused(
        post(alice_http, held, "override", {"reason": " "}), "This field is required.", held, before
    )
    refused(post(alice_http, held, "resolve", {}), "review the entitlement first", held, before)
    after = done(post(alice_http, held, "override", {"reason": "Renewal in the post"}), held)
    assert after.entitlement == Incident.Entitlement.OVERRIDDEN
    assert after.events.get(kind=Event.Kind.OVERRIDE).body == "Renewal in the post"


def test_require_upgrade(world, alice_http, incident):
    after = done(post(alice_http, incident, "upgrade", {"message": "Please move to 11"}), incident)
    assert (after.status, after.waiting_for) == ("waiting-client", "upgrade")
    assert after.upgrade_to.version == "11.0"
    actions.resolve(after, by=world["alice"])
    before = snapshot(after)
    refused(post(alice_http, incident, "upgrade", {}), "is resolved", incident, before)


def test_resolve_and_reopen_after_confirming(world, alice_http, incident):
    after = done(post(alice_http, incident, "resolve", {"summary": "Fixed by SP2"}), incident)
    assert after.status == Incident.Status.RESOLVED
    before = snapshot(after)
    refused(
        post(alice_http, incident, "reopen", {"reason": ""}),
        "This field is required.",
        incident,
        before,
    )
    ask = post(alice_http, incident, "reopen", {"reason": "Came back"})
    assert ask.status_code == 200 and f"Reopen {incident.number}?" in ask.content.decode()
    assert snapshot(incident) == before
    after = done(
        post(alice_http, incident, "reopen", {"reason": "Came back", "confirmed": "yes"}), incident
    )
    assert after.status == Incident.Status.OPEN
    before = snapshot(after)
    refused(
        post(alice_http, incident, "reopen", {"reason": "Again", "confirmed": "yes"}),
        "is open already",
        incident,
        before,
    )


def test_htmx_actions_get_the_incident_fragment(world, alice_http, incident):
    ok = post(alice_http, incident, "reply", {"body": "Via htmx"}, HTTP_HX_REQUEST="true")
    html = ok.content.decode()
    assert ok.status_code == 200 and html.lstrip().startswith('<div id="incident"')
    assert "Via htmx" in html and "Reply sent to Carol Contact." in html
    bad = post(alice_http, incident, "note", {"body": ""}, HTTP_HX_REQUEST="true")
    html = bad.content.decode()
    assert bad.status_code == 200 and html.lstrip().startswith('<div id="incident"')
    assert "This field is required." in html and 'id="note" open' in html


def test_posts_without_a_csrf_token_are_refused(world, incident):
    http = HttpClient(enforce_csrf_checks=True)
    http.force_login(world["alice"])
    page = http.get(incident.get_absolute_url()).content.decode()
    assert 'name="csrfmiddlewaretoken"' in page
    for action, data in (("reply", {"body": "No token"}), ("resolve", {})):
        assert post(http, incident, action, data).status_code == 403
    assert http.post(reverse("console:save-view"), {"name": "x"}).status_code == 403
    assert not incident.events.filter(kind=Event.Kind.AGENT_REPLY).exists()
    assert Incident.objects.get(pk=incident.pk).status == Incident.Status.NEW
