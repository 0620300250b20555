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
