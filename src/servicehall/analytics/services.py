"""Writes of the analytics app: the hall's staffing settings, and the what-if simulation jobs (requested
by a manager, run beside the request in a thread or by the worker, progress kept on the row), and the live
dashboard's alerts: thresholds, the duty mobiles, the sweep that opens and resolves them, notes."""

import datetime
import logging
import re
import threading

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from servicehall.analytics import history, selectors, whatif
from servicehall.analytics.choices import (
    ALERT_TRANSITIONS,
    JOB_TRANSITIONS,
    AlertAction,
    AlertStatus,
    JobAction,
)
from servicehall.analytics.models import (
    Alert,
    AlertSettings,
    AnalyticsSettings,
    ChangeMark,
    ServiceAlertRule,
    SimulationJob,
)
from servicehall.analytics.simulation import simulate
from servicehall.core import crypto
from servicehall.core.actors import Actor
from servicehall.core.audit import SystemActor, audit_record
from servicehall.core.choices import Role
from servicehall.core.errors import Invalid
from servicehall.core.identity import is_valid_mobile, mask_phone, normalize_phone
from servicehall.core.models import HallMembership
from servicehall.core.notify import send_text
from servicehall.core.permissions import require_role
from servicehall.core.services import hall_settings_update
from servicehall.core.transitions import transition
from servicehall.staff.selectors import work_mobiles

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


# --- alerts ----------------------------------------------------------------------------------------------

ALERT_JOB = "analytics.alerts"
MAX_DUTY_PHONES = 5


def alert_settings_update(*, actor: Actor, hall, **changes) -> AlertSettings:
    """The hall's thresholds (manager only, audited). The duty mobiles have their own service: the
    audit row of a change must not hold them."""
    if {"duty_phones_encrypted", "duty_phones_hint"} & set(changes):
        raise Invalid(fields={"duty_phones": [_("Set the mobiles on duty with their own form.")]})
    return hall_settings_update(
        model=AlertSettings, actor=actor, hall=hall, action="analytics.alert_settings", changes=changes
    )


@transaction.atomic
def alert_phones_set(*, actor: Actor, hall, phones: str) -> AlertSettings:
    """The mobiles of the managers on duty, separated by commas or new lines (at most five), checked, stored
    encrypted; the audit row keeps the masked numbers only. Empty clears them."""
    require_role(actor, hall, Role.MANAGER)
    numbers = [normalize_phone(p) for p in re.split(r"[,，;；、\n]+", str(phones or "")[:300]) if p.strip()]
    if len(numbers) > MAX_DUTY_PHONES or any(not is_valid_mobile(n) for n in numbers):
        raise Invalid(fields={"duty_phones": [_("Up to five mainland mobile numbers, separated by commas.")]})
    numbers = list(dict.fromkeys(numbers))
    conf, _created = AlertSettings.objects.select_for_update().get_or_create(hall=hall)
    before = conf.duty_phones_hint
    conf.duty_phones_encrypted = crypto.encrypt(",".join(numbers))
    conf.duty_phones_hint = ", ".join(mask_phone(n) for n in numbers)[:120]
    conf.save(update_fields=["duty_phones_encrypted", "duty_phones_hint"])
    audit_record(
        actor=actor,
        action="analytics.alert_phones",
        hall=hall,
        obj=conf,
        before={"phones": before},
        after={"phones": conf.duty_phones_hint},
    )
    return conf


