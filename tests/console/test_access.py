"""Only support staff use the console: a 404 for everyone else signed in, sign-in for visitors."""

from urllib.parse import quote

import pytest
from django.test import Client as HttpClient
from django.urls import URLPattern, reverse

from caredesk.console import urls as console_urls
from caredesk.console.models import CannedReply, SavedView
from caredesk.mail import intake
from caredesk.mail.models import InboundMessage
from tests.console.conftest import signed_in

# Every console URL by name, with the arguments it needs ("INC" is the incident's number).
URLS = {
    "queue": {},
    "save-view": {},
    "delete-view": {"pk": "VIEW"},
    "new-incident": {},
    "incident": {"number": "INC"},
    "canned": {},
    "delete-canned": {"pk": "CANNED"},
    "mail": {},
    "inbound": {"pk": "MAIL"},
    "inbound-raw": {"pk": "MAIL"},
    "inbound-attachment": {"pk": "MAIL", "index": "ZERO", "filename": "FILE"},
    "inbound-retry": {"pk": "MAIL"},
    "inbound-open": {"pk": "MAIL"},
    "inbound-dismiss": {"pk": "MAIL"},
    **{
        slug: {"number": "INC"}
        for slug in (
            "reply",
            "note",
            "request-info",
            "regrade",
            "assign",
            "take-over",
            "escalate",
            "call",
            "session",
            "classify",
            "decline",
            "migration",
            "override",
            "upgrade",
            "resolve",
            "reopen",
        )
    },
}


def test_the_access_table_lists_every_console_url():
    names = {p.name for p in console_urls.urlpatterns if isinstance(p, URLPattern)}
    assert names == set(URLS)


# A stranger's mail with a file: the router quarantines it.
QUARANTINED_MAIL = (
    b"From: stranger@nowhere.test\r\nTo: support@caredesk.localhost\r\nSubject: Hello\r\n"
    b"Message-ID: <access-test@nowhere.test>\r\nMIME-Version: 1.0\r\n"
    b'Content-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\n'
    b"Content-Type: text/plain\r\n\r\nHello.\r\n--b\r\n"
    b'Content-Type: application/pdf\r\nContent-Disposition: attachment; filename="x.pdf"\r\n'
    b"\r\n%PDF-1.4\r\n--b--\r\n"
)


@pytest.fixture
def targets(world, incident):
    view = SavedView.objects.create(owner=world["alice"], name="Mine", query="view=mine")
    canned = CannedReply.objects.create(title="Hi", body="Hello", owner=world["alice"])
    inbound = intake.route(intake.store(QUARANTINED_MAIL, source="test").inbound)
    assert inbound.state == "quarantined"
    values = {
        "INC": incident.number,
        "VIEW": view.pk,
        "CANNED": canned.pk,
        "MAIL": inbound.pk,
        "ZERO": 0,
        "FILE": "x.pdf",
    }

    def url(name):
        kwargs = {key: values[value] for key, value in URLS[name].items()}
        return reverse(f"console:{name}", kwargs=kwargs)

    return url


@pytest.mark.parametrize("name", sorted(URLS))
def test_only_staff_reach_any_console_url(world, incident, targets, name):
    """A contact (carol), an outsider (mallory): 404 on GET and POST; visitors: sign in."""
    url = targets(name)
    events = incident.events.count()
    for who in ("carol", "mallory"):
        http = signed_in(world[who])
        assert http.get(url).status_code == 404, who
        assert http.post(url, {"body": "x", "reason": "x", "name": "x"}).status_code == 404, who
    for response in (HttpClient().get(url), HttpClient().post(url, {"body": "x"})):
        assert response.status_code == 302
        assert response["Location"] == f"{reverse('login')}?next={quote(url)}"
    # htmx is told to load the sign-in page whole, not to swap it into the console.
    htmx = HttpClient().get(url, HTTP_HX_REQUEST="true", HTTP_HX_CURRENT_URL=f"http://t{url}")
    assert htmx["HX-Redirect"] == f"{reverse('login')}?next={quote(url)}"
    assert incident.events.count() == events
    assert SavedView.objects.count() == 1 and CannedReply.objects.count() == 1
    assert not InboundMessage.objects.exclude(state="quarantined").exists()
    # The same URL works for an agent (a POST-only URL answers a GET with 405, not 404).
    assert signed_in(world["alice"]).get(url).status_code in (200, 405)


def test_every_staff_role_gets_in_and_an_unknown_incident_is_a_404(world, incident):
    for who in ("alice", "sam", "maggie"):
        http = signed_in(world[who])
        assert http.get(reverse("console:queue")).status_code == 200, who
        assert http.get(incident.get_absolute_url()).status_code == 200, who
    assert http.get(reverse("console:incident", args=["INC-999999"])).status_code == 404
    assert (
        http.post(reverse("console:reply", args=["INC-999999"]), {"body": "hi"}).status_code == 404
    )
    world["alice"].is_active = False
    world["alice"].save()
    inactive = HttpClient()
    inactive.force_login(world["alice"])
    assert inactive.get(reverse("console:queue")).status_code == 302


def test_an_agent_cannot_delete_another_agents_view_or_private_reply(world, sam_http):
    view = SavedView.objects.create(owner=world["alice"], name="Mine", query="view=mine")
    private = CannedReply.objects.create(
        title="Mine", body="only mine", owner=world["alice"], shared=False
    )
    for url in (
        reverse("console:delete-view", args=[view.pk]),
        reverse("console:delete-canned", args=[private.pk]),
    ):
        assert sam_http.get(url).status_code == 404
        assert sam_http.post(url).status_code == 404
    assert SavedView.objects.filter(pk=view.pk).exists()
    assert CannedReply.objects.filter(pk=private.pk).exists()
