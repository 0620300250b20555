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


@register.filter
def mins(seconds) -> str:
    """Whole minutes of a duration in seconds ("—" when there is none): the dashboard's unit."""
    if seconds is None:
        return "—"
    return number_format(int(seconds) // 60, 0)


@register.filter
def epoch(when) -> str:
    """An instant as Unix seconds, for the page's script that keeps counting between events."""
    return str(int(when.timestamp())) if when else ""
