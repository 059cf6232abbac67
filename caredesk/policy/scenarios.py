"""Policy scenarios: small TOML files that set up facts, ask the engine one question and state
the answer expected (see docs/policy-scenarios.md). Answers come from the product's own engine;
each scenario runs in a transaction that is rolled back, so every one starts from a fresh world.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import TextIO

from . import PolicyError, load_policy, use_policy

SECTIONS = {"name", "now", "release", "purchase", "plan", "usage", "ask", "expect"}
RELEASE_FIELDS = {"product", "version", "kind", "published", "corrects", "name"}
PURCHASE_FIELDS = {"client", "product", "release", "date", "serial"}
PLAN_FIELDS = {"client", "plan", "products", "start", "months", "addons"}
USAGE_FIELDS = {"client", "product", "allowance", "minutes"}
QUESTIONS = {
    "entitlement": (
        {"client", "service", "product"},
        {"release", "at"},
        {"allowed", "fee", "clause"},
    ),
    "clock": (
        {"client", "product", "release", "severity", "channel", "submitted"},
        {"escalated"},
        {
            "first_response_due",
            "senior_transfer_due",
            "senior_callback_due",
            "escalation_follow_up_due",
            "clause",
        },
    ),
    "lifecycle": ({"product"}, {"release"}, {"status", "active", "clause"}),
    "scope": (
        {"category"},
        {"client", "product"},
        {"supported", "referral", "allowance_minutes_left", "clause"},
    ),
    "plan-change": (
        {"client", "plan", "products", "start", "months"},
        {"addons"},
        {"allowed", "clause", "requires_upgrade_to"},
    ),
}
CLOCK_FIELDS = {
    "first_response_due": "first-response",
    "senior_transfer_due": "system-down-transfer",
    "senior_callback_due": "system-down-callback",
    "escalation_follow_up_due": "escalated-follow-up",
}


class ScenarioError(Exception):
    """The scenario cannot be run; the message says why."""


@dataclass
class Outcome:
    """One scenario's result line."""

    name: str
    status: str  # PASS, FAIL or ERROR
    detail: str = ""

    def line(self) -> str:
        return f"{self.status} {self.name}" + (f": {self.detail}" if self.detail else "")


# ----------------------------------------------------------------------------- reading fields
def _fields(table: dict, where: str, required: set, optional: set = frozenset()) -> dict:
    if not isinstance(table, dict):
        raise ScenarioError(f"{where} must be a table")
    unknown = sorted(set(table) - required - set(optional))
    if unknown:
        raise ScenarioError(f"{where}: unknown field {', '.join(unknown)}")
    missing = sorted(required - set(table))
    if missing:
        raise ScenarioError(f"{where}: missing field {', '.join(missing)}")
    return table


def _date(value, where: str) -> date:
    if isinstance(value, datetime) or not isinstance(value, date):
        raise ScenarioError(f"{where}: expected a date such as 2026-06-01, got {value!r}")
    return value


def _instant(value, where: str) -> datetime:
    if not isinstance(value, datetime):
        raise ScenarioError(
            f"{where}: expected an instant such as 2026-06-01T10:00:00-04:00, got {value!r}"
        )
    if value.tzinfo is None:
        raise ScenarioError(f"{where}: the instant {value.isoformat()} needs a UTC offset")
    return value


def _text(value, where: str) -> str:
    if not isinstance(value, str):
        raise ScenarioError(f"{where}: expected a string, got {value!r}")
    return value


