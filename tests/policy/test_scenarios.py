"""The policy scenario suite, and the contract of its runner (POLICY-SCENARIOS.md).

The suite under tests/policy runs through the real `caredesk policy test` command, as a vendor
would run it; the runner's contract is checked with small scenario files written to tmp_path.
"""

from __future__ import annotations

import io
import re
import subprocess
import sys
import textwrap
import tomllib
from pathlib import Path

import pytest

from caredesk.policy.scenarios import run_files

ROOT = Path(__file__).resolve().parents[2]
SUITE = Path(__file__).resolve().parent
SUMMARY = re.compile(r"^(\d+) passed, (\d+) failed$")

# Every clause the engine can name in an answer (docs/policy-authoring.md, "How the engine
# decides"): the suite must show each of them deciding at least once.
CLAUSES_THE_ENGINE_DECIDES_WITH = {
    "P-LIFE",
    "P-RETIRED",
    "P-MAINT",
    "P-PLAN",
    "P-TERM",
    "P-DEFAULT",
    "P-SAME-LEVEL",
    "P-RENEW",
    "P-24x7",
    "P-AVAIL",
    "P-SCOPE",
    "P-CHANNEL",
}
SCOPE_CATEGORIES = {
    "installation",
    "database-connection",
    "product-usage",
    "upgrade-assistance",
    "migration-assistance",
    "third-party-installation",
    "unsupported-environment",
    "environment-errors",
    "prerelease-or-uncertified",
    "customization",
    "login-scripts",
    "third-party-data-migration",
    "data-recovery",
    "unapplied-correction",
    "third-party-connectivity",
    "custom-reports",
    "enhancement-request",
    "consulting-training",
}
SERVICES = {
    "phone",
    "e-submission",
    "escalated-follow-up",
    "system-down-transfer",
    "knowledge-base",
    "enhancement-requests",
    "recent-activity",
    "defect-tracking",
    "maintenance-releases",
    "upgrade-protection",
    "24x7",
    "migration-assistance",
}


