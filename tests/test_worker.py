"""The worker: periodic jobs are enqueued once per slot across workers, and run."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from caredesk.catalog.actions import announce_retirement
from caredesk.core.models import PeriodicRun
from caredesk.core.schedule import JOBS, PeriodicJob, enqueue_due, slot_of

HOURLY = [
    PeriodicJob(
        "catalog.retire-due-releases", timedelta(hours=1), "caredesk.catalog.tasks.retire_releases"
    )
]


def test_slots_are_aligned_periods():
    at = datetime(2026, 6, 2, 10, 41, 7, tzinfo=UTC)
    assert slot_of(at, timedelta(hours=1)) == datetime(2026, 6, 2, 10, tzinfo=UTC)
    assert slot_of(at, timedelta(minutes=15)) == datetime(2026, 6, 2, 10, 30, tzinfo=UTC)


def test_each_slot_is_enqueued_once_whoever_asks(db):
    at = datetime(2026, 6, 2, 10, 5, tzinfo=UTC)
    assert enqueue_due(at, HOURLY) == ["catalog.retire-due-releases"]
    assert enqueue_due(at + timedelta(minutes=30), HOURLY) == []  # a second worker, same hour
    assert enqueue_due(at + timedelta(hours=1), HOURLY) == ["catalog.retire-due-releases"]
    assert PeriodicRun.objects.count() == 2
    assert DBTaskResult.objects.count() == 2


# The worker commits and reconnects like the real process, so the test cannot run inside the
# test case's transaction.
@pytest.mark.django_db(transaction=True)
def test_a_worker_back_from_downtime_runs_the_missed_job_once(catalog):
    prior = catalog["footprints"].releases.get(version="10.0")
    announce_retirement(prior, retires_on=date(2020, 4, 1), announced_on=date(2020, 1, 1))
    call_command("worker", "--batch")
    prior.refresh_from_db()
    assert prior.status == "retired"
    assert PeriodicRun.objects.filter(job=JOBS[0].name).count() == 1
    call_command("worker", "--batch")  # same slot: nothing enqueued twice
    assert PeriodicRun.objects.filter(job=JOBS[0].name).count() == 1
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}
