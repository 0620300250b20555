"""What the alert sweep finds in a dashboard snapshot, and what it suggests doing about a queue.

``conditions`` is pure (a snapshot, the thresholds, each window's services in; the list of conditions
true now out), so each rule is tested without a database and the dashboard and the sweep read one
snapshot. A condition is keyed by (kind, subject): the sweep keeps one open alert per key until the
condition clears.

``queue_advice`` turns a queue alert into advice ("open 1 more window for 社保: windows 2 and 5 can
serve it"): the number from Erlang C on the last hour's arrivals and the mean service time (the staffing
model), the windows from the counters that serve the service, are not serving now, and whose clerk (if
one is signed in) is qualified for it. Advice and labels are kept as data and drawn in the reader's
language (``advice_text``, ``message``): the sweep runs in the hall's language, a manager reads in hers.
"""

import math
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from servicehall.analytics import erlang
from servicehall.analytics.choices import AlertKind


@dataclass(frozen=True)
class Thresholds:
    wait_minutes: int
    waiting_count: int
    idle_minutes: int
    pause_minutes: int
    appointment_grace_minutes: int
    per_service: dict  # service id → (wait_minutes | None, waiting_count | None)

    def for_service(self, service_id) -> tuple[int, int]:
        wait, count = self.per_service.get(service_id, (None, None))
        return (self.wait_minutes if wait is None else wait, self.waiting_count if count is None else count)


@dataclass(frozen=True)
class Condition:
    kind: str
    subject: str  # service code, window number, booking code
    label: str  # what the manager reads: the service's or the window's name
    value: int  # minutes or people
    threshold: int
    service_id: int | None = None
    extra: tuple = ()  # (key, value) pairs kept in the alert's advice


def conditions(snap: dict, limits: Thresholds, counter_services: dict[int, set[int]]) -> list[Condition]:
    """Every watched condition true in ``snap``. A threshold of 0 switches its rule off."""
    found = []
    waiting = {s["id"]: s["waiting"] for s in snap["services"]}
    for s in snap["services"]:
        wait_limit, count_limit = limits.for_service(s["id"])
        minutes = (s["longest_wait_seconds"] or 0) // 60
        if wait_limit and s["waiting"] and minutes >= wait_limit:
            found.append(Condition(AlertKind.LONG_WAIT, s["code"], s["name"], minutes, wait_limit, s["id"]))
        if count_limit and s["waiting"] >= count_limit:
            found.append(
                Condition(AlertKind.MANY_WAITING, s["code"], s["name"], s["waiting"], count_limit, s["id"])
            )
    for c in snap["counters"]:
        minutes = (c["since_seconds"] or 0) // 60
        label = c["name"] or c["number"]
        if c["activity"] == "paused" and limits.pause_minutes and minutes >= limits.pause_minutes:
            found.append(Condition(AlertKind.LONG_PAUSE, c["number"], label, minutes, limits.pause_minutes))
        if c["activity"] == "idle" and limits.idle_minutes and minutes >= limits.idle_minutes:
            people = sum(waiting.get(sid, 0) for sid in counter_services.get(c["id"], ()))
            if people:
                found.append(
                    Condition(AlertKind.IDLE_COUNTER, c["number"], label, minutes, limits.idle_minutes)
                )
    if limits.appointment_grace_minutes:
        for a in snap["appointments"]["late"]:
            found.append(
                Condition(
                    AlertKind.LATE_APPOINTMENT,
                    a["code"],
                    f"{a['ticket']} {a['service']}",
                    (a["late_seconds"] or 0) // 60,
                    limits.appointment_grace_minutes,
                    extra=(("ticket", a["ticket"]), ("service", a["service_code"])),
                )
            )
    return found


def counters_wanted(*, arrivals_last_hour: int, mean_service_seconds: float, targets) -> int:
    """Counters the last hour's arrivals need by Erlang C at the hall's targets (at least one)."""
    if arrivals_last_hour <= 0:
        return 1
    try:
        return erlang.counters_needed(
            arrivals_per_hour=arrivals_last_hour,
            mean_service_seconds=max(30.0, mean_service_seconds),
            target_seconds=targets.target_seconds,
            service_level=targets.service_level,
            max_average_wait_seconds=targets.max_average_wait_seconds,
        )
    except ValueError:
        return math.ceil(arrivals_last_hour * mean_service_seconds / 3600) + 1


def queue_advice(*, service: dict, open_now: int, wanted: int, candidates: list[str]) -> dict:
    """The advice kept with a queue alert: how many more windows, and which could open."""
    return {"service": service["code"], "more": max(1, wanted - open_now), "windows": candidates}


def advice_text(advice: dict, service_name: str) -> str:
    """The advice in the reader's language ("" for an alert without one)."""
    if not advice.get("more"):
        return ""
    more = advice["more"]
    if advice.get("windows"):
        return ngettext(
            "Open %(n)s more window for %(service)s; free windows that can serve it: %(windows)s.",
            "Open %(n)s more windows for %(service)s; free windows that can serve it: %(windows)s.",
            more,
        ) % {"n": more, "service": service_name, "windows": ", ".join(advice["windows"])}
    return ngettext(
        "Open %(n)s more window for %(service)s; no window that serves it is free: call in a clerk.",
        "Open %(n)s more windows for %(service)s; no window that serves it is free: call in clerks.",
        more,
    ) % {"n": more, "service": service_name}


def message(kind: str, label: str, value: int, threshold: int) -> str:
    """One line for the dashboard, the list and the text message, in the reader's language."""
    args = {"label": label, "value": value, "threshold": threshold}
    texts = {
        AlertKind.LONG_WAIT: _("%(label)s: the longest wait is %(value)s min (alert at %(threshold)s)."),
        AlertKind.MANY_WAITING: _("%(label)s: %(value)s people waiting (alert at %(threshold)s)."),
        AlertKind.IDLE_COUNTER: _(
            "%(label)s has been idle %(value)s min while its services have people waiting."
        ),
        AlertKind.LONG_PAUSE: _("%(label)s has been paused %(value)s min (alert at %(threshold)s)."),
        AlertKind.LATE_APPOINTMENT: _(
            "Appointment %(label)s: checked in, not called %(value)s min after its slot."
        ),
    }
    return texts.get(kind, "%(label)s") % args
