"""Pauses: spans during which a clock does not run (a ticket waiting on the client)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime

from .localtime import to_utc

# A merged pause in UTC; an end of None means the clock is still stopped.
Span = tuple[datetime, datetime | None]


class ClockStopped(ValueError):
    """A due date that cannot be reached because an open-ended pause stops the clock for good."""


@dataclass(frozen=True)
class Pause:
    """A half-open span [start, end) in which the clock stands still; end None = still paused."""

    start: datetime
    end: datetime | None = None

    def __post_init__(self) -> None:
        start = to_utc(self.start, "pause start")
        if self.end is not None and to_utc(self.end, "pause end") < start:
            raise ValueError(
                f"pause ends ({self.end.isoformat()}) before it starts ({self.start.isoformat()})"
            )


def merge_pauses(pauses: Iterable[Pause | tuple[datetime, datetime | None]]) -> list[Span]:
    """Pauses in UTC, sorted, with overlapping and touching ones merged and empty ones dropped."""
    spans: list[Span] = []
    for pause in pauses:
        if not isinstance(pause, Pause):
            pause = Pause(*pause)
        start = to_utc(pause.start)
        end = None if pause.end is None else to_utc(pause.end)
        if end is None or end > start:
            spans.append((start, end))
    spans.sort(key=lambda span: span[0])
    merged: list[Span] = []
    for start, end in spans:
        if merged:
            last_start, last_end = merged[-1]
            if last_end is None:
                break  # everything after an open-ended pause is paused already
            if start <= last_end:
                merged[-1] = (last_start, None if end is None else max(last_end, end))
                continue
        merged.append((start, end))
    return merged


def running(
    segments: Iterable[tuple[datetime, datetime]], pauses: list[Span]
) -> Iterator[tuple[datetime, datetime]]:
    """The parts of increasing, disjoint `segments` that lie outside the merged `pauses`.

    Stops for good at the start of an open-ended pause.
    """
    index = 0
    for seg_start, seg_end in segments:
        # Pauses that ended before this segment cannot touch any later one either.
        while index < len(pauses) and (end := pauses[index][1]) is not None and end <= seg_start:
            index += 1
        cursor = seg_start
        probe = index
        while cursor < seg_end:
            if probe >= len(pauses) or pauses[probe][0] >= seg_end:
                yield cursor, seg_end
                break
            pause_start, pause_end = pauses[probe]
            if pause_start > cursor:
                yield cursor, pause_start
            if pause_end is None:
                return
            cursor = max(cursor, pause_end)
            probe += 1
