"""The support policy as data: one TOML document, validated at start, explained by clause."""

from __future__ import annotations

import contextvars
from contextlib import contextmanager

from .loader import DEFAULT_POLICY_PATH, Policy, PolicyError, load_policy

__all__ = [
    "DEFAULT_POLICY_PATH",
    "Policy",
    "PolicyError",
    "load_policy",
    "get_policy",
    "use_policy",
]

_installed: Policy | None = None
_override: contextvars.ContextVar[Policy | None] = contextvars.ContextVar("policy", default=None)


def install_policy(policy: Policy) -> None:
    """Make `policy` the one in force for this process (done once at start)."""
    global _installed
    _installed = policy


def get_policy() -> Policy:
    """The policy in force: a scenario's own policy while one runs, else the installed one."""
    policy = _override.get() or _installed
    if policy is None:
        from django.conf import settings

        install_policy(load_policy(getattr(settings, "CAREDESK_POLICY", "") or None))
        policy = _installed
    return policy


@contextmanager
def use_policy(policy: Policy):
    """Decide with `policy` inside the block (policy scenarios, previews of a changed policy)."""
    token = _override.set(policy)
    try:
        yield policy
    finally:
        _override.reset(token)
