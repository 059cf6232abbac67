"""Shaping what the policy and the engine say into what a page shows.

Nothing here decides anything: these functions read the policy document, the catalog and the
engine's answers and arrange them for templates (labels, grouping, ordering). The only words
written here are names for values the schema fixes (feature levels, target keys, intake groups).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from caredesk.catalog.lifecycle import UnknownRelease
from caredesk.catalog.models import ProductLine, Release
from caredesk.plans import engine
from caredesk.policy import Policy
from caredesk.policy.schema import TARGETS

# Words for the schema's feature levels (schema.FeatureLevel).
FEATURE_LEVELS = {
    "included": "Included",
    "no": "—",
    "fee": "For a fee",
    "warranty": "Warranty period only",
}
# Targets that are not also services need a name of their own.
TARGET_NAMES = {
    "first-response": "First response",
    "system-down-callback": "Call back from a senior technician",
}
# When each target's clock starts (engine.clocks).
TARGET_STARTS = {"escalated-follow-up": "from the escalation"}
INTAKE_GROUPS = {
    "client": "About you and your company",
    "product": "About the product",
    "server": "About the server it runs on",
    "problem": "About the problem",
}
INTAKE_REQUIRED = {
    "always": "Required",
    "if-available": "If available",
    "when-continuing": "When continuing an incident",
}
ALLOWANCE_PER = {"client-product": "per client, per product", "client": "per client"}


def words_list(items, last: str = "and") -> str:
    """ "a", "a and b", "a, b and c"."""
    items = [str(i) for i in items]
    if len(items) <= 2:
        return f" {last} ".join(items)
    return f"{', '.join(items[:-1])} {last} {items[-1]}"


def product_names() -> dict[str, str]:
    """Product line slug -> its current name, for policy lists that name products by slug."""
    return dict(ProductLine.objects.values_list("slug", "name"))


def _products(slugs, names: dict[str, str]) -> list[str]:
    return [names.get(slug, slug) for slug in slugs]


def _holidays(calendar, today: date, days: int = 365) -> list[dict]:
    """The closed days of a calendar from `today` for a year, with their names where known."""
    container = calendar.holidays
    if not hasattr(container, "named"):
        return []
    named = container.named(today, today + timedelta(days=days))
    return [{"day": day, "name": name or "Support closed"} for day, name in named]


def policy_context(policy: Policy, today: date) -> dict:
    """Everything the published policy page shows, from the policy in force."""
    doc = policy.document
    names = product_names()
    plans = list(doc.plans.items())

    def clause(cid: str) -> dict:
        return {"id": cid, "title": doc.clauses[cid].title} if cid in doc.clauses else None

    feature_rows = []
    for slug, service in doc.services.items():
        cells = []
        for plan_slug, plan in plans:
            level = plan.features[slug]
            addons = [
                a.name for a in doc.addons.values() if slug in a.grants and plan_slug in a.plans
            ]
            cells.append({"level": level, "text": FEATURE_LEVELS[level], "addons": addons})
        feature_rows.append(
            {"slug": slug, "name": service.name, "online": service.online, "cells": cells}
        )

    target_rows = []
    for key in TARGETS:
        if not any(key in plan.targets for _, plan in plans):
            continue
        cells = []
        for _, plan in plans:
            target = plan.targets.get(key)
            if target is None:
                cells.append(None)
                continue
            limits = []
            if target.channels:
                limits.append(
                    words_list([doc.channels[c].name for c in target.channels], "or") + " only"
                )
            if target.severities:
                levels = [f"{s} ({policy.severity(s).name})" for s in target.severities]
                limits.append("severity " + words_list(levels, "or") + " only")
            cells.append({"within": str(target.within), "limits": limits})
        name = doc.services[key].name if key in doc.services else TARGET_NAMES.get(key, key)
        target_rows.append(
            {
                "key": key,
                "name": name,
                "cells": cells,
                "starts": TARGET_STARTS.get(key, "from submission"),
            }
        )

    plan_terms = []
    for slug, plan in plans:
        plan_terms.append(
            {
                "slug": slug,
                "name": plan.name,
                "terms": words_list([f"{m}" for m in sorted(plan.terms_months)], "or") + " months",
                "minimum": min(plan.terms_months),
                "available_for": None
                if plan.available_for == "all"
                else _products(plan.available_for, names),
                "calendar": doc.calendars[plan.calendar].name,
                "calendar_slug": plan.calendar,
                "hours": policy.calendars[plan.calendar].describe(),
                "addons": [a.name for a in doc.addons.values() if slug in a.plans],
            }
        )

    calendars = []
    for slug, spec in doc.calendars.items():
        cal = policy.calendars[slug]
        holiday_text = cal.holidays.describe() if hasattr(cal.holidays, "describe") else ""
        calendars.append(
            {
                "slug": slug,
                "name": spec.name,
                "hours": cal.describe(),
                "zone": spec.timezone,
                "always_open": spec.always_open,
                "business_day": str(spec.business_day) if spec.business_day else None,
                "holiday_text": holiday_text,
                "holidays": _holidays(cal, today),
                "used_by": [p.name for p in doc.plans.values() if p.calendar == slug]
                + [a.name for a in doc.addons.values() if a.calendar == slug],
            }
        )

    channels = [
        {
            "slug": slug,
            "name": ch.name,
            "service": doc.services[ch.service].name,
            "always": ch.hours == "always",
        }
        for slug, ch in doc.channels.items()
    ]

    addons = []
    for slug, addon in doc.addons.items():
        addons.append(
            {
                "slug": slug,
                "name": addon.name,
                "products": _products(addon.products, names),
                "plans": [doc.plans[p].name for p in addon.plans if p in doc.plans],
                "calendar": doc.calendars[addon.calendar].name,
                "calendar_slug": addon.calendar,
                "hours": policy.calendars[addon.calendar].describe(),
                "grants": [doc.services[s].name for s in addon.grants],
            }
        )

    def referral(slug):
        if not slug:
            return None
        ref = doc.referrals[slug]
        return {
            "slug": slug,
            "name": ref.name,
            "contact": ref.contact,
            "fee_based": ref.fee_based,
            "text": ref.text,
        }

    supported, unsupported = [], []
    for slug, category in doc.scope.items():
        item = {"slug": slug, "text": category.text, "referral": referral(category.referral)}
        if category.allowance:
            allowance = doc.allowances[category.allowance]
            item["allowance"] = {
                "name": allowance.name,
                "minutes": allowance.minutes,
                "per": ALLOWANCE_PER[allowance.per],
                "products": None
                if allowance.products == "all"
                else _products(allowance.products, names),
                "overflow": referral(allowance.overflow_referral),
            }
        (supported if category.supported else unsupported).append(item)

    intake_groups: dict[str, dict] = {}
    for item in doc.intake.fields:
        group = intake_groups.setdefault(
            item.group,
            {"key": item.group, "name": INTAKE_GROUPS.get(item.group, item.group), "fields": []},
        )
        group["fields"].append(
            {
                "key": item.key,
                "label": item.label,
                "help": item.help,
                "required": item.required,
                "required_text": INTAKE_REQUIRED[item.required],
            }
        )

    lifecycle = doc.lifecycle
    default_plan = doc.plans[doc.warranty.default_plan]
    return {
        "policy": policy,
        "doc": doc,
        "info": doc.policy,
        "severities": doc.severities,
        "lifecycle": {
            "prior_versions": lifecycle.prior_versions,
            "maintenance_for": maintenance_labels(policy),
            "retirement_notice": str(lifecycle.retirement_notice),
            "current": Release.Status.CURRENT.label,
            "prior": Release.Status.PRIOR.label,
            "retired": Release.Status.RETIRED.label,
            "active": [Release.Status(s).label for s in Release.ACTIVE],
        },
        "plans": [{"slug": s, "name": p.name} for s, p in plans],
        "feature_rows": feature_rows,
        "target_rows": target_rows,
        "plan_terms": plan_terms,
        "warranty": {"length": str(doc.warranty.length), "plan": default_plan.name},
        "rules": [
            clause(cid) | {"text": doc.clauses[cid].text}
            for cid, on in (
                ("P-SAME-LEVEL", doc.rules.same_level_required),
                ("P-RENEW", doc.rules.renewal_requires_current),
            )
            if on and cid in doc.clauses
        ],
        "calendars": calendars,
        "channels": channels,
        "addons": addons,
        "supported": supported,
        "unsupported": unsupported,
        "referrals": [referral(slug) for slug in doc.referrals],
        "intake_groups": list(intake_groups.values()),
        "clauses": [
            {"id": cid, "title": c.title, "text": c.text} for cid, c in doc.clauses.items()
        ],
        "today": today,
    }


# --- The versions chart --------------------------------------------------------------------

STATUS_BADGES = {
    Release.Status.CURRENT: "ok",
    Release.Status.PRIOR: "info",
    Release.Status.RETIRED: "neutral",
}


def maintenance_labels(policy: Policy) -> list[str]:
    """The lifecycle statuses that receive service packs and hot fixes, in words."""
    return [Release.Status(s).label for s in policy.lifecycle.maintenance_for]


def status_badge(status: str) -> str:
    """The badge colour of a lifecycle status."""
    return STATUS_BADGES.get(status, "neutral")


# --- The client page -----------------------------------------------------------------------


@dataclass
class PlanRow:
    """One subscription and where it stands on a day."""

    subscription: object
    state: str  # "in-force", "ended", "upcoming"

    @property
    def state_label(self) -> str:
        return {"in-force": "In force", "ended": "Ended", "upcoming": "Upcoming"}[self.state]

    @property
    def badge(self) -> str:
        return {"in-force": "ok", "ended": "neutral", "upcoming": "info"}[self.state]


def plan_rows(subscriptions, today: date) -> list[PlanRow]:
    """Subscriptions with their state on `today`."""
    rows = [PlanRow(sub, sub.state_on(today)) for sub in subscriptions]
    order = {"in-force": 0, "upcoming": 1, "ended": 2}
    return sorted(rows, key=lambda r: (order[r.state], -r.subscription.starts_on.toordinal()))


@dataclass
class ProductEntitlements:
    """What the engine says about one product of a client, ready for the page."""

    product: ProductLine
    coverage: object | None
    no_coverage: object | None
    release: Release | None
    lifecycle: object | None
    calendar: object | None
    calendar_addon: str | None
    decisions: list = field(default_factory=list)

    @property
    def allowed_count(self) -> int:
        return sum(1 for d in self.decisions if d.allowed)


def entitlement_rows(overview: list[dict]) -> list[ProductEntitlements]:
    """engine.overview() rows, with the lifecycle and calendar the engine gives for each."""
    rows = []
    for row in overview:
        product, release = row["product"], row["release"]
        try:
            life = engine.lifecycle(product, release) if (release or product.is_cloud) else None
        except UnknownRelease:
            life = None
        addon, calendar = (None, None)
        if row["coverage"] is not None:
            addon, calendar = engine.calendar_for(row["coverage"], product)
        rows.append(
            ProductEntitlements(
                product=product,
                coverage=row["coverage"],
                no_coverage=row["no_coverage"],
                release=release,
                lifecycle=life,
                calendar=calendar,
                calendar_addon=addon,
                decisions=row["decisions"],
            )
        )
    return sorted(rows, key=lambda r: (r.product.position, r.product.name))
