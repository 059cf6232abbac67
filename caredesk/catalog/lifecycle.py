"""Where a release stands (P-LIFE, P-LINEAGE): the one reading of a version a client names."""

from __future__ import annotations

from dataclasses import dataclass

from .models import ProductLine, Release
from .versions import VersionError, parse_version


class UnknownRelease(LookupError):
    """A release the catalog cannot place."""


@dataclass(frozen=True)
class Lifecycle:
    """The lifecycle answer for one product and release."""

    status: str  # Release.Status value
    release: Release | None  # None for a cloud service or a version older than the catalog knows
    current: Release | None  # the Current version release of the line

    @property
    def active(self) -> bool:
        return self.status in Release.ACTIVE

    @property
    def label(self) -> str:
        return Release.Status(self.status).label


def resolve_release(line: ProductLine, text: str) -> Release | None:
    """The catalog release a client means by `text`: the exact version, else its version line."""
    exact = line.releases.filter(version=text.strip()).first()
    if exact is not None:
        return exact
    try:
        number = parse_version(text)
    except VersionError:
        return None
    return line.releases.versions().filter(major=number.major).first()


def current_release(line: ProductLine) -> Release | None:
    return line.releases.versions().current().order_by("-major").first()


def lifecycle_of(line: ProductLine, version: str | Release | None) -> Lifecycle:
    """Current, Prior or Retired; a version older than every catalogued one is Retired."""
    current = current_release(line)
    if line.is_cloud:
        return Lifecycle(Release.Status.CURRENT, None, None)
    if isinstance(version, Release):
        return Lifecycle(version.status, version, current)
    if not version:
        raise UnknownRelease(f"{line.name} is versioned: name a release")
    release = resolve_release(line, version)
    if release is not None:
        return Lifecycle(release.status, release, current)
    try:
        number = parse_version(version)
    except VersionError as exc:
        raise UnknownRelease(str(exc)) from exc
    listed = list(line.releases.versions().order_by("-major").values_list("major", "status"))
    if listed and number.major < listed[-1][0]:
        # The catalog need not list every old version: an unlisted one is ranked as if every
        # version number between it and the oldest listed one had been released.
        from caredesk.policy import get_policy

        rank = len(listed) + (listed[-1][0] - number.major - 1)
        oldest_retired = listed[-1][1] == Release.Status.RETIRED
        if rank <= get_policy().lifecycle.prior_versions and not oldest_retired:
            return Lifecycle(Release.Status.PRIOR, None, current)
        return Lifecycle(Release.Status.RETIRED, None, current)
    raise UnknownRelease(f"{line.name} has no release {version}")
