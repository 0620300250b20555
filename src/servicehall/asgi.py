"""ASGI entry point (used by ``servicehall serve`` and for live event streams)."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "servicehall.settings")
application = get_asgi_application()
