"""A new incident for a caller (refused ones held for review) and canned replies."""

from django.urls import reverse

from caredesk.console.models import CannedReply
from caredesk.incidents.models import Event, Incident

NEW = "/console/incidents/new/"


def caller(world, **overrides):
    data = {
        "client": "C-100",
        "contact": world["acme"].contacts.get().pk,
        "product": world["catalog"]["footprints"].pk,
        "release": "",
        "channel": "phone",
        "severity": "2",
        "subject": "Service desk is slow",
        "description": "Since this morning.",
    }
    data.update(overrides)
    return data


def test_a_caller_is_looked_up_then_the_incident_opened(world, alice_http):
    assert "Whose call is it?" in alice_http.get(NEW).content.decode()
    unknown = alice_http.get(NEW, {"client": "C-999"}).content.decode()
    assert "No client has this number." in unknown
    form = alice_http.get(NEW, {"client": "C-100"}).content.decode()
    assert "Acme Corp" in form and "Carol Contact" in form and "Gary" not in form
    assert '<option value="phone" selected>' in form
    partial = alice_http.get(NEW, {"client": "C-100"}, HTTP_HX_REQUEST="true").content.decode()
    assert partial.lstrip().startswith('<div id="new-details"') and "<html" not in partial

    response = alice_http.post(NEW, caller(world))
    incident = Incident.objects.get(subject="Service desk is slow")
    assert response.status_code == 302 and response["Location"] == incident.get_absolute_url()
    assert (incident.channel, incident.severity, incident.client) == ("phone", 2, world["acme"])
    assert incident.contact.name == "Carol Contact" and incident.release.version == "11.0"
    assert incident.events.get(kind=Event.Kind.OPENED).author == world["alice"]
    assert incident.entitlement == Incident.Entitlement.ALLOWED


def test_the_new_incident_form_shows_errors_at_the_fields(world, alice_http):
    other = world["globex"].contacts.get().pk
    wrong_release = world["catalog"]["track-it"].releases.first().pk
    response = alice_http.post(NEW, caller(world, subject="", contact=other, release=wrong_release))
    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_subject_error">This field is required.' in html
    assert 'id="id_contact_error">Select a valid choice.' in html
    assert "is not a release of Numara FootPrints" in html
    assert not Incident.objects.exists()


def test_a_refused_entitlement_is_explained_and_can_be_held_for_review(world, alice_http):
    data = caller(world, client="C-300", contact="")  # initech: no plan
    refused = alice_http.post(NEW, data)
    html = refused.content.decode()
    assert refused.status_code == 200 and not Incident.objects.exists()
    assert "Not entitled:" in html and 'href="/policy/#P-DEFAULT"' in html
    assert "Buy a plan to get support." in html and 'name="accept_unentitled"' in html

    held = alice_http.post(NEW, {**data, "accept_unentitled": "on"})
    incident = Incident.objects.get()
    assert held["Location"] == incident.get_absolute_url()
    assert incident.entitlement == Incident.Entitlement.DENIED
    page = alice_http.get(incident.get_absolute_url()).content.decode()
    assert "held for review" in page and "Needs review:" in page
    assert 'id="action-override" open' in page


def test_canned_replies_are_listed_added_and_deleted(world, alice_http, sam_http):
    url = reverse("console:canned")
    assert "No canned replies yet." in alice_http.get(url).content.decode()
    bad = alice_http.post(url, {"title": "", "body": "Text"})
    assert bad.status_code == 400 and "This field is required." in bad.content.decode()
    assert (
        alice_http.post(url, {"title": "Logs", "body": "Send logs", "shared": "on"})["Location"]
        == url
    )
    alice_http.post(url, {"title": "Private", "body": "Mine only"})
    logs, private = CannedReply.objects.get(title="Logs"), CannedReply.objects.get(title="Private")
    assert logs.owner == world["alice"] and logs.shared and not private.shared

    sams = sam_http.get(url).content.decode()
    assert "Logs" in sams and "Private" not in sams
    found = alice_http.get(url, {"q": "mine"}).content.decode()
    assert "Private" in found and "Send logs" not in found
    assert "Private" in alice_http.get(url, {"sort": "-title", "page": "junk"}).content.decode()

    delete = reverse("console:delete-canned", args=[logs.pk])
    assert "Delete the canned reply “Logs”?" in sam_http.get(delete).content.decode()
    assert sam_http.post(delete).status_code == 302  # shared: any agent may delete it
    assert not CannedReply.objects.filter(pk=logs.pk).exists()
