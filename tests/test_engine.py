"""The entitlement engine on the named world: every answer names its clause and policy version."""

from datetime import date

import pytest

from caredesk.clients.actions import record_purchase
from caredesk.plans import engine
from caredesk.plans.actions import PlanRefused, log_allowance_time, subscribe
from caredesk.plans.decisions import PolicyQuestionError
from caredesk.policy import get_policy
from tests.conftest import eastern

TUESDAY = eastern(2026, 6, 2, 10)


def ask(world, client, service, product, at=TUESDAY, **kw):
    return engine.entitlement(world[client], service, world["catalog"][product], at=at, **kw)


def test_premium_care_includes_escalation_and_records_the_policy_version(world):
    decision = ask(world, "acme", "escalated-follow-up", "track-it")
    assert decision.allowed and decision.clause == "P-PLAN"
    assert decision.policy_version == get_policy().version
    assert decision.until == date(2027, 8, 31)
    assert "Premium Care" in decision.reason


def test_install_assistance_sells_upgrade_protection_for_a_fee(world):
    decision = ask(world, "globex", "upgrade-protection", "track-it")
    assert (decision.allowed, decision.fee, decision.clause) == (False, True, "P-PLAN")
    assert not ask(world, "globex", "system-down-transfer", "track-it").allowed


def test_install_assistance_maintenance_releases_only_in_the_warranty_period(world):
    # globex bought Track-It! 9.x on 2025-03-01: the warranty ended long ago.
    late = ask(world, "globex", "maintenance-releases", "track-it")
    assert (late.allowed, late.clause) == (False, "P-PLAN")
    record_purchase(world["globex"], world["catalog"]["track-it"], "10.x", date(2026, 5, 20))
    early = ask(world, "globex", "maintenance-releases", "track-it")
    assert (early.allowed, early.clause) == (True, "P-MAINT")
    assert early.until == date(2026, 6, 18)


def test_maintenance_releases_follow_the_release_lifecycle(world):
    current = ask(world, "acme", "maintenance-releases", "footprints", release="11.0")
    prior = ask(world, "acme", "maintenance-releases", "footprints", release="10.0")
    retired = ask(world, "acme", "maintenance-releases", "footprints", release="9.0")
    assert (current.allowed, current.clause) == (True, "P-MAINT")
    assert (prior.allowed, prior.clause) == (False, "P-MAINT")
    assert (retired.allowed, retired.clause) == (False, "P-RETIRED")
    assert "upgrade to 11.0" in retired.reason


def test_phone_hours_and_the_24x7_add_on(world):
    night = eastern(2026, 6, 2, 23)
    fp = ask(world, "acme", "phone", "footprints", at=night)
    ti = ask(world, "acme", "phone", "track-it", at=night)
    assert (fp.allowed, fp.clause) == (True, "P-24x7")
    assert (ti.allowed, ti.clause) == (False, "P-CHANNEL")
    assert "opens again" in ti.reason
    holiday = ask(world, "globex", "phone", "track-it", at=eastern(2026, 11, 26, 10))
    assert (holiday.allowed, holiday.clause) == (False, "P-CHANNEL")
    assert ask(world, "globex", "phone", "track-it").allowed


def test_24x7_is_for_footprints_only(world):
    assert ask(world, "acme", "24x7", "footprints").allowed
    decision = ask(world, "acme", "24x7", "track-it")
    assert (decision.allowed, decision.clause) == (False, "P-24x7")
    assert "Numara FootPrints" in decision.reason


def test_no_coverage_names_why(world, catalog):
    ended = ask(world, "acme", "knowledge-base", "footprints", at=eastern(2027, 9, 1, 10))
    assert (ended.allowed, ended.clause) == (False, "P-TERM")
    bought = ask(world, "initech", "e-submission", "footprints")
    assert (bought.allowed, bought.clause) == (False, "P-DEFAULT")
    nothing = ask(world, "initech", "e-submission", "patch-manager")
    assert (nothing.allowed, nothing.clause) == (False, "P-PLAN")


