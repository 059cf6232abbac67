"""The policy document: the shipped default is valid, and a wrong file is refused by key."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from caredesk.policy import DEFAULT_POLICY_PATH, PolicyError, get_policy, load_policy, use_policy

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_TEXT = DEFAULT_POLICY_PATH.read_text("utf-8")


def write_policy(tmp_path, text, name="policy.toml"):
    path = tmp_path / name
    path.write_text(text, "utf-8")
    return path


def refusal(tmp_path, text) -> str:
    with pytest.raises(PolicyError) as caught:
        load_policy(write_policy(tmp_path, text))
    return str(caught.value)


def test_the_shipped_policy_holds_the_guide():
    policy = load_policy()
    doc = policy.document
    assert [s.name for s in doc.severities] == [
        "System Down",
        "Functional Problem",
        "Inconvenience",
        "General Use",
    ]
    assert doc.plans["premium-care"].terms_months == [12, 24, 36]
    assert str(doc.plans["premium-care"].targets["system-down-callback"].within) == (
        "2 business hours"
    )
    assert doc.plans["install-assistance"].features["maintenance-releases"] == "warranty"
    assert doc.addons["24x7"].products == ["footprints"]
    assert doc.allowances["migration-assistance"].minutes == 60
    assert len(doc.scope) == 18
    assert policy.calendars["business-hours"].business_day.total_seconds() == 12 * 3600


def test_version_is_a_content_hash(tmp_path):
    same = load_policy(write_policy(tmp_path, DEFAULT_TEXT))
    changed = load_policy(write_policy(tmp_path, DEFAULT_TEXT + "\n# edited\n", "b.toml"))
    assert same.version == load_policy().version
    assert changed.version != same.version
    assert len(same.version) == 12


def test_a_missing_key_is_named(tmp_path):
    text = DEFAULT_TEXT.replace('retirement_notice = "90 days"', "")
    message = refusal(tmp_path, text)
    assert "lifecycle.retirement_notice: missing key" in message
    assert str(tmp_path / "policy.toml") in message


def test_a_bad_duration_is_named(tmp_path):
    text = DEFAULT_TEXT.replace('within = "2 business hours"', 'within = "2 bussiness hours"')
    message = refusal(tmp_path, text)
    assert "plans.premium-care.targets.system-down-callback.within" in message
    assert "2 bussiness hours" in message


def test_an_unknown_plan_is_named(tmp_path):
    text = DEFAULT_TEXT.replace('default_plan = "install-assistance"', 'default_plan = "gold"')
    assert "warranty.default_plan: unknown plan 'gold'" in refusal(tmp_path, text)


def test_an_unknown_key_is_named(tmp_path):
    text = DEFAULT_TEXT.replace("[lifecycle]\n", "[lifecycle]\nprior_version = 1\n")
    assert "lifecycle.prior_version: unknown key" in refusal(tmp_path, text)


def test_a_missing_feature_is_named(tmp_path):
    text = DEFAULT_TEXT.replace('upgrade-protection = "fee"\n', "")
    message = refusal(tmp_path, text)
    assert "plans.install-assistance.features: missing feature(s): upgrade-protection" in message


def test_a_bad_feature_level_is_named(tmp_path):
    text = DEFAULT_TEXT.replace('knowledge-base = "included"', 'knowledge-base = "maybe"', 1)
    message = refusal(tmp_path, text)
    assert "plans.install-assistance.features.knowledge-base: Input should be" in message


def test_bad_hours_zone_and_toml_are_refused(tmp_path):
    assert "expected opening hours" in refusal(
        tmp_path, DEFAULT_TEXT.replace('mon = "08:00-20:00"', 'mon = "8am-8pm"')
    )
    assert "unknown time zone" in refusal(
        tmp_path, DEFAULT_TEXT.replace('"America/New_York"', '"America/Nowhere"', 1)
    )
    assert "not valid TOML" in refusal(tmp_path, DEFAULT_TEXT + "\n[plans\n")
    with pytest.raises(PolicyError, match="cannot read the file"):
        load_policy(tmp_path / "absent.toml")


def test_a_missing_clause_is_named(tmp_path):
    text = DEFAULT_TEXT.replace("[clauses.P-RENEW]", "[clauses.P-RENEWAL]")
    assert "clauses: missing P-RENEW" in refusal(tmp_path, text)


def test_use_policy_overrides_only_inside_the_block(tmp_path):
    other = load_policy(
        write_policy(tmp_path, DEFAULT_TEXT.replace("prior_versions = 1", "prior_versions = 2"))
    )
    before = get_policy()
    with use_policy(other):
        assert get_policy().lifecycle.prior_versions == 2
    assert get_policy() is before


def run_cli(*args, env=None):
    return subprocess.run(
        [sys.executable, "-m", "caredesk.cli", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_policy_check_command(tmp_path):
    good = run_cli("policy", "check")
    assert good.returncode == 0, good.stderr
    assert "OK" in good.stdout and "2 plans" in good.stdout
    bad = write_policy(
        tmp_path, DEFAULT_TEXT.replace("terms_months = [12, 24, 36]", 'terms_months = "a year"', 1)
    )
    result = run_cli("policy", "check", str(bad))
    assert result.returncode == 1
    assert "plans.install-assistance.terms_months" in result.stderr


def test_policy_show_prints_the_policy_in_force():
    result = run_cli("policy", "show")
    assert result.returncode == 0
    assert "Premium Care" in result.stdout and get_policy().version in result.stdout
    assert "within 2 business hours" in result.stdout


def test_the_product_refuses_to_start_on_a_broken_policy(tmp_path):
    bad = write_policy(
        tmp_path, DEFAULT_TEXT.replace('business_day = "12 hours"', 'business_day = "twelve hours"')
    )
    env = {**os.environ, "CAREDESK_POLICY": str(bad)}
    result = run_cli("check", env=env)
    assert result.returncode != 0
    assert "calendars.business-hours.business_day" in result.stderr
    assert str(bad) in result.stderr
