"""Every change to a client's plans: buying, renewing, logging allowance time."""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction
from django.utils import timezone

from caredesk.catalog.models import ProductLine
from caredesk.clients.models import Client

from . import engine
from .decisions import PlanChangeDecision
from .models import AllowanceUsage, Subscription


class PlanRefused(Exception):
    """The policy does not allow this plan; carries the decision with its clause."""

    def __init__(self, decision: PlanChangeDecision):
        self.decision = decision
        super().__init__(f"{decision.reason} ({decision.clause})")


@transaction.atomic
def subscribe(
    client: Client,
    plan: str,
    products: list[ProductLine],
    *,
    starts_on: date,
    months: int,
    addons: list[str] | tuple = (),
    by=None,
) -> Subscription:
    """Buy or renew a plan, if the policy allows it (P-TERM, P-AVAIL, P-SAME-LEVEL, P-24x7)."""
    decision = engine.plan_change(
        client, plan, products, start=starts_on, months=months, addons=addons
    )
    if not decision.allowed:
        raise PlanRefused(decision)
    previous = (
        client.subscriptions.filter(ends_on=starts_on, products__in=products)
        .order_by("-ends_on")
        .first()
    )
    subscription = Subscription.objects.create(
        client=client,
        plan=plan,
        starts_on=starts_on,
        months=months,
        addons=list(addons),
        renews=previous,
        policy_version=decision.policy_version,
        decided_by_clause=decision.clause,
        created_by=by,
    )
    subscription.products.set(products)
    return subscription


@transaction.atomic
def log_allowance_time(
    client: Client,
    product: ProductLine | None,
    allowance: str,
    minutes: int,
    *,
    note: str = "",
    at: datetime | None = None,
    by=None,
) -> AllowanceUsage:
    """Record time spent on work with an allowance (migration assistance, P-SCOPE)."""
    from caredesk.policy import get_policy

    if allowance not in get_policy().allowances:
        raise ValueError(f"unknown allowance {allowance!r}")
    if minutes <= 0:
        raise ValueError("minutes must be a positive number")
    return AllowanceUsage.objects.create(
        client=client,
        product_line=product,
        allowance=allowance,
        minutes=minutes,
        note=note,
        logged_at=at or timezone.now(),
        logged_by=by,
    )
