"""``servicehall serve``: the production server (uvicorn on the ASGI application).

Static files are served by WhiteNoise from the package, so no ``collectstatic`` step is needed; put nginx
in front for TLS and load balancing across several servers."""

import os

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve ServiceHall with uvicorn (production-ready options)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("SERVICEHALL_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("SERVICEHALL_PORT", "8000")))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("SERVICEHALL_WORKERS", "1")))
        parser.add_argument("--log-level", default="info")

    def handle(self, *args, host, port, workers, log_level, **options):
        import uvicorn
        from django.conf import settings

        if settings.DATABASES["default"]["ENGINE"].endswith("postgresql") and workers > 1:
            # Under ASGI, persistent connections leak; worker processes (which import the settings anew)
            # use psycopg's pool instead. A single process keeps one connection per request.
            os.environ.setdefault("SERVICEHALL_DB_POOL", "1")
        self.stdout.write(f"Serving on http://{host}:{port} with {workers} worker(s). Ctrl+C stops.")
        uvicorn.run(
            "servicehall.asgi:application", host=host, port=port, workers=workers, log_level=log_level,
            proxy_headers=True, forwarded_allow_ips=os.environ.get("SERVICEHALL_FORWARDED_ALLOW_IPS", "127.0.0.1"),
            timeout_graceful_shutdown=10, access_log=log_level == "debug", lifespan="off",
        )