def test_a_purchase_without_a_plan_gets_install_assistance_for_30_days(world):
    record_purchase(world["initech"], world["catalog"]["patch-manager"], "11.0", date(2026, 6, 1))
    day30 = ask(world, "initech", "e-submission", "patch-manager", at=eastern(2026, 6, 30, 23))
    day31 = ask(world, "initech", "e-submission", "patch-manager", at=eastern(2026, 7, 1, 0, 30))
    assert (day30.allowed, day30.clause) == (True, "P-DEFAULT")
    assert (day31.allowed, day31.clause) == (False, "P-DEFAULT")


def test_migration_assistance_is_an_allowance(world):
    client, footprints = world["acme"], world["catalog"]["footprints"]
    assert (
        engine.scope(
            "migration-assistance", client=client, product=footprints
        ).allowance_minutes_left
        == 60
    )
    log_allowance_time(client, footprints, "migration-assistance", 45)
    left = engine.scope("migration-assistance", client=client, product=footprints)
    assert (left.supported, left.allowance_minutes_left) == (True, 15)
    log_allowance_time(client, footprints, "migration-assistance", 30)
    spent = engine.scope("migration-assistance", client=client, product=footprints)
    assert (spent.supported, spent.referral, spent.allowance_minutes_left) == (
        False,
        "professional-services",
        0,
    )
    decision = ask(world, "acme", "migration-assistance", "footprints")
    assert (decision.allowed, decision.fee, decision.clause) == (False, True, "P-SCOPE")
    # The allowance is per product: Track-It! still has its hour.
    assert ask(world, "acme", "migration-assistance", "track-it").allowed


def test_log_allowance_time_refuses_bad_input(world):
    with pytest.raises(ValueError, match="unknown allowance"):
        log_allowance_time(world["acme"], None, "golf-lessons", 10)
    with pytest.raises(ValueError, match="positive"):
        log_allowance_time(world["acme"], None, "migration-assistance", 0)


@pytest.mark.parametrize(
    ("category", "supported", "referral"),
    [
        ("installation", True, "none"),
        ("customization", False, "professional-services"),
        ("enhancement-request", False, "enhancement-requests"),
        ("data-recovery", False, "none"),
    ],
)
def test_scope_categories(db, category, supported, referral):
    decision = engine.scope(category)
    assert (decision.supported, decision.referral, decision.clause) == (
        supported,
        referral,
        "P-SCOPE",
    )


def test_clocks_on_business_time(world):
    clocks = engine.clocks(
        world["acme"],
        world["catalog"]["track-it"],
        severity=1,
        channel="web",
        submitted=eastern(2026, 6, 5, 19),
        escalated=eastern(2026, 6, 5, 19),
    )
    assert clocks.due("first-response") == eastern(2026, 6, 8, 19)
    assert clocks.due("system-down-transfer") == eastern(2026, 6, 5, 21)
    assert clocks.due("system-down-callback") == eastern(2026, 6, 8, 9)
    assert clocks.due("escalated-follow-up") == eastern(2026, 6, 8, 19)
    # FootPrints runs on the 24x7 add-on calendar: a business day is 24 hours.
    fp = engine.clocks(
        world["acme"],
        world["catalog"]["footprints"],
        severity=3,
        channel="email",
        submitted=eastern(2026, 6, 5, 19),
    )
    assert fp.due("first-response") == eastern(2026, 6, 6, 19)
    assert fp.due("system-down-transfer") is None and fp.decision.clause == "P-24x7"


def test_install_assistance_has_only_the_first_response_target(world):
    clocks = engine.clocks(
        world["globex"],
        world["catalog"]["track-it"],
        severity=1,
        channel="web",
        submitted=eastern(2026, 6, 6, 12),
    )
    assert set(clocks.targets) == {"first-response"}
    assert clocks.due("first-response") == eastern(2026, 6, 8, 20)
    phone = engine.clocks(
        world["globex"],
        world["catalog"]["track-it"],
        severity=2,
        channel="phone",
        submitted=TUESDAY,
    )
    assert phone.targets == {}


