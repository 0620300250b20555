"""``servicehall serve``: the server.

Two shapes, chosen by ``--workers`` (measured by ``bench/queue.py``; results in ``bench/README.md``):

* ``servicehall serve`` (one worker, the default; ``make demo`` and the tests): one uvicorn process runs
  the ASGI application and serves everything, pages, API and the live event streams (SSE).
* ``servicehall serve --workers N`` with N > 1 (or ``--split``): production. granian runs the WSGI
  application in N worker processes for every request on ``--port``, with persistent database
  connections (``SERVICEHALL_CONN_MAX_AGE``, default 600 s: safe under WSGI, where each blocking thread
  keeps its own connection); one uvicorn process runs the ASGI application for the SSE streams on
  ``--events-port`` (default: port + 1). nginx routes ``/api/v1/halls/<hall>/events`` to the events port
  (the command prints the location blocks). Why: Django runs sync views in a thread under ASGI, which
  halved the ticket-issue rate on two cores, while an SSE stream held by a WSGI thread would block it
  for as long as a display stays connected. The command supervises both processes: when one exits, it
  stops the other and exits non-zero; Ctrl+C (SIGINT) or SIGTERM stops both gracefully.

Static files are served by WhiteNoise from the package, so no ``collectstatic`` step is needed; put nginx
in front for TLS and load balancing across several servers.
"""

import contextlib
import os
import re
import signal
import subprocess
import sys
import time

from django.core.management.base import BaseCommand, CommandError

from servicehall.env import env_int, env_str

EVENTS_PATH = re.compile(r"^/api/v1/halls/[^/]+/events$")
EVENTS_LOCATION = r"~ ^/api/v1/halls/[^/]+/events$"
STOP_SECONDS = 15

_wsgi = None


def wsgi_application(environ, start_response):
    """The WSGI application of the request workers. It refuses the SSE path, which only the events
    process serves: under WSGI a stream would hold a worker thread for as long as a display is open."""
    global _wsgi
    if EVENTS_PATH.match(environ.get("PATH_INFO", "")):
        body = (
            b'{"error": "wrong_process", "message": "Live events are served by the events process: route '
            b'/api/v1/halls/<hall>/events to it (see servicehall serve).", "fields": {}}'
        )
        start_response(
            "503 Service Unavailable",
            [("Content-Type", "application/json"), ("Content-Length", str(len(body))), ("Retry-After", "5")],
        )
        return [body]
    if _wsgi is None:
        from servicehall.wsgi import application

        _wsgi = application
    return _wsgi(environ, start_response)


def nginx_locations(host: str, port: int, events_port: int) -> str:
    upstream = "127.0.0.1" if host in {"0.0.0.0", "::", ""} else host  # noqa: S104
    headers = (
        "        proxy_http_version 1.1;\n"
        '        proxy_set_header Connection "";\n'
        "        proxy_set_header Host $host;\n"
        "        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;\n"
        "        proxy_set_header X-Forwarded-Proto $scheme;\n"
    )
    return (
        "    # Live event streams (SSE) go to the events process, unbuffered and long-lived.\n"
        f"    location {EVENTS_LOCATION} {{\n"
        f"        proxy_pass http://{upstream}:{events_port};\n"
        f"{headers}"
        "        proxy_buffering off;\n"
        "        proxy_cache off;\n"
        "        proxy_read_timeout 1h;\n"
        "    }\n"
        "    # Everything else (pages, API, static files) goes to the request workers.\n"
        "    location / {\n"
        f"        proxy_pass http://{upstream}:{port};\n"
        f"{headers}"
        "    }\n"
    )


def _die_with_parent() -> None:  # pragma: no cover - runs in the child between fork and exec
    """Children get SIGTERM if the supervisor itself is killed (Linux), so nothing is left listening."""
    with contextlib.suppress(Exception):
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


