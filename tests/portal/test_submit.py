"""Submitting a request: guided by the intake checklist, told the plan's decision before
submitting, gaps allowed and asked for, bad input shown at its field."""

import re

import pytest
from django.utils.html import escape

from caredesk.incidents import actions, intake
from caredesk.incidents.models import Incident
from caredesk.policy import get_policy
from tests.portal.conftest import request_data, signed_in, text

NEW = "/portal/incidents/new/"


def test_the_form_asks_the_policys_checklist_grouped_with_severities_explained(world, carol):
    html = text(carol.get(NEW))
    for item in intake.checklist():
        if item.required == "when-continuing":
            assert f'name="{item.key}"' not in html  # a new request continues nothing
        elif item.key not in ("product", "severity"):
            assert f'name="{item.key}"' in html and escape(item.label) in html
            if item.help:
                assert escape(item.help) in html
    for legend in (
        "About the product",
        "About the problem",
        "About the server it runs on",
        "About you and your company",
    ):
        assert f"<legend>{legend}</legend>" in html
    for severity in get_policy().severities:
        assert escape(severity.description) in html
        for example in severity.examples:
            assert escape(example) in html
    assert 'href="/policy/#P-INCIDENT"' in html  # one incident per request


def test_the_form_is_prefilled_from_the_contact_and_the_products_licence(world, carol):
    footprints = world["catalog"]["footprints"]
    html = text(carol.get(f"{NEW}?product={footprints.pk}"))
    assert re.search(r'name="contact_name" value="Carol Contact"', html)
    assert re.search(r'name="phone" value="\+1 555 0100"', html)
    assert re.search(r'name="serial_number" value="FP-1"', html)
    assert re.search(rf'<option value="{footprints.pk}" selected>', html)
    # Only the client's licensed products are offered.
    options = re.findall(r"<option value=\"\d+\"[^>]*>([^<]+)</option>", html)
    assert sorted(options) == ["Numara FootPrints", "Numara Track-It!"]


def test_changing_the_product_with_htmx_brings_its_decision_and_licence(world, carol):
    track_it = world["catalog"]["track-it"]
    response = carol.get(
        f"{NEW}?product={track_it.pk}&os=Windows+Server+2019", HTTP_HX_REQUEST="true"
    )
    html = text(response)
    assert "<form" not in html and "<h1" not in html  # a fragment, not the page
    assert "Covered by your plan." in html and "Numara Track-It!" in html
    assert re.search(r'id="product-details" hx-swap-oob="true"', html)
    assert re.search(r'name="serial_number" value="TI-1"', html)
    assert re.search(r'name="os" value="Windows Server 2019"', html)  # what was typed stays
    assert ">Submit request</button>" in html


def test_a_complete_request_lands_on_its_page_with_nothing_missing(world, carol):
    data = request_data(world["catalog"]["footprints"])
    response = carol.post(NEW, data)
    incident = Incident.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/portal/incidents/{incident.number}/"
    assert incident.contact.user == world["carol"] and incident.channel == "web"
    assert incident.severity == 3 and incident.subject == data["subject"]
    assert incident.entitlement == Incident.Entitlement.ALLOWED
    assert incident.missing == []
    assert incident.intake["steps"] == data["steps"]
    html = text(carol.get(response["Location"]))
    assert 'id="missing"' not in html
    assert "We have all we need." in html
    assert escape(data["description"]) in html


def test_an_incomplete_request_is_accepted_and_its_page_lists_what_is_missing(world, carol):
    data = request_data(world["catalog"]["footprints"], database="", steps="")
    response = carol.post(NEW, data, follow=True)
    incident = Incident.objects.get()
    assert incident.missing == ["database", "steps"]
    assert response.redirect_chain[-1][0] == f"/portal/incidents/{incident.number}/"
    html = text(response)
    missing = re.search(
        r'<section class="card card--attention" id="missing".*?</section>', html, re.S
    ).group(0)
    assert "We still need 2 details" in missing
    assert "Database version" in missing and "Steps to reproduce" in missing
    assert 'name="database"' in missing and 'name="steps"' in missing
    assert "Operating system" not in missing


