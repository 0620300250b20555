"""How good is the estimated waiting time? A discrete-event replay of simulated hall days.

Runs the real services (``ticket_issue``, ``counter_open``, ``ticket_call_next``, ``ticket_start``,
``ticket_complete``, recalls and no-shows, pauses) on a throw-away SQLite database under a simulated
clock (``time_machine`` with ``tick=False``, moved event by event). The hall is the demo hall (12
windows, 27 services, several services per window). For every ticket it keeps the estimate the citizen
was given at issue and the wait that actually happened (``wait_seconds`` when the ticket is first
called), and prints one JSON object: the mean absolute error (MAE) overall and per service, the median
absolute error, the mean wait, the MAE relative to the mean wait, and the same for a naive baseline and
for candidate improvements computed from the same database state at the same instant.

    .venv/bin/python bench/estimate.py [--seed 20250310] [--days 2] [--warmup-days 1]

The first ``--warmup-days`` give the estimator its history (recent service times) and are not scored.
The method and the measured numbers are in docs/queue-estimate.md.
"""

import argparse
import datetime as dt
import heapq
import json
import math
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

# Run as a script, this file's folder comes first on sys.path, and bench/queue.py would then shadow the
# standard library's queue module (Django imports it through concurrent.futures).
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

# --- the simulated world -------------------------------------------------------------------------------

# Service time per catalogue category: (median minutes, lognormal sigma), and tickets on an ordinary day.
CATEGORIES = {
    "社会保障": (6.0, 0.5, 95),
    "医疗保障": (5.0, 0.5, 65),
    "户籍管理": (8.0, 0.45, 55),
    "出入境": (9.0, 0.4, 40),
    "企业开办": (15.0, 0.5, 40),
    "税务": (7.0, 0.55, 80),
    "不动产登记": (20.0, 0.45, 16),
    "住房公积金": (12.0, 0.5, 14),
    "民政婚姻": (12.0, 0.5, 12),
}
# Relative arrival rate per half hour of the sessions (local time): a queue at the door at opening, the
# morning peak, a quieter afternoon with a smaller peak after lunch.
SESSIONS = [(dt.time(8, 30), dt.time(12, 0)), (dt.time(13, 30), dt.time(17, 30))]
PROFILE = {
    dt.time(8, 30): 1.6,
    dt.time(9, 0): 1.8,
    dt.time(9, 30): 1.7,
    dt.time(10, 0): 1.4,
    dt.time(10, 30): 1.1,
    dt.time(11, 0): 0.8,
    dt.time(11, 30): 0.5,
    dt.time(13, 30): 0.9,
    dt.time(14, 0): 1.1,
    dt.time(14, 30): 1.0,
    dt.time(15, 0): 0.9,
    dt.time(15, 30): 0.7,
    dt.time(16, 0): 0.6,
    dt.time(16, 30): 0.4,
    dt.time(17, 0): 0.2,
}
PRIORITY_SHARE = 0.08
PRIORITY_CLASSES = [
    ("appointment", 0.40),
    ("elderly", 0.45),
    ("disabled", 0.08),
    ("pregnant", 0.05),
    ("military", 0.02),
]
NO_SHOW_SHARE = 0.05
RECALL_EVERY = 40  # seconds between the call, the two recalls and the no-show
WALK_MEDIAN, WALK_SIGMA = 40.0, 0.5  # seconds from the call to the window
# Windows that deviate from "open at the start of each session": late openings, breaks, an early close.
LATE_OPEN = {"3": dt.time(9, 10), "10": dt.time(9, 0)}
BREAKS = [
    ("2", dt.time(10, 15), 15),
    ("4", dt.time(10, 40), 15),
    ("6", dt.time(14, 45), 10),
    ("9", dt.time(15, 0), 15),
]
EARLY_CLOSE = {"5": dt.time(16, 30)}
FIRST_DAY = dt.date(2025, 3, 7)  # a Friday: warm-up; the measured days are the next working days


def working_days(first: dt.date, count: int) -> list[dt.date]:
    days, day = [], first
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day += dt.timedelta(days=1)
    return days


@dataclass(order=True)
class Event:
    at: dt.datetime
    seq: int
    kind: str = field(compare=False)
    data: tuple = field(compare=False, default=())


@dataclass
class Arrival:
    service_id: int
    priority: str
    no_show: bool
    walk: float
    service: float


@dataclass
class Window:
    counter: object
    actor: object
    serves: set
    open: bool = False
    paused: bool = False
    ticket: object = None
    arrival: Arrival | None = None
    pause_pending: int = 0
    close_pending: bool = False


