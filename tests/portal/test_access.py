"""Who may use the portal, and what each person reaches: every path starts from visible_to."""

import pytest
from django.test import Client as Browser

from caredesk.incidents.models import Event, Incident
from tests.portal.conftest import contact_user, request_data, signed_in, text

PORTAL_PAGES = ["/portal/", "/portal/incidents/new/"]


@pytest.mark.parametrize("path", PORTAL_PAGES + ["/portal/incidents/INC-000001/"])
def test_anonymous_visitors_are_sent_to_sign_in(world, client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={path}"


def test_staff_are_sent_to_the_console(world, open_for):
    incident = open_for()
    alice = signed_in("alice")
    for path in PORTAL_PAGES + [f"/portal/incidents/{incident.number}/"]:
        response = alice.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/console/"), path
    assert alice.post("/portal/incidents/new/", {}).status_code == 302
    assert not Incident.objects.exclude(pk=incident.pk).exists()


def test_a_user_without_an_active_contact_finds_nothing(world, open_for):
    incident = open_for()
    from caredesk.accounts.models import User

    User.objects.create_user("nobody", "nobody@example.test", "test-pass-123")
    nobody = signed_in("nobody")
    for path in PORTAL_PAGES + [f"/portal/incidents/{incident.number}/"]:
        assert nobody.get(path).status_code == 404, path
    world["acme"].contacts.filter(user=world["carol"]).update(is_active=False)
    carol = signed_in("carol")
    for path in PORTAL_PAGES + [f"/portal/incidents/{incident.number}/"]:
        assert carol.get(path).status_code == 404, path


@pytest.mark.parametrize("outsider", ["gary", "mallory"])
def test_another_clients_incident_is_a_404_on_every_path(world, open_for, outsider):
    incident = open_for()
    browser = signed_in(outsider)
    url = f"/portal/incidents/{incident.number}/"
    assert browser.get(url).status_code == 404
    assert browser.post(url, {"action": "reply", "body": "Hello"}).status_code == 404
    assert browser.post(url, {"action": "close", "confirm": "yes"}).status_code == 404
    listing = text(browser.get(f"/portal/?state=all&q={incident.number}"))
    assert incident.number not in listing and incident.subject not in listing
    incident.refresh_from_db()
    assert incident.status == Incident.Status.NEW
    assert not incident.events.filter(kind=Event.Kind.CLIENT_MESSAGE).exists()


def test_colleagues_see_each_others_incidents_only_when_the_client_allows_it(world, open_for):
    incident = open_for()
    contact_user(world["acme"], "dave", "Dave Colleague")
    dave = signed_in("dave")
    url = f"/portal/incidents/{incident.number}/"
    assert world["acme"].colleagues_see_incidents
    assert dave.get(url).status_code == 200
    listing = text(dave.get("/portal/"))
    assert incident.number in listing and "Carol Contact" in listing

    world["acme"].colleagues_see_incidents = False
    world["acme"].save()
    assert dave.get(url).status_code == 404
    assert incident.number not in text(dave.get("/portal/?state=all"))
    # carol still sees her own.
    assert signed_in("carol").get(url).status_code == 200


def _token(browser, path):
    browser.get(path)
    return browser.cookies["csrftoken"].value


def test_posts_without_the_csrf_token_are_refused(world, open_for):
    incident = open_for()
    browser = Browser(enforce_csrf_checks=True)
    assert browser.login(username="carol", password="test-pass-123")
    url = f"/portal/incidents/{incident.number}/"
    data = request_data(world["catalog"]["footprints"])
    assert browser.post("/portal/incidents/new/", data).status_code == 403
    assert browser.post(url, {"action": "reply", "body": "Hi"}).status_code == 403
    assert browser.post(url, {"action": "close", "confirm": "yes"}).status_code == 403
    assert Incident.objects.count() == 1
    incident.refresh_from_db()
    assert incident.status == Incident.Status.NEW
    # The same posts with the token go through: the refusal above was the token's doing.
    token = _token(browser, "/portal/incidents/new/")
    response = browser.post("/portal/incidents/new/", {**data, "csrfmiddlewaretoken": token})
    assert response.status_code == 302 and Incident.objects.count() == 2
    response = browser.post(
        url, {"action": "close", "confirm": "yes", "csrfmiddlewaretoken": token}
    )
    incident.refresh_from_db()
    assert incident.status == Incident.Status.CLOSED
