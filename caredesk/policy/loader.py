"""Reading a policy document: TOML in, a validated `Policy` out, or an error naming the key."""

from __future__ import annotations

import hashlib
import tomllib
from datetime import date, timedelta
from functools import cached_property
from pathlib import Path

from pydantic import ValidationError

from caredesk.calendars import Calendar, Duration, HolidaySet, parse_duration

from .schema import WEEKDAYS, PolicyDocument

DEFAULT_POLICY_PATH = Path(__file__).with_name("default.toml")


class PolicyError(Exception):
    """A policy document that cannot be used; the message names the file, the key and why."""

    def __init__(self, path: Path | str, problems: list[str]):
        self.path = str(path)
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"policy file {self.path} is not valid:\n{lines}")


def _describe(error: dict) -> str:
    key = ".".join(str(part) for part in error["loc"]) or "(top level)"
    message = error["msg"].removeprefix("Value error, ")
    if error["type"] == "missing":
        message = "missing key"
    elif error["type"] == "extra_forbidden":
        message = "unknown key"
    return f"{key}: {message}"


def load_policy(path: Path | str | None = None) -> Policy:
    """Read, validate and prepare the policy at `path` (the shipped default when None)."""
    path = Path(path) if path else DEFAULT_POLICY_PATH
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise PolicyError(path, [f"cannot read the file: {exc.strerror or exc}"]) from exc
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise PolicyError(path, [f"not valid TOML: {exc}"]) from exc
    try:
        document = PolicyDocument.model_validate(data)
    except ValidationError as exc:
        raise PolicyError(path, [_describe(e) for e in exc.errors()]) from exc
    policy = Policy(document, path=path, version=hashlib.sha256(raw).hexdigest()[:12])
    try:
        _ = policy.calendars  # builds every calendar now so a bad one fails at start
    except ValueError as exc:
        raise PolicyError(path, [f"calendars: {exc}"]) from exc
    return policy


def _build_calendar(slug: str, spec) -> Calendar:
    if spec.always_open:
        return Calendar.always_open(name=slug, timezone=spec.timezone)
    hours = {}
    for day, text in spec.hours.items():
        hours[WEEKDAYS.index(day)] = [tuple(part.strip().split("-")) for part in text.split(",")]
    holidays = None
    if spec.holidays is not None:
        holidays = HolidaySet(
            country=spec.holidays.country,
            extra=[date.fromisoformat(d) for d in spec.holidays.extra],
            removed=[date.fromisoformat(d) for d in spec.holidays.removed],
        )
    business_day = spec.business_day.as_timedelta()
    return Calendar(
        name=slug, timezone=spec.timezone, hours=hours, holidays=holidays, business_day=business_day
    )


class Policy:
    """A validated policy in force: the document plus what is derived from it."""

    def __init__(self, document: PolicyDocument, *, path: Path, version: str):
        self.document = document
        self.path = path
        self.version = version

    def __repr__(self) -> str:
        return f"<Policy {self.document.policy.name} {self.version}>"

    # Shortcuts to the document's tables.
    def __getattr__(self, name: str):
        return getattr(self.document, name)

    @cached_property
    def calendars(self) -> dict[str, Calendar]:
        return {slug: _build_calendar(slug, spec) for slug, spec in self.document.calendars.items()}

    @cached_property
    def support_zone(self):
        """The time zone dates of plans and purchases are read in: the default plan's calendar."""
        from zoneinfo import ZoneInfo

        calendar = self.plan(self.document.warranty.default_plan).calendar
        return ZoneInfo(self.document.calendars[calendar].timezone)

    def plan(self, slug: str):
        return self.document.plans[slug]

    def plan_covers_product(self, slug: str, product: str) -> bool:
        available = self.plan(slug).available_for
        return available == "all" or product in available

    def clause(self, clause_id: str):
        return self.document.clauses[clause_id]

    def severity(self, level: int):
        for severity in self.document.severities:
            if severity.level == level:
                return severity
        raise KeyError(level)

    @cached_property
    def warranty_length(self) -> timedelta:
        return self.document.warranty.length.as_timedelta()

    def duration(self, value):
        """A Duration from the document, or parsed from text."""
        return value if isinstance(value, Duration) else parse_duration(value)

    def allowance_for(self, category: str):
        slug = self.document.scope[category].allowance
        return (slug, self.document.allowances[slug]) if slug else (None, None)
