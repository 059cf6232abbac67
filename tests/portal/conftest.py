"""The portal's test helpers: signed-in browsers, incidents of the named world, more contacts."""

from datetime import date, timedelta

import pytest
from django.test import Client as Browser

from caredesk.accounts.models import User
from caredesk.catalog.actions import announce_retirement, retire_due_releases
from caredesk.clients.actions import add_contact, record_purchase, register_client
from caredesk.incidents import actions
from caredesk.plans.actions import subscribe

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
def hooli(world):
    """Premium Care for FootPrints, running 10.0, which has been retired early; contact hank."""
    catalog = world["catalog"]
    client = register_client("C-400", "Hooli")
    started = date.today() - timedelta(days=60)
    record_purchase(client, catalog["footprints"], "10.0", started, serial_number="FP-OLD")
    subscribe(client, "premium-care", [catalog["footprints"]], starts_on=started, months=12)
    old = catalog["footprints"].releases.get(version="10.0")
    retires_on = date.today() - timedelta(days=1)
    announce_retirement(old, retires_on=retires_on, announced_on=retires_on - timedelta(days=120))
    retire_due_releases(date.today())
    contact_user(client, "hank", "Hank Hooli")
    return client


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
