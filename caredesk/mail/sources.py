"""Raw messages from files: .eml files, mbox files and maildir folders (for `mail import`)."""

from __future__ import annotations

import mailbox
from collections.abc import Iterator
from pathlib import Path

MBOX_SUFFIXES = {".mbox", ".mbx"}
# One raw message per file: .eml, and .box as some mail archives and test suites name them.
MESSAGE_SUFFIXES = {".eml", ".box"}


class SourceError(ValueError):
    """A path that holds no mail we can read."""


def _is_maildir(path: Path) -> bool:
    return all((path / sub).is_dir() for sub in ("cur", "new", "tmp"))


def _mbox(path: Path) -> Iterator[tuple[str, bytes]]:
    box = mailbox.mbox(str(path), create=False)
    try:
        for index, key in enumerate(box.iterkeys(), start=1):
            yield f"{path}#{index}", box.get_bytes(key)
    finally:
        box.close()


def _maildir(path: Path) -> Iterator[tuple[str, bytes]]:
    box = mailbox.Maildir(str(path), factory=None, create=False)
    for key in sorted(box.iterkeys()):
        yield f"{path}#{key}", box.get_bytes(key)


def messages(raw_path: str) -> Iterator[tuple[str, bytes]]:
    """(source, raw bytes) for every message at `raw_path`, in a stable order."""
    path = Path(raw_path)
    if not path.exists():
        raise SourceError(f"{raw_path}: no such file or folder")
    if path.is_dir():
        if _is_maildir(path):
            yield from _maildir(path)
            return
        for child in sorted(p for p in path.rglob("*") if p.is_file()):
            if child.suffix.lower() in MESSAGE_SUFFIXES:
                yield str(child), child.read_bytes()
            elif child.suffix.lower() in MBOX_SUFFIXES:
                yield from _mbox(child)
        for child in sorted(p for p in path.rglob("*") if p.is_dir() and _is_maildir(p)):
            yield from _maildir(child)
        return
    if path.suffix.lower() in MBOX_SUFFIXES or path.name.lower() == "mbox":
        yield from _mbox(path)
        return
    yield str(path), path.read_bytes()
