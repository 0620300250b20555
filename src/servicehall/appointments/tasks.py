"""Periodic jobs of appointments, run by ``servicehall worker`` (each safe to run in several workers)."""

from servicehall.core.jobs import job


@job("appointments.expire_holds", every_seconds=30)
def expire_holds() -> str:
    """Free seats whose hold ran out (a full slot also frees them itself when someone tries to book)."""
    from servicehall.appointments.services import holds_expire

    return f"released {holds_expire()}"


@job("appointments.no_shows", every_seconds=120)
def mark_no_shows() -> str:
    from servicehall.appointments.services import no_shows_mark

    return f"marked {no_shows_mark()}"


@job("appointments.reminders", every_seconds=60)
def send_reminders() -> str:
    from servicehall.appointments.services import reminders_send

    return f"sent {reminders_send()}"
