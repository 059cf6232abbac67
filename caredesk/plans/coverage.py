"""Which plan covers a client's product on a day: a bought plan, or the default coverage."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from caredesk.clients.models import Client, Licence
from caredesk.policy import get_policy

from .models import Subscription


@dataclass(frozen=True)
class Coverage:
    """The plan that applies, where it comes from, and its last day."""

    plan: str
    subscription: Subscription | None  # None: P-DEFAULT coverage after a purchase
    starts_on: date
    ends_on: date  # first day no longer covered
    addons: tuple[str, ...] = ()

    @property
    def is_default(self) -> bool:
        return self.subscription is None

    @property
    def last_day(self) -> date:
        return self.ends_on - timedelta(days=1)

    @property
    def plan_name(self) -> str:
        return get_policy().plan(self.plan).name


@dataclass(frozen=True)
class NoCoverage:
    """Why nothing covers the product: the clause and the words."""

    clause: str
    reason: str


def support_day(at: datetime) -> date:
    """Plans and purchases are dated in the support calendar's zone."""
    return at.astimezone(get_policy().support_zone).date()


def _warranty_licences(client: Client, product, day: date):
    policy = get_policy()
    length = policy.warranty_length
    return [
        licence
        for licence in Licence.objects.filter(
            client=client, product_line=product, purchased_on__lte=day
        )
        if day < licence.purchased_on + length
    ]


def in_warranty(client: Client, product, day: date, coverage: Coverage) -> date | None:
    """The last day of the warranty period that includes `day`, or None if none does.

    The warranty period is the first 30 days after a purchase; a plan bought with no purchase
    on record counts its own first 30 days (our reading, see docs/policy-authoring.md).
    """
    length = get_policy().warranty_length
    ends = [lic.purchased_on + length for lic in _warranty_licences(client, product, day)]
    no_purchase = not Licence.objects.filter(client=client, product_line=product).exists()
    if not ends and coverage.subscription is not None and no_purchase:
        start = coverage.starts_on
        if start <= day < start + length:
            ends.append(start + length)
    if not ends:
        return None
    return max(ends) - timedelta(days=1)


def find_coverage(client: Client, product, day: date) -> Coverage | NoCoverage:
    policy = get_policy()
    in_force = [
        s for s in client.subscriptions.covering(product).in_force_on(day) if s.plan in policy.plans
    ]
    if in_force:
        best = max(in_force, key=lambda s: (policy.plan(s.plan).rank, s.ends_on))
        return Coverage(best.plan, best, best.starts_on, best.ends_on, tuple(best.addons))
    licences = _warranty_licences(client, product, day)
    if licences:
        bought = max(lic.purchased_on for lic in licences)
        return Coverage(policy.warranty.default_plan, None, bought, bought + policy.warranty_length)

    ended = (
        client.subscriptions.covering(product).filter(ends_on__lte=day).order_by("-ends_on").first()
    )
    if ended is not None:
        return NoCoverage(
            "P-TERM",
            f"{ended.plan_name} for {product.name} ended on {ended.last_day:%B %-d, %Y}; "
            f"renew the plan to restore support",
        )
    upcoming = (
        client.subscriptions.covering(product)
        .filter(starts_on__gt=day)
        .order_by("starts_on")
        .first()
    )
    if upcoming is not None:
        return NoCoverage(
            "P-TERM",
            f"{upcoming.plan_name} for {product.name} starts on {upcoming.starts_on:%B %-d, %Y}",
        )
    bought = Licence.objects.filter(
        client=client, product_line=product, purchased_on__lte=day
    ).first()
    if bought is not None:
        default = policy.plan(policy.warranty.default_plan).name
        last = bought.purchased_on + policy.warranty_length - timedelta(days=1)
        return NoCoverage(
            "P-DEFAULT",
            f"{product.name} was bought on {bought.purchased_on:%B %-d, %Y} without a plan; "
            f"its {default} period ended on {last:%B %-d, %Y}. Buy a plan to get support",
        )
    return NoCoverage("P-PLAN", f"no maintenance plan covers {product.name} for {client.name}")
