"""Every change to clients, contacts and the installed base."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from caredesk.catalog.lifecycle import resolve_release
from caredesk.catalog.models import ProductLine, Release

from .models import Client, Contact, Licence


class InstalledBaseError(ValueError):
    """A purchase or environment the catalog cannot place."""


def register_client(number: str, name: str, **fields) -> Client:
    client, _ = Client.objects.get_or_create(number=number, defaults={"name": name, **fields})
    return client


def add_contact(
    client: Client, name: str, email: str, *, phone: str = "", user=None, is_primary: bool = False
) -> Contact:
    contact, _ = Contact.objects.update_or_create(
        client=client,
        email=email.strip().lower(),
        defaults={"name": name, "phone": phone, "user": user, "is_primary": is_primary},
    )
    return contact


@transaction.atomic
def record_purchase(
    client: Client,
    product: ProductLine,
    release: str | Release | None,
    purchased_on: date,
    *,
    serial_number: str = "",
    seats: int = 1,
    server_os: str = "",
    database: str = "",
) -> Licence:
    """A client bought a product: its licence, and the release it runs."""
    if product.is_cloud:
        resolved = None
    elif isinstance(release, Release):
        resolved = release
    else:
        if not release:
            raise InstalledBaseError(f"{product.name} is versioned: say which release was bought")
        resolved = resolve_release(product, release)
        if resolved is None:
            raise InstalledBaseError(f"{product.name} has no release {release} in the catalog")
    if resolved is not None and resolved.product_line_id != product.pk:
        raise InstalledBaseError(f"{resolved} is not a release of {product.name}")
    return Licence.objects.create(
        client=client,
        product_line=product,
        release=resolved,
        purchased_on=purchased_on,
        serial_number=serial_number,
        seats=seats,
        server_os=server_os,
        database=database,
    )


@transaction.atomic
def update_environment(
    licence: Licence,
    *,
    release: Release | None = None,
    server_os=None,
    database=None,
    applied: list[Release] | None = None,
) -> Licence:
    """What the client runs now: release, server, service packs and hot fixes applied."""
    if release is not None:
        if release.product_line_id != licence.product_line_id:
            raise InstalledBaseError(f"{release} is not a release of {licence.product_line.name}")
        licence.release = release
    if server_os is not None:
        licence.server_os = server_os
    if database is not None:
        licence.database = database
    licence.save()
    if applied is not None:
        wrong = [
            r
            for r in applied
            if not r.is_maintenance or r.product_line_id != licence.product_line_id
        ]
        if wrong:
            raise InstalledBaseError(
                f"only service packs and hot fixes of {licence.product_line.name} can be applied: "
                + ", ".join(str(r) for r in wrong)
            )
        licence.applied_maintenance.set(applied)
    return licence
