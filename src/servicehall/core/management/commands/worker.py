"""``servicehall worker``: runs background and periodic jobs until stopped. Each module registers its
jobs in ``servicehall.core.jobs``; several workers may run at once (jobs are idempotent)."""

import signal
import time

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run background and periodic jobs."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Run every due job once and exit.")
        parser.add_argument("--interval", type=float, default=5.0, help="Seconds between scheduler ticks.")

    def handle(self, *args, once, interval, **options):
        from servicehall.core.jobs import run_due_jobs

        stopping = {"flag": False}

        def stop(*_):
            stopping["flag"] = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        self.stdout.write("Worker started." if not once else "Running due jobs once.")
        last_run: dict[str, float] = {}
        while True:
            for name, outcome in run_due_jobs(last_run=last_run, now=time.monotonic()):
                self.stdout.write(f"{name}: {outcome}")
            if once or stopping["flag"]:
                break
            time.sleep(interval)
        self.stdout.write("Worker stopped.")