def test_mallorys_request_shows_why_it_is_refused_and_can_go_for_review(world):
    mallory = signed_in("mallory")
    footprints = world["catalog"]["footprints"]
    form = text(mallory.get(NEW))
    decision = actions.intake_decision(world["initech"], footprints, "web")
    assert not decision.allowed and decision.clause == "P-DEFAULT"
    assert escape(decision.reason) in form
    assert 'href="/policy/#P-DEFAULT"' in form
    assert escape(actions.what_to_do("P-DEFAULT")) in form
    assert "Submit for review anyway" in form

    data = request_data(footprints, company="Initech", email="mallory@initech.test")
    refused = mallory.post(NEW, data)
    assert refused.status_code == 200 and not Incident.objects.exists()
    assert "Not submitted: your plan does not cover this request" in text(refused)
    assert escape(decision.reason) in text(refused)

    response = mallory.post(NEW, {**data, "accept_unentitled": "on"})
    incident = Incident.objects.get()
    assert response["Location"] == f"/portal/incidents/{incident.number}/"
    assert incident.entitlement == Incident.Entitlement.DENIED
    assert incident.entitlement_clause == "P-DEFAULT"
    page = text(mallory.get(response["Location"]))
    assert "Under review" in page and escape(decision.reason) in page
    assert "No response time applies until support accepts this request." in page


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("subject", "", "Enter a subject"),
        ("subject", "   ", "Enter a subject"),
        ("severity", "9", "Choose one of the severity levels listed."),
        ("severity", None, "Choose how badly the problem affects you."),
        ("product", "not-a-number", "Choose one of the products your company licensed."),
    ],
)
def test_bad_input_is_shown_at_its_field_and_creates_nothing(world, carol, field, value, message):
    response = carol.post(NEW, request_data(world["catalog"]["footprints"], **{field: value}))
    assert response.status_code == 200
    assert not Incident.objects.exists()
    html = text(response)
    error_id = f"id_{field}_error"
    assert re.search(rf'<p class="field-error" id="{error_id}">[^<]*{re.escape(message)}', html)
    # The summary links to the control, which says it is invalid and names its error.
    anchor = "id_severity_0" if field == "severity" else f"id_{field}"
    assert f'href="#{anchor}"' in html
    control = re.search(rf'<(input|select)[^>]*id="{anchor}"[^>]*>', html, re.S)
    if field != "severity":
        assert 'aria-invalid="true"' in control.group(0)
        assert error_id in control.group(0)
    # What the contact typed is kept.
    if field != "subject":
        assert 'value="Scheduled reports are not sent"' in html


def test_a_product_the_client_does_not_own_is_refused_at_the_field(world, carol):
    not_owned = world["catalog"]["compliance-manager"]
    assert not world["acme"].licences.filter(product_line=not_owned).exists()
    response = carol.post(NEW, request_data(not_owned))
    assert response.status_code == 200 and not Incident.objects.exists()
    assert re.search(
        r'id="id_product_error">Choose one of the products your company licensed', text(response)
    )


def test_a_client_without_licences_is_told_what_to_do_instead_of_a_form(world):
    world["initech"].licences.all().delete()
    html = text(signed_in("mallory").get(NEW))
    assert "We have no product on record for Initech." in html
    assert '<form method="post" action="/portal/incidents/new/"' not in html


def test_without_javascript_the_update_button_refreshes_the_form_and_submits_nothing(world, carol):
    track_it = world["catalog"]["track-it"]
    data = request_data(track_it, refresh="1", subject="Typed before changing the product")
    html = text(carol.post(NEW, data))
    assert not Incident.objects.exists()
    assert re.search(r'name="serial_number" value="TI-1"', html)
    assert 'value="Typed before changing the product"' in html
    assert "There is a problem" not in html
