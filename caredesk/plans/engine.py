"""The entitlement engine: the one place that decides what a client may have, and why.

Pages, policy scenarios, incidents, downloads and the API ask these functions; none of them
decides policy on its own. Every answer names its clause and the policy version.
"""

from __future__ import annotations

from datetime import date, datetime

from django.utils import timezone

from caredesk.calendars import ClockStopped
from caredesk.catalog.lifecycle import Lifecycle, current_release, lifecycle_of
from caredesk.catalog.models import ProductLine, Release
from caredesk.clients.models import Client, Licence
from caredesk.policy import get_policy
from caredesk.policy.schema import SERVICES, TARGETS

from .coverage import Coverage, NoCoverage, find_coverage, in_warranty, support_day
from .decisions import (
    Clocks,
    Decision,
    PlanChangeDecision,
    PolicyQuestionError,
    ScopeDecision,
    Target,
)
from .models import AllowanceUsage, Subscription, add_months

__all__ = [
    "entitlement",
    "clocks",
    "lifecycle",
    "scope",
    "plan_change",
    "calendar_for",
    "coverage",
    "running_release",
    "overview",
]


def _fmt_day(day: date) -> str:
    return f"{day:%B} {day.day}, {day.year}"


def _product_names(slugs) -> str:
    names = dict(ProductLine.objects.filter(slug__in=slugs).values_list("slug", "name"))
    return ", ".join(names.get(slug, slug) for slug in sorted(slugs))


def _decision(allowed: bool, clause: str, reason: str, *, fee=False, service="", until=None):
    return Decision(
        allowed, clause, reason, get_policy().version, fee=fee, service=service, until=until
    )


def coverage(client: Client, product: ProductLine, at: datetime | None = None):
    """The plan covering `product` for `client` at `at`, or why there is none."""
    return find_coverage(client, product, support_day(at or timezone.now()))


def calendar_for(cov: Coverage, product: ProductLine):
    """The support calendar of a coverage: the plan's, or an add-on's that replaces it (P-24x7)."""
    policy = get_policy()
    for slug in cov.addons:
        addon = policy.addons.get(slug)
        if addon and product.slug in addon.products:
            return slug, policy.calendars[addon.calendar]
    return None, policy.calendars[policy.plan(cov.plan).calendar]


def running_release(
    client: Client, product: ProductLine, day: date | None = None
) -> Release | None:
    """The release the client runs: that of its newest licence of the product."""
    licences = Licence.objects.filter(client=client, product_line=product).select_related("release")
    if day is not None:
        licences = licences.filter(purchased_on__lte=day)
    licence = licences.order_by("-purchased_on", "-pk").first()
    return licence.release if licence else None


def lifecycle(product: ProductLine, release: str | Release | None) -> Lifecycle:
    """Current, Prior or Retired (P-LIFE); raises UnknownRelease for a version never published."""
    return lifecycle_of(product, release)


def _addon_grant(cov: Coverage, product: ProductLine, service: str) -> str | None:
    policy = get_policy()
    for slug in cov.addons:
        addon = policy.addons.get(slug)
        if addon and service in addon.grants and product.slug in addon.products:
            return slug
    return None