@dataclass
class Record:
    day: str
    service_id: int
    priority: bool
    ahead: int
    estimate: int
    baseline: int
    alternatives: dict
    actual: int | None = None


# --- candidate estimators, from the same database state as the real one ---------------------------------


class Alternatives:
    """Candidate estimates computed at the instant of issue from what the database holds then. They use
    only data a selector could read: open sessions, the services each window calls, waiting tickets,
    tickets at windows, and finished tickets' timestamps (recent ones, memoised 20 s like the real one)."""

    def __init__(self, hall, serves: dict[int, set], default_seconds: int):
        self.hall, self.serves, self.default = hall, serves, float(default_seconds)
        self.memo: dict[tuple, tuple[dt.datetime, float]] = {}

    def _recent(self, kind: str, service_id: int, now: dt.datetime) -> float:
        from django.db.models import Q

        from servicehall.queueing.models import Ticket

        hit = self.memo.get((kind, service_id))
        if hit and (now - hit[0]).total_seconds() < 20:
            return hit[1]
        since = now - dt.timedelta(days=14)
        if kind == "service":
            values = list(
                Ticket.objects.filter(
                    service_id=service_id, completed_at__gte=since, service_seconds__isnull=False
                )
                .order_by("-completed_at")
                .values_list("service_seconds", flat=True)[:30]
            )
        else:  # window time per call: call → completed (walk + service) or call → no-show
            rows = (
                Ticket.objects.filter(service_id=service_id, called_at__isnull=False)
                .filter(Q(completed_at__gte=since) | Q(no_show_at__gte=since))
                .order_by("-called_at")
                .values_list("called_at", "completed_at", "no_show_at")[:30]
            )
            values = [
                ((done or gone) - called).total_seconds() for called, done, gone in rows if done or gone
            ]
        value = statistics.fmean(values) if len(values) >= 3 else self.default
        self.memo[(kind, service_id)] = (now, value)
        return value

    def compute(self, ticket, now: dt.datetime) -> dict[str, int]:
        from servicehall.queueing.choices import CounterState, TicketStatus
        from servicehall.queueing.models import CounterSession, Ticket

        states = dict(
            CounterSession.objects.filter(counter__hall=self.hall, closed_at__isnull=True).values_list(
                "counter_id", "state"
            )
        )
        open_ids = {c for c, s in states.items() if s == CounterState.OPEN}
        mine = {c for c in open_ids if ticket.service_id in self.serves[c]}
        k = len(mine)
        waiting = list(
            Ticket.objects.filter(hall=self.hall, status=TicketStatus.WAITING)
            .exclude(pk=ticket.pk)
            .values_list("service_id", "is_priority", "queued_at", "id")
        )
        at_windows = {
            c: (s, called)
            for c, s, called in Ticket.objects.filter(
                hall=self.hall, status__in=[TicketStatus.CALLED, TicketStatus.SERVING]
            ).values_list("counter_id", "service_id", "called_at")
        }

        def is_ahead(row) -> bool:
            _s, prio, queued, pk = row
            if ticket.is_priority:
                return prio and (queued, pk) < (ticket.queued_at, ticket.pk)
            return prio or (queued, pk) < (ticket.queued_at, ticket.pk)

        ahead_rows = [r for r in waiting if is_ahead(r)]
        same = sum(1 for r in ahead_rows if r[0] == ticket.service_id)
        busy = [c for c in mine if c in at_windows]

        def remaining(kind: str) -> float:
            """Time until the busy windows of ours finish what they have: expected time per call minus
            the time already spent, at least 15 % of it (long calls tend to run on)."""
            total = 0.0
            for c in busy:
                s, called = at_windows[c]
                m = self._recent(kind, s, now)
                total += max(m - (now - called).total_seconds(), 0.15 * m)
            return total

        def same_service(kind: str, residual: bool) -> float:
            # The current formula (people ahead of the same service × its mean ÷ open windows), with the
            # time per call of ``kind``; ``residual`` adds the wait for a window to come free when all are.
            m = self._recent(kind, ticket.service_id, now)
            value = same * m / max(1, k)
            if residual and k and len(busy) == k:
                value += remaining(kind) / k
            return value

        def pooled(kind: str = "service", residual: bool = True, own_mean: bool = False) -> float:
            # The production estimator re-derived here uncached (reference; its k = 0 fallback adds 1):
            # everyone ahead whom our open windows may call counts, weighted by the share of
            # their open windows that are ours, times the mean of their own service; plus what the busy
            # windows of ours still have to do; all divided by our open windows.
            if k == 0:
                return (same + 1) * self._recent(kind, ticket.service_id, now)
            work, eligible = 0.0, 0
            for s, _p, _q, _id in ahead_rows:
                theirs = {c for c in open_ids if s in self.serves[c]}
                shared = theirs & mine
                if shared:
                    eligible += 1
                    m = self._recent(kind, ticket.service_id if own_mean else s, now)
                    work += len(shared) / len(theirs) * m
            if not eligible and len(busy) < k:
                return 0.0  # a window of ours is free and nobody is ahead: called at once
            return (work + (remaining(kind) if residual else 0.0)) / k

        out = {
            "same_service_only": same_service(
                "service", residual=False
            ),  # the estimator before the pooled one
            "same_service_window_time": same_service("window", residual=False),
            "same_service_plus_busy_windows": same_service("service", residual=True),
            "pooled": pooled(),
            "pooled_without_busy_windows": pooled(residual=False),
            "pooled_window_time": pooled(kind="window"),
            "pooled_own_service_mean": pooled(own_mean=True),
        }
        return {name: int(round(v)) for name, v in out.items()}


