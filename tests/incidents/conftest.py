import pytest

from tests.conftest import eastern

TUESDAY_10 = eastern(2026, 6, 2, 10)


@pytest.fixture
def open_fp(open_carol):
    """Open a FootPrints incident for acme's contact carol on Tuesday 2 June 2026 at 10:00
    (keyword arguments override)."""

    def make(**overrides):
        return open_carol(**{"at": TUESDAY_10, **overrides})

    return make
