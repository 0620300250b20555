"""``servicehall demo``: migrate, load the demo hall if absent, print the URLs and accounts, and serve,
with the worker beside the server (a child process, stopped with it): without it the demo's alerts,
reminders, certificate warnings and history summaries would never happen."""

import subprocess
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils import translation


class Command(BaseCommand):
    help = "Set up the demo (migrate, load the demo hall once) and serve it."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--no-serve", action="store_true", help="Set up and print, but do not serve.")
        parser.add_argument("--no-worker", action="store_true", help="Serve without the background worker.")

    def handle(self, *args, host, port, no_serve, no_worker=False, **options):
        from servicehall.demo.build import demo_summary, load_demo

        call_command("migrate", interactive=False, verbosity=0)
        with translation.override("en"):
            result = load_demo()
            from servicehall.demo.analytics import demo_history_if_missing

            demo_history_if_missing(result.hall)  # the demo only: tests' halls have no such history
            self.stdout.write(
                "Demo data loaded." if result.created else "Demo data already present; reusing it."
            )
            shown_host = "127.0.0.1" if host in {"0.0.0.0", "::"} else host  # noqa: S104
            self.stdout.write(demo_summary(f"http://{shown_host}:{port}"))
            for name, raw in result.device_tokens.items():
                if raw.startswith("shd_") and "自助" in name:
                    self.stdout.write(
                        f"  Pair a browser as the kiosk ({name}), once:\n"
                        f"    http://{shown_host}:{port}/kiosk/{result.hall.code}/pair/?token={raw}\n"
                    )
                if raw.startswith("shd_") and "评价器" in name:
                    self.stdout.write(
                        f"  Pair a tablet as the rating pad of window 2 ({name}), once:\n"
                        f"    http://{shown_host}:{port}/pad/{result.hall.code}/pair/?token={raw}\n"
                    )
        if no_serve:
            return
        worker = None
        if not no_worker:
            worker = subprocess.Popen([sys.executable, "-m", "servicehall.cli", "worker"])  # noqa: S603
            self.stdout.write(f"Worker started beside the server (pid {worker.pid}).")
        try:
            call_command("serve", host=host, port=port, workers=1)
        finally:
            if worker is not None:
                worker.terminate()
                try:
                    worker.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    worker.kill()
