"""The console's test world: signed-in clients for the named people and incidents to work."""

import pytest
from django.test import Client as HttpClient


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
def open_now(open_carol):
    """Open an incident now for acme's carol (FootPrints, web, severity 3); keywords override."""
    return open_carol


@pytest.fixture
def incident(open_now):
    return open_now()
