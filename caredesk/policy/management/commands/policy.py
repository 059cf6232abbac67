"""`caredesk policy check [FILE]`, `policy show`, `policy test FILE_OR_DIR...`."""

import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from caredesk.policy import PolicyError, get_policy, load_policy
from caredesk.policy.render import describe_policy
from caredesk.policy.scenarios import run_files


class Command(BaseCommand):
    help = "Check, show or test the support policy."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        check = sub.add_parser("check", help="Validate a policy file (default: the one in force).")
        check.add_argument("file", nargs="?")
        show = sub.add_parser("show", help="Print the policy in force.")
        show.add_argument("--toml", action="store_true", help="Print the document as written.")
        test = sub.add_parser("test", help="Run policy scenarios.")
        test.add_argument("paths", nargs="+", metavar="FILE_OR_DIR")

    def handle(self, *args, action, **options):
        getattr(self, f"handle_{action}")(**options)

    def handle_check(self, file=None, **options):
        try:
            policy = load_policy(file) if file else load_policy(get_policy().path)
        except PolicyError as exc:
            self.stderr.write(str(exc))
            sys.exit(1)
        doc = policy.document
        self.stdout.write(
            f"OK {policy.path}\n"
            f"  {doc.policy.vendor}: {doc.policy.name} (version {policy.version})\n"
            f"  {len(doc.plans)} plans, {len(doc.addons)} add-ons, {len(doc.calendars)} calendars, "
            f"{len(doc.scope)} scope categories, {len(doc.intake.fields)} intake fields, "
            f"{len(doc.clauses)} clauses"
        )

    def handle_show(self, toml=False, **options):
        policy = get_policy()
        if toml:
            self.stdout.write(policy.path.read_text("utf-8"))
            return
        self.stdout.write(describe_policy(policy))

    def handle_test(self, paths, **options):
        if (
            connection.vendor == "sqlite"
            and connection.settings_dict["NAME"] in (":memory:", "")
            or "memory" in str(connection.settings_dict["NAME"])
        ):
            call_command("migrate", verbosity=0, interactive=False)
        else:
            raise CommandError(
                "policy scenarios run on a fresh in-memory database: use `caredesk policy test`"
            )
        _, failed = run_files(paths, self.stdout)
        if failed:
            sys.exit(1)
