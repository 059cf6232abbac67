"""The console's test world: signed-in clients for the named people and incidents to work."""

import pytest
from django.test import Client as HttpClient

from caredesk.incidents import actions


def signed_in(user) -> HttpClient:
    http = HttpClient()
    http.force_login(user)
    return http


@pytest.fixture
def alice_http(world):
    return signed_in(world["alice"])


@pytest.fixture
def sam_http(world):
    return signed_in(world["sam"])


@pytest.fixture
def open_now(world):
    """Open an incident now for acme's carol (FootPrints, web, severity 3); keywords override."""

    def make(**overrides):
        fields = {
            "client": world["acme"],
            "product": world["catalog"]["footprints"],
            "contact": world["acme"].contacts.get(email="carol@acme.test"),
            "subject": "Reports fail",
            "severity": 3,
            "channel": "web",
            "description": "The nightly report fails with error 42.",
            "by": world["carol"],
        }
        fields.update(overrides)
        return actions.open_incident(**fields)

    return make


@pytest.fixture
def incident(open_now):
    return open_now()
