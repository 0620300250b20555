"""``{% my_overdue_feedback hall %}``: the signed-in member of staff's overdue feedback items in ``hall``, a
count and a link to the list, for the staff home and the counter console (pages of other apps, which
load this tag rather than import feedback's code)."""

from django import template

from servicehall.feedback import selectors

register = template.Library()


@register.inclusion_tag("feedback/_my_overdue.html", takes_context=True)
def my_overdue_feedback(context, hall, quiet=False):
    user = context["request"].user
    count = selectors.overdue_count(hall=hall, user=user)
    return {"hall": hall, "count": count, "quiet": quiet}
