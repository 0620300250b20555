"""Named choices of the service catalogue."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ItemType(models.TextChoices):
    """The power type of an item in the implementation list (实施清单)."""

    LICENSE = "行政许可", _("Administrative licence")
    CONFIRMATION = "行政确认", _("Administrative confirmation")
    BENEFIT = "行政给付", _("Administrative benefit")
    PUBLIC_SERVICE = "公共服务", _("Public service")
    OTHER = "其他行政权力", _("Other administrative power")


class VisitsRequired(models.IntegerChoices):
    """How often a citizen must come to the hall (到现场次数) — the measure of 最多跑一次."""

    NONE = 0, _("No visit (fully online)")
    ONCE = 1, _("At most one visit")
    MORE = 2, _("More than one visit")
