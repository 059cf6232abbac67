"""Releases and the lifecycle (P-LIFE, P-VERSION, P-MAINT, P-LINEAGE, P-RETIRE-NOTICE)."""

from datetime import date

import pytest

from caredesk.catalog.actions import (
    ReleaseError,
    announce_retirement,
    publish_release,
    retire_due_releases,
)
from caredesk.catalog.lifecycle import UnknownRelease, lifecycle_of
from caredesk.catalog.models import Release
from caredesk.catalog.versions import VersionError, VersionNumber, parse_version


def status(line, version):
    return lifecycle_of(line, version).status


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("11.0", VersionNumber(11, 0)),
        ("10.x", VersionNumber(10)),
        ("11.0.120", VersionNumber(11, 0, 120)),
        ("7", VersionNumber(7)),
        (" 7.6 ", VersionNumber(7, 6)),
    ],
)
def test_versions_read_as_the_guide_writes_them(text, number):
    assert parse_version(text) == number


@pytest.mark.parametrize("text", ["", "eleven", "11.x.2", "v11", "11..0"])
def test_unreadable_versions_are_refused(text):
    with pytest.raises(VersionError, match="cannot read version"):
        parse_version(text)


def test_the_default_catalog_is_the_active_versions_chart(catalog):
    assert status(catalog["track-it"], "10.x") == "current"
    assert status(catalog["track-it"], "9.x") == "prior"
    assert status(catalog["footprints"], "11.0") == "current"
    assert status(catalog["footprints"], "10.0") == "prior"
    assert status(catalog["track-it-pc-migrate"], "7.6") == "current"
    assert lifecycle_of(catalog["mobile-device-manager-cloud"], None).status == "current"
    assert len(catalog) == 14


def test_publishing_a_version_rotates_the_lifecycle(catalog):
    line = catalog["footprints"]
    publish_release(line, "12.0", "version", published_on=date(2026, 5, 1))
    assert [status(line, v) for v in ("12.0", "11.0", "10.0")] == ["current", "prior", "retired"]
    assert lifecycle_of(line, "10.0").active is False


def test_updates_and_maintenance_releases_share_their_version_status(catalog):
    line = catalog["footprints"]
    publish_release(line, "11.5", "update")
    publish_release(line, "11.5.100", "hot-fix", corrects="11.5")
    assert status(line, "11.5") == status(line, "11.5.100") == "current"
    publish_release(line, "12.0", "version")
    assert status(line, "11.5") == status(line, "11.5.100") == "prior"


def test_version_rules_are_enforced(catalog):
    line = catalog["footprints"]
    with pytest.raises(ReleaseError, match="not newer"):
        publish_release(line, "10.5", "version")
    with pytest.raises(ReleaseError, match="has no version 13"):
        publish_release(line, "13.1", "update")
    with pytest.raises(ReleaseError, match="already exists"):
        publish_release(line, "11.0", "version")
    with pytest.raises(ReleaseError, match="must name the release it corrects"):
        publish_release(line, "11.0.5", "hot-fix")
    with pytest.raises(ReleaseError, match="cloud service"):
        publish_release(catalog["mobile-device-manager-cloud"], "1.0", "version")
    assert line.releases.count() == 2


def test_maintenance_releases_are_made_for_the_current_release_only(catalog):
    with pytest.raises(ReleaseError, match=r"P-MAINT.*Prior"):
        publish_release(catalog["footprints"], "10.0.300", "service-pack", corrects="10.0")


def test_a_renamed_line_keeps_each_release_name(catalog):
    line = catalog["patch-manager"]
    assert line.releases.get(version="10.0").name.startswith("Numara Asset Management Platform")
    assert line.name == "Numara FootPrints Patch Manager"
    publish_release(line, "12.0", "version", name="Patch Manager Suite")
    line.refresh_from_db()
    assert line.name == "Patch Manager Suite"
    assert line.releases.get(version="11.0").name == "Numara FootPrints Patch Manager"


def test_older_versions_than_the_catalog_knows_are_retired(catalog):
    assert status(catalog["track-it"], "8.5") == "retired"
    with pytest.raises(UnknownRelease):
        lifecycle_of(catalog["track-it"], "12.0")
    with pytest.raises(UnknownRelease):
        lifecycle_of(catalog["track-it"], None)


def test_a_historic_version_is_ranked_not_made_current(catalog):
    release = publish_release(catalog["footprints"], "9.0", "version", historic=True)
    assert release.status == Release.Status.RETIRED
    assert status(catalog["footprints"], "11.0") == "current"


def test_retirement_needs_notice_then_happens_on_the_day(catalog):
    prior = catalog["footprints"].releases.get(version="10.0")
    with pytest.raises(ReleaseError, match="notice"):
        announce_retirement(prior, retires_on=date(2026, 7, 1), announced_on=date(2026, 6, 1))
    with pytest.raises(ReleaseError, match="Current release cannot be retired"):
        announce_retirement(
            catalog["footprints"].releases.get(version="11.0"),
            retires_on=date(2026, 12, 1),
            announced_on=date(2026, 6, 1),
        )
    announce_retirement(prior, retires_on=date(2026, 9, 1), announced_on=date(2026, 6, 1))
    assert retire_due_releases(date(2026, 8, 31)) == 0
    assert retire_due_releases(date(2026, 9, 1)) == 1
    assert status(catalog["footprints"], "10.0") == "retired"
    # Retired early, it stays retired when the next version rotates the lifecycle.
    publish_release(catalog["footprints"], "12.0", "version")
    assert status(catalog["footprints"], "10.0") == "retired"


def test_the_versions_chart_lists_active_versions(catalog):
    chart = list(Release.objects.chart())
    assert all(r.status in Release.ACTIVE and r.kind == "version" for r in chart)
    assert {(r.product_line.slug, r.version) for r in chart} >= {
        ("footprints", "11.0"),
        ("footprints", "10.0"),
    }
