"""The support manager's dashboard: the backlog, what is breaching, SLA compliance.

The figures come from `caredesk.incidents.reports`; this module adds the two that need more than
the reports give (open incidents per product *with its slug*, to link the console queue, and the
clients with the most breached targets), arranges them for the template and asks `charts` for
the geometry of each chart.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from caredesk.accounts.models import User
from caredesk.incidents import reports
from caredesk.incidents.clocks import target_label
from caredesk.incidents.models import Clock, Incident
from caredesk.policy import get_policy

from . import charts

PERIODS = (7, 30, 90)
DEFAULT_PERIOD = 30
TOP_CLIENTS = 10
MANAGER_ROLES = (User.Role.MANAGER, User.Role.ADMIN)
SEVERITY_TONES = {1: "bad", 2: "warn", 3: "info"}


def is_manager(user) -> bool:
    """Support managers, vendor admins and superusers see the dashboard."""
    return (
        user.is_authenticated
        and user.is_active
        and (user.is_superuser or user.role in MANAGER_ROLES)
    )


def severity_tone(level: int) -> str:
    """The most severe levels stand out; the rest are quiet."""
    return SEVERITY_TONES.get(level, "neutral")


def period_of(value) -> int:
    """The compliance period from `?days=`: one of PERIODS, anything else is the default."""
    return {str(days): days for days in PERIODS}.get(str(value or "").strip(), DEFAULT_PERIOD)


def console_url(**params) -> str:
    """The console queue filtered by its own filters (view, severity, product, client)."""
    queue = reverse("console:queue")
    return f"{queue}?{urlencode(params)}" if params else queue


def percent(met: int, total: int) -> str:
    """The share met in time, cut (not rounded) to a tenth of a percent, so that a breach never
    shows as 100%; a dash when nothing fell due (neither 0% nor 100%)."""
    if total == 0:
        return "—"
    tenths = met * 1000 // total
    whole, tenth = divmod(tenths, 10)
    return f"{whole}%" if tenth == 0 else f"{whole}.{tenth}%"


def open_by_product(incidents) -> list[dict]:
    """Open incidents per product line, most first, with the slug the console filters by."""
    rows = (
        incidents.open()
        .values("product_line__slug", "product_line__name")
        .annotate(n=Count("id"))
        .order_by("-n", "product_line__name", "product_line__slug")
    )
    return [
        {"slug": r["product_line__slug"], "name": r["product_line__name"], "open": r["n"]}
        for r in rows
    ]


def compliance_by_client(now: datetime, days: int, incidents, limit: int = TOP_CLIENTS):
    """The clients with the most targets breached among those that fell due in the last `days`
    (the window of `reports.compliance`), in one aggregate query."""
    rows = (
        Clock.objects.filter(
            incident__in=incidents,
            due_at__gt=now - timedelta(days=days),
            due_at__lte=now,
            state__in=(Clock.State.MET, Clock.State.BREACHED),
        )
        .values("incident__client_id", "incident__client__number", "incident__client__name")
        .annotate(
            met=Count("id", filter=Q(state=Clock.State.MET)),
            breached=Count("id", filter=Q(state=Clock.State.BREACHED)),
        )
        .filter(breached__gt=0)
        .order_by("-breached", "met", "incident__client__name")[:limit]
    )
    return [
        {
            "number": r["incident__client__number"],
            "name": r["incident__client__name"],
            "met": r["met"],
            "breached": r["breached"],
            "total": r["met"] + r["breached"],
            "rate": percent(r["met"], r["met"] + r["breached"]),
            "href": console_url(view="all", client=r["incident__client__number"]),
        }
        for r in rows
    ]


def dashboard(user, now: datetime, days: int = DEFAULT_PERIOD) -> dict:
    """Everything the page shows, as of `now`, with compliance over the last `days`."""
    incidents = Incident.objects.visible_to(user)
    backlog = reports.backlog(incidents)
    breaches = reports.breaches(now, incidents)
    compliance = reports.compliance(now, days)
    products = open_by_product(incidents)

    severity_chart = charts.bar_chart(
        "Open incidents by severity",
        [
            (f"{level} {name}", n, console_url(severity=level), severity_tone(level))
            for level, name, n in backlog["by_severity"]
        ],
    )
    product_chart = charts.bar_chart(
        "Open incidents by product",
        [(p["name"], p["open"], console_url(product=p["slug"]), "accent") for p in products],
    )
    daily_chart = charts.column_chart(
        f"Targets met and breached per day, last {days} days", compliance["series"]
    )
    per_target = [
        {
            "key": row["target"],
            "label": target_label(row["target"]),
            "met": row["met"],
            "breached": row["breached"],
            "total": row["met"] + row["breached"],
            "rate": percent(row["met"], row["met"] + row["breached"]),
        }
        for row in compliance["per_target"]
    ]
    return {
        "now": now,
        "support_zone": get_policy().support_zone,
        "days": days,
        "periods": PERIODS,
        "backlog": backlog,
        "breaches": breaches,
        "near_hours": int(reports.NEAR.total_seconds() // 3600),
        "compliance": compliance,
        "compliance_rate": percent(compliance["met"], compliance["total"]),
        "per_target": per_target,
        "products": products,
        "clients": compliance_by_client(now, days, incidents),
        "severity_chart": severity_chart,
        "product_chart": product_chart,
        "daily_chart": daily_chart,
        "links": {
            "open": console_url(),
            "breaching": console_url(view="breaching"),
            "waiting": console_url(view="waiting"),
            "review": console_url(view="review"),
        },
    }


@login_required
@require_GET
def home(request):
    """The dashboard; anyone but a support manager or admin gets a 404, as for any page they
    may not see."""
    if not is_manager(request.user):
        raise Http404("No such page")
    days = period_of(request.GET.get("days"))
    return render(request, "dashboard/home.html", dashboard(request.user, timezone.now(), days))
