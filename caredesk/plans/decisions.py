"""What the entitlement engine answers: each answer carries its clause and policy version."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime


class PolicyQuestionError(ValueError):
    """A question the policy cannot answer as asked (unknown plan, service, category ...)."""


@dataclass(frozen=True)
class Decision:
    """Yes or no, the clause that decided it, and a reason a person can read."""

    allowed: bool
    clause: str
    reason: str
    policy_version: str
    fee: bool = False
    service: str = ""
    until: date | None = None  # the last day the answer holds, where the coverage ends

    @property
    def explanation(self) -> str:
        return f"{self.reason} ({self.clause})"


@dataclass(frozen=True)
class Target:
    """One response target of an incident and when it falls due."""

    key: str  # first-response, system-down-transfer, system-down-callback, escalated-follow-up
    within: str  # the policy's words: "1 business day"
    due: datetime | None
    calendar: str
    clause: str


@dataclass(frozen=True)
class Clocks:
    """The targets that apply to an incident, as the plan covering it sets them."""

    targets: dict[str, Target]
    decision: Decision  # why these targets (the coverage), or why none
    calendar: str | None = None

    def due(self, key: str) -> datetime | None:
        target = self.targets.get(key)
        return target.due if target else None


@dataclass(frozen=True)
class ScopeDecision:
    """Whether a kind of request is in the scope of support, and where it goes if not."""

    supported: bool
    referral: str  # a referral slug or "none"
    allowance_minutes_left: int | None
    clause: str
    reason: str
    policy_version: str
    category: str = ""


@dataclass(frozen=True)
class PlanChangeDecision:
    """Whether a client may buy or renew a plan, and the upgrade it must make (P-RENEW)."""

    allowed: bool
    clause: str
    reason: str
    policy_version: str
    requires_upgrade_to: list = field(default_factory=list)  # catalog Releases

    @property
    def upgrade_text(self) -> str:
        if not self.requires_upgrade_to:
            return "none"
        if len(self.requires_upgrade_to) == 1:
            return self.requires_upgrade_to[0].version
        return ", ".join(f"{r.product_line.slug} {r.version}" for r in self.requires_upgrade_to)