def run_cli(*paths, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    """`caredesk policy test PATHS...` as a separate process, the way CI and vendors run it."""
    return subprocess.run(
        [sys.executable, "-m", "caredesk.cli", "policy", "test", *map(str, paths)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=600,
    )


def run_here(*paths) -> tuple[list[str], int, int]:
    """The same runner in this process (needs the `db` fixture): its lines, passed, failed."""
    out = io.StringIO()
    passed, failed = run_files([str(p) for p in paths], out)
    return out.getvalue().splitlines(), passed, failed


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip(), "utf-8")
    return path


def suite_scenarios() -> list[tuple[Path, dict]]:
    found = []
    for path in sorted(SUITE.rglob("*.toml")):
        data = tomllib.loads(path.read_text("utf-8"))
        found.extend((path, scenario) for scenario in data.get("scenario", []))
    return found


# A scenario that passes with the shipped policy and catalog, to put beside broken ones.
PASSING = """
[[scenario]]
name = "{name}"
now = 2026-06-01T10:00:00-04:00
[scenario.ask]
kind = "lifecycle"
product = "track-it"
release = "9.x"
[scenario.expect]
status = "prior"
"""


# ----------------------------------------------------------------------------- the suite
@pytest.fixture(scope="module")
def suite_run() -> subprocess.CompletedProcess:
    return run_cli("tests/policy")


def test_the_suite_passes_through_the_cli(suite_run):
    assert suite_run.returncode == 0, suite_run.stdout + suite_run.stderr
    lines = suite_run.stdout.splitlines()
    assert lines, "the runner printed nothing"
    *results, summary = lines
    assert [line for line in results if not line.startswith("PASS ")] == []
    match = SUMMARY.match(summary)
    assert match, f"no summary line: {summary!r}"
    passed, failed = int(match[1]), int(match[2])
    assert failed == 0
    assert passed >= 75
    assert passed == len(results)


def test_every_scenario_in_the_suite_files_was_run(suite_run):
    """A file the runner silently skipped would hide its scenarios; the counts must agree."""
    names = [scenario["name"] for _, scenario in suite_scenarios()]
    ran = [line.removeprefix("PASS ") for line in suite_run.stdout.splitlines()[:-1]]
    assert sorted(ran) == sorted(names)


def test_scenario_names_are_unique_so_a_result_line_points_at_one_scenario():
    names = [scenario["name"] for _, scenario in suite_scenarios()]
    assert len(names) >= 75
    duplicates = sorted({name for name in names if names.count(name) > 1})
    assert duplicates == []


def test_the_suite_names_every_clause_the_engine_decides_with():
    clauses = {
        scenario["expect"]["clause"]
        for _, scenario in suite_scenarios()
        if "clause" in scenario.get("expect", {})
    }
    assert clauses >= CLAUSES_THE_ENGINE_DECIDES_WITH, CLAUSES_THE_ENGINE_DECIDES_WITH - clauses


def test_the_suite_asks_about_every_service_and_every_scope_category():
    asks = [scenario["ask"] for _, scenario in suite_scenarios()]
    services = {ask["service"] for ask in asks if ask["kind"] == "entitlement"}
    categories = {ask["category"] for ask in asks if ask["kind"] == "scope"}
    assert services >= SERVICES, SERVICES - services
    assert categories >= SCOPE_CATEGORIES, SCOPE_CATEGORIES - categories


def test_the_suite_exercises_every_kind_of_question():
    kinds = {scenario["ask"]["kind"] for _, scenario in suite_scenarios()}
    assert kinds == {"entitlement", "clock", "lifecycle", "scope", "plan-change"}


def test_every_scenario_file_says_at_the_top_what_it_covers():
    files = list(SUITE.rglob("*.toml"))
    assert files
    uncommented = [
        str(p.relative_to(SUITE)) for p in files if not p.read_text("utf-8").startswith("#")
    ]
    assert uncommented == []


# ----------------------------------------------------------------------------- runner contract
def test_a_failing_expectation_prints_field_expected_and_got_and_exits_1(tmp_path):
    write(
        tmp_path / "fail.toml",
        """
        [[scenario]]
        name = "Track-It! 9.x is wrongly expected to be Current"
        now = 2026-06-01T10:00:00-04:00
        [scenario.ask]
        kind = "lifecycle"
        product = "track-it"
        release = "9.x"
        [scenario.expect]
        status = "current"
    """,
    )
    result = run_cli(tmp_path / "fail.toml")
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "FAIL Track-It! 9.x is wrongly expected to be Current: status expected current, got prior",
        "0 passed, 1 failed",
    ]


def test_the_summary_counts_passed_and_failed_and_only_all_passed_exits_0(tmp_path):
    write(
        tmp_path / "mixed" / "two_pass_one_fail.toml",
        (
            PASSING.format(name="first passes")
            + PASSING.format(name="second passes")
            + PASSING.format(name="third fails").replace('status = "prior"', 'status = "retired"')
        ),
    )
    write(
        tmp_path / "green" / "two_pass.toml",
        PASSING.format(name="first passes") + PASSING.format(name="second passes"),
    )

    mixed = run_cli(tmp_path / "mixed")
    assert mixed.returncode == 1
    assert mixed.stdout.splitlines()[-1] == "2 passed, 1 failed"

    green = run_cli(tmp_path / "green")
    assert green.returncode == 0
    assert green.stdout.splitlines() == [
        "PASS first passes",
        "PASS second passes",
        "2 passed, 0 failed",
    ]


