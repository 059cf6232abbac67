"""Reading version numbers as the Guide writes them (P-VERSION): X.xx.xxx."""

from __future__ import annotations

import re
from dataclasses import dataclass

_VERSION = re.compile(r"^\s*(\d+)(?:\.(x|\d+))?(?:\.(\d+))?\s*$", re.IGNORECASE)


class VersionError(ValueError):
    """A version text that does not read as X.xx.xxx."""


@dataclass(frozen=True, order=True)
class VersionNumber:
    """major.update.maintenance; `update` is None for a whole version line such as "10.x"."""

    major: int
    update: int | None = None
    maintenance: int | None = None

    @property
    def is_whole_version(self) -> bool:
        return self.update is None


def parse_version(text: str) -> VersionNumber:
    match = _VERSION.match(text or "")
    if not match:
        raise VersionError(
            f"cannot read version {text!r}: expected X.xx.xxx, such as 11.0, 10.x or 11.0.120"
        )
    major, update, maintenance = match.groups()
    if update is not None and update.lower() == "x":
        if maintenance is not None:
            raise VersionError(f"cannot read version {text!r}: nothing may follow .x")
        update = None
    return VersionNumber(
        int(major),
        None if update is None else int(update),
        None if maintenance is None else int(maintenance),
    )
