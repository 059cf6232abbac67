"""The intake checklist (P-INTAKE): what a submission must carry, read from the policy."""

from __future__ import annotations

from caredesk.policy import get_policy


def checklist():
    """The policy's intake fields, in order."""
    return list(get_policy().intake.fields)


def label(key: str) -> str:
    for field in get_policy().intake.fields:
        if field.key == key:
            return field.label
    return key


def missing(values: dict, *, continuing: bool = False) -> list[str]:
    """Keys the checklist requires that `values` leaves empty, in checklist order."""
    gaps = []
    for field in get_policy().intake.fields:
        required = field.required == "always" or (
            field.required == "when-continuing" and continuing
        )
        if required and not str(values.get(field.key) or "").strip():
            gaps.append(field.key)
    return gaps


def prefill(client, contact=None, licence=None) -> dict:
    """What the installed base already tells us, so a contact types only what is new."""
    values = {"client_number": client.number, "company": client.name}
    if contact is not None:
        values.update(contact_name=contact.name, phone=contact.phone, email=contact.email)
    if licence is not None:
        applied = list(licence.applied_maintenance.all())
        values.update(
            product=licence.product_line.name,
            version=licence.release.version if licence.release else "",
            serial_number=licence.serial_number,
            os=licence.server_os,
            database=licence.database,
            service_packs=", ".join(r.version for r in applied if r.kind == "service-pack")
            or ("none" if licence.server_os else ""),
            hot_fixes=", ".join(r.version for r in applied if r.kind == "hot-fix")
            or ("none" if licence.server_os else ""),
        )
    return {key: value for key, value in values.items() if value}
