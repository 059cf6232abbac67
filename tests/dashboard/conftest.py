"""A support floor with known clocks, built through the incident actions, seen at NOW.

acme's FootPrints and Track-It! are on Premium Care with the 24x7 add-on: the first response is
due 24 hours after the incident is opened, System Down targets 2 hours after.
"""

from datetime import timedelta

import pytest

from caredesk.incidents import actions, clocks
from tests.conftest import eastern
from tests.incidents import conftest as incidents

open_fp = incidents.open_fp  # the fixture, shared with the incident tests

NOW = eastern(2026, 6, 10, 15)  # Wednesday 10 June 2026, 15:00 Eastern
H = timedelta(hours=1)
D = timedelta(days=1)


@pytest.fixture
def floor(world, open_fp):
    """Eight incidents; the comment above each says what its clocks did by NOW.

    Open: late (breaching), soon (due in 1 h), answered, down (System Down), waiting, unentitled;
    resolved: done (met, due 8 days ago) and globex (breached, due 20 days ago)."""
    cat, alice, sam = world["catalog"], world["alice"], world["sam"]
    f = {}
    # First response due NOW - 6 h, never given: breached by the sweep at NOW.
    f["late"] = open_fp(subject="Late", at=NOW - 30 * H)
    # First response due NOW + 1 h: a near-breach.
    f["soon"] = open_fp(subject="Soon", at=NOW - 23 * H)
    # Track-It!, answered in time; its first response falls due tomorrow (not yet counted).
    f["answered"] = open_fp(
        subject="Answered", product=cat["track-it"], severity=2, at=NOW - 10 * H
    )
    actions.reply(f["answered"], "Looking", by=alice, at=NOW - 9 * H)
    # System Down 5 hours ago: sam took it over in time (transfer met, due NOW - 3 h) but called
    # back only at NOW - 2 h (callback due NOW - 3 h: breached); first response met, due tomorrow.
    f["down"] = open_fp(subject="Down", severity=1, at=NOW - 5 * H)
    actions.take_over(f["down"], by=sam, at=NOW - 4 * H)
    actions.log_call(f["down"], by=sam, summary="Called", minutes=10, at=NOW - 2 * H)
    # Waiting on the client since NOW - 2 h; the request met the first response (due tomorrow).
    f["waiting"] = open_fp(subject="Waiting", at=NOW - 3 * H)
    actions.request_information(f["waiting"], by=alice, at=NOW - 2 * H)
    # initech has no plan: kept for review, no clocks.
    f["unentitled"] = open_fp(
        client=world["initech"],
        contact=None,
        subject="No plan",
        at=NOW - 1 * H,
        accept_unentitled=True,
    )
    # Resolved 8 days ago, answered in time: one target met in the window.
    f["done"] = open_fp(subject="Done", product=cat["track-it"], at=NOW - 9 * D)
    actions.reply(f["done"], "Fixed", by=alice, at=NOW - 9 * D + 2 * H)
    actions.resolve(f["done"], by=alice, at=NOW - 8 * D)
    # globex, 20 days ago, never answered in time: breached, then answered late and resolved.
    f["globex"] = open_fp(
        client=world["globex"],
        contact=world["globex"].contacts.get(),
        product=cat["track-it"],
        subject="Globex",
        at=NOW - 21 * D,
    )
    clocks.sweep(NOW - 15 * D)
    actions.reply(f["globex"], "Sorry", by=alice, at=NOW - 15 * D)
    actions.resolve(f["globex"], by=alice, at=NOW - 15 * D)
    clocks.sweep(NOW)
    for incident in f.values():
        incident.refresh_from_db()
    return f
