"""``servicehall history_summaries [--hall CODE] [--rebuild]``: bring the hall history's summary tables up
to yesterday now (the worker does it every ten minutes), or, with ``--rebuild``, forget them and build
them again from the tickets (after a correction of old tickets). Safe beside a running worker: both
take the hall's summary row lock in turn."""

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Build the hall history's summary tables up to yesterday (--rebuild: from scratch)."

    def add_arguments(self, parser):
        parser.add_argument("--hall", help="only this hall (its code)")
        parser.add_argument("--rebuild", action="store_true", help="forget the summaries and build again")

    def handle(self, *args, **options):
        from servicehall.analytics import summaries
        from servicehall.core.models import Hall

        halls = Hall.objects.all()
        if options.get("hall"):
            halls = halls.filter(code=options["hall"])
            if not halls.exists():
                raise CommandError(f"no hall with the code {options['hall']!r}")
        for hall in halls:
            done = (summaries.rebuild if options["rebuild"] else summaries.refresh)(hall=hall)
            self.stdout.write(f"{hall.code}: {done['days']} days, {done['rows']} rows")
