import pytest

from caredesk.incidents import actions
from tests.conftest import eastern

TUESDAY_10 = eastern(2026, 6, 2, 10)


@pytest.fixture
def open_fp(world):
    """Open a FootPrints incident for acme's contact carol (keyword arguments override)."""

    def make(**overrides):
        fields = {
            "client": world["acme"],
            "product": world["catalog"]["footprints"],
            "contact": world["acme"].contacts.get(email="carol@acme.test"),
            "subject": "Reports fail",
            "severity": 3,
            "channel": "web",
            "description": "It fails.",
            "at": TUESDAY_10,
            "by": world["carol"],
        }
        fields.update(overrides)
        return actions.open_incident(**fields)

    return make
