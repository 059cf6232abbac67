"""`caredesk demo`: load the demo world and print the logins."""

from django.core.management.base import BaseCommand

from caredesk.core.demo import DEMO_PASSWORD, demo_loaded, load_demo


class Command(BaseCommand):
    help = "Load demo clients, contacts, agents, plans and the default catalog."

    def handle(self, *args, **options):
        if demo_loaded():
            self.stdout.write(
                "Demo data is already loaded (client C-1001 exists); nothing changed."
            )
            return
        logins = load_demo()
        self.stdout.write(self.style.SUCCESS("Demo data loaded. Sign in with any of these:"))
        self.stdout.write(f"  {'user':<8} {'password':<15} {'role':<20} shows")
        for username, role, shows in logins:
            self.stdout.write(f"  {username:<8} {DEMO_PASSWORD:<15} {role:<20} {shows}")
