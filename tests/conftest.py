"""The named test world: acme on Premium Care, globex on Install Assistance, and their people.

Everything is built through the same action functions the product uses.
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from caredesk.accounts.models import User
from caredesk.catalog.default_catalog import load_catalog
from caredesk.catalog.models import ProductLine
from caredesk.clients.actions import add_contact, record_purchase, register_client
from caredesk.plans.actions import subscribe

EASTERN = ZoneInfo("America/New_York")


def eastern(*args) -> datetime:
    """An instant on the support clock: eastern(2026, 6, 2, 10) is Tue 2 June 2026, 10:00."""
    return datetime(*args, tzinfo=EASTERN)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Real hashing costs a third of a second per user; tests need no brute-force resistance."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def catalog(db):
    load_catalog()
    return {line.slug: line for line in ProductLine.objects.all()}


def _user(username, role, **extra):
    user = User.objects.create_user(
        username,
        f"{username}@example.test",
        "test-pass-123",
        role=role,
        first_name=username.title(),
        **extra,
    )
    return user


@pytest.fixture
def world(catalog):
    """acme (Premium Care + 24x7 for FootPrints and Track-It!), globex (Install Assistance),
    initech (no plan); agent alice, senior technician sam, manager maggie, contact carol at acme,
    contact gary at globex, outsider mallory at initech."""
    acme = register_client("C-100", "Acme Corp")
    globex = register_client("C-200", "Globex")
    initech = register_client("C-300", "Initech")
    record_purchase(acme, catalog["footprints"], "11.0", date(2025, 9, 1), serial_number="FP-1")
    record_purchase(acme, catalog["track-it"], "10.x", date(2025, 9, 1), serial_number="TI-1")
    record_purchase(globex, catalog["track-it"], "9.x", date(2025, 3, 1))
    record_purchase(initech, catalog["footprints"], "10.0", date(2024, 1, 10))
    acme_plan = subscribe(
        acme,
        "premium-care",
        [catalog["footprints"], catalog["track-it"]],
        starts_on=date(2025, 9, 1),
        months=24,
        addons=["24x7"],
    )
    globex_plan = subscribe(
        globex, "install-assistance", [catalog["track-it"]], starts_on=date(2025, 3, 1), months=36
    )
    people = {
        "alice": _user("alice", User.Role.AGENT),
        "sam": _user("sam", User.Role.SENIOR),
        "maggie": _user("maggie", User.Role.MANAGER),
        "carol": _user("carol", User.Role.CONTACT),
        "gary": _user("gary", User.Role.CONTACT),
        "mallory": _user("mallory", User.Role.CONTACT),
    }
    add_contact(
        acme,
        "Carol Contact",
        "carol@acme.test",
        phone="+1 555 0100",
        user=people["carol"],
        is_primary=True,
    )
    add_contact(globex, "Gary Globex", "gary@globex.test", user=people["gary"])
    add_contact(initech, "Mallory Outsider", "mallory@initech.test", user=people["mallory"])
    return {
        "acme": acme,
        "globex": globex,
        "initech": initech,
        "catalog": catalog,
        "plans": {"acme": acme_plan, "globex": globex_plan},
        **people,
    }


@pytest.fixture
def open_carol(world):
    """open_carol(**overrides): an incident opened through the action for acme's contact carol
    (FootPrints, web, severity 3, now); keywords override any field."""
    from caredesk.incidents import actions

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
def hooli(world):
    """Premium Care in force for FootPrints, but running 10.0, which has been retired early."""
    from datetime import timedelta

    from caredesk.catalog.actions import announce_retirement, retire_due_releases

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


CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="session")
def chromium():
    """Debian's Chromium driven by Playwright, launched once for every browser test."""
    import os
    from pathlib import Path

    from playwright import sync_api as playwright_sync

    if not Path(CHROMIUM).exists():
        # Failing, not skipping: a suite that silently drops its browser tests proves nothing.
        pytest.fail(f"{CHROMIUM} is missing: `make browser` installs Debian's chromium")
    # Playwright's sync API runs an event loop in this thread; Django's ORM would refuse to run
    # beside it without this, although every query the tests make is ordinary synchronous code.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with playwright_sync.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()


@pytest.fixture
def shots(tmp_path):
    """shots(page, name): a full-page screenshot, kept in $CAREDESK_SCREENSHOTS when set."""
    import os
    from pathlib import Path

    folder = Path(os.environ.get("CAREDESK_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)

    def shot(page, name):
        page.screenshot(path=str(folder / f"{name}.png"), full_page=True)

    return shot
