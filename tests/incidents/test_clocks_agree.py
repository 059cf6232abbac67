"""An incident's stored clocks equal what `caredesk policy test` answers for the same facts."""

from datetime import timedelta

import pytest

from caredesk.incidents import actions
from caredesk.policy.scenarios import CLOCK_FIELDS, run_scenario
from tests.conftest import eastern

FACTS = [
    ("footprints", 1, "web", eastern(2026, 6, 5, 19)),  # 24x7 add-on
    ("track-it", 1, "email", eastern(2026, 6, 5, 19)),  # Friday evening, 08-20 calendar
    ("track-it", 3, "web", eastern(2026, 11, 25, 18)),  # Thanksgiving in between
    ("track-it", 2, "phone", eastern(2026, 3, 6, 13)),  # phone: no first-response target
    ("track-it", 1, "web", eastern(2026, 11, 1, 1, 15)),  # the fall-back night
]


@pytest.mark.parametrize(("product", "severity", "channel", "submitted"), FACTS)
def test_incident_clocks_match_the_scenario_answer(world, product, severity, channel, submitted):
    incident = actions.open_incident(
        client=world["acme"],
        product=world["catalog"][product],
        subject="Agreement",
        severity=severity,
        channel=channel,
        at=submitted,
    )
    actions.escalate(incident, reason="check", by=world["alice"], at=submitted + timedelta(hours=1))
    stored = {c.target: c.due_at for c in incident.clocks.all()}
    # The same facts as a policy scenario (the runner sets up its own world in a savepoint).
    expect = {field: stored.get(key, "none") for field, key in CLOCK_FIELDS.items()}
    scenario = {
        "name": "agreement",
        "now": submitted,
        "plan": [
            {
                "client": "X-1",
                "plan": "premium-care",
                "products": ["footprints", "track-it"],
                "start": world["plans"]["acme"].starts_on,
                "months": 24,
                "addons": ["24x7"],
            }
        ],
        "ask": {
            "kind": "clock",
            "client": "X-1",
            "product": product,
            "release": incident.release.version,
            "severity": severity,
            "channel": channel,
            "submitted": submitted,
            "escalated": submitted + timedelta(hours=1),
        },
        "expect": expect,
    }
    assert run_scenario(scenario) == []
    assert stored  # at least one target applies in every case above
