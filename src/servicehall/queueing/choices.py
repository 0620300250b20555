"""Ticket states, the one transition table, channels, counter states and the default priority classes."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from servicehall.core.localize import pick_dict
from servicehall.core.transitions import Transitions


class TicketStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting")
    CALLED = "called", _("Called")
    SERVING = "serving", _("Being served")
    PARKED = "parked", _("Parked")
    COMPLETED = "completed", _("Completed")
    NO_SHOW = "no_show", _("No-show")
    CANCELLED = "cancelled", _("Cancelled")


class TicketAction(models.TextChoices):
    CALL = "call", _("Call")
    RECALL = "recall", _("Recall")
    START = "start", _("Start service")
    COMPLETE = "complete", _("Complete")
    NO_SHOW = "no-show", _("No-show")
    REACTIVATE = "reactivate", _("Reactivate")
    TRANSFER = "transfer", _("Transfer")
    PARK = "park", _("Park")
    RESUME = "resume", _("Resume")
    CANCEL = "cancel", _("Cancel")


S, A = TicketStatus, TicketAction

# The only place that says which action may happen in which state, and where it leads.
TRANSITIONS = Transitions(
    status=TicketStatus,
    action=TicketAction,
    edges={
        (S.WAITING, A.CALL): S.CALLED,
        (S.WAITING, A.CANCEL): S.CANCELLED,
        (S.CALLED, A.RECALL): S.CALLED,
        (S.CALLED, A.START): S.SERVING,
        (S.CALLED, A.NO_SHOW): S.NO_SHOW,
        (S.CALLED, A.TRANSFER): S.WAITING,
        (S.CALLED, A.CANCEL): S.CANCELLED,
        (S.SERVING, A.COMPLETE): S.COMPLETED,
        (S.SERVING, A.TRANSFER): S.WAITING,
        (S.SERVING, A.PARK): S.PARKED,
        (S.SERVING, A.CANCEL): S.CANCELLED,
        (S.PARKED, A.RESUME): S.SERVING,
        (S.PARKED, A.TRANSFER): S.WAITING,
        (S.PARKED, A.CANCEL): S.CANCELLED,
        (S.NO_SHOW, A.REACTIVATE): S.WAITING,
    },
    message=_("Ticket %(number)s is %(status)s; it cannot be given the action “%(action)s”."),
    describe=lambda ticket: {"number": ticket.number},
)

OPEN_STATUSES = (S.WAITING, S.CALLED, S.SERVING, S.PARKED)
FINAL_STATUSES = (S.COMPLETED, S.NO_SHOW, S.CANCELLED)


class Channel(models.TextChoices):
    KIOSK = "kiosk", _("Kiosk")
    WEB = "web", _("Phone or web")
    COUNTER = "counter", _("At the counter")
    APPOINTMENT = "appointment", _("Appointment check-in")


class CounterState(models.TextChoices):
    OPEN = "open", _("Open")
    PAUSED = "paused", _("Paused")
    CLOSED = "closed", _("Closed")


class CounterAction(models.TextChoices):
    PAUSE = "pause", _("Pause")
    RESUME = "resume", _("Resume")
    CLOSE = "close", _("Close")


# A window's session: pausing again changes the reason shown, resuming an open window changes nothing
# (a double tap on the console must not be an error), and a closed session is never reopened: opening
# the window starts a new session.
COUNTER_TRANSITIONS = Transitions(
    status=CounterState,
    action=CounterAction,
    edges={
        (CounterState.OPEN, CounterAction.PAUSE): CounterState.PAUSED,
        (CounterState.PAUSED, CounterAction.PAUSE): CounterState.PAUSED,
        (CounterState.PAUSED, CounterAction.RESUME): CounterState.OPEN,
        (CounterState.OPEN, CounterAction.RESUME): CounterState.OPEN,
        (CounterState.OPEN, CounterAction.CLOSE): CounterState.CLOSED,
        (CounterState.PAUSED, CounterAction.CLOSE): CounterState.CLOSED,
    },
    message=_("The window is %(status)s; it cannot be given the action “%(action)s”."),
    field_name="state",
)


class Outcome(models.TextChoices):
    """Why a service ended (办结 / 受理 / 补正 / 不予受理 / 咨询)."""

    DONE = "done", _("Completed on the spot")
    ACCEPTED = "accepted", _("Application accepted")
    MATERIALS_MISSING = "materials_missing", _("Materials missing: told what to bring")
    REJECTED = "rejected", _("Not accepted")
    ENQUIRY = "enquiry", _("Enquiry only")


NORMAL = "normal"

# Default priority classes of a hall: code, simplified Chinese name, whether it is called first, the channels
# that may issue it and whether the window checks a proof (证件核验). A hall may rename, add or remove any
# but ``normal``, and choose each class's channels (a hall setting, checked on every issue):
# - the appointment class comes only from an appointment check-in (a kiosk cannot choose it);
# - classes that need proof (65+, disability, pregnancy, military) may be chosen at the kiosk and are
#   marked "verified at the window" on the slip and the console, or are given by staff at the counter;
# - a phone takes only normal tickets.
EVERY_CHANNEL = ["kiosk", "web", "counter", "appointment"]
PROOF_CHANNELS = ["kiosk", "counter"]
DEFAULT_PRIORITY_CLASSES = [
    {
        "code": NORMAL,
        "name": "普通",
        "name_en": "Regular",
        "priority": False,
        "channels": EVERY_CHANNEL,
        "verify": False,
    },
    {
        "code": "appointment",
        "name": "预约",
        "name_en": "Appointment",
        "priority": True,
        "channels": ["appointment"],
        "verify": False,
    },
    {
        "code": "elderly",
        "name": "老年人(65岁以上)",
        "name_en": "Senior (65 and over)",
        "priority": True,
        "channels": PROOF_CHANNELS,
        "verify": True,
    },
    {
        "code": "disabled",
        "name": "残疾人",
        "name_en": "Person with a disability",
        "priority": True,
        "channels": PROOF_CHANNELS,
        "verify": True,
    },
    {
        "code": "pregnant",
        "name": "孕妇",
        "name_en": "Pregnant woman",
        "priority": True,
        "channels": PROOF_CHANNELS,
        "verify": True,
    },
    {
        "code": "military",
        "name": "军人",
        "name_en": "Service member",
        "priority": True,
        "channels": PROOF_CHANNELS,
        "verify": True,
    },
]
_DEFAULT_ENGLISH = {(c["code"], c["name"]): c["name_en"] for c in DEFAULT_PRIORITY_CLASSES}


def class_name(klass: dict, language: str | None = None) -> str:
    """A priority class's name in the reader's language (``core.localize``). A hall row saved before
    classes had English names keeps the default's English while its Chinese name is the default's."""
    english = klass.get("name_en") or _DEFAULT_ENGLISH.get((klass.get("code"), klass.get("name")), "")
    return pick_dict({**klass, "name_en": english}, "name", language)


def class_channels(klass: dict) -> list[str]:
    """The channels that may issue ``klass``; classes saved before halls chose channels get the defaults
    above by their kind (normal: everywhere; appointment: check-in only; other priority: kiosk, counter)."""
    if isinstance(klass.get("channels"), list):
        return klass["channels"]
    if klass.get("code") == "appointment":
        return ["appointment"]
    return PROOF_CHANNELS if klass.get("priority") else EVERY_CHANNEL


def class_needs_proof(klass: dict) -> bool:
    """Whether the window checks a proof for ``klass`` (older rows: every priority class but appointment)."""
    if "verify" in klass:
        return bool(klass["verify"])
    return bool(klass.get("priority")) and klass.get("code") != "appointment"
