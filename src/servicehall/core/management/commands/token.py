"""``servicehall token create USERNAME``: print a new API token for that account."""

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Manage API tokens. `servicehall token create USERNAME [--name NAME]` prints a new token."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["create"])
        parser.add_argument("username")
        parser.add_argument("--name", default="cli")

    def handle(self, *args, action, username, name, **options):
        from django.contrib.auth import get_user_model

        from servicehall.core.actors import Actor
        from servicehall.core.services import token_create

        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No account named {username!r}.")
        # The command line is the system administrator's tool: act as the account itself.
        self.stdout.write(token_create(actor=Actor(user=user, ip=None), user=user, name=name))
