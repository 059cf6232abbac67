"""Background work of incidents."""

from django.utils import timezone
from django_tasks import task

from .clocks import sweep


@task(priority=50)  # ahead of mail: a breach recorded late is a wrong record
def sweep_clocks() -> dict:
    """Warn before targets fall due and record breaches (each exactly once)."""
    return sweep(timezone.now())
