"""Periodic work, run from the worker: each job's period is enqueued once, by whichever worker
claims its slot first. A slot missed while every worker was down is claimed when one returns;
jobs look at the state of the data, not at the time they were meant to run, so one run catches up.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from .models import PeriodicRun

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PeriodicJob:
    """A task to enqueue every `every`."""

    name: str
    every: timedelta
    task: str  # dotted path of a django-tasks Task


POLL = timedelta(seconds=settings.CAREDESK_POLL_SECONDS)  # CAREDESK_POLL_SECONDS, 60 by default
JOBS = [
    PeriodicJob(
        "catalog.retire-due-releases", timedelta(hours=1), "caredesk.catalog.tasks.retire_releases"
    ),
    PeriodicJob("incidents.sweep-clocks", POLL, "caredesk.incidents.tasks.sweep_clocks"),
    PeriodicJob("mail.send-outbox", POLL, "caredesk.mail.tasks.send_outbox"),
    PeriodicJob("mail.fetch", POLL, "caredesk.mail.tasks.fetch_mail"),
]


def slot_of(now: datetime, every: timedelta) -> datetime:
    seconds = int(every.total_seconds())
    epoch = int(now.timestamp())
    return datetime.fromtimestamp(epoch - epoch % seconds, tz=UTC)


def enqueue_due(now: datetime | None = None, jobs=None) -> list[str]:
    """Enqueue every job whose current slot no worker has claimed yet; returns their names."""
    now = now or timezone.now()
    enqueued = []
    for job in jobs or JOBS:
        slot = slot_of(now, job.every)
        try:
            with transaction.atomic():
                PeriodicRun.objects.create(job=job.name, slot=slot)
                import_string(job.task).enqueue()
        except IntegrityError:
            continue  # another worker claimed this slot
        enqueued.append(job.name)
        log.info("enqueued %s for %s", job.name, slot.isoformat())
    return enqueued