# --- the replay ----------------------------------------------------------------------------------------


class Replay:
    def __init__(
        self,
        *,
        rng: random.Random,
        hall,
        windows: dict[int, Window],
        kiosk,
        items,
        conf,
        clock,
        alternatives: Alternatives,
        cache_follows_clock: bool,
    ):
        self.rng, self.hall, self.windows, self.kiosk, self.items, self.conf = (
            rng,
            hall,
            windows,
            kiosk,
            items,
            conf,
        )
        self.clock, self.alt, self.cache_follows_clock = clock, alternatives, cache_follows_clock
        self.tz = hall.tzinfo
        self.events: list[Event] = []
        self.seq = 0
        self.now: dt.datetime | None = None
        self.last_clear: dt.datetime | None = None
        self.records: dict[int, Record] = {}
        self.day = None
        self.scored = False
        self.stats = defaultdict(int)

    def at(self, when: dt.datetime, kind: str, *data) -> None:
        self.seq += 1
        heapq.heappush(self.events, Event(when, self.seq, kind, data))

    def local(self, day: dt.date, t: dt.time) -> dt.datetime:
        return dt.datetime.combine(day, t, tzinfo=self.tz)

    def in_session(self, when: dt.datetime) -> bool:
        t = when.astimezone(self.tz).time()
        return any(a <= t < b for a, b in SESSIONS)

    def advance(self, when: dt.datetime) -> None:
        from django.core.cache import cache

        self.clock.move_to(when)
        self.now = when
        # The estimator caches for 20 s. The local-memory cache measures expiry with time.time(), which the
        # simulated clock moves, so it expires in simulated time as in production. Should another cache
        # backend not follow the clock, clear it every 20 simulated seconds instead.
        if not self.cache_follows_clock and (
            self.last_clear is None or (when - self.last_clear).total_seconds() >= 20
        ):
            cache.clear()
            self.last_clear = when

    # day plan

    def plan_day(self, day: dt.date, scored: bool) -> None:
        self.day, self.scored = day, scored
        for start, end in SESSIONS:
            for number, w in self._by_number().items():
                opens = LATE_OPEN.get(number) if start == SESSIONS[0][0] else None
                self.at(self.local(day, opens or start), "open", w.counter.pk)
            self.at(self.local(day, end), "session_end")
        for number, t, minutes in BREAKS:
            self.at(self.local(day, t), "pause", self._by_number()[number].counter.pk, minutes)
        for number, t in EARLY_CLOSE.items():
            self.at(self.local(day, t), "close", self._by_number()[number].counter.pk)
        total = sum(PROFILE.values()) * 1800.0
        for item in self.items:
            median, sigma, daily = CATEGORIES[item.category_name]
            rate_per_profile_second = daily * item.share / total
            for slot, weight in PROFILE.items():
                start = self.local(day, slot)
                rate = rate_per_profile_second * weight
                t = self.rng.expovariate(rate)
                while t < 1800:
                    self.at(start + dt.timedelta(seconds=t), "arrive", self._draw(item, median, sigma))
                    t += self.rng.expovariate(rate)

    def _by_number(self) -> dict[str, Window]:
        return {w.counter.number: w for w in self.windows.values()}

    def _draw(self, item, median: float, sigma: float) -> Arrival:
        rng = self.rng
        priority = "normal"
        if rng.random() < PRIORITY_SHARE:
            priority = rng.choices([c for c, _w in PRIORITY_CLASSES], [w for _c, w in PRIORITY_CLASSES])[0]
        service = min(max(60.0, rng.lognormvariate(math.log(median * 60), sigma)), median * 60 * 5)
        walk = min(170.0, rng.lognormvariate(math.log(WALK_MEDIAN), WALK_SIGMA))
        return Arrival(item.pk, priority, rng.random() < NO_SHOW_SHARE, walk, service)

    # the loop

    def run(self) -> None:
        while self.events:
            event = heapq.heappop(self.events)
            self.advance(event.at)
            getattr(self, f"on_{event.kind}")(*event.data)

    def on_open(self, counter_id: int) -> None:
        from servicehall.queueing import services

        w = self.windows[counter_id]
        if w.close_pending and not self.in_session(self.now):
            return
        services.counter_open(actor=w.actor, counter=w.counter)
        w.open, w.paused, w.close_pending = True, False, False
        self.try_call(w)

    def on_session_end(self) -> None:
        for w in self.windows.values():
            self.try_call(w)

    def on_pause(self, counter_id: int, minutes: int) -> None:
        w = self.windows[counter_id]
        w.pause_pending = minutes
        self.try_call(w)

    def on_unpause(self, counter_id: int) -> None:
        from servicehall.queueing import services

        w = self.windows[counter_id]
        services.counter_unpause(actor=w.actor, counter=w.counter)
        w.paused = False
        self.try_call(w)

    def on_close(self, counter_id: int) -> None:
        w = self.windows[counter_id]
        w.close_pending = True
        self.try_call(w)

    def on_arrive(self, arrival: Arrival) -> None:
        from servicehall.queueing import services

        item = self.items_by_id[arrival.service_id]
        channel = "appointment" if arrival.priority == "appointment" else "kiosk"
        ticket = services.ticket_issue(
            actor=self.kiosk,
            hall=self.hall,
            service_code=item.code,
            channel=channel,
            priority=arrival.priority,
        )
        self.stats["issued"] += 1
        if self.scored:
            self.records[ticket.pk] = Record(
                day=self.day.isoformat(),
                service_id=item.pk,
                priority=ticket.is_priority,
                ahead=ticket.people_ahead,
                estimate=ticket.estimated_wait_seconds,
                baseline=ticket.people_ahead * self.conf.default_service_minutes * 60,
                alternatives=self.alt.compute(ticket, self.now),
            )
        self.arrivals[ticket.pk] = arrival
        idle = [
            w
            for w in self.windows.values()
            if item.pk in w.serves and w.open and not w.paused and w.ticket is None
        ]
        self.rng.shuffle(idle)
        for w in idle:
            self.try_call(w)

    def try_call(self, w: Window) -> None:
        from servicehall.queueing import services

        if not w.open or w.paused or w.ticket is not None:
            return
        if w.pause_pending:
            services.counter_pause(actor=w.actor, counter=w.counter, reason="break")
            w.paused = True
            self.at(self.now + dt.timedelta(minutes=w.pause_pending), "unpause", w.counter.pk)
            w.pause_pending = 0
            return
        if w.close_pending:
            services.counter_close(actor=w.actor, counter=w.counter)
            w.open = False
            return
        ticket = services.ticket_call_next(actor=w.actor, counter=w.counter)
        if ticket is None:
            if not self.in_session(self.now):
                services.counter_close(actor=w.actor, counter=w.counter)
                w.open = False
            return
        self.stats["called"] += 1
        record = self.records.get(ticket.pk)
        if record is not None and record.actual is None:
            record.actual = ticket.wait_seconds
        arrival = self.arrivals[ticket.pk]
        w.ticket, w.arrival = ticket, arrival
        if arrival.no_show:
            for n in (1, 2):
                self.at(self.now + dt.timedelta(seconds=RECALL_EVERY * n), "recall", w.counter.pk)
            self.at(self.now + dt.timedelta(seconds=RECALL_EVERY * 3), "no_show", w.counter.pk)
        else:
            self.at(self.now + dt.timedelta(seconds=arrival.walk), "start", w.counter.pk)

    def on_recall(self, counter_id: int) -> None:
        from servicehall.queueing import services

        w = self.windows[counter_id]
        w.ticket = services.ticket_recall(actor=w.actor, ticket=w.ticket)

    def on_no_show(self, counter_id: int) -> None:
        from servicehall.queueing import services

        w = self.windows[counter_id]
        services.ticket_no_show(actor=w.actor, ticket=w.ticket)
        self.stats["no_show"] += 1
        w.ticket = None
        self.try_call(w)

    def on_start(self, counter_id: int) -> None:
        from servicehall.queueing import services

        w = self.windows[counter_id]
        w.ticket = services.ticket_start(actor=w.actor, ticket=w.ticket)
        self.at(self.now + dt.timedelta(seconds=w.arrival.service), "complete", counter_id)

    def on_complete(self, counter_id: int) -> None:
        from servicehall.queueing import services

        w = self.windows[counter_id]
        services.ticket_complete(actor=w.actor, ticket=w.ticket)
        self.stats["completed"] += 1
        w.ticket = None
        self.try_call(w)


