"""Background sending of the outbox and fetching of the mailboxes."""

from django_tasks import task

from .outbox import send_due


@task()
def send_outbox() -> int:
    """Send every queued message that is due (also run periodically to retry)."""
    return send_due()


@task(priority=20)
def fetch_mail() -> list:
    """Fetch every active mailbox once, then route anything stored but not yet routed."""
    from .imap import fetch_all, route_pending

    reports = [f"{box.name}: {report}" for box, report in fetch_all()]
    route_pending()
    return reports
