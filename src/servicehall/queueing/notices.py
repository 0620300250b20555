"""Why a hall is not issuing tickets now, and when it opens: the kiosk's first screen, a refused issue,
the phone's "take a number" page and the catalogue's buttons read these (one calendar:
``core.calendar.service_status``). Split from ``selectors`` (which re-exports them) to keep each module
to one concern."""

import datetime

from django.utils import formats
from django.utils.translation import gettext as _

from servicehall.core import calendar
from servicehall.core.models import Hall
from servicehall.queueing.choices import NORMAL, Channel, class_channels
from servicehall.queueing.models import QueueSettings
from servicehall.queueing.selectors import local_now, settings_get


def issuing_notice(*, hall: Hall, local: datetime.datetime | None = None, conf=None) -> dict | None:
    """None while the hall issues tickets to the public; otherwise why not and when it opens:
    ``{"code": "not_open" | "closed", "headline", "message", "opens_at"}``. The kiosk shows it on its first
    screen and a refused issue answers it (one calendar: ``core.calendar.service_status``)."""
    local = local or local_now(hall)
    conf = conf or settings_get(hall=hall)
    status = calendar.service_status(hall, local, stop_minutes=conf.stop_issuing_minutes)
    if status.open_now:
        return None
    later = _opens_later_today(status, local)
    return {
        "code": "not_open" if later else "closed",
        "headline": (
            _("Tickets from %(time)s") % {"time": f"{status.opens_at:%H:%M}"}
            if later
            else _("No tickets today")
        ),
        "message": _closed_message(status, local),
        "opens_at": status.opens_at,
    }


def remote_notice(*, hall: Hall, conf=None) -> dict | None:
    """None while a citizen may take a number from a phone now; otherwise why not, in the shape of
    ``issuing_notice`` (its ``code`` is ``remote_tickets_disabled`` when the hall issues on site only:
    remote tickets off, or no class a citizen may take from the web). The catalogue's item page shows it
    instead of the 取号 button, the phone page instead of its form; ``services.issuing`` refuses on the
    same grounds."""
    conf = conf or settings_get(hall=hall)
    if not conf.allow_remote_tickets or not phone_classes(conf=conf):
        return {
            "code": "remote_tickets_disabled",
            "headline": _("Tickets on site only"),
            "message": _("This hall issues tickets only on site, at the kiosk or the counter."),
            "opens_at": None,
        }
    return issuing_notice(hall=hall, conf=conf)


def phone_classes(*, conf: QueueSettings, staff: bool = False) -> list[dict]:
    """The priority classes the phone page offers: those the hall lets the web channel issue and, to a
    citizen alone, only the normal one (``services.issuing`` refuses any other from the web: a priority
    is checked at the kiosk or by staff, so offering it would only lead to a refusal)."""
    return [
        c
        for c in conf.priority_classes
        if Channel.WEB in class_channels(c) and (staff or c.get("code") == NORMAL)
    ]


def _opens_later_today(status: calendar.ServiceStatus, local: datetime.datetime) -> bool:
    return status.opens_at is not None and status.opens_at.date() == local.date()


def _closed_message(status: calendar.ServiceStatus, local: datetime.datetime) -> str:
    """Why no ticket now, in words a citizen at the kiosk understands, with when to come back."""
    if _opens_later_today(status, local):
        return _("Not open yet: tickets are issued from %(time)s.") % {"time": f"{status.opens_at:%H:%M}"}
    when = (
        {
            "date": formats.date_format(status.opens_at.date(), "MONTH_DAY_FORMAT"),
            "time": f"{status.opens_at:%H:%M}",
        }
        if status.opens_at
        else None
    )
    if not status.day.open or status.day.kind in {"holiday", "closed"}:
        name = status.day.name or status.day.kind
        reason = {
            "holiday": _("a public holiday"),
            "closed": _("the hall is closed"),
            "weekend": _("the weekend"),
        }.get(status.day.kind, "")
        label = status.day.name if status.day.kind != "weekend" and status.day.name else reason or name
        if when:
            return _("No tickets today (%(reason)s). The hall opens again on %(date)s at %(time)s.") % {
                "reason": label,
                **when,
            }
        return _("No tickets today (%(reason)s).") % {"reason": label}
    if when:
        return (
            _("The hall has stopped issuing tickets for today. It opens again on %(date)s at %(time)s.")
            % when
        )
    return _("The hall has stopped issuing tickets for today. Please come back on the next working day.")