# --- set-up and report ---------------------------------------------------------------------------------


def prepare_django(workdir: Path) -> None:
    os.environ["SERVICEHALL_DATABASE_URL"] = f"sqlite:///{workdir / 'estimate.sqlite3'}"
    os.environ["SERVICEHALL_VAR_DIR"] = str(workdir / "var")
    os.environ["SERVICEHALL_ENV"] = "development"
    os.environ["SERVICEHALL_NOTIFY_BACKEND"] = "file"
    for name in ("SERVICEHALL_REDIS_URL", "SERVICEHALL_DEBUG", "SERVICEHALL_DB_POOL"):
        os.environ.pop(name, None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "servicehall.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def cache_follows_clock(clock, start: dt.datetime) -> bool:
    from django.core.cache import cache

    cache.set("bench:probe", 1, 20)
    clock.move_to(start + dt.timedelta(seconds=21))
    follows = cache.get("bench:probe") is None
    cache.delete("bench:probe")
    clock.move_to(start)
    return follows


def build_hall(start: dt.datetime):
    from django.contrib.auth import get_user_model

    from servicehall.catalog.models import ServiceItem
    from servicehall.core import services as core
    from servicehall.core.actors import Actor
    from servicehall.core.choices import DeviceKind, Role
    from servicehall.core.models import Counter
    from servicehall.demo import load_demo
    from servicehall.queueing import selectors

    hall = load_demo().hall
    admin = Actor(user=get_user_model().objects.get(username="admin"), ip="127.0.0.1")
    device, _raw = core.device_create(actor=admin, hall=hall, kind=DeviceKind.KIOSK, name="bench kiosk")
    kiosk = Actor(device=device, ip="127.0.0.1")
    windows = {}
    for counter in Counter.objects.filter(hall=hall, active=True).order_by("id"):
        clerk = get_user_model().objects.create_user(username=f"bench-clerk-{counter.number}", password=None)
        core.membership_grant(actor=admin, user=clerk, hall=hall, role=Role.CLERK)
        windows[counter.pk] = Window(
            counter=counter,
            actor=Actor(user=clerk, ip="127.0.0.1"),
            serves=set(selectors.counter_services(counter=counter)),
        )
    items = list(ServiceItem.objects.filter(hall=hall, active=True).select_related("category").order_by("id"))
    by_category = defaultdict(list)
    for item in items:
        item.category_name = item.category.name
        by_category[item.category_name].append(item)
    for group in by_category.values():  # within a category the first services are the most asked for
        weights = [1 / (i + 1) for i in range(len(group))]
        for item, weight in zip(group, weights, strict=True):
            item.share = weight / sum(weights)
    return hall, kiosk, windows, items


def summary(pairs: list[tuple[int, int]]) -> dict:
    errors = [abs(e - a) for e, a in pairs]
    mean_wait = statistics.fmean(a for _e, a in pairs)
    mae = statistics.fmean(errors)
    return {
        "mae_s": round(mae, 1),
        "median_abs_error_s": round(statistics.median(errors), 1),
        "bias_s": round(statistics.fmean(e - a for e, a in pairs), 1),
        "mae_relative_to_mean_wait": round(mae / mean_wait, 3) if mean_wait else None,
        "within_5_min": round(sum(err <= 300 for err in errors) / len(errors), 3),
    }


def report(records: list[Record], items, stats, args, runtime: float, cache_note: str) -> dict:
    names = {i.pk: i for i in items}
    actual = [r.actual for r in records]
    alt_names = list(records[0].alternatives)
    out = {
        "bench": "estimate",
        "seed": args.seed,
        "hall": "demo (qingshan): 12 windows, 27 services",
        "measured_days": sorted({r.day for r in records}),
        "warmup_days": args.warmup_days,
        "estimator_cache": cache_note,
        "tickets": len(records),
        "priority_tickets": sum(r.priority for r in records),
        "no_shows": stats["no_show_scored"],
        "mean_actual_wait_s": round(statistics.fmean(actual), 1),
        "median_actual_wait_s": round(statistics.median(actual), 1),
        "p90_actual_wait_s": round(sorted(actual)[int(0.9 * (len(actual) - 1))], 1),
        "estimator": summary([(r.estimate, r.actual) for r in records]),
        "baseline_people_ahead_x_default_minutes": summary([(r.baseline, r.actual) for r in records]),
        "estimator_method": "pooled (selectors.estimate_wait_seconds)",
        "alternatives": {n: summary([(r.alternatives[n], r.actual) for r in records]) for n in alt_names},
    }
    per_service = {}
    for sid in sorted({r.service_id for r in records}, key=lambda s: (names[s].ticket_prefix, s)):
        rs = [r for r in records if r.service_id == sid]
        per_service[names[sid].code] = {
            "name": names[sid].name,
            "queue": names[sid].ticket_prefix,
            "tickets": len(rs),
            "mean_wait_s": round(statistics.fmean(r.actual for r in rs)),
            "mae_s": round(statistics.fmean(abs(r.estimate - r.actual) for r in rs)),
            "baseline_mae_s": round(statistics.fmean(abs(r.baseline - r.actual) for r in rs)),
            "same_service_only_mae_s": round(
                statistics.fmean(abs(r.alternatives["same_service_only"] - r.actual) for r in rs)
            ),
        }
    out["by_class"] = {
        label: {
            "tickets": len(rs),
            "mean_wait_s": round(statistics.fmean(r.actual for r in rs)),
            "mae_s": round(statistics.fmean(abs(r.estimate - r.actual) for r in rs)),
            "same_service_only_mae_s": round(
                statistics.fmean(abs(r.alternatives["same_service_only"] - r.actual) for r in rs)
            ),
        }
        for label, rs in (
            ("normal", [r for r in records if not r.priority]),
            ("priority", [r for r in records if r.priority]),
        )
        if rs
    }
    out["per_service"] = per_service
    out["runtime_s"] = round(runtime, 1)
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=20250310)
    parser.add_argument("--days", type=int, default=2, help="measured days")
    parser.add_argument("--warmup-days", type=int, default=1, help="days that only build history")
    parser.add_argument("--keep", action="store_true", help="keep the temporary database")
    args = parser.parse_args(argv)
    began = time.perf_counter()
    workdir = Path(tempfile.mkdtemp(prefix="servicehall-estimate-"))
    try:
        prepare_django(workdir)
        import time_machine

        from servicehall.queueing import selectors

        rng = random.Random(args.seed)
        days = working_days(FIRST_DAY, args.warmup_days + args.days)
        start = dt.datetime.combine(days[0], dt.time(7, 0), tzinfo=dt.timezone(dt.timedelta(hours=8)))
        with time_machine.travel(start, tick=False) as clock:
            hall, kiosk, windows, items = build_hall(start)
            conf = selectors.settings_get(hall=hall)
            alt = Alternatives(
                hall, {c: w.serves for c, w in windows.items()}, conf.default_service_minutes * 60
            )
            follows = cache_follows_clock(clock, start)
            replay = Replay(
                rng=rng,
                hall=hall,
                windows=windows,
                kiosk=kiosk,
                items=items,
                conf=conf,
                clock=clock,
                alternatives=alt,
                cache_follows_clock=follows,
            )
            replay.items_by_id = {i.pk: i for i in items}
            replay.arrivals = {}
            for n, day in enumerate(days):
                scored = n >= args.warmup_days
                before = replay.stats["no_show"]
                replay.plan_day(day, scored)
                replay.run()
                if scored:
                    replay.stats["no_show_scored"] += replay.stats["no_show"] - before
        records = [r for r in replay.records.values() if r.actual is not None]
        missing = len(replay.records) - len(records)
        if missing:
            print(f"warning: {missing} scored tickets were never called", file=sys.stderr)
        cache_note = (
            "20 s TTL in simulated time (local-memory cache follows the clock)"
            if follows
            else "cleared every 20 simulated seconds"
        )
        result = report(records, items, replay.stats, args, time.perf_counter() - began, cache_note)
        print(json.dumps(result, ensure_ascii=False, indent=2))
    finally:
        if args.keep:
            print(f"database kept in {workdir}", file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