@transaction.atomic
def alert_rules_set(*, actor: Actor, hall, rows: list[dict]) -> list[ServiceAlertRule]:
    """Replace the services' own thresholds: ``[{service: code, wait_minutes, waiting_count}]``, a
    blank value meaning the hall's. Every row is checked first; nothing changes when one is wrong."""
    from servicehall.catalog.models import ServiceItem

    require_role(actor, hall, Role.MANAGER)
    # two managers saving at once: the second waits here instead of colliding on the unique constraint
    AlertSettings.objects.select_for_update().get_or_create(hall=hall)
    items = {i.code: i for i in ServiceItem.objects.filter(hall=hall)}
    errors, wanted = {}, {}
    for row in rows:
        code = row.get("service")
        if code not in items:
            errors[str(code)[:64]] = [_("No such service in this hall.")]
            continue
        values = {}
        for field, top in (("wait_minutes", 600), ("waiting_count", 5000)):
            value = row.get(field)
            if value in (None, ""):
                values[field] = None
            elif isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= top:
                values[field] = value
            else:
                errors[f"{code}.{field}"] = [_("A whole number from 0 to %(top)s.") % {"top": top}]
        if any(v is not None for v in values.values()):
            wanted[code] = values
    if errors:
        raise Invalid(fields=errors)
    rules = ServiceAlertRule.objects.filter(hall=hall).select_related("service")
    before = {
        r.service.code: {"wait_minutes": r.wait_minutes, "waiting_count": r.waiting_count} for r in rules
    }
    if before != wanted:
        ServiceAlertRule.objects.filter(hall=hall).delete()
        ServiceAlertRule.objects.bulk_create(
            [ServiceAlertRule(hall=hall, service=items[code], **values) for code, values in wanted.items()]
        )
        audit_record(
            actor=actor,
            action="analytics.alert_rules",
            hall=hall,
            object_type="analytics.servicealertrule",
            object_repr=hall.code,
            before={"rules": before},
            after={"rules": wanted},
        )
    return list(ServiceAlertRule.objects.filter(hall=hall).select_related("service"))


def _duty_phones(hall, conf: AlertSettings) -> list[str]:
    """The mobiles on duty, and with ``text_managers`` the work mobiles of the hall's managers (each
    number once)."""
    phones = [p for p in crypto.decrypt(conf.duty_phones_encrypted).split(",") if p] if conf.pk else []
    if conf.text_managers:
        managers = HallMembership.objects.filter(hall=hall, role=Role.MANAGER).values_list(
            "user_id", flat=True
        )
        phones += work_mobiles(hall=hall, user_ids=managers).values()
    return list(dict.fromkeys(phones))


def _text_duty(hall, phones: list[str], lines: list[str]) -> None:
    """Text the new alerts to the mobiles on duty, in the hall's language, after commit."""
    if not phones or not lines:
        return
    text = f"{hall.name}: " + " ".join(lines)
    for phone in phones:
        transaction.on_commit(lambda p=phone, t=text[:300]: send_text(p, t))


def alerts_sweep(*, hall, now: datetime.datetime | None = None) -> dict[str, int]:
    """Open an alert for each watched condition that became true, resolve those that cleared, keep the
    values of the rest up to date. A new alert is texted to the managers on duty once (when it opens,
    never again while it lasts), announced on the hall's stream and audited with the rest of the
    sweep's changes (one row per sweep, actor ``system:analytics.alerts``). Safe with two workers: the
    open alerts are locked, and the database allows one open alert per hall, kind and subject."""
    now = now or timezone.now()
    _snap, found, advice = selectors.alert_check(hall=hall, now=now)
    conf = selectors.alert_settings_get(hall=hall)
    actor = SystemActor(job=ALERT_JOB)
    opened, resolved = [], []
    phones = _duty_phones(hall, conf) if found else []
    with transaction.atomic():
        current = {
            (a.kind, a.subject): a
            for a in Alert.objects.select_for_update().filter(hall=hall, status=AlertStatus.OPEN)
        }
        seen = {(c.kind, c.subject): c for c in found}
        for key, alert in current.items():
            c = seen.get(key)
            if c is None:
                alert.status = transition(ALERT_TRANSITIONS, alert, AlertAction.RESOLVE)
                alert.resolved_at = now
                alert.save(update_fields=["status", "resolved_at"])
                resolved.append(alert)
            elif c.value != alert.value or _advice_of(c, advice) != alert.advice:
                alert.value, alert.peak = c.value, max(alert.peak, c.value)
                alert.advice = _advice_of(c, advice)
                alert.save(update_fields=["value", "peak", "advice"])
        for key, c in seen.items():
            if key in current:
                continue
            try:
                with transaction.atomic():
                    alert = Alert.objects.create(
                        hall=hall,
                        kind=c.kind,
                        subject=c.subject[:64],
                        subject_label=c.label[:200],
                        value=c.value,
                        threshold=c.threshold,
                        peak=c.value,
                        advice=_advice_of(c, advice),
                        opened_at=now,
                        notified_at=now if phones else None,
                    )
            except IntegrityError:  # another worker's sweep opened it a moment ago
                continue
            opened.append(alert)
        if opened or resolved:
            _sweep_record(actor, hall, opened, resolved)
        with translation.override(settings.LANGUAGE_CODE):
            rows = selectors.alert_rows(hall=hall, rows=opened)
            _text_duty(hall, phones, [" ".join(filter(None, (r["text"], r["advice"]))) for r in rows])
    return {
        "opened": len(opened),
        "resolved": len(resolved),
        "open": len(current) - len(resolved) + len(opened),
    }


