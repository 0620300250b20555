"""Queue pages: the phone tracking page, the counter console and the display board. Thin views; the
live parts are JavaScript over the API and the SSE stream."""

from django.shortcuts import render

from servicehall.queueing import selectors


def track(request, public_id: str):
    ticket = selectors.ticket_get(public_id=public_id)
    return render(request, "queueing/track.html", {"ticket": ticket, "hall": ticket.hall})