BROKEN = {
    "unknown product": (
        """
        [[scenario]]
        name = "unknown product"
        now = 2026-06-01T10:00:00-04:00
        [scenario.ask]
        kind = "lifecycle"
        product = "track-that"
        release = "9.x"
        [scenario.expect]
        status = "prior"
    """,
        "track-that",
    ),
    "bad date": (
        """
        [[scenario]]
        name = "bad date"
        now = "yesterday"
        [scenario.ask]
        kind = "lifecycle"
        product = "track-it"
        release = "9.x"
        [scenario.expect]
        status = "prior"
    """,
        "yesterday",
    ),
    "unknown field in a table": (
        """
        [[scenario]]
        name = "unknown field in a table"
        now = 2026-06-01T10:00:00-04:00
        [[scenario.purchase]]
        client = "C-1"
        product = "track-it"
        relase = "9.x"
        date = 2026-01-05
        [scenario.ask]
        kind = "lifecycle"
        product = "track-it"
        release = "9.x"
        [scenario.expect]
        status = "prior"
    """,
        "relase",
    ),
    "unknown service": (
        """
        [[scenario]]
        name = "unknown service"
        now = 2026-06-01T10:00:00-04:00
        [scenario.ask]
        kind = "entitlement"
        client = "C-1"
        service = "free-lunch"
        product = "track-it"
        [scenario.expect]
        allowed = false
    """,
        "free-lunch",
    ),
    "a 6-month plan": (
        """
        [[scenario]]
        name = "a 6-month plan"
        now = 2026-06-01T10:00:00-04:00
        [[scenario.plan]]
        client = "C-1"
        plan = "premium-care"
        products = ["track-it"]
        start = 2026-01-05
        months = 6
        [scenario.ask]
        kind = "entitlement"
        client = "C-1"
        service = "phone"
        product = "track-it"
        [scenario.expect]
        allowed = true
    """,
        "P-TERM",
    ),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_a_scenario_that_cannot_run_is_an_error_line_and_the_next_one_still_runs(
    db, tmp_path, case
):
    text, reason = BROKEN[case]
    path = write(
        tmp_path / "broken.toml",
        textwrap.dedent(text) + PASSING.format(name="runs after the error"),
    )
    lines, passed, failed = run_here(path)
    assert len(lines) == 3, lines
    assert lines[0].startswith(f"ERROR {case}: ")
    assert reason in lines[0]
    assert lines[1] == "PASS runs after the error"
    assert lines[2] == "1 passed, 1 failed"
    assert (passed, failed) == (1, 1)


def test_errors_count_as_failed_and_never_stop_the_other_scenarios(tmp_path):
    unknown_product = textwrap.dedent(BROKEN["unknown product"][0])
    bad_date = textwrap.dedent(BROKEN["bad date"][0])
    write(
        tmp_path / "a.toml",
        PASSING.format(name="one") + unknown_product + bad_date + PASSING.format(name="two"),
    )
    write(tmp_path / "b.toml", PASSING.format(name="three"))
    result = run_cli(tmp_path)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert [line.split(":")[0] for line in lines[:-1]] == [
        "PASS one",
        "ERROR unknown product",
        "ERROR bad date",
        "PASS two",
        "PASS three",
    ]
    assert lines[-1] == "3 passed, 2 failed"


def test_a_missing_policy_file_is_an_error_for_each_of_its_scenarios_only(tmp_path):
    write(
        tmp_path / "a_custom.toml",
        'policy = "missing.toml"\n'
        + PASSING.format(name="needs the missing policy")
        + PASSING.format(name="needs it too"),
    )
    write(tmp_path / "b_default.toml", PASSING.format(name="default policy"))
    result = run_cli(tmp_path)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert len(lines) == 4, lines
    for line, name in zip(lines[:2], ["needs the missing policy", "needs it too"], strict=True):
        assert line.startswith(f"ERROR {name}: ")
        assert "missing.toml" in line
    assert lines[2] == "PASS default policy"
    assert lines[3] == "1 passed, 2 failed"


CLOCK = """
[[scenario]]
name = "{name}"
now = 2026-06-02T10:00:00-04:00
[[scenario.plan]]
client = "C-1"
plan = "premium-care"
products = ["track-it"]
start = 2026-01-05
months = 12
[scenario.ask]
kind = "clock"
client = "C-1"
product = "track-it"
release = "10.x"
severity = 3
channel = "web"
submitted = {submitted}
[scenario.expect]
first_response_due = {due}
"""


def test_instants_are_compared_as_moments_whatever_their_offset(db, tmp_path):
    # Tue 2026-06-02 10:00 EDT + 1 business day = Wed 10:00 EDT = 14:00Z.
    path = write(
        tmp_path / "instants.toml",
        "".join(
            [
                CLOCK.format(
                    name="due in UTC",
                    submitted="2026-06-02T10:00:00-04:00",
                    due="2026-06-03T14:00:00Z",
                ),
                CLOCK.format(
                    name="due in New York",
                    submitted="2026-06-02T14:00:00Z",
                    due="2026-06-03T10:00:00-04:00",
                ),
                CLOCK.format(
                    name="due in Tokyo",
                    submitted="2026-06-02T23:00:00+09:00",
                    due="2026-06-03T23:00:00+09:00",
                ),
                # Same wall-clock reading, other offset: a different moment, so it must fail.
                CLOCK.format(
                    name="wrong moment",
                    submitted="2026-06-02T10:00:00-04:00",
                    due="2026-06-03T10:00:00-05:00",
                ),
            ]
        ),
    )
    lines, passed, failed = run_here(path)
    assert lines[:3] == ["PASS due in UTC", "PASS due in New York", "PASS due in Tokyo"]
    assert lines[3].startswith("FAIL wrong moment: first_response_due expected ")
    assert (passed, failed) == (3, 1)


def test_a_directory_runs_every_toml_file_under_it(tmp_path):
    write(tmp_path / "suite" / "a.toml", PASSING.format(name="top level"))
    write(tmp_path / "suite" / "deeper" / "still" / "b.toml", PASSING.format(name="nested"))
    write(tmp_path / "suite" / "notes.txt", PASSING.format(name="not a toml file"))
    (tmp_path / "suite" / "policy-copy.toml").write_text(
        (ROOT / "caredesk" / "policy" / "default.toml").read_text("utf-8"), "utf-8"
    )  # a policy document without scenarios is skipped, not an error
    result = run_cli(tmp_path / "suite")
    assert result.returncode == 0, result.stdout + result.stderr
    assert sorted(result.stdout.splitlines()[:-1]) == ["PASS nested", "PASS top level"]
    assert result.stdout.splitlines()[-1] == "2 passed, 0 failed"


def test_a_scenario_file_can_name_its_own_policy_relative_to_itself(db, tmp_path):
    default = (ROOT / "caredesk" / "policy" / "default.toml").read_text("utf-8")
    early = default.replace('"08:00-20:00"', '"08:00-18:00"')
    assert early != default
    write(tmp_path / "policies" / "early-close.toml", early)
    phone_at_seven = """
        [[scenario]]
        name = "phone at 19:00"
        now = 2026-06-02T19:00:00-04:00
        [[scenario.plan]]
        client = "C-1"
        plan = "premium-care"
        products = ["track-it"]
        start = 2026-01-05
        months = 12
        [scenario.ask]
        kind = "entitlement"
        client = "C-1"
        service = "phone"
        product = "track-it"
        [scenario.expect]
        allowed = true
    """
    default_file = write(tmp_path / "default.toml", phone_at_seven)
    custom_file = write(
        tmp_path / "custom" / "early.toml",
        'policy = "../policies/early-close.toml"\n' + textwrap.dedent(phone_at_seven),
    )
    assert run_here(default_file)[0][0] == "PASS phone at 19:00"
    assert run_here(custom_file)[0][0] == ("FAIL phone at 19:00: allowed expected true, got false")
