"""The shape of a policy document, checked with pydantic so every error names its key."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainValidator,
    field_validator,
    model_validator,
)

from caredesk.calendars import Duration, parse_duration

SERVICES = (
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
)
TARGETS = ("first-response", "system-down-transfer", "system-down-callback", "escalated-follow-up")
CHANNELS = ("web", "email", "phone", "session")
# The engine decides with these clauses; a policy must explain each of them.
REQUIRED_CLAUSES = (
    "P-CLIENT",
    "P-INCIDENT",
    "P-INTAKE",
    "P-SEV",
    "P-LIFE",
    "P-RETIRE-NOTICE",
    "P-RETIRED",
    "P-UPGRADE",
    "P-VERSION",
    "P-MAINT",
    "P-LINEAGE",
    "P-THIRDPARTY",
    "P-PLAN",
    "P-TERM",
    "P-DEFAULT",
    "P-SAME-LEVEL",
    "P-RENEW",
    "P-24x7",
    "P-AVAIL",
    "P-SCOPE",
    "P-CHANNEL",
)
SLUG = r"^[a-z0-9][a-z0-9-]*$"
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
HOURS_RANGE = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-4]):([0-5]\d)$")


def _duration(value) -> Duration:
    if isinstance(value, Duration):
        return value
    if not isinstance(value, str):
        raise ValueError(
            f'expected a duration such as "2 hours" or "1 business day", got {value!r}'
        )
    return parse_duration(value)


# Written as text in the document ("1 business day"), held as a parsed Duration.
DurationText = Annotated[Duration, PlainValidator(_duration)]
Slug = Annotated[str, Field(pattern=SLUG)]


class Strict(BaseModel):
    """A table whose unknown keys are mistakes, not extensions."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class PolicyInfo(Strict):
    """Who publishes the policy."""

    name: str
    vendor: str
    edition: str = ""
    summary: str = ""


class Clause(Strict):
    """The text behind a clause id."""

    title: str
    text: str


class Severity(Strict):
    """One severity level (P-SEV)."""

    level: int = Field(ge=1, le=9)
    name: str
    description: str
    examples: list[str] = []


class Lifecycle(Strict):
    """How releases move from Current to Retired (P-LIFE)."""

    prior_versions: int = Field(ge=0, le=10)
    maintenance_for: list[Literal["current", "prior"]]
    retirement_notice: DurationText


class HolidayRule(Strict):
    """Days the support calendar is closed."""

    country: str | None = "US"
    extra: list[str] = []
    removed: list[str] = []

    @field_validator("extra", "removed")
    @classmethod
    def _iso_dates(cls, value: list[str]) -> list[str]:
        from datetime import date

        for item in value:
            try:
                date.fromisoformat(str(item))
            except ValueError as exc:
                raise ValueError(f"{item!r} is not a date (YYYY-MM-DD)") from exc
        return value


class CalendarSpec(Strict):
    """Support hours in a time zone, or around the clock."""

    name: str
    timezone: str = "UTC"
    always_open: bool = False
    business_day: DurationText | None = None
    hours: dict[Literal[WEEKDAYS], str] = {}  # type: ignore[valid-type]
    holidays: HolidayRule | None = None

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @field_validator("hours")
    @classmethod
    def _ranges(cls, value: dict[str, str]) -> dict[str, str]:
        for day, text in value.items():
            for part in text.split(","):
                match = HOURS_RANGE.match(part.strip())
                if not match or part.strip()[:5] >= part.strip()[6:]:
                    raise ValueError(f'{day} = {text!r}: expected opening hours like "08:00-20:00"')
        return value

    @model_validator(mode="after")
    def _open_somehow(self) -> CalendarSpec:
        if self.always_open and self.hours:
            raise ValueError("a calendar that is always open cannot also list hours")
        if not self.always_open and not self.hours:
            raise ValueError("give opening hours, or set always_open = true")
        if not self.always_open and self.business_day is None:
            raise ValueError("business_day is required: how much open time makes one business day")
        return self


class Channel(Strict):
    """A way to reach support (P-CHANNEL)."""

    name: str
    service: Literal[SERVICES]  # type: ignore[valid-type]
    hours: Literal["always", "calendar"]


class Service(Strict):
    """An entitlement a plan can include."""

    name: str
    online: bool = False


class Target(Strict):
    """A response target of a plan."""

    within: DurationText
    channels: list[Literal[CHANNELS]] | None = None  # type: ignore[valid-type]
    severities: list[int] | None = None


FeatureLevel = Literal["included", "no", "fee", "warranty"]


class Plan(Strict):
    """A maintenance and support plan (P-PLAN)."""

    name: str
    rank: int
    calendar: str
    terms_months: list[int] = Field(min_length=1)
    available_for: Literal["all"] | list[Slug]
    features: dict[Literal[SERVICES], FeatureLevel]  # type: ignore[valid-type]
    targets: dict[Literal[TARGETS], Target] = {}  # type: ignore[valid-type]

    @field_validator("terms_months")
    @classmethod
    def _positive(cls, value: list[int]) -> list[int]:
        if any(m <= 0 for m in value):
            raise ValueError("terms are positive numbers of months")
        return value

    @field_validator("features")
    @classmethod
    def _every_service(cls, value: dict) -> dict:
        missing = [s for s in SERVICES if s not in value]
        if missing:
            raise ValueError(f"missing feature(s): {', '.join(missing)}")
        return value


