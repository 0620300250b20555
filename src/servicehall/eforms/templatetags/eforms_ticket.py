"""``{% ticket_form ticket %}``: the e-form part of the citizen's ticket page (a page of the queueing
app, which loads this tag rather than import the e-forms' code): while the ticket waits and its item
has a published form that is not yet linked, "fill in the form while you wait" (the answers then reach
the clerk with the form code), and "I filled in the form before I came" to link one."""

from django import template

from servicehall.eforms import selectors

register = template.Library()


@register.inclusion_tag("eforms/_ticket_link.html", takes_context=True)
def ticket_form(context, ticket):
    linked = selectors.filled_of_ticket(ticket=ticket)
    return {
        "request": context["request"],
        "ticket": ticket,
        "linked": linked is not None,
        "can_fill": linked is None and selectors.has_published_form(item=ticket.service),
    }
