"""Loading a catalog file (the shipped one is the Guide's Active Versions chart)."""

from __future__ import annotations

import tomllib
from pathlib import Path

from django.db import transaction

from .actions import add_product_line, publish_release
from .models import ProductLine

DEFAULT_CATALOG_PATH = Path(__file__).with_name("default_catalog.toml")


@transaction.atomic
def load_catalog(path: Path | str = DEFAULT_CATALOG_PATH) -> list[ProductLine]:
    """Create the product lines and publish their releases, oldest first; existing ones are kept."""
    data = tomllib.loads(Path(path).read_text("utf-8"))
    lines = []
    for position, entry in enumerate(data["product"], start=1):
        releases = entry.get("releases", [])
        name = entry.get("name") or (releases[-1]["name"] if releases else entry["slug"])
        kind = entry.get("kind", ProductLine.Kind.VERSIONED)
        line = add_product_line(entry["slug"], name, kind=kind, position=position)
        for release in releases:
            if not line.releases.filter(version=release["version"]).exists():
                publish_release(
                    line,
                    release["version"],
                    release.get("kind", "version"),
                    name=release["name"],
                    published_on=release.get("published"),
                )
        lines.append(line)
    return lines
