"""Worker jobs of the analytics app: run what-if simulations nobody's thread ran (the web process that
queued them restarted)."""

import datetime

from django.utils import timezone

from servicehall.core.jobs import job

STALE_SECONDS = 60


@job("analytics.simulations", every_seconds=30)
def run_stale_simulations() -> str:
    """Queued jobs older than a minute: their thread is gone. Each is claimed on a locked row, so two
    workers never run the same job."""
    from servicehall.analytics.choices import JobStatus
    from servicehall.analytics.models import SimulationJob
    from servicehall.analytics.services import simulation_run

    cutoff = timezone.now() - datetime.timedelta(seconds=STALE_SECONDS)
    ids = list(
        SimulationJob.objects.filter(status=JobStatus.QUEUED, created_at__lt=cutoff).values_list(
            "pk", flat=True
        )[:5]
    )
    done = [job_id for job_id in ids if simulation_run(job_id=job_id) is not None]
    return f"ran {len(done)}"


@job("analytics.alerts", every_seconds=20)
def sweep_alerts() -> str:
    """Each open hall's alert sweep: conditions opened, resolved, texted once (``services.alerts_sweep``).
    A failing hall does not stop the others."""
    import logging

    from servicehall.analytics.services import alerts_sweep
    from servicehall.core.models import Hall

    opened = resolved = 0
    for hall in Hall.objects.filter(active=True):
        try:
            got = alerts_sweep(hall=hall)
        except Exception:  # one hall's bad data must not silence the others' alerts
            logging.getLogger(__name__).exception("alert sweep of %s failed", hall.code)
            continue
        opened, resolved = opened + got["opened"], resolved + got["resolved"]
    return f"opened {opened}, resolved {resolved}"


@job("analytics.summaries", every_seconds=600)
def build_summaries() -> str:
    """Each hall's history summaries up to yesterday (``summaries.refresh``); the first run back-fills.
    A failing hall does not stop the others."""
    import logging

    from servicehall.analytics import summaries
    from servicehall.core.models import Hall

    days = 0
    for hall in Hall.objects.all():
        try:
            days += summaries.refresh(hall=hall)["days"]
        except Exception:  # one hall's bad data must not keep the others' history slow
            logging.getLogger(__name__).exception("history summaries of %s failed", hall.code)
    return f"{days} days"