def _int(value, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ScenarioError(f"{where}: expected a whole number, got {value!r}")
    return value


def _product(slug, where: str):
    from caredesk.catalog.models import ProductLine

    try:
        return ProductLine.objects.get(slug=_text(slug, where))
    except ProductLine.DoesNotExist:
        raise ScenarioError(f"{where}: unknown product {slug!r}") from None


def _client(number, where: str, create: bool = True):
    from caredesk.clients.actions import register_client
    from caredesk.clients.models import Client

    number = _text(number, where)
    if create:
        return register_client(number, number)
    client = Client.objects.filter(number=number).first()
    if client is None:
        client = register_client(number, number)  # an unmentioned client simply has nothing
    return client


def _release(product, version, where: str):
    from caredesk.catalog.lifecycle import UnknownRelease, lifecycle_of

    if version is None:
        return None
    try:
        life = lifecycle_of(product, _text(version, where))
    except UnknownRelease as exc:
        raise ScenarioError(f"{where}: {exc}") from None
    return life.release if life.release is not None else _text(version, where)


# ----------------------------------------------------------------------------- setting up
def _set_up(scenario: dict, now: datetime) -> None:
    from caredesk.catalog.actions import ReleaseError, publish_release
    from caredesk.catalog.lifecycle import current_release
    from caredesk.clients.actions import InstalledBaseError, record_purchase
    from caredesk.plans.actions import PlanRefused, log_allowance_time, subscribe

    for i, entry in enumerate(scenario.get("release", []), start=1):
        where = f"release #{i}"
        _fields(entry, where, {"product", "version", "kind"}, RELEASE_FIELDS)
        product = _product(entry["product"], where)
        kind = _text(entry["kind"], where)
        if kind not in {"version", "update", "service-pack", "hot-fix"}:
            raise ScenarioError(f"{where}: kind must be version, update, service-pack or hot-fix")
        published = _date(entry["published"], where) if "published" in entry else None
        if published is not None and published > now.astimezone(_zone()).date():
            continue  # the world is set up as it stands at `now`: not yet published
        try:
            publish_release(
                product,
                _text(entry["version"], where),
                kind,
                published_on=published,
                corrects=entry.get("corrects"),
                name=entry.get("name", ""),
            )
        except ReleaseError as exc:
            raise ScenarioError(f"{where}: {exc}") from None
    for i, entry in enumerate(scenario.get("purchase", []), start=1):
        where = f"purchase #{i}"
        _fields(entry, where, {"client", "product", "date"}, PURCHASE_FIELDS)
        product = _product(entry["product"], where)
        release = entry.get("release")
        if release is None and not product.is_cloud:
            release = current_release(product)  # a purchase is of the shipping release
        elif release is not None:
            release = _text(release, where)
        try:
            record_purchase(
                _client(entry["client"], where),
                product,
                release,
                _date(entry["date"], where),
                serial_number=entry.get("serial", ""),
            )
        except InstalledBaseError as exc:
            raise ScenarioError(f"{where}: {exc}") from None
    for i, entry in enumerate(scenario.get("plan", []), start=1):
        where = f"plan #{i}"
        _fields(entry, where, {"client", "plan", "products", "start", "months"}, PLAN_FIELDS)
        try:
            subscribe(
                _client(entry["client"], where),
                _text(entry["plan"], where),
                [_product(p, where) for p in entry["products"]],
                starts_on=_date(entry["start"], where),
                months=_int(entry["months"], where),
                addons=entry.get("addons", []),
            )
        except PlanRefused as exc:
            raise ScenarioError(f"{where}: the policy refuses this plan: {exc}") from None
        except ValueError as exc:
            raise ScenarioError(f"{where}: {exc}") from None
    for i, entry in enumerate(scenario.get("usage", []), start=1):
        where = f"usage #{i}"
        _fields(entry, where, USAGE_FIELDS)
        try:
            log_allowance_time(
                _client(entry["client"], where),
                _product(entry["product"], where),
                _text(entry["allowance"], where),
                _int(entry["minutes"], where),
                at=now,
            )
        except ValueError as exc:
            raise ScenarioError(f"{where}: {exc}") from None


# ----------------------------------------------------------------------------- asking
def _ask(ask: dict, now: datetime) -> dict:
    from caredesk.plans import engine
    from caredesk.plans.decisions import PolicyQuestionError

    kind = ask.get("kind")
    if kind not in QUESTIONS:
        raise ScenarioError(f"ask: kind must be one of {', '.join(QUESTIONS)}, got {kind!r}")
    required, optional, _ = QUESTIONS[kind]
    _fields({k: v for k, v in ask.items() if k != "kind"}, "ask", required, optional)
    try:
        if kind == "entitlement":
            product = _product(ask["product"], "ask")
            at = _instant(ask["at"], "ask.at") if "at" in ask else now
            decision = engine.entitlement(
                _client(ask["client"], "ask", create=False),
                _text(ask["service"], "ask.service"),
                product,
                release=_release(product, ask.get("release"), "ask.release"),
                at=at,
            )
            return {"allowed": decision.allowed, "fee": decision.fee, "clause": decision.clause}
        if kind == "clock":
            product = _product(ask["product"], "ask")
            _release(product, ask["release"], "ask.release")
            escalated = _instant(ask["escalated"], "ask.escalated") if "escalated" in ask else None
            result = engine.clocks(
                _client(ask["client"], "ask", create=False),
                product,
                severity=_int(ask["severity"], "ask.severity"),
                channel=_text(ask["channel"], "ask.channel"),
                submitted=_instant(ask["submitted"], "ask.submitted"),
                escalated=escalated,
            )
            answer = {field: result.due(key) or "none" for field, key in CLOCK_FIELDS.items()}
            answer["clause"] = result.decision.clause
            return answer
        if kind == "lifecycle":
            product = _product(ask["product"], "ask")
            from caredesk.catalog.lifecycle import UnknownRelease

            try:
                life = engine.lifecycle(product, ask.get("release"))
            except UnknownRelease as exc:
                raise ScenarioError(f"ask.release: {exc}") from None
            return {"status": life.status, "active": life.active, "clause": "P-LIFE"}
        if kind == "scope":
            client = _client(ask["client"], "ask", create=False) if "client" in ask else None
            product = _product(ask["product"], "ask") if "product" in ask else None
            decision = engine.scope(
                _text(ask["category"], "ask.category"), client=client, product=product
            )
            left = decision.allowance_minutes_left
            return {
                "supported": decision.supported,
                "referral": decision.referral,
                "allowance_minutes_left": "none" if left is None else left,
                "clause": decision.clause,
            }
        decision = engine.plan_change(
            _client(ask["client"], "ask", create=False),
            _text(ask["plan"], "ask.plan"),
            [_product(p, "ask.products") for p in ask["products"]],
            start=_date(ask["start"], "ask.start"),
            months=_int(ask["months"], "ask.months"),
            addons=ask.get("addons", []),
        )
        return {
            "allowed": decision.allowed,
            "clause": decision.clause,
            "requires_upgrade_to": decision.upgrade_text,
        }
    except PolicyQuestionError as exc:
        raise ScenarioError(f"ask: {exc}") from None


# ----------------------------------------------------------------------------- comparing
def _show(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        text = value.isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text
    if isinstance(value, str):
        return value
    return repr(value)


def _zone():
    from . import get_policy

    return get_policy().support_zone


def _same(expected, got) -> bool:
    if isinstance(expected, datetime):
        # In UTC: Python never equates aware datetimes of different zones in a repeated hour.
        return isinstance(got, datetime) and expected.astimezone(UTC) == got.astimezone(UTC)
    if isinstance(expected, bool) or isinstance(got, bool):
        return type(expected) is type(got) and expected == got
    return expected == got


def _compare(expect: dict, answer: dict, allowed_fields: set) -> list[str]:
    problems = []
    for field, expected in expect.items():
        if field not in allowed_fields:
            raise ScenarioError(f"expect: unknown field {field} for this question")
        if isinstance(expected, datetime) and expected.tzinfo is None:
            raise ScenarioError(f"expect.{field}: the instant needs a UTC offset")
        if isinstance(expected, (date, time)) and not isinstance(expected, datetime):
            raise ScenarioError(
                f"expect.{field}: expected an instant with a UTC offset, not {expected}"
            )
        got = answer.get(field)
        if not _same(expected, got):
            if isinstance(expected, datetime) and isinstance(got, datetime):
                got = got.astimezone(expected.tzinfo)
            problems.append(f"{field} expected {_show(expected)}, got {_show(got)}")
    return problems


# ----------------------------------------------------------------------------- running
def run_scenario(scenario: dict) -> list[str]:
    """Set up, ask and compare one scenario; returns the mismatches (empty when it passes).

    The default catalog must be loaded (see `run_files`); everything else the scenario sets up
    is rolled back when it ends.
    """
    from django.db import transaction
    from django.utils import timezone

    unknown = set(scenario) - SECTIONS
    if unknown:
        raise ScenarioError(f"unknown field {', '.join(sorted(unknown))}")
    if "ask" not in scenario or "expect" not in scenario:
        raise ScenarioError("a scenario needs an [scenario.ask] and an [scenario.expect] table")
    if not isinstance(scenario["expect"], dict) or not scenario["expect"]:
        raise ScenarioError("expect must name at least one field")
    now = _instant(scenario["now"], "now") if "now" in scenario else timezone.now()
    kind = scenario["ask"].get("kind") if isinstance(scenario["ask"], dict) else None
    with transaction.atomic():
        try:
            _set_up(scenario, now)
            answer = _ask(scenario["ask"], now)
            return _compare(scenario["expect"], answer, QUESTIONS.get(kind, ({}, {}, set()))[2])
        finally:
            transaction.set_rollback(True)


def scenario_files(paths: list[str]) -> list[Path]:
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*.toml") if p.is_file()))
        else:
            files.append(path)
    return files


def _run_file(scenarios: list, path: Path, policy, policy_problem: str | None):
    """The outcomes of one file's scenarios: the default catalog is loaded once, under the
    file's policy, and each scenario runs in a savepoint rolled back when it ends."""
    from contextlib import nullcontext

    from django.db import transaction

    from caredesk.catalog.default_catalog import load_catalog

    with transaction.atomic(), use_policy(policy) if policy is not None else nullcontext():
        if not policy_problem:
            load_catalog()
        for index, scenario in enumerate(scenarios, start=1):
            name = (
                str(scenario.get("name") or f"{path.name} #{index}")
                if isinstance(scenario, dict)
                else f"{path.name} #{index}"
            )
            if policy_problem:
                yield Outcome(name, "ERROR", policy_problem)
                continue
            if not isinstance(scenario, dict):
                yield Outcome(name, "ERROR", "a scenario must be a table")
                continue
            try:
                problems = run_scenario(scenario)
            except ScenarioError as exc:
                yield Outcome(name, "ERROR", str(exc))
                continue
            except Exception as exc:  # a scenario must never stop the others
                yield Outcome(name, "ERROR", f"{type(exc).__name__}: {exc}")
                continue
            yield Outcome(name, "FAIL" if problems else "PASS", "; ".join(problems))
        transaction.set_rollback(True)


def run_files(paths: list[str], out: TextIO) -> tuple[int, int]:
    """Run every scenario of `paths`, print a line each and a summary; return (passed, failed)."""
    passed = failed = 0

    def report(outcome: Outcome) -> None:
        nonlocal passed, failed
        out.write(outcome.line() + "\n")
        if outcome.status == "PASS":
            passed += 1
        else:
            failed += 1

    policies: dict[Path, object] = {}
    for path in scenario_files(paths):
        try:
            data = tomllib.loads(path.read_text("utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            report(Outcome(str(path), "ERROR", f"cannot read the file: {exc}"))
            continue
        if "scenario" not in data:
            if isinstance(data.get("policy"), dict):
                continue  # a policy document that scenarios beside it refer to
            report(Outcome(str(path), "ERROR", "no [[scenario]] in this file"))
            continue
        scenarios = data["scenario"] if isinstance(data["scenario"], list) else [data["scenario"]]
        unknown = sorted(set(data) - {"scenario", "policy"})
        policy = None
        policy_problem = f"unknown top-level field {', '.join(unknown)}" if unknown else None
        if "policy" in data and not policy_problem:
            policy_path = (path.parent / str(data["policy"])).resolve()
            try:
                if policy_path not in policies:
                    policies[policy_path] = load_policy(policy_path)
                policy = policies[policy_path]
            except PolicyError as exc:
                policy_problem = str(exc).replace("\n", " ")
        for outcome in _run_file(scenarios, path, policy, policy_problem):
            report(outcome)
    out.write(f"{passed} passed, {failed} failed\n")
    return passed, failed
