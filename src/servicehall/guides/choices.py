"""Named choices of the standard operating guides (标准化指导) and the one transition table of a guide
version: a manager writes a draft, publishes it, and the version it replaces is kept as superseded so that
"which version did the clerk see on that day" always has an answer."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from servicehall.core.transitions import Transitions


class GuideStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    SUPERSEDED = "superseded", _("Superseded")


class GuideAction(models.TextChoices):
    PUBLISH = "publish", _("Publish")
    SUPERSEDE = "supersede", _("Replace by a newer version")


GUIDE_TRANSITIONS = Transitions(
    status=GuideStatus,
    action=GuideAction,
    edges={
        (GuideStatus.DRAFT, GuideAction.PUBLISH): GuideStatus.PUBLISHED,
        (GuideStatus.PUBLISHED, GuideAction.SUPERSEDE): GuideStatus.SUPERSEDED,
    },
    message=_(
        "Version %(version)s of this guide is “%(status)s”; it cannot be given the action “%(action)s”."
    ),
    describe=lambda guide: {"version": guide.version},
)