def entitlement(
    client: Client,
    service: str,
    product: ProductLine,
    *,
    release: str | Release | None = None,
    at: datetime | None = None,
    known_coverage: Coverage | NoCoverage | None = None,
) -> Decision:
    """May `client` have `service` for `product` (and `release`) at `at`?

    `known_coverage` is `coverage(client, product, at)` when the caller already has it, so that
    a page asking about every service looks the plan up once.
    """
    policy = get_policy()
    if service not in SERVICES:
        raise PolicyQuestionError(
            f"unknown service {service!r}; services are {', '.join(SERVICES)}"
        )
    at = at or timezone.now()
    day = support_day(at)
    name = policy.services[service].name
    cov = known_coverage or find_coverage(client, product, day)
    if isinstance(cov, NoCoverage):
        return _decision(False, cov.clause, f"{name}: {cov.reason}.", service=service)
    plan = policy.plan(cov.plan)
    base_clause = "P-DEFAULT" if cov.is_default else "P-PLAN"
    until = cov.last_day

    level = plan.features[service]
    grant = _addon_grant(cov, product, service)
    if service == "24x7":
        if grant:
            return _decision(
                True,
                "P-24x7",
                f"{name}: the {policy.addons[grant].name} add-on "
                f"covers {product.name} until {_fmt_day(until)}.",
                service=service,
                until=until,
            )
        offered = [a for a in policy.addons.values() if "24x7" in a.grants]
        slugs = {p for a in offered for p in a.products}
        if product.slug not in slugs:
            where = _product_names(slugs) or "no product"
            why = f"an add-on for {where} customers only"
        else:
            why = f"{plan.name} for {product.name} has no 24x7 add-on"
        return _decision(False, "P-24x7", f"{name}: {why}.", service=service)
    if level == "no" and not grant:
        return _decision(False, "P-PLAN", f"{name}: not included in {plan.name}.", service=service)
    if level == "fee" and not grant:
        return _decision(
            False,
            "P-PLAN",
            f"{name}: available with {plan.name} for a fee.",
            fee=True,
            service=service,
        )
    if level == "warranty" and not grant:
        last = in_warranty(client, product, day, cov)
        if last is None:
            return _decision(
                False,
                "P-PLAN",
                f"{name}: included in {plan.name} during the "
                f"warranty period only, and {product.name} is past it.",
                service=service,
            )
        until = min(until, last)

    if service == "phone":
        addon, calendar = calendar_for(cov, product)
        if not calendar.is_open(at):
            opens = calendar.next_open(at)
            return _decision(
                False,
                "P-CHANNEL",
                f"{name}: open {calendar.describe()}; it opens again {opens:%a %b %-d %H:%M %Z}.",
                service=service,
            )
        if addon and not policy.calendars[plan.calendar].is_open(at):
            return _decision(
                True,
                "P-24x7",
                f"{name}: the {policy.addons[addon].name} add-on "
                f"opens it for {product.name} around the clock.",
                service=service,
                until=until,
            )
    if service == "maintenance-releases":
        return _maintenance_decision(client, product, release, day, until)
    if service == "migration-assistance":
        answer = scope("migration-assistance", client=client, product=product)
        return _decision(
            answer.supported,
            "P-SCOPE",
            answer.reason,
            service=service,
            fee=not answer.supported and answer.referral != "none",
            until=until if answer.supported else None,
        )
    how = "included" if level != "warranty" else "included during the warranty period"
    return _decision(
        True,
        base_clause,
        f"{name}: {how} in {plan.name} for {product.name} until {_fmt_day(until)}.",
        service=service,
        until=until,
    )


def _maintenance_decision(client, product, release, day, until) -> Decision:
    """P-MAINT, P-RETIRED: service packs and hot fixes are made for Active-current releases only."""
    policy = get_policy()
    service = "maintenance-releases"
    target = release if release is not None else running_release(client, product, day)
    if product.is_cloud:
        return _decision(
            True,
            "P-MAINT",
            f"{product.name} is a cloud service, always Current.",
            service=service,
            until=until,
        )
    if target is None:
        target = current_release(product)
    if target is None:
        return _decision(
            False, "P-MAINT", f"{product.name} has no Current release.", service=service
        )
    life = lifecycle_of(product, target)
    shown = life.release or target
    label = shown if isinstance(shown, str) else f"{shown.name} {shown.version}"
    if life.status == Release.Status.RETIRED:
        current = life.current.version if life.current else "the Current release"
        return _decision(
            False,
            "P-RETIRED",
            f"{label} is Retired: it receives no maintenance releases; upgrade to {current}.",
            service=service,
        )
    if life.status not in policy.lifecycle.maintenance_for:
        current = life.current.version if life.current else "the Current release"
        return _decision(
            False,
            "P-MAINT",
            f"maintenance releases are made for the Current "
            f"release only; {label} is {life.label}. Upgrade to {current}.",
            service=service,
        )
    return _decision(
        True,
        "P-MAINT",
        f"service packs and hot fixes for {label} are included until {_fmt_day(until)}.",
        service=service,
        until=until,
    )


