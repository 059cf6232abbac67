"""Clients beyond the named world whose decisions name other clauses (P-RETIRED, P-TERM)."""

from datetime import date

import pytest

from caredesk.clients.actions import record_purchase, register_client
from caredesk.plans.actions import subscribe
from caredesk.plans.models import add_months


def years_ago(years: int) -> date:
    today = date.today()
    return today.replace(year=today.year - years, day=min(today.day, 28))


@pytest.fixture
def umbrella(world):
    """Install Assistance for Track-It! ended last year; Premium Care starts next month."""
    catalog = world["catalog"]
    client = register_client("C-500", "Umbrella")
    bought = years_ago(3)
    record_purchase(client, catalog["track-it"], "10.x", bought, serial_number="TI-U")
    ended = subscribe(
        client, "install-assistance", [catalog["track-it"]], starts_on=bought, months=12
    )
    upcoming = subscribe(
        client,
        "premium-care",
        [catalog["track-it"]],
        starts_on=add_months(date.today(), 1),
        months=12,
    )
    return {"client": client, "ended": ended, "upcoming": upcoming}
