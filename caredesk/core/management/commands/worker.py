"""`caredesk worker`: runs queued tasks and enqueues periodic jobs. Run as many as you like."""

import logging
import os
import socket
import threading

from django.core.management.base import BaseCommand
from django.db import close_old_connections, connection
from django_tasks_db.management.commands.db_worker import Worker

from caredesk.core.schedule import enqueue_due

log = logging.getLogger("caredesk.worker")


class Command(BaseCommand):
    help = "Run the background worker: queued tasks and periodic jobs (mail, SLA sweeps, notices)."

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=1.0, help="Seconds between polls.")
        parser.add_argument(
            "--schedule-every",
            type=float,
            default=15.0,
            help="Seconds between checks for periodic jobs.",
        )
        parser.add_argument("--batch", action="store_true", help="Exit when the queue is empty.")

    def handle(self, *args, interval, schedule_every, batch, **options):
        stop = threading.Event()

        def scheduler():
            while not stop.is_set():
                try:
                    close_old_connections()
                    enqueue_due()
                except Exception:  # a failed check must not kill the thread; the next one retries
                    log.exception("periodic job check failed")
                finally:
                    connection.close()
                stop.wait(schedule_every)

        if batch:
            enqueue_due()
        else:
            threading.Thread(target=scheduler, name="caredesk-scheduler", daemon=True).start()
        worker = Worker(
            queue_names=["default"],
            interval=interval,
            batch=batch,
            backend_name="default",
            startup_delay=not batch,
            max_tasks=None,
            worker_id=f"{socket.gethostname()}-{os.getpid()}",
            excluded_queue_names=[],
        )
        if not batch:
            worker.configure_signals()
        try:
            worker.run()
        finally:
            stop.set()