def clocks(
    client: Client,
    product: ProductLine,
    *,
    severity: int,
    channel: str,
    submitted: datetime,
    escalated: datetime | None = None,
    pauses=(),
) -> Clocks:
    """The response targets of an incident and their due instants, in business time."""
    policy = get_policy()
    if channel not in policy.channels:
        raise PolicyQuestionError(
            f"unknown channel {channel!r}; channels are {', '.join(policy.channels)}"
        )
    try:
        policy.severity(severity)
    except KeyError:
        raise PolicyQuestionError(f"unknown severity {severity!r}") from None
    cov = find_coverage(client, product, support_day(submitted))
    if isinstance(cov, NoCoverage):
        decision = _decision(False, cov.clause, f"no response targets: {cov.reason}.")
        return Clocks({}, decision)
    plan = policy.plan(cov.plan)
    addon, calendar = calendar_for(cov, product)
    clause = "P-24x7" if addon else ("P-DEFAULT" if cov.is_default else "P-PLAN")
    targets: dict[str, Target] = {}
    for key in TARGETS:
        spec = plan.targets.get(key)
        if spec is None:
            continue
        if spec.channels is not None and channel not in spec.channels:
            continue
        if spec.severities is not None and severity not in spec.severities:
            continue
        start = submitted
        if key == "escalated-follow-up":
            if escalated is None:
                continue
            start = escalated
        try:
            due = calendar.due(start, policy.duration(spec.within), pauses)
        except ClockStopped:
            due = None  # waiting on the client with no end yet: no due instant until it resumes
        targets[key] = Target(key, str(spec.within), due, calendar.name, clause)
    reason = f"{plan.name} for {product.name}, on {calendar.describe()}."
    return Clocks(targets, _decision(True, clause, reason), calendar.name)


def scope(
    category: str, *, client: Client | None = None, product: ProductLine | None = None
) -> ScopeDecision:
    """Is a kind of request supported (P-SCOPE); where does it go; how much allowance is left."""
    policy = get_policy()
    if category not in policy.scope:
        raise PolicyQuestionError(
            f"unknown scope category {category!r}; categories are {', '.join(policy.scope)}"
        )
    spec = policy.scope[category]

    def answer(supported, referral, left, reason, clause="P-SCOPE"):
        return ScopeDecision(
            supported, referral or "none", left, clause, reason, policy.version, category
        )

    if not spec.supported:
        referral = spec.referral
        where = f" Referred to {policy.referrals[referral].name}." if referral else ""
        return answer(False, referral, None, f"Not supported: {spec.text}.{where}")
    unbranded = product is not None and product.branding == ProductLine.Branding.THIRD_PARTY
    if unbranded and category not in policy.third_party.unbranded_categories:
        reason = (
            f"{product.name} is a third-party product: support covers its installation and "
            f"integration points only."
        )
        return answer(False, None, None, reason, "P-THIRDPARTY")
    slug, allowance = policy.allowance_for(category)
    if allowance is None or (product is None and allowance.per == "client-product"):
        return answer(True, None, None, f"Supported: {spec.text}.")
    if (
        product is not None
        and allowance.products != "all"
        and product.slug not in allowance.products
    ):
        referral = allowance.overflow_referral
        where = f" Available from {policy.referrals[referral].name}." if referral else ""
        return answer(
            False,
            referral,
            0,
            f"{allowance.name} is provided for "
            f"{', '.join(allowance.products)} only, not {product.name}.{where}",
        )
    used = 0
    if client is not None:
        used = AllowanceUsage.objects.minutes_used(
            client, product if allowance.per == "client-product" else None, slug
        )
    left = max(allowance.minutes - used, 0)
    if left == 0:
        referral = allowance.overflow_referral
        where = f" More is available from {policy.referrals[referral].name}." if referral else ""
        return answer(
            False,
            referral,
            0,
            f"the {allowance.minutes}-minute {allowance.name.lower()} allowance is used up.{where}",
        )
    return answer(
        True, None, left, f"Supported: {spec.text}; {left} of {allowance.minutes} minutes left."
    )


