"""Clients beyond the named world whose decisions name other clauses (P-RETIRED, P-TERM)."""

from datetime import date, timedelta

import pytest

from caredesk.catalog.actions import announce_retirement, retire_due_releases
from caredesk.clients.actions import record_purchase, register_client
from caredesk.plans.actions import subscribe
from caredesk.plans.models import add_months


def years_ago(years: int) -> date:
    today = date.today()
    return today.replace(year=today.year - years, day=min(today.day, 28))


@pytest.fixture
def hooli(world):
    """Premium Care in force for FootPrints, but running 10.0, which has been retired early."""
    catalog = world["catalog"]
    client = register_client("C-400", "Hooli")
    started = date.today() - timedelta(days=60)
    record_purchase(client, catalog["footprints"], "10.0", started, serial_number="FP-OLD")
    subscribe(client, "premium-care", [catalog["footprints"]], starts_on=started, months=12)
    old = catalog["footprints"].releases.get(version="10.0")
    retires_on = date.today() - timedelta(days=1)
    announce_retirement(old, retires_on=retires_on, announced_on=retires_on - timedelta(days=120))
    retire_due_releases(date.today())
    return client


@pytest.fixture
def umbrella(world):
    """Install Assistance for Track-It! ended last year; Premium Care starts next month."""
    catalog = world["catalog"]
    client = register_client("C-500", "Umbrella")
    bought = years_ago(3)
    record_purchase(client, catalog["track-it"], "10.x", bought, serial_number="TI-U")
    ended = subscribe(client, "install-assistance", [catalog["track-it"]], starts_on=bought,
                      months=12)
    upcoming = subscribe(client, "premium-care", [catalog["track-it"]],
                         starts_on=add_months(date.today(), 1), months=12)
    return {"client": client, "ended": ended, "upcoming": upcoming}
