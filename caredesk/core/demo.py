"""Demo data: a small vendor's support world, dated relative to today so it never goes stale."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from caredesk.accounts.models import User
from caredesk.catalog.actions import publish_release
from caredesk.catalog.default_catalog import load_catalog
from caredesk.catalog.models import ProductLine
from caredesk.clients.actions import (
    add_contact,
    record_purchase,
    register_client,
    update_environment,
)
from caredesk.plans.actions import log_allowance_time, subscribe
from caredesk.plans.models import add_months

DEMO_PASSWORD = "caredesk-demo"

STAFF = [
    ("admin", "Ada", "Admin", User.Role.ADMIN),
    ("alice", "Alice", "Agent", User.Role.AGENT),
    ("sam", "Sam", "Senior", User.Role.SENIOR),
    ("maggie", "Maggie", "Manager", User.Role.MANAGER),
    ("rita", "Rita", "Releases", User.Role.RELEASE_MANAGER),
]


def _person(username: str, first: str, last: str, role: str) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User.objects.create_user(
            username,
            f"{username}@example.test",
            DEMO_PASSWORD,
            first_name=first,
            last_name=last,
            role=role,
        )
    if role in User.STAFF_ROLES:
        user.is_staff = True
        user.is_superuser = role == User.Role.ADMIN
        user.save(update_fields=["is_staff", "is_superuser"])
    return user


def demo_loaded() -> bool:
    from caredesk.clients.models import Client

    return Client.objects.filter(number="C-1001").exists()


@transaction.atomic
def load_demo(today: date | None = None) -> list[tuple[str, str, str]]:
    """Create the demo world; returns (username, role, what to look at) for the printed logins."""
    today = today or timezone.localdate()
    load_catalog()
    lines = {line.slug: line for line in ProductLine.objects.all()}
    footprints, track_it = lines["footprints"], lines["track-it"]
    if not footprints.releases.filter(version="9.0").exists():
        publish_release(footprints, "9.0", "version", name="Numara FootPrints", historic=True)
    if not footprints.releases.filter(version="11.0.200").exists():
        publish_release(
            footprints,
            "11.0.200",
            "service-pack",
            corrects="11.0",
            name="FootPrints 11.0 Service Pack 2",
            published_on=today - timedelta(days=40),
        )

    logins = [(u, r.label, "") for u, _, _, r in STAFF]
    for username, first, last, role in STAFF:
        _person(username, first, last, role)

    # Premium Care with the 24x7 add-on for FootPrints, four months into a 12-month term.
    acme = register_client("C-1001", "Acme Manufacturing")
    start = add_months(today, -4)
    record_purchase(
        acme,
        footprints,
        "11.0",
        start,
        serial_number="FP11-ACME-0042",
        server_os="Windows Server 2008 R2",
        database="SQL Server 2008 SP1",
    )
    record_purchase(
        acme,
        track_it,
        "10.x",
        start,
        serial_number="TI10-ACME-7781",
        server_os="Windows Server 2008 R2",
        database="SQL Server 2008 SP1",
    )
    update_environment(
        acme.licences.get(product_line=footprints),
        applied=[footprints.releases.get(version="11.0.200")],
    )
    subscribe(
        acme, "premium-care", [footprints, track_it], starts_on=start, months=12, addons=["24x7"]
    )
    log_allowance_time(
        acme,
        footprints,
        "migration-assistance",
        20,
        note="Moved the FootPrints server to new hardware",
    )
    carol = _person("carol", "Carol", "Chen", User.Role.CONTACT)
    add_contact(
        acme,
        "Carol Chen",
        "carol@acme.example",
        phone="+1 617 555 0142",
        user=carol,
        is_primary=True,
    )
    add_contact(acme, "Dan Ortiz", "dan@acme.example", phone="+1 617 555 0199")
    logins.append(("carol", "Client contact", "Acme: Premium Care with 24x7 for FootPrints"))

    # Install Assistance: bought Track-It! ten days ago, with a 12-month Install Assistance plan.
    globex = register_client("C-1002", "Globex Logistics")
    bought = today - timedelta(days=10)
    record_purchase(
        globex,
        track_it,
        "10.x",
        bought,
        serial_number="TI10-GLX-0001",
        server_os="Windows Server 2008",
        database="SQL Server 2005",
    )
    subscribe(globex, "install-assistance", [track_it], starts_on=bought, months=12)
    gary = _person("gary", "Gary", "Goldberg", User.Role.CONTACT)
    add_contact(globex, "Gary Goldberg", "gary@globex.example", phone="+1 312 555 0110", user=gary)
    logins.append(("gary", "Client contact", "Globex: Install Assistance, in its warranty period"))

    # Expired: Premium Care for Track-It! ended last month and was not renewed.
    initech = register_client("C-1003", "Initech")
    old = add_months(today, -13)
    record_purchase(initech, track_it, "9.x", old, serial_number="TI9-INI-3141")
    subscribe(initech, "premium-care", [track_it], starts_on=old, months=12)
    ivan = _person("ivan", "Ivan", "Ivanova", User.Role.CONTACT)
    add_contact(initech, "Ivan Ivanova", "ivan@initech.example", phone="+1 512 555 0123", user=ivan)
    logins.append(("ivan", "Client contact", "Initech: plan expired last month"))

    # Premium Care, but still running FootPrints 9.0, a Retired release.
    umbrella = register_client("C-1004", "Umbrella Health")
    record_purchase(
        umbrella,
        footprints,
        "9.0",
        add_months(today, -40),
        serial_number="FP9-UMB-2718",
        server_os="Windows Server 2003",
        database="SQL Server 2005",
    )
    subscribe(umbrella, "premium-care", [footprints], starts_on=add_months(today, -2), months=24)
    uma = _person("uma", "Uma", "Underwood", User.Role.CONTACT)
    add_contact(
        umbrella, "Uma Underwood", "uma@umbrella.example", phone="+1 206 555 0177", user=uma
    )
    logins.append(("uma", "Client contact", "Umbrella: Premium Care on a Retired release"))
    load_demo_incidents()
    return logins


CANNED = [
    (
        "Ask for the log files",
        "Could you send us the application log files from the server "
        "(Help > About shows where they are), and the time the problem last happened?",
    ),
    (
        "Current release needed",
        "This is fixed in the Current release. Please upgrade and let us "
        "know whether the problem remains.",
    ),
    (
        "Closing — no answer",
        "We have not heard back from you, so we are resolving this incident. "
        "Reply to reopen it at any time.",
    ),
]


def load_demo_incidents(now=None) -> None:
    """A few incidents in every state, opened through the same actions as the portal."""
    from caredesk.clients.models import Client
    from caredesk.console.actions import save_canned_reply
    from caredesk.incidents import actions
    from caredesk.incidents.clocks import sweep

    now = now or timezone.now()
    staff = {u.username: u for u in User.objects.filter(username__in=["alice", "sam", "maggie"])}
    acme, globex, umbrella = (Client.objects.get(number=n) for n in ("C-1001", "C-1002", "C-1004"))
    lines = {line.slug: line for line in ProductLine.objects.all()}

    def contact(client):
        return client.contacts.order_by("-is_primary").first()

    def open_(client, product, subject, severity, hours_ago, description, **values):
        return actions.open_incident(
            client=client,
            contact=contact(client),
            product=lines[product],
            subject=subject,
            severity=severity,
            channel="web",
            description=description,
            values=values,
            by=contact(client).user,
            at=now - timedelta(hours=hours_ago),
        )

    done = open_(
        acme,
        "track-it",
        "Technician dashboard shows no tickets",
        3,
        24 * 6,
        "Since Monday the dashboard is empty for every technician.",
        steps="Log in as a technician; open the dashboard.",
    )
    actions.reply(
        done,
        "The dashboard filter was reset by the upgrade; see KB 1042.",
        by=staff["alice"],
        at=now - timedelta(hours=24 * 6 - 2),
    )
    actions.resolve(
        done, by=staff["alice"], summary="Filter restored.", at=now - timedelta(hours=24 * 5)
    )

    slow = open_(
        acme,
        "footprints",
        "Reports time out after Service Pack 2",
        2,
        3,
        "Every report over 30 days of data times out after 120 seconds.",
        steps="Reports > Incident volume > last 90 days > Run.",
    )
    actions.assign(slow, staff["alice"], by=staff["alice"], at=now - timedelta(hours=2))

    open_(
        acme,
        "track-it",
        "Nobody can log in to Track-It!",
        1,
        0.5,
        "Every user gets 'license server unavailable' since 09:00.",
    )

    waiting = open_(
        globex,
        "track-it",
        "How do I route e-mail requests to a group?",
        4,
        30,
        "We want requests sent to helpdesk@ to land in the Network group.",
    )
    actions.request_information(
        waiting,
        by=staff["alice"],
        message="Which mailbox do you poll?",
        at=now - timedelta(hours=26),
    )

    open_(
        umbrella,
        "footprints",
        "Address book sync stopped",
        3,
        50,
        "LDAP address book sync stopped overnight.",
        steps="Administration > Address book > Sync now.",
    )
    sweep(now)  # targets already past their due instant are recorded as breached

    for title, body in CANNED:
        save_canned_reply(title=title, body=body, shared=True)
    load_demo_mail(now)


DEMO_MAIL = [
    (
        "carol@acme.example",
        "Inventory Manager scan stops at 80%",
        "Hello support,\n\nthe nightly scan in FootPrints stops at 80% since Tuesday.\n\n"
        "Product: FootPrints\nSeverity: 3\nOS: Windows Server 2008 R2\n"
        "Database: SQL Server 2008 SP1\n\nRegards,\nCarol",
    ),
    (
        "it-director@unknown-company.example",
        "Pricing for a support plan?",
        "Hi, we are evaluating Track-It! and would like to know the price of Premium Care.",
    ),
]


def load_demo_mail(now) -> None:
    """Two messages through the real intake: one opens an incident, one waits in quarantine."""
    from email.message import EmailMessage
    from email.utils import format_datetime, make_msgid

    from caredesk.mail import intake

    for sender, subject, body in DEMO_MAIL:
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = (
            sender,
            "support@vendor.example",
            subject,
        )
        message["Date"] = format_datetime(now)
        message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2])
        message.set_content(body)
        stored = intake.store(message.as_bytes(), source="demo")
        intake.route(stored.inbound, stored.parsed)
