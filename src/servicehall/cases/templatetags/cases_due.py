"""``{% cases_due hall %}``: the hall's cases due within two working days and overdue, as counts linked
to the lists, for the staff home (a page of another app, which loads this tag rather than import the
cases' code)."""

from django import template

from servicehall.cases import selectors

register = template.Library()


@register.inclusion_tag("cases/_due_counts.html")
def cases_due(hall):
    return {
        "hall": hall,
        "soon": selectors.cases_for_hall(hall=hall, due="soon").count(),
        "overdue": selectors.cases_for_hall(hall=hall, due="overdue").count(),
    }
