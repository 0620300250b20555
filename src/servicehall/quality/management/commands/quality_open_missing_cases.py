"""``servicehall quality_open_missing_cases [--hall CODE]``: open the rectification case of every bad rating
that has none.

A one-off repair: ratings loaded around ``rating_submit`` (the demo's simulated history before the fix)
left bad ratings without their case, and the office's rates looked rectified. Each case opens as of its
rating, audited with the system actor ``system:quality.cases_open_missing``. Running it again opens
nothing."""

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Open the rectification case of every bad rating that has none (audited; safe to run again)."

    def add_arguments(self, parser):
        parser.add_argument("--hall", help="only this hall (its code)")

    def handle(self, *args, **options):
        from servicehall.core.errors import NotFound
        from servicehall.core.selectors import hall_get
        from servicehall.quality import services

        hall = None
        if options.get("hall"):
            try:
                hall = hall_get(code=options["hall"])
            except NotFound as exc:
                raise CommandError(f"no hall with the code {options['hall']!r}") from exc
        opened = services.rectifications_open_missing(hall=hall)
        self.stdout.write(f"opened {len(opened)} rectification cases")
