"""Background sending of the outbox."""

from django_tasks import task

from .outbox import send_due


@task()
def send_outbox() -> int:
    """Send every queued message that is due (also run periodically to retry)."""
    return send_due()