class Command(BaseCommand):
    help = (
        "Serve ServiceHall: one uvicorn process by default; with --workers N > 1, granian WSGI workers "
        "for requests plus one uvicorn process for the live event streams, supervised together."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default=env_str("SERVICEHALL_HOST", "127.0.0.1"))
        parser.add_argument(
            "--port", type=int, default=env_int("SERVICEHALL_PORT", 8000, minimum=1, what="a port number")
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=env_int("SERVICEHALL_WORKERS", 1, minimum=1, what="a number of processes"),
            help="Request worker processes; more than 1 runs the production split.",
        )
        parser.add_argument(
            "--split",
            action="store_true",
            help="Run the production split (granian WSGI + events process) even with one worker.",
        )
        parser.add_argument(
            "--events-port",
            type=int,
            default=None,
            help="Port of the events (SSE) process in the split; default: --port + 1.",
        )
        parser.add_argument(
            "--threads",
            type=int,
            default=env_int("SERVICEHALL_THREADS", 2, minimum=1, what="a number of threads"),
            help="Blocking threads per request worker in the split (each holds a DB connection).",
        )
        parser.add_argument("--log-level", default="info")

    def handle(
        self, *args, host, port, workers, log_level, split=False, events_port=None, threads=2, **options
    ):
        if workers > 1 or split:
            self._split(
                host=host,
                port=port,
                workers=max(1, workers),
                threads=max(1, threads),
                events_port=events_port or port + 1,
                log_level=log_level,
            )
        else:
            self._single(host=host, port=port, log_level=log_level)

    def _single(self, *, host, port, log_level):
        import uvicorn

        self.stdout.write(f"Serving on http://{host}:{port} (one uvicorn process). Ctrl+C stops.")
        uvicorn.run(
            "servicehall.asgi:application",
            host=host,
            port=port,
            log_level=log_level,
            proxy_headers=True,
            forwarded_allow_ips=env_str("SERVICEHALL_FORWARDED_ALLOW_IPS", "127.0.0.1"),
            timeout_graceful_shutdown=10,
            access_log=log_level == "debug",
            lifespan="off",
        )

    def _split(self, *, host, port, workers, threads, events_port, log_level):
        from django.conf import settings

        if events_port == port:
            raise CommandError("--events-port must differ from --port.")
        # The children inherit this environment (not a read of settings: they read it through env.py).
        base = {k: v for k, v in os.environ.items() if k != "SERVICEHALL_DB_POOL"}
        base.setdefault("DJANGO_SETTINGS_MODULE", "servicehall.settings")
        requests_env = {**base, "SERVICEHALL_CONN_MAX_AGE": base.get("SERVICEHALL_CONN_MAX_AGE", "600")}
        # The events process runs async views: Django's persistent connections leak there, so none.
        events_env = {**base, "SERVICEHALL_CONN_MAX_AGE": "0"}
        level = log_level.lower()
        granian = [
            sys.executable,
            "-m",
            "granian",
            "--interface",
            "wsgi",
            "--host",
            host,
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--blocking-threads",
            str(threads),
            # Each blocking thread holds a persistent DB connection: keep idle threads (and connections).
            "--blocking-threads-idle-timeout",
            "600",
            "--no-ws",
            "--respawn-failed-workers",
            "--workers-kill-timeout",
            str(STOP_SECONDS),
            "--log-level",
            level if level in {"critical", "error", "warning", "info", "debug"} else "info",
            *(["--access-log"] if level == "debug" else []),
            "servicehall.core.management.commands.serve:wsgi_application",
        ]
        uvicorn = [
            sys.executable,
            "-m",
            "uvicorn",
            "servicehall.asgi:application",
            "--host",
            host,
            "--port",
            str(events_port),
            "--log-level",
            level,
            "--lifespan",
            "off",
            "--proxy-headers",
            "--forwarded-allow-ips",
            env_str("SERVICEHALL_FORWARDED_ALLOW_IPS", "127.0.0.1"),
            "--timeout-graceful-shutdown",
            "5",
            *([] if level == "debug" else ["--no-access-log"]),
        ]
        if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3") and not settings.SERVICEHALL_REDIS_URL:
            self.stderr.write(
                "Note: on SQLite without SERVICEHALL_REDIS_URL the events process notices new "
                "events by polling (up to 1 s late); PostgreSQL wakes it with NOTIFY."
            )
        self.stdout.write(
            f"Serving requests on http://{host}:{port} (granian WSGI, {workers} worker(s) x "
            f"{threads} thread(s), persistent DB connections {requests_env['SERVICEHALL_CONN_MAX_AGE']} s) "
            "and live events on "
            f"http://{host}:{events_port} (uvicorn ASGI). Ctrl+C stops both.\n"
            "Route them with nginx, inside your server { } block:\n\n"
            + nginx_locations(host, port, events_port)
        )
        self.stdout.flush()
        procs: dict[str, subprocess.Popen] = {}
        try:
            for name, cmd, env in (
                ("granian (requests)", granian, requests_env),
                ("uvicorn (events)", uvicorn, events_env),
            ):
                procs[name] = subprocess.Popen(  # noqa: S603 (our own argv, no shell)
                    cmd,
                    env=env,
                    start_new_session=True,
                    preexec_fn=_die_with_parent,
                )
            failed = self._supervise(procs)
        finally:
            self._stop(procs)
        if failed:
            name, code = failed
            raise CommandError(
                f"{name} exited with code {code}; stopped the other process.",
                returncode=code if isinstance(code, int) and code > 0 else 1,
            )

    def _supervise(self, procs: dict[str, subprocess.Popen]):
        """Wait until a signal asks to stop (returns None) or a process exits (returns its name, code)."""
        stop = []
        previous = {
            sig: signal.signal(sig, lambda signum, frame: stop.append(signum))
            for sig in (signal.SIGINT, signal.SIGTERM)
        }
        try:
            while not stop:
                for name, proc in procs.items():
                    code = proc.poll()
                    if code is not None:
                        self.stderr.write(f"{name} exited with code {code}; stopping the other process.")
                        return name, code
                time.sleep(0.25)
            self.stdout.write("Stopping…")
            return None
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)

    def _stop(self, procs: dict[str, subprocess.Popen]) -> None:
        for proc in procs.values():
            if proc.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + STOP_SECONDS + 5
        for proc in procs.values():
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
