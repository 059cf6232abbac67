"""Every change to the catalog: publishing releases (the lifecycle rotates) and retiring them."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from caredesk.policy import get_policy

from .lifecycle import resolve_release
from .models import ProductLine, Release
from .versions import VersionError, parse_version


class ReleaseError(ValueError):
    """A release that the Guide's rules do not allow (the message says which rule)."""


def add_product_line(
    slug: str,
    name: str,
    *,
    kind=ProductLine.Kind.VERSIONED,
    branding=ProductLine.Branding.OWN,
    position: int = 0,
) -> ProductLine:
    line, _ = ProductLine.objects.update_or_create(
        slug=slug, defaults={"name": name, "kind": kind, "branding": branding, "position": position}
    )
    return line


def _rotate(line: ProductLine) -> None:
    """P-LIFE: the newest version is Current, the next `prior_versions` Prior, the rest Retired.

    A version retired early by a release manager stays retired.
    """
    prior_versions = get_policy().lifecycle.prior_versions
    majors = sorted(set(line.releases.versions().values_list("major", flat=True)), reverse=True)
    retired_early = set(
        line.releases.versions()
        .filter(status=Release.Status.RETIRED)
        .values_list("major", flat=True)
    )
    for rank, major in enumerate(majors):
        if rank == 0:
            status = Release.Status.CURRENT
        elif rank <= prior_versions and major not in retired_early:
            status = Release.Status.PRIOR
        else:
            status = Release.Status.RETIRED
        line.releases.filter(major=major).exclude(status=status).update(status=status)


@transaction.atomic
def publish_release(
    line: ProductLine,
    version: str,
    kind: str,
    *,
    published_on: date | None = None,
    name: str = "",
    corrects: str | Release | None = None,
    notes: str = "",
    historic: bool = False,
) -> Release:
    """Add a release; a version release becomes Current and the lifecycle rotates (P-LIFE).

    `historic` records an older version that clients still run (its status follows its rank).
    """
    if line.is_cloud:
        raise ReleaseError(
            f"{line.name} is a cloud service: it has no releases and is always Current"
        )
    kind = Release.Kind(kind)
    try:
        number = parse_version(version)
    except VersionError as exc:
        raise ReleaseError(str(exc)) from exc
    if line.releases.filter(version=version).exists():
        raise ReleaseError(f"{line.name} {version} already exists")
    majors = set(line.releases.versions().values_list("major", flat=True))
    corrected = None
    if kind == Release.Kind.VERSION:
        if number.major in majors or (majors and number.major < max(majors) and not historic):
            raise ReleaseError(
                f"a version release must change the number left of the dot (P-VERSION): "
                f"{version} is not newer than version {max(majors)}"
            )
        status = Release.Status.CURRENT
    elif kind == Release.Kind.UPDATE:
        if number.major not in majors:
            raise ReleaseError(
                f"an update release changes the digit right of the dot of an existing version "
                f"(P-VERSION): {line.name} has no version {number.major}"
            )
        status = line.releases.versions().get(major=number.major).status
    else:
        if corrects is None:
            raise ReleaseError(f"a {kind.label.lower()} must name the release it corrects")
        corrected = corrects if isinstance(corrects, Release) else resolve_release(line, corrects)
        if corrected is None:
            raise ReleaseError(f"{line.name} has no release {corrects}")
        if corrected.status not in get_policy().lifecycle.maintenance_for:
            raise ReleaseError(
                f"maintenance releases are made for the Current release only (P-MAINT): "
                f"{corrected} is {corrected.get_status_display()}"
            )
        number = parse_version(corrected.version)
        status = corrected.status
    release = Release.objects.create(
        product_line=line,
        version=version,
        kind=kind,
        major=number.major,
        corrects=corrected,
        status=status,
        published_on=published_on,
        name=name or line.name,
        notes=notes,
    )
    if kind == Release.Kind.VERSION:
        if name and number.major == max(majors | {number.major}):
            line.name = name  # P-LINEAGE: the line is known by its newest name
            line.save(update_fields=["name"])
        _rotate(line)
        release.refresh_from_db()
    return release


@transaction.atomic
def announce_retirement(release: Release, *, retires_on: date, announced_on: date) -> Release:
    """P-RETIRE-NOTICE: publish the date a release will be retired."""
    notice = get_policy().duration(get_policy().lifecycle.retirement_notice).as_timedelta()
    if retires_on - announced_on < notice:
        raise ReleaseError(
            f"retirement needs {get_policy().lifecycle.retirement_notice} of notice "
            f"(P-RETIRE-NOTICE): {announced_on} to {retires_on} is too short"
        )
    if release.status == Release.Status.CURRENT:
        raise ReleaseError("the Current release cannot be retired; publish a newer version instead")
    family = release.product_line.releases.filter(major=release.major)
    family.update(retirement_announced_on=announced_on, retires_on=retires_on)
    release.refresh_from_db()
    return release


@transaction.atomic
def retire_due_releases(today: date) -> int:
    """Retire the releases whose announced retirement date has come (run daily by the worker)."""
    return (
        Release.objects.filter(retires_on__lte=today)
        .exclude(status=Release.Status.RETIRED)
        .update(status=Release.Status.RETIRED)
    )
