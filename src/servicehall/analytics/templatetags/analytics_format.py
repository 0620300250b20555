"""How the analytics pages write a simulated figure: minutes from seconds, a share as a percentage."""

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def figure(value, kind: str = "") -> str:
    if value is None:
        return "—"
    if kind == "min":
        return number_format(value / 60, 1)
    if kind == "%":
        return f"{number_format(100 * value, 0)}%"
    return number_format(value, 0)
