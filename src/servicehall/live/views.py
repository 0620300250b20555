"""The SSE endpoint ``GET /api/v1/halls/{hall_code}/events``: delivery only, no domain logic.

Each message is ``id: <outbox id>`` and ``data: {"id", "kind", "payload", "at"}``. On connect the stream
replays everything after ``Last-Event-ID`` (header, as browsers send on reconnect, or the
``last_event_id`` query parameter for a client's first connect after a reload), then live events. Ids may
repeat across reconnects (look-back for late commits): clients drop ids they have already seen.
"""

import asyncio
import json

from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIRequest
from django.db import connection
from django.http import HttpResponse, JsonResponse, StreamingHttpResponse

from servicehall.core.models import Hall
from servicehall.live.hub import BATCH, get_hub, replay
from servicehall.live.selectors import last_event_id

HEARTBEAT_SECONDS = 15.0


def _frame(row: dict) -> str:
    data = json.dumps(
        {k: row[k] for k in ("id", "kind", "payload", "at")}, ensure_ascii=False, separators=(",", ":")
    )
    return f"id: {row['id']}\ndata: {data}\n\n"


def _hall(code: str):
    return Hall.objects.filter(code=code, active=True).first()


def _short_poll(hall, after: int | None) -> HttpResponse:
    """Under WSGI an endless stream would hold a worker thread for ever. There the endpoint answers what
    is new and closes; ``retry`` makes EventSource ask again in a second (long-polling by another name).
    Production routes this path to the ASGI process (see ``servicehall serve``)."""
    if after is None:
        last = last_event_id(hall=hall)
        body = f"retry: 1000\nid: {last}\nevent: ping\ndata: {{}}\n\n"
    else:
        body = "retry: 1000\n\n" + "".join(_frame(row) for row in replay(hall.pk, after))
    response = HttpResponse(body, content_type="text/event-stream; charset=utf-8")
    response["Cache-Control"] = "no-cache, no-transform"
    return response


def _last_event_id(request) -> int | None:
    raw = request.headers.get("Last-Event-ID") or request.GET.get("last_event_id")
    try:
        return max(0, int(raw)) if raw not in (None, "") else None
    except ValueError:
        return None


def _released(fn, *args):
    """Run one database read in its own thread and give the connection back at once: a stream may stay
    open for hours and must not hold a database connection meanwhile."""
    try:
        return fn(*args)
    finally:
        connection.close()


async def hall_events(request, hall_code: str):
    after = _last_event_id(request)
    if not isinstance(request, ASGIRequest):
        hall = await sync_to_async(_hall)(hall_code)
        if hall is None:
            return JsonResponse({"error": "not_found", "message": "Not found.", "fields": {}}, status=404)
        return await sync_to_async(_short_poll)(hall, after)
    hub = await get_hub()
    hall = await sync_to_async(_released, thread_sensitive=False)(_hall, hall_code)
    if hall is None:
        return JsonResponse({"error": "not_found", "message": "Not found.", "fields": {}}, status=404)
    sub = hub.subscribe(hall.pk)  # before the replay, so nothing falls between the two
    missed = []
    if after is not None:
        try:
            missed = await sync_to_async(_released, thread_sensitive=False)(replay, hall.pk, after)
        except BaseException:
            hub.unsubscribe(sub)
            raise

    async def stream():
        sent: set[int] = set()
        try:
            yield "retry: 2000\n\n"
            rows = missed
            while rows:  # page by page: a board that was off all morning gets all of it
                for row in rows:
                    sent.add(row["id"])
                    yield _frame(row)
                if len(rows) < BATCH:
                    break
                rows = await sync_to_async(_released, thread_sensitive=False)(
                    replay, hall.pk, rows[-1]["id"], False
                )
            if after is None:
                yield f": live from {hub.last_id}\n\n"
            while not sub.overflowed:
                try:
                    row = await asyncio.wait_for(sub.queue.get(), timeout=HEARTBEAT_SECONDS)
                except TimeoutError:
                    yield "event: ping\ndata: {}\n\n"
                    continue
                if row["id"] in sent:
                    continue
                sent.add(row["id"])
                if len(sent) > 10000:
                    sent.clear()
                yield _frame(row)
        finally:
            hub.unsubscribe(sub)

    response = StreamingHttpResponse(stream(), content_type="text/event-stream; charset=utf-8")
    response["Cache-Control"] = "no-cache, no-transform"
    response["X-Accel-Buffering"] = "no"
    return response