def plan_change(
    client: Client,
    plan: str,
    products: list[ProductLine],
    *,
    start: date,
    months: int,
    addons: list[str] | tuple = (),
) -> PlanChangeDecision:
    """May `client` buy or renew `plan` for `products`; what upgrade does it require (P-RENEW)?"""
    policy = get_policy()
    if plan not in policy.plans:
        raise PolicyQuestionError(f"unknown plan {plan!r}; plans are {', '.join(policy.plans)}")
    if not products:
        raise PolicyQuestionError("a plan covers at least one product")
    spec = policy.plan(plan)

    def answer(allowed, clause, reason, upgrades=()):
        return PlanChangeDecision(allowed, clause, reason, policy.version, list(upgrades))

    if months not in spec.terms_months:
        terms = ", ".join(str(m) for m in spec.terms_months)
        return answer(
            False, "P-TERM", f"{spec.name} is sold for {terms} months; {months} is not a term."
        )
    unavailable = [p.name for p in products if not policy.plan_covers_product(plan, p.slug)]
    if unavailable:
        return answer(False, "P-AVAIL", f"{spec.name} is not offered for {', '.join(unavailable)}.")
    for slug in addons:
        addon = policy.addons.get(slug)
        if addon is None:
            raise PolicyQuestionError(
                f"unknown add-on {slug!r}; add-ons are {', '.join(policy.addons)}"
            )
        if plan not in addon.plans:
            return answer(False, "P-24x7", f"the {addon.name} add-on is not sold with {spec.name}.")
        if not any(p.slug in addon.products for p in products):
            return answer(
                False,
                "P-24x7",
                f"the {addon.name} add-on is available for {', '.join(addon.products)} only.",
            )
    if policy.rules.same_level_required:
        ends = add_months(start, months)
        slugs = {p.slug for p in products}
        overlapping = (
            client.subscriptions.filter(starts_on__lt=ends, ends_on__gt=start)
            .exclude(plan=plan)
            .prefetch_related("products")
        )
        for existing in overlapping:
            # A plan whose products all move to the new level is replaced, not mixed with.
            if not {p.slug for p in existing.products.all()} <= slugs:
                return answer(
                    False,
                    "P-SAME-LEVEL",
                    f"{client.name} has {existing.plan_name} until "
                    f"{_fmt_day(existing.last_day)}; additional products and add-ons must "
                    f"be covered at that same level, not {spec.name}.",
                )
    upgrades = []
    if policy.rules.renewal_requires_current:
        for product in products:
            runs = running_release(client, product, start)
            if runs is None or product.is_cloud:
                continue
            current = current_release(product)
            if current is not None and runs.major != current.major:
                upgrades.append(current)
    if upgrades:
        names = ", ".join(f"{r.name} {r.version}" for r in upgrades)
        return answer(
            True,
            "P-RENEW",
            f"{spec.name} may be bought; it requires upgrading to, "
            f"installing and registering {names}.",
            upgrades,
        )
    return answer(True, "P-PLAN", f"{spec.name} may be bought for {months} months.")


def overview(client: Client, at: datetime | None = None) -> list[dict]:
    """For each product the client has: its coverage today and every service decision."""
    at = at or timezone.now()
    products = ProductLine.objects.filter(
        pk__in=list(client.licences.values_list("product_line", flat=True))
        + list(Subscription.objects.filter(client=client).values_list("products", flat=True))
    ).distinct()
    rows = []
    for product in products:
        cov = coverage(client, product, at)
        rows.append(
            {
                "product": product,
                "coverage": None if isinstance(cov, NoCoverage) else cov,
                "no_coverage": cov if isinstance(cov, NoCoverage) else None,
                "release": running_release(client, product),
                "decisions": [
                    entitlement(client, s, product, at=at, known_coverage=cov) for s in SERVICES
                ],
            }
        )
    return rows
