"""The intake checklist read out of a mail's text (P-INTAKE): "Label: value" lines, in the
policy's words or the words clients commonly use."""

from __future__ import annotations

import re

from caredesk.policy import get_policy

# Words clients write for each checklist key, besides the policy's own label and key.
ALIASES = {
    "incident_number": ["incident", "incident no", "ticket", "case", "reference"],
    "client_number": ["client no", "customer number", "customer no", "account number"],
    "company": ["company", "organisation", "organization"],
    "contact_name": ["name", "contact"],
    "phone": ["phone", "telephone", "tel"],
    "email": ["e-mail", "email"],
    "product": ["product", "application"],
    "version": ["version", "product version", "release"],
    "serial_number": ["serial", "serial no", "serial number", "licence key", "license key"],
    "os": ["os", "operating system", "server os", "platform"],
    "database": ["database", "db", "database version", "sql server"],
    "service_packs": ["service pack", "service packs", "sp", "sps"],
    "hot_fixes": ["hot fix", "hot fixes", "hotfix", "hotfixes"],
    "severity": ["severity", "severity level", "priority"],
    "steps": ["steps", "steps to reproduce", "to reproduce", "reproduction"],
    "third_party": ["third party", "third-party", "third-party applications"],
}
_LINE = re.compile(r"^\s*[-*•]?\s*([A-Za-z][A-Za-z /\-#.!]{0,40}?)\s*[:=]\s*(.*)$")


def _names() -> dict[str, str]:
    names = {}
    for field in get_policy().intake.fields:
        for word in [field.label, field.key.replace("_", " "), *ALIASES.get(field.key, [])]:
            names[_norm(word)] = field.key
    return names


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


def severity_of(text: str) -> int | None:
    """A severity level from "1", "Sev 2", or a level's name ("System Down")."""
    levels = {_norm(s.name): s.level for s in get_policy().severities}
    value = _norm(text)
    match = re.search(r"\b([1-9])\b", value)
    if match and int(match.group(1)) in levels.values():
        return int(match.group(1))
    for name, level in levels.items():
        if name and name in value:
            return level
    return None


def extract(text: str) -> dict[str, str]:
    """Checklist answers found in `text`; a label alone on its line takes the lines below it
    (up to a blank line), as clients write "Steps to reproduce:" and then a list."""
    names = _names()
    found: dict[str, str] = {}
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        match = _LINE.match(lines[i])
        key = names.get(_norm(match.group(1))) if match else None
        if key is None:
            i += 1
            continue
        value = match.group(2).strip()
        if not value:
            block = []
            i += 1
            while i < len(lines) and lines[i].strip() and not _is_label(lines[i], names):
                block.append(lines[i].strip())
                i += 1
            value = "\n".join(block)
        else:
            i += 1
        if value and key not in found:
            found[key] = value[:2000]
    if "severity" in found:
        level = severity_of(found["severity"])
        if level is None:
            del found["severity"]
        else:
            found["severity"] = str(level)
    return found


def _is_label(line: str, names: dict[str, str]) -> bool:
    match = _LINE.match(line)
    return bool(match) and _norm(match.group(1)) in names
