"""``servicehall rotate_data_key``: re-encrypt every stored personal value with the newest key.

Rotating the data key: set ``SERVICEHALL_DATA_KEY=<new>,<old>`` (new first) on every server and worker,
restart them, run this command, then drop ``<old>`` from the list and restart again. Look-up digests do
not change (their key is ``SERVICEHALL_DIGEST_KEY`` or the oldest data key: set ``SERVICEHALL_DIGEST_KEY``
to it before dropping it)."""

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Re-encrypt every stored personal value with the first key of SERVICEHALL_DATA_KEY."

    def handle(self, *args, **options):
        from servicehall.core import crypto, services

        try:
            done = services.data_key_rotate()
        except crypto.WrongDataKey as exc:
            raise CommandError(str(exc)) from exc
        for label, count in sorted(done.items()):
            self.stdout.write(f"{label}: {count} rows re-encrypted")
        self.stdout.write(f"done: {sum(done.values())} rows")
