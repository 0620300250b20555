"""The console's staff card: what this clerk can serve at this window (the window's services they are
qualified for), and a flag when the rota plans them elsewhere or not at all today."""

from django import template

from servicehall.catalog.models import ServiceItem
from servicehall.staff import coverage, selectors

register = template.Library()


@register.inclusion_tag("staff/_console_card.html")
def staff_console_card(session):
    if session is None:
        return {"show": False}
    from servicehall.queueing.selectors import counter_services

    counter, clerk = session.counter, session.clerk
    window = counter_services(counter=counter)
    allowed = selectors.servable_items(hall=counter.hall, user=clerk)
    mine = [sid for sid in window if allowed is None or sid in allowed]
    items = ServiceItem.objects.filter(pk__in=mine).order_by("ticket_prefix", "code")
    missing = ServiceItem.objects.filter(pk__in=set(window) - set(mine)).order_by("ticket_prefix", "code")
    return {
        "show": True,
        "enforced": allowed is not None,
        "items": items,
        "missing": missing,
        "flag": coverage.session_flag(counter=counter, user=clerk),
    }
