"""Figures for the support manager: backlog, breaches, SLA compliance."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Count, Q
from django.db.models.functions import TruncDate

from caredesk.policy import get_policy

from .models import Clock, Incident

NEAR = timedelta(hours=2)


def backlog(incidents=None) -> dict:
    """Open incidents by severity and by product."""
    open_ = (incidents if incidents is not None else Incident.objects.all()).open()
    by_severity = {
        row["severity"]: row["n"]
        for row in open_.values("severity").annotate(n=Count("id")).order_by("severity")
    }
    names = {s.level: s.name for s in get_policy().severities}
    return {
        "total": sum(by_severity.values()),
        "by_severity": [
            (level, names.get(level, str(level)), by_severity.get(level, 0))
            for level in sorted(names)
        ],
        "by_product": list(
            open_.values_list("product_line__name")
            .annotate(n=Count("id"))
            .order_by("-n", "product_line__name")
        ),
        "waiting_on_client": open_.filter(status=Incident.Status.WAITING_ON_CLIENT).count(),
        "to_review": open_.filter(entitlement=Incident.Entitlement.DENIED).count(),
    }


def breaches(now: datetime, incidents=None) -> dict:
    open_ = (incidents if incidents is not None else Incident.objects.all()).open()
    return {
        "breaching": open_.filter(next_due_at__lte=now).count(),
        "near": open_.filter(next_due_at__gt=now, next_due_at__lte=now + NEAR).count(),
    }


def compliance(now: datetime, days: int = 30, incidents=None) -> dict:
    """Targets that fell due in the last `days` days of the support calendar (today included,
    from its midnight): met in time against breached, overall, per target and per day."""
    zone = get_policy().support_zone
    first_day = now.astimezone(zone).date() - timedelta(days=days - 1)
    since = datetime.combine(first_day, datetime.min.time(), tzinfo=zone)
    clocks = Clock.objects.all()
    if incidents is not None:
        clocks = clocks.filter(incident__in=incidents)
    window = clocks.filter(
        due_at__gte=since,
        due_at__lte=now,
        state__in=(Clock.State.MET, Clock.State.BREACHED),
    )
    counts = window.aggregate(
        met=Count("id", filter=Q(state=Clock.State.MET)),
        breached=Count("id", filter=Q(state=Clock.State.BREACHED)),
    )
    per_target = list(
        window.values("target")
        .annotate(
            met=Count("id", filter=Q(state=Clock.State.MET)),
            breached=Count("id", filter=Q(state=Clock.State.BREACHED)),
        )
        .order_by("target")
    )
    per_day = {
        row["day"]: row
        for row in window.annotate(day=TruncDate("due_at", tzinfo=get_policy().support_zone))
        .values("day")
        .annotate(
            met=Count("id", filter=Q(state=Clock.State.MET)),
            breached=Count("id", filter=Q(state=Clock.State.BREACHED)),
        )
    }
    today = now.astimezone(get_policy().support_zone).date()
    series = []
    for offset in range(days - 1, -1, -1):
        day = today - timedelta(days=offset)
        row = per_day.get(day, {"met": 0, "breached": 0})
        series.append({"day": day, "met": row["met"], "breached": row["breached"]})
    total = counts["met"] + counts["breached"]
    return {
        "met": counts["met"],
        "breached": counts["breached"],
        "total": total,
        "rate": None if total == 0 else counts["met"] / total,
        "per_target": per_target,
        "series": series,
        "days": days,
    }
