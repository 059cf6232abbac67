"""Where the real-world mail corpus lives, for any test that needs it.

`CAREDESK_MAIL_CORPUS` names the folder; without it, `../shared/mail-corpus` beside the
repository. A missing corpus is an error, not a reason to skip: the intake's promise is that
this mail survives, and a test that silently runs on nothing proves nothing.
"""

from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
EXPECTED_FILES = 150  # mikel-mail 103 + mailgun-talon 10 + zammad 37 (see its README)


def corpus_dir() -> Path:
    configured = os.environ.get("CAREDESK_MAIL_CORPUS")
    return Path(configured) if configured else REPO.parent / "shared" / "mail-corpus"


def corpus_files() -> list[Path]:
    """Every message in the corpus ([] when the corpus is missing: callers assert on that)."""
    root = corpus_dir()
    if not root.is_dir():
        return []
    return sorted(p for p in root.rglob("*") if p.is_file() and p.suffix in (".eml", ".box"))


def corpus_ids() -> list[str]:
    root = corpus_dir()
    return [str(p.relative_to(root)) for p in corpus_files()]


def read(relative: str) -> bytes:
    """The bytes of one corpus message, e.g. read("zammad/mail005.box")."""
    path = corpus_dir() / relative
    assert path.is_file(), f"mail corpus file missing: {path} (set CAREDESK_MAIL_CORPUS)"
    return path.read_bytes()
