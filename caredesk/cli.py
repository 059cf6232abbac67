"""The `caredesk` console script: Django's manage.py with the product's own commands.

`caredesk serve`, `worker`, `demo` and `policy check|show|test` are management commands;
everything else (migrate, createsuperuser, ...) is passed to Django unchanged.
"""

import os
import sys


def prepare_environment(argv: list[str]) -> None:
    """Set what must be known before Django reads its settings."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    if argv[:2] == ["policy", "test"]:
        # Scenarios run against a fresh world that must never touch the real database.
        os.environ["DATABASE_URL"] = "sqlite://:memory:"


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    prepare_environment(argv)
    from django.core.management import execute_from_command_line

    execute_from_command_line(["caredesk", *argv])
    return 0


if __name__ == "__main__":
    sys.exit(main())
