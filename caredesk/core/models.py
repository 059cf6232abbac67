"""What the worker needs to remember between runs."""

from django.db import models


class PeriodicRun(models.Model):
    """One time slot of a periodic job, claimed once across every worker (restart-safe)."""

    job = models.CharField(max_length=100)
    slot = models.DateTimeField(help_text="The start of the period this run covers.")
    enqueued_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["job", "slot"], name="periodic_run_once")]
        indexes = [models.Index(fields=["job", "-slot"])]

    def __str__(self) -> str:
        return f"{self.job} @ {self.slot:%Y-%m-%d %H:%M}"
