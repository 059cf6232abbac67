"""`caredesk serve`: the web server and a worker beside it, on one machine."""

import os
import signal
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from caredesk.accounts.models import User


class Command(BaseCommand):
    help = "Migrate, optionally load demo data, then serve the web app with a worker beside it."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", default=os.environ.get("PORT", "8000"))
        parser.add_argument(
            "--demo",
            action="store_true",
            help="Load the demo data if the database has no users yet.",
        )
        parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes.")
        parser.add_argument("--no-worker", action="store_true", help="Do not start a worker.")

    def handle(self, *args, host, port, demo, workers, no_worker, **options):
        call_command("migrate", interactive=False, verbosity=0)
        if demo and not User.objects.exists():
            call_command("demo")
        worker = None
        if not no_worker:
            worker = subprocess.Popen([sys.executable, "-m", "caredesk.cli", "worker"])
        self.stdout.write(f"caredesk is serving on http://{host}:{port}/  (Ctrl+C stops)")
        web = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "config.wsgi:application",
                "--bind",
                f"{host}:{port}",
                "--workers",
                str(workers),
                "--threads",
                "4",
                "--access-logfile",
                "-",
                "--chdir",
                str(settings.BASE_DIR),
            ]
        )
        try:
            web.wait()
        except KeyboardInterrupt:
            pass
        finally:
            for process in (web, worker):
                if process and process.poll() is None:
                    process.send_signal(signal.SIGTERM)
                    try:
                        process.wait(timeout=10)
                    except subprocess.TimeoutExpired:
                        process.kill()
