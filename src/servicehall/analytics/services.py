"""Writes of the analytics app: the hall's staffing settings, and the what-if simulation jobs (requested
by a manager, run beside the request in a thread or by the worker, progress kept on the row)."""

import datetime
import logging
import threading

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from servicehall.analytics import history, selectors, whatif
from servicehall.analytics.choices import JOB_TRANSITIONS, JobAction
from servicehall.analytics.models import AnalyticsSettings, SimulationJob
from servicehall.analytics.simulation import simulate
from servicehall.core.actors import Actor
from servicehall.core.audit import SystemActor, audit_record
from servicehall.core.choices import Role
from servicehall.core.errors import Invalid
from servicehall.core.permissions import require_role
from servicehall.core.services import hall_settings_update
from servicehall.core.transitions import transition

log = logging.getLogger(__name__)
RUNNER = "analytics.simulations"
MAX_REPLICATIONS = 50


def settings_update(*, actor: Actor, hall, **changes) -> AnalyticsSettings:
    return hall_settings_update(
        model=AnalyticsSettings, actor=actor, hall=hall, action="analytics.settings", changes=changes
    )


def _check_scenario(hall, scenario: dict, today: datetime.date) -> dict:
    """Refuse what the simulation could not answer; the API's schema has checked the types."""
    fields = {}
    date = scenario["date"]
    if not 0 <= (date - today).days < 14:
        fields["date"] = [_("Choose a day within the next 14 days.")]
    known = {i.code: i.pk for i in history.services(hall)}
    unknown = [c for c in [*scenario["service_time_factors"], *scenario["merge"]] if c not in known]
    if unknown:
        fields["service_time_factors" if scenario["service_time_factors"] else "merge"] = [
            _("Unknown service: %(codes)s.") % {"codes": ", ".join(sorted(unknown)[:5])}
        ]
    if scenario["merge"] and len(set(scenario["merge"])) < 2:
        fields["merge"] = [_("Merge at least two services.")]
    intervals = history.grid(hall).intervals
    if scenario["counters_open"] is not None and len(scenario["counters_open"]) != intervals:
        fields["counters_open"] = [_("Give one number per interval (%(n)s).") % {"n": intervals}]
    if fields:
        raise Invalid(fields=fields)
    return {**scenario, "date": date.isoformat()}


def simulation_request(*, actor: Actor, hall, scenario: dict, today: datetime.date) -> SimulationJob:
    """Queue a what-if run. The caller starts it (``start_in_background``) once the row is committed."""
    require_role(actor, hall, Role.MANAGER)
    stored = _check_scenario(hall, scenario, today)
    with transaction.atomic():
        job = SimulationJob.objects.create(hall=hall, created_by=actor.user, scenario=stored)
        audit_record(actor=actor, action="simulation.request", hall=hall, obj=job, after={"scenario": stored})
    return job


def _claim(job_id: int) -> SimulationJob | None:
    """Queued → running on a locked row, or None when another runner took it first."""
    with transaction.atomic():
        job = SimulationJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or JOB_TRANSITIONS.get((job.status, JobAction.START)) is None:
            return None
        job.status = transition(JOB_TRANSITIONS, job, JobAction.START)
        job.started_at = timezone.now()
        job.save(update_fields=["status", "started_at"])
        audit_record(actor=SystemActor(job=RUNNER), action="simulation.start", hall=job.hall, obj=job)
    return job


def _compute(job: SimulationJob) -> dict:
    hall, sc = job.hall, job.scenario
    date = datetime.date.fromisoformat(sc["date"])
    today = job.created_at.astimezone(hall.tzinfo).date()
    g, pairs = selectors.service_specs(hall=hall, date=date, today=today)
    ids = {item.code: item.pk for item, _s in pairs}
    t = selectors.targets(hall=hall)
    base = whatif.baseline(
        [s for _i, s in pairs],
        history.counters(hall),
        interval_seconds=t.interval_seconds,
        target_seconds=t.target_seconds,
        rules=t.rules,
    )
    change = whatif.WhatIf(
        arrivals_factor=sc["arrivals_factor"],
        counters_open=tuple(sc["counters_open"]) if sc["counters_open"] is not None else None,
        service_time_factors={ids[c]: f for c, f in sc["service_time_factors"].items() if c in ids},
        priority_per_normal=sc["priority_per_normal"],
        merge=tuple(ids[c] for c in sc["merge"] if c in ids),
    )
    reps = sc["replications"]

    def progress(done: int, total: int, offset: int) -> None:
        percent = min(99, int(100 * (offset + done) / (2 * total)))
        SimulationJob.objects.filter(pk=job.pk).update(progress=percent)

    before = simulate(base, replications=reps, progress=lambda d, n: progress(d, n, 0))
    after = simulate(whatif.apply(base, change), replications=reps, progress=lambda d, n: progress(d, n, n))
    labels = [g.label(k) for k in range(g.intervals)]
    return {"baseline": whatif.summary(before), "scenario": whatif.summary(after), "intervals": labels}


def simulation_run(*, job_id: int) -> SimulationJob | None:
    """Run a queued job to its end: running, then done with the result, or failed with the reason."""
    job = _claim(job_id)
    if job is None:
        return None
    try:
        result, error = _compute(job), ""
    except Exception as exc:  # a bad scenario or a bug must end the job, not leave it running
        log.exception("simulation %s failed", job_id)
        result, error = None, repr(exc)[:300]
    with transaction.atomic():
        job = SimulationJob.objects.select_for_update().get(pk=job_id)
        action = JobAction.FINISH if result is not None else JobAction.FAIL
        job.status = transition(JOB_TRANSITIONS, job, action)
        job.result, job.error, job.progress, job.finished_at = result, error, 100, timezone.now()
        job.save(update_fields=["status", "result", "error", "progress", "finished_at"])
        audit_record(
            actor=SystemActor(job=RUNNER),
            action="simulation.finish" if action == JobAction.FINISH else "simulation.fail",
            hall=job.hall,
            obj=job,
            after={"error": error} if error else None,
        )
    return job


def start_in_background(job_id: int) -> None:
    """Run the job in a daemon thread after the request's transaction commits (the worker's sweep picks
    up a job whose thread died with its process)."""

    def run():
        from django.db import connection

        try:
            simulation_run(job_id=job_id)
        finally:
            connection.close()

    transaction.on_commit(
        lambda: threading.Thread(target=run, daemon=True, name=f"simulation-{job_id}").start()
    )
