"""The ``servicehall`` command: Django's manage.py with our settings, plus demo, serve, worker, token."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "servicehall.settings")
    from servicehall.env import ConfigurationError

    try:
        from django.core.management import execute_from_command_line

        execute_from_command_line(sys.argv)
    except ConfigurationError as exc:
        sys.stderr.write(f"servicehall: configuration error: {exc}\n")
        sys.exit(2)


if __name__ == "__main__":
    main()
