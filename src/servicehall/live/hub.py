"""One hub per server process fans the outbox out to every open stream of that process.

Why a hub: 200 display boards must not mean 200 queries per event. The hub alone reads new outbox rows
(one query per wake-up) and hands each row to the streams of its hall; a stream queries the database
only once, to replay what it missed on (re)connect.

Ids and commit order: on PostgreSQL two transactions can commit in the opposite order of their event
ids, so the hub may see id 11 before id 10. It remembers such gaps for ``GAP_SECONDS`` and asks for them
again on every read, delivering late rows when they commit; a rolled-back row simply never appears.
Streams tolerate this by replaying a short look-back on reconnect; clients drop ids they already have.
"""

import asyncio
import contextlib
import datetime
import logging
import time

from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import close_old_connections, connection
from django.db.models import Max, Q
from django.utils import timezone

from servicehall.live import wake
from servicehall.live.models import Event

log = logging.getLogger("servicehall.live")
POLL_SECONDS = 1.0
GAP_SECONDS = 10.0
REPLAY_LOOKBACK_SECONDS = 30
BATCH = 1000
QUEUE_LIMIT = 5000


def _row(event: Event) -> dict:
    return {
        "id": event.pk,
        "hall": event.hall_id,
        "kind": event.kind,
        "payload": event.payload,
        "at": event.created_at.isoformat(),
    }


def _read_new(last_id: int, gaps: list[int]) -> list[dict]:
    close_old_connections()
    try:
        q = Q(id__gt=last_id)
        if gaps:
            q |= Q(id__in=gaps)
        return [_row(e) for e in Event.objects.filter(q).order_by("id")[:BATCH]]
    finally:
        close_old_connections()


def _start_point() -> tuple[int, list[int]]:
    """The newest id, and the ids missing just below it: on PostgreSQL an id is taken at insert, so some
    of them may belong to transactions that have not committed yet. The hub watches them like any gap."""
    close_old_connections()
    try:
        last = Event.objects.aggregate(m=Max("id"))["m"] or 0
        present = set(Event.objects.filter(id__gt=last - BATCH).values_list("id", flat=True))
        return last, [i for i in range(max(1, last - BATCH + 1), last + 1) if i not in present]
    finally:
        close_old_connections()


def replay(hall_id: int, after_id: int, lookback: bool = True) -> list[dict]:
    """One page (``BATCH`` rows at most) of a hall's events after ``after_id``, plus, with ``lookback``,
    a short look-back for rows that committed late. A full page means there may be more."""
    q = Q(id__gt=after_id)
    if lookback:
        since = timezone.now() - datetime.timedelta(seconds=REPLAY_LOOKBACK_SECONDS)
        q |= Q(id__lte=after_id, created_at__gte=since)
    return [_row(e) for e in Event.objects.filter(q, hall_id=hall_id).order_by("id")[:BATCH]]


class Subscription:
    def __init__(self, hall_id: int):
        self.hall_id = hall_id
        self.queue: asyncio.Queue = asyncio.Queue(maxsize=QUEUE_LIMIT)
        self.overflowed = False

    def put(self, row: dict) -> None:
        try:
            self.queue.put_nowait(row)
        except asyncio.QueueFull:
            # A stream that cannot keep up is closed; its client reconnects and replays from the outbox.
            self.overflowed = True


class Hub:
    def __init__(self):
        self.subscriptions: dict[int, set[Subscription]] = {}
        self.last_id = 0
        self.gaps: dict[int, float] = {}
        self.event = asyncio.Event()
        self.task: asyncio.Task | None = None
        self.listeners: list[asyncio.Task] = []

    async def start(self) -> None:
        if self.task is not None:
            return
        self.last_id, missing = await sync_to_async(_start_point, thread_sensitive=False)()
        self.gaps = dict.fromkeys(missing, time.monotonic())
        loop = asyncio.get_running_loop()
        wake.register(loop, self.event)
        self.task = loop.create_task(self._run())
        if connection.vendor == "postgresql":
            self.listeners.append(loop.create_task(self._listen_postgres()))
        if settings.SERVICEHALL_REDIS_URL:
            self.listeners.append(loop.create_task(self._listen_redis()))

    def subscribe(self, hall_id: int) -> Subscription:
        sub = Subscription(hall_id)
        self.subscriptions.setdefault(hall_id, set()).add(sub)
        return sub

    def unsubscribe(self, sub: Subscription) -> None:
        subs = self.subscriptions.get(sub.hall_id)
        if subs:
            subs.discard(sub)

    async def _run(self) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.event.wait(), timeout=POLL_SECONDS)
            self.event.clear()
            try:
                await self._read_once()
            except Exception as exc:  # database restarting: keep the streams, try again next tick
                log.warning("hub read failed: %r", exc)
                await asyncio.sleep(POLL_SECONDS)

    async def _read_once(self) -> None:
        now = time.monotonic()
        self.gaps = {i: t for i, t in self.gaps.items() if now - t < GAP_SECONDS}
        rows = await sync_to_async(_read_new, thread_sensitive=False)(self.last_id, sorted(self.gaps))
        for row in rows:
            rid = row["id"]
            if rid > self.last_id:
                for missing in range(self.last_id + 1, min(rid, self.last_id + 1 + BATCH)):
                    self.gaps.setdefault(missing, now)
                self.last_id = rid
            self.gaps.pop(rid, None)
            for sub in list(self.subscriptions.get(row["hall"], ())):
                sub.put(row)
        if len(rows) == BATCH:
            self.event.set()

    async def _listen_postgres(self) -> None:
        import psycopg

        from servicehall.live.services import CHANNEL

        params = connection.get_connection_params()
        params.pop("cursor_factory", None)
        params.pop("context", None)
        params.pop("prepare_threshold", None)
        while True:
            try:
                conn = await psycopg.AsyncConnection.connect(
                    autocommit=True,
                    **{
                        k: v for k, v in params.items() if k in {"dbname", "user", "password", "host", "port"}
                    },
                )
                async with conn:
                    await conn.execute(f"LISTEN {CHANNEL}")
                    async for _notify in conn.notifies():
                        self.event.set()
            except Exception as exc:
                log.warning("postgres listener lost: %r; reconnecting", exc)
                await asyncio.sleep(1.0)

    async def _listen_redis(self) -> None:
        import redis.asyncio as aioredis

        while True:
            try:
                client = aioredis.Redis.from_url(settings.SERVICEHALL_REDIS_URL)
                pubsub = client.pubsub()
                await pubsub.subscribe("servicehall_events")
                async for message in pubsub.listen():
                    if message.get("type") == "message":
                        self.event.set()
            except Exception as exc:
                log.warning("redis listener lost: %r; reconnecting", exc)
                await asyncio.sleep(1.0)


_hubs: dict[int, Hub] = {}


async def get_hub() -> Hub:
    """The hub of the running event loop (one per process in practice; tests may run several loops)."""
    loop = asyncio.get_running_loop()
    hub = _hubs.get(id(loop))
    if hub is None:
        hub = _hubs[id(loop)] = Hub()
        try:
            await hub.start()
        except BaseException:
            del _hubs[id(loop)]  # else every later stream would wait on a hub that never runs
            raise
    return hub