def _advice_of(condition, advice: dict[int, dict]) -> dict:
    return {**advice.get(condition.service_id, {}), **dict(condition.extra)}


def _sweep_record(actor, hall, opened: list, resolved: list) -> None:
    from servicehall.live.services import event_emit

    audit_record(
        actor=actor,
        action="analytics.alerts",
        hall=hall,
        object_type="analytics.alert",
        object_repr=f"+{len(opened)} -{len(resolved)}",
        after={
            "opened": [{"id": a.pk, "kind": a.kind, "subject": a.subject, "value": a.value} for a in opened],
            "resolved": [{"id": a.pk, "kind": a.kind, "subject": a.subject} for a in resolved],
        },
    )
    event_emit(
        hall=hall,
        kind="alert.changed",
        payload={"opened": [a.pk for a in opened], "resolved": [a.pk for a in resolved]},
    )


@transaction.atomic
def alert_note(*, actor: Actor, hall, alert_id: int, note: str) -> Alert:
    """What the managers did about an alert ("opened window 5"), kept with it; manager only, audited."""
    require_role(actor, hall, Role.MANAGER)
    text = " ".join(str(note or "").split())[:500]
    if len(text) < 2:
        raise Invalid(fields={"note": [_("Say what was done.")]})
    alert = selectors.alert_get(hall=hall, alert_id=alert_id)
    alert = Alert.objects.select_for_update().get(pk=alert.pk)
    before = alert.note
    alert.note, alert.noted_by_id, alert.noted_at = text, actor.user_id, timezone.now()
    alert.save(update_fields=["note", "noted_by", "noted_at"])
    audit_record(
        actor=actor,
        action="analytics.alert_note",
        hall=hall,
        obj=alert,
        before={"note": before},
        after={"note": text},
    )
    return alert


# --- marked changes (before/after) -----------------------------------------------------------------------


@transaction.atomic
def change_mark_create(
    *, actor: Actor, hall, day: datetime.date, title: str, service_codes: list[str], window_days: int = 28
) -> ChangeMark:
    """Mark a change the hall made (manager only, audited); the services it touched by code (none: the
    whole hall)."""
    from servicehall.catalog.models import ServiceItem

    require_role(actor, hall, Role.MANAGER)
    errors = {}
    title = " ".join(str(title or "").split())[:200]
    if len(title) < 2:
        errors["title"] = [_("Say what changed.")]
    if not isinstance(day, datetime.date) or not datetime.date(2000, 1, 1) <= day <= datetime.date(
        2100, 1, 1
    ):
        errors["day"] = [_("Enter a valid date.")]
    items = list(
        ServiceItem.objects.filter(hall=hall, code__in=[c for c in service_codes if isinstance(c, str)])
    )
    if len(items) != len(set(service_codes)):
        errors["services"] = [_("No such service in this hall.")]
    if not isinstance(window_days, int) or not 7 <= window_days <= 90:
        errors["window_days"] = [_("A whole number from 7 to 90.")]
    if errors:
        raise Invalid(fields=errors)
    mark = ChangeMark.objects.create(
        hall=hall, day=day, title=title, window_days=window_days, created_by_id=actor.user_id
    )
    mark.services.set(items)
    audit_record(
        actor=actor,
        action="analytics.change_mark",
        hall=hall,
        obj=mark,
        after={"day": day.isoformat(), "title": title, "services": sorted(i.code for i in items)},
    )
    return mark


@transaction.atomic
def change_mark_delete(*, actor: Actor, hall, mark_id: int) -> None:
    require_role(actor, hall, Role.MANAGER)
    mark = selectors.change_mark_get(hall=hall, mark_id=mark_id)
    audit_record(
        actor=actor,
        action="analytics.change_mark_delete",
        hall=hall,
        obj=mark,
        before={"day": mark.day.isoformat(), "title": mark.title},
    )
    mark.delete()
