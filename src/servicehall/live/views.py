"""The SSE endpoint ``GET /api/v1/halls/{hall_code}/events``: delivery only, no domain logic.

Each message is ``id: <outbox id>`` and ``data: {"id", "kind", "payload", "at"}``. On connect the stream
replays everything after ``Last-Event-ID`` (header, as browsers send on reconnect, or the
``last_event_id`` query parameter for a client's first connect after a reload), then live events. Ids may
repeat across reconnects (look-back for late commits): clients drop ids they have already seen.
"""

import asyncio
import json

from asgiref.sync import sync_to_async
from django.http import JsonResponse, StreamingHttpResponse

from servicehall.core.models import Hall
from servicehall.live.hub import get_hub, replay

HEARTBEAT_SECONDS = 15.0


def _frame(row: dict) -> str:
    data = json.dumps({k: row[k] for k in ("id", "kind", "payload", "at")}, ensure_ascii=False,
                      separators=(",", ":"))
    return f"id: {row['id']}\ndata: {data}\n\n"


def _last_event_id(request) -> int | None:
    raw = request.headers.get("Last-Event-ID") or request.GET.get("last_event_id")
    try:
        return max(0, int(raw)) if raw not in (None, "") else None
    except ValueError:
        return None


async def hall_events(request, hall_code: str):
    hall = await sync_to_async(Hall.objects.filter(code=hall_code, active=True).first, thread_sensitive=False)()
    if hall is None:
        return JsonResponse({"error": "not_found", "message": "Not found.", "fields": {}}, status=404)
    after = _last_event_id(request)
    hub = await get_hub()
    sub = hub.subscribe(hall.pk)

    async def stream():
        sent: set[int] = set()
        try:
            yield "retry: 2000\n\n"
            if after is not None:
                for row in await sync_to_async(replay, thread_sensitive=False)(hall.pk, after):
                    sent.add(row["id"])
                    yield _frame(row)
            else:
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


