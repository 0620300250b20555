"""``{% guides_console hall session %}``: the guide and special-event procedures of the counter console
(the queueing app's page loads this tag rather than import the guides' code)."""

from django import template

from servicehall.guides import selectors

register = template.Library()


@register.inclusion_tag("guides/console.html")
def guides_console(hall, session=None):
    return {
        "hall": hall,
        "counter_id": getattr(session, "counter_id", "") or "",
        "procedures": selectors.procedures_for(hall=hall),
    }
