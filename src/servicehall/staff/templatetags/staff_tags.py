"""Template helpers of the staff pages: the errors of one field out of a page's ``errors`` dict."""

from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    """``errors|get_item:field.name``: the messages for that field, or None."""
    return mapping.get(key) if isinstance(mapping, dict) else None
