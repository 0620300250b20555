"""Reason tags in the reader's language.

A rating stores its tags as the hall offered them (the defaults are Chinese words, and a hall may write its
own), so the stored value never changes with the language. On display, a default tag is shown through the
catalogue (an English reader sees "Long wait", a traditional-Chinese reader 等候時間長); a tag the hall
wrote itself is shown as written.
"""

from django import template
from django.utils.translation import gettext_lazy as _

register = template.Library()

DEFAULT_TAG_LABELS = {
    "服务热情": _("Warm and friendly service"),
    "办事高效": _("Efficient handling"),
    "一次办成": _("Done in one visit"),
    "指引清楚": _("Clear guidance"),
    "环境舒适": _("Comfortable surroundings"),
    "一般": _("Average"),
    "有待改进": _("Room for improvement"),
    "等候时间长": _("Long wait"),
    "服务态度差": _("Poor attitude"),
    "材料要求不清": _("Unclear about the materials"),
    "多次跑腿": _("Had to come several times"),
    "办理时间长": _("Slow handling"),
    "系统故障": _("System failure"),
}


@register.filter
def reason_label(tag: str) -> str:
    """The tag in the active language when it is one of the defaults, else as the hall wrote it."""
    label = DEFAULT_TAG_LABELS.get(str(tag))
    return str(label) if label is not None else tag


@register.filter
def reason_labels(tags) -> str:
    """A rating's tags joined for a table cell, each in the active language."""
    return "、".join(reason_label(t) for t in tags or [])
