"""``servicehall history_summaries [--hall CODE] [--rebuild]``: bring the hall history's summary tables, and
the customers' daily segment summaries, up to the last closed day now (the worker does it every ten
minutes), or, with ``--rebuild``, forget them and build them again from the tickets (after a correction
of old tickets). Safe beside a running worker: both take the hall's summary row locks in turn."""

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Build the history and segment summary tables up to yesterday (--rebuild: from scratch)."

    def add_arguments(self, parser):
        parser.add_argument("--hall", help="only this hall (its code)")
        parser.add_argument("--rebuild", action="store_true", help="forget the summaries and build again")

    def handle(self, *args, **options):
        from servicehall.analytics import summaries
        from servicehall.core.models import Hall
        from servicehall.customers import summaries as segment_summaries

        halls = Hall.objects.all()
        if options.get("hall"):
            halls = halls.filter(code=options["hall"])
            if not halls.exists():
                raise CommandError(f"no hall with the code {options['hall']!r}")
        for hall in halls:
            done = (summaries.rebuild if options["rebuild"] else summaries.refresh)(hall=hall)
            segments = (segment_summaries.rebuild if options["rebuild"] else segment_summaries.refresh)(hall)
            self.stdout.write(
                f"{hall.code}: {done['days']} days, {done['rows']} rows; "
                f"segments {segments['days']} days, {segments['rows']} rows"
            )
