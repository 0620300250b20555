"""Every write of appointments (one module per seam: ``booking`` for hold, confirm, book, cancel and
reschedule; ``holds`` for what a public hold costs (caps, the shorter hold); ``seats`` for the seat, quota
and person locks and the release of expired holds; ``waitlist``;
``arrival`` for check-in, no-shows and reminders; ``manager`` for closures, calendar days, settings and
plans; shared helpers in ``common``). Reads, including the booking's one-query slot probe, are in
``appointments.selectors``.

The seat count is the heart of it. A seat is taken only by ``seats.seat_take`` (one conditional UPDATE:
``taken = taken + 1 WHERE taken < capacity AND NOT closed``) and given back only by ``seats.seat_release``,
each in the same transaction as the booking's status change, so ``Slot.taken`` always equals the slot's
bookings in ``SEAT_STATUSES`` and two concurrent bookings can never both get the last seat: the database
serialises the UPDATEs on the slot row. Per-person limits use the same pattern on ``BookingQuota``.
"""

from servicehall.appointments.services.arrival import appointment_check_in, no_shows_mark, reminders_send
from servicehall.appointments.services.booking import (
    appointment_book,
    appointment_cancel,
    appointment_confirm,
    appointment_hold,
    appointment_reschedule,
)
from servicehall.appointments.services.common import manage_path
from servicehall.appointments.services.customers import appointments_move_customer, customer_link
from servicehall.appointments.services.manager import (
    calendar_day_set,
    day_close,
    plan_save,
    settings_update,
    slot_close,
    slot_reopen,
)
from servicehall.appointments.services.waitlist import holds_expire, waitlist_join

__all__ = [
    "appointment_book",
    "appointment_cancel",
    "appointment_check_in",
    "appointment_confirm",
    "appointment_hold",
    "appointment_reschedule",
    "appointments_move_customer",
    "calendar_day_set",
    "customer_link",
    "day_close",
    "holds_expire",
    "manage_path",
    "no_shows_mark",
    "plan_save",
    "reminders_send",
    "settings_update",
    "slot_close",
    "slot_reopen",
    "waitlist_join",
]
