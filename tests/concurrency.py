"""Real concurrent clients for the race tests: ``race(fn, n)`` runs ``fn`` in ``n`` threads released at
the same instant (each thread opens its own database connection, closed when it ends) and returns what
each got, a result or the error it raised, for the test to count."""

import threading

from django.db import connections


def race(fn, n: int = 8, *, timeout: float = 120) -> list:
    barrier, results, lock = threading.Barrier(n), [], threading.Lock()

    def run():
        try:
            barrier.wait(timeout)
            outcome = fn()
        except Exception as exc:  # noqa: BLE001 - the test counts what each client got
            outcome = exc
        finally:
            connections.close_all()
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=run) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout)
    return results