class Warranty(Strict):
    """Coverage of a product bought without a plan (P-DEFAULT)."""

    length: DurationText
    default_plan: str


class MailRules(Strict):
    """What mail intake does with senders it does not know."""

    unknown_senders: Literal["quarantine", "known-domains"] = "quarantine"


class ThirdParty(Strict):
    """How far unbranded third-party products are supported (P-THIRDPARTY)."""

    unbranded_categories: list[Slug]


class Rules(Strict):
    """Switches for the plan-purchase rules."""

    same_level_required: bool = True
    renewal_requires_current: bool = True


class Addon(Strict):
    """An add-on sold with a plan (P-24x7)."""

    name: str
    products: list[Slug]
    plans: list[str]
    calendar: str
    grants: list[Literal[SERVICES]]  # type: ignore[valid-type]


class Allowance(Strict):
    """A budget of minutes for a kind of work (P-SCOPE)."""

    name: str
    minutes: int = Field(ge=0)
    per: Literal["client-product", "client"]
    products: list[Slug] | Literal["all"]
    overflow_referral: str | None = None


class Referral(Strict):
    """Where out-of-scope work is sent."""

    name: str
    contact: str = ""
    fee_based: bool = False
    text: str = ""


class ScopeCategory(Strict):
    """A kind of request, supported or not (P-SCOPE)."""

    supported: bool
    text: str
    referral: str | None = None
    allowance: str | None = None


class IntakeField(Strict):
    """One item of the intake checklist (P-INTAKE)."""

    key: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
    label: str
    group: Literal["client", "product", "server", "problem"]
    required: Literal["always", "if-available", "when-continuing"]
    help: str = ""


class Intake(Strict):
    """The intake checklist."""

    fields: list[IntakeField] = Field(min_length=1)


class PolicyDocument(Strict):
    """A whole policy document."""

    policy: PolicyInfo
    clauses: dict[str, Clause]
    severities: list[Severity] = Field(min_length=1)
    lifecycle: Lifecycle
    calendars: dict[Slug, CalendarSpec]
    channels: dict[Literal[CHANNELS], Channel]  # type: ignore[valid-type]
    services: dict[Literal[SERVICES], Service]  # type: ignore[valid-type]
    warranty: Warranty
    rules: Rules = Rules()
    plans: dict[Slug, Plan] = Field(min_length=1)
    addons: dict[str, Addon] = {}
    allowances: dict[Slug, Allowance] = {}
    referrals: dict[Slug, Referral] = {}
    scope: dict[Slug, ScopeCategory] = Field(min_length=1)
    third_party: ThirdParty
    mail: MailRules = MailRules()
    intake: Intake

    @model_validator(mode="after")
    def _references(self) -> PolicyDocument:
        """Every name one table uses must be defined in another."""
        problems: list[str] = []
        missing_clauses = [c for c in REQUIRED_CLAUSES if c not in self.clauses]
        if missing_clauses:
            problems.append(f"clauses: missing {', '.join(missing_clauses)}")
        levels = [s.level for s in self.severities]
        if sorted(levels) != list(range(1, len(levels) + 1)):
            problems.append("severities: levels must be 1, 2, 3 ... without gaps or repeats")
        for key in CHANNELS:
            if key not in self.channels:
                problems.append(f"channels: missing {key}")
        for key in SERVICES:
            if key not in self.services:
                problems.append(f"services: missing {key}")
        for slug, plan in self.plans.items():
            if plan.calendar not in self.calendars:
                problems.append(f"plans.{slug}.calendar: unknown calendar {plan.calendar!r}")
        if self.warranty.default_plan not in self.plans:
            problems.append(f"warranty.default_plan: unknown plan {self.warranty.default_plan!r}")
        for slug, addon in self.addons.items():
            if addon.calendar not in self.calendars:
                problems.append(f"addons.{slug}.calendar: unknown calendar {addon.calendar!r}")
            for plan in addon.plans:
                if plan not in self.plans:
                    problems.append(f"addons.{slug}.plans: unknown plan {plan!r}")
        for slug, allowance in self.allowances.items():
            ref = allowance.overflow_referral
            if ref and ref not in self.referrals:
                problems.append(f"allowances.{slug}.overflow_referral: unknown referral {ref!r}")
        for slug, category in self.scope.items():
            if category.referral and category.referral not in self.referrals:
                problems.append(f"scope.{slug}.referral: unknown referral {category.referral!r}")
            if category.allowance and category.allowance not in self.allowances:
                problems.append(f"scope.{slug}.allowance: unknown allowance {category.allowance!r}")
            if category.supported and category.referral:
                problems.append(f"scope.{slug}: a supported category has no referral")
        for slug in self.third_party.unbranded_categories:
            if slug not in self.scope:
                problems.append(f"third_party.unbranded_categories: unknown category {slug!r}")
        keys = [f.key for f in self.intake.fields]
        if len(set(keys)) != len(keys):
            problems.append("intake.fields: each key must appear once")
        ranks = [p.rank for p in self.plans.values()]
        if len(set(ranks)) != len(ranks):
            problems.append("plans: each plan needs its own rank")
        if problems:
            raise ValueError("; ".join(problems))
        return self
