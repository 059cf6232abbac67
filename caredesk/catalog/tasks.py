"""Background work of the catalog."""

from django.utils import timezone
from django_tasks import task

from caredesk.plans.coverage import support_day

from .actions import retire_due_releases


@task()
def retire_releases() -> int:
    """Retire releases whose announced retirement date has come (P-RETIRE-NOTICE)."""
    return retire_due_releases(support_day(timezone.now()))