def test_clock_questions_refuse_unknown_channel_and_severity(world):
    with pytest.raises(PolicyQuestionError, match="unknown channel"):
        engine.clocks(
            world["acme"],
            world["catalog"]["track-it"],
            severity=1,
            channel="fax",
            submitted=TUESDAY,
        )
    with pytest.raises(PolicyQuestionError, match="unknown severity"):
        engine.clocks(
            world["acme"],
            world["catalog"]["track-it"],
            severity=7,
            channel="web",
            submitted=TUESDAY,
        )


def test_plan_change_rules(world, catalog):
    acme, globex = world["acme"], world["globex"]
    term = engine.plan_change(
        acme, "premium-care", [catalog["footprints"]], start=date(2027, 9, 1), months=6
    )
    assert (term.allowed, term.clause) == (False, "P-TERM")
    avail = engine.plan_change(
        acme, "premium-care", [catalog["mobile-device-manager"]], start=date(2026, 1, 1), months=12
    )
    assert (avail.allowed, avail.clause) == (False, "P-AVAIL")
    level = engine.plan_change(
        acme, "install-assistance", [catalog["patch-manager"]], start=date(2026, 1, 1), months=12
    )
    assert (level.allowed, level.clause) == (False, "P-SAME-LEVEL")
    addon = engine.plan_change(
        globex,
        "premium-care",
        [catalog["track-it"]],
        start=date(2026, 1, 1),
        months=12,
        addons=["24x7"],
    )
    assert (addon.allowed, addon.clause) == (False, "P-24x7")
    renew = engine.plan_change(
        globex, "premium-care", [catalog["track-it"]], start=date(2028, 3, 1), months=12
    )
    assert (renew.allowed, renew.clause, renew.upgrade_text) == (True, "P-RENEW", "10.x")
    fine = engine.plan_change(
        acme, "premium-care", [catalog["patch-manager"]], start=date(2026, 1, 1), months=36
    )
    assert (fine.allowed, fine.clause, fine.upgrade_text) == (True, "P-PLAN", "none")


def test_moving_every_product_to_a_new_level_is_not_mixing_levels(world, catalog):
    upgrade = engine.plan_change(
        world["globex"], "premium-care", [catalog["track-it"]], start=date(2026, 6, 1), months=12
    )
    assert upgrade.allowed


def test_subscribe_refuses_what_the_policy_refuses_and_saves_nothing(world, catalog):
    before = world["acme"].subscriptions.count()
    with pytest.raises(PlanRefused) as refused:
        subscribe(
            world["acme"],
            "premium-care",
            [catalog["footprints"]],
            starts_on=date(2027, 9, 1),
            months=18,
        )
    assert refused.value.decision.clause == "P-TERM"
    assert world["acme"].subscriptions.count() == before
    with pytest.raises(PolicyQuestionError, match="unknown plan"):
        subscribe(
            world["acme"], "gold", [catalog["footprints"]], starts_on=date(2027, 9, 1), months=12
        )


def test_a_renewal_links_to_the_plan_it_renews(world, catalog):
    old = world["plans"]["acme"]
    new = subscribe(
        world["acme"],
        "premium-care",
        [catalog["footprints"], catalog["track-it"]],
        starts_on=old.ends_on,
        months=12,
        addons=["24x7"],
    )
    assert new.renews == old
    assert new.decided_by_clause == "P-PLAN" and new.policy_version == get_policy().version
    assert (new.starts_on, new.last_day) == (date(2027, 9, 1), date(2028, 8, 31))


def test_overview_lists_every_service_for_every_product(world):
    rows = engine.overview(world["acme"], at=TUESDAY)
    assert {row["product"].slug for row in rows} == {"footprints", "track-it"}
    assert all(len(row["decisions"]) == 12 for row in rows)


def test_unbranded_third_party_products_get_installation_and_integration_only(catalog):
    line = catalog["track-it-pc-migrate"]
    line.branding = line.Branding.THIRD_PARTY
    line.save()
    usage = engine.scope("product-usage", product=line)
    assert (usage.supported, usage.clause) == (False, "P-THIRDPARTY")
    assert engine.scope("installation", product=line).supported
    line.branding = line.Branding.BRANDED
    line.save()
    assert engine.scope("product-usage", product=line).supported
