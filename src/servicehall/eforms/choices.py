"""Named choices of electronic forms (电子填报) and the transition tables of a form version and of a
filled form.

A version is drafted, published (the one citizens fill; at most one per form) and retired when a newer
one is published. A filled form is a draft while the citizen is still typing and complete once every
required answer passed the check; linking it to a ticket does not change its state.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from servicehall.core.transitions import Transitions


class FieldType(models.TextChoices):
    TEXT = "text", _("Short text")
    NUMBER = "number", _("Number")
    DATE = "date", _("Date")
    CHOICE = "choice", _("Choice")
    ID_NUMBER = "id_number", _("Resident ID number")
    USCC = "uscc", _("Unified social credit code")
    PHONE = "phone", _("Phone number")
    ADDRESS = "address", _("Address")
    FILE = "file", _("File (document to bring or upload)")


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    RETIRED = "retired", _("Retired")


class VersionAction(models.TextChoices):
    EDIT = "edit", _("Edit")
    PUBLISH = "publish", _("Publish")
    RETIRE = "retire", _("Retire")


VERSION_TRANSITIONS = Transitions(
    status=VersionStatus,
    action=VersionAction,
    edges={
        (VersionStatus.DRAFT, VersionAction.EDIT): VersionStatus.DRAFT,
        (VersionStatus.DRAFT, VersionAction.PUBLISH): VersionStatus.PUBLISHED,
        (VersionStatus.PUBLISHED, VersionAction.RETIRE): VersionStatus.RETIRED,
    },
    message=_("Version %(number)s of this form is %(status)s; it cannot be given the action “%(action)s”."),
    describe=lambda version: {"number": version.number},
)


class FilledStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    COMPLETE = "complete", _("Complete")


class FilledAction(models.TextChoices):
    SAVE = "save", _("Save the draft")
    COMPLETE = "complete", _("Complete")
    REOPEN = "reopen", _("Reopen")


FILLED_TRANSITIONS = Transitions(
    status=FilledStatus,
    action=FilledAction,
    edges={
        (FilledStatus.DRAFT, FilledAction.SAVE): FilledStatus.DRAFT,
        (FilledStatus.DRAFT, FilledAction.COMPLETE): FilledStatus.COMPLETE,
        (FilledStatus.COMPLETE, FilledAction.COMPLETE): FilledStatus.COMPLETE,
        (FilledStatus.COMPLETE, FilledAction.REOPEN): FilledStatus.DRAFT,
    },
    message=_("Form %(code)s is %(status)s; it cannot be given the action “%(action)s”."),
    describe=lambda filled: {"code": filled.code},
)


class Channel(models.TextChoices):
    WEB = "web", _("Phone or web")
    KIOSK = "kiosk", _("Kiosk")
    COUNTER = "counter", _("At the window")
