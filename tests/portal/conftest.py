"""The portal's test helpers: signed-in browsers, incidents of the named world, more contacts."""

import pytest
from django.test import Client as Browser

from caredesk.accounts.models import User
from caredesk.clients.actions import add_contact
from caredesk.incidents import actions

PASSWORD = "test-pass-123"


def signed_in(username: str, **kwargs) -> Browser:
    browser = Browser(**kwargs)
    assert browser.login(username=username, password=PASSWORD)
    return browser


def text(response) -> str:
    return response.content.decode()


def contact_user(client, username: str, name: str):
    user = User.objects.create_user(username, f"{username}@example.test", PASSWORD)
    add_contact(client, name, f"{username}@{client.number.lower()}.test", user=user)
    return user


@pytest.fixture
def carol(world):
    return signed_in("carol")


@pytest.fixture
def dave(world):
    """A second contact at acme, carol's colleague."""
    contact_user(world["acme"], "dave", "Dave Colleague")
    return signed_in("dave")


@pytest.fixture
def open_for(world):
    """Open an incident through the action, as the portal would (keyword arguments override)."""

    def make(contact_email="carol@acme.test", **overrides):
        client = overrides.pop("client", world["acme"])
        contact = client.contacts.get(email=contact_email)
        fields = {
            "client": client,
            "product": world["catalog"]["footprints"],
            "contact": contact,
            "subject": "Reports fail",
            "severity": 3,
            "channel": "web",
            "description": "The monthly report fails with error 42.",
            "by": contact.user,
        }
        fields.update(overrides)
        return actions.open_incident(**fields)

    return make


@pytest.fixture
def hooli(hooli):
    """The shared Hooli (Premium Care on FootPrints 10.0, retired early), with contact hank."""
    contact_user(hooli, "hank", "Hank Hooli")
    return hooli


def request_data(line, **overrides) -> dict:
    """A complete request as the form posts it: every item the intake checklist requires."""
    data = {
        "product": line.pk,
        "subject": "Scheduled reports are not sent",
        "severity": "3",
        "description": "Reports scheduled for 8am never arrive.",
        "steps": "Schedule any report and wait for it.",
        "os": "Windows Server 2019",
        "database": "SQL Server 2019",
        "service_packs": "none",
        "hot_fixes": "none",
        "company": "Acme Corp",
        "contact_name": "Carol Contact",
        "phone": "+1 555 0100",
        "email": "carol@acme.test",
        "version": "11.0",
        "serial_number": "FP-1",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}
