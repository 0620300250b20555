"""Reads of appointments: settings with defaults, a service's plan and slots with remaining seats for a range
of days, the one-query slot probe of a booking, bookings by id, code or person (and the one a citizen
checks in with), the manager's calendar, statistics. Pages, the API and the services share these."""

import copy
import datetime
from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, Max
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from servicehall.appointments.choices import ACTIVE_STATUSES, AppointmentStatus
from servicehall.appointments.models import Appointment, AppointmentSettings, Slot, WaitlistEntry, WorkingPlan
from servicehall.catalog.models import ServiceItem
from servicehall.core import calendar, crypto, memo
from servicehall.core.errors import Conflict, Invalid, NotFound
from servicehall.core.identity import (
    is_valid_mobile,
    is_valid_resident_id,
    normalize_phone,
    normalize_resident_id,
)
from servicehall.core.models import CalendarDay, Hall

MAX_RANGE_DAYS = 62


def settings_get(*, hall: Hall) -> AppointmentSettings:
    """The hall's booking settings, or the defaults (unsaved) when the manager never changed them."""
    found = memo.remember(
        "AppointmentSettings", hall.pk, lambda: AppointmentSettings.objects.filter(hall=hall).first()
    )
    return found if found is not None else AppointmentSettings(hall=hall)


def plan_get(*, item: ServiceItem) -> WorkingPlan | None:
    try:
        plan = item.working_plan  # loaded with the item when it was fetched with select_related
    except WorkingPlan.DoesNotExist:
        return None
    plan = plan if plan.active else None
    return plan if plan is not None and item.appointment_supported and item.active else None


def default_capacity(*, item: ServiceItem) -> int:
    """Seats per slot when the plan does not say: the counters that serve the item (at least one)."""
    from servicehall.queueing.models import CounterService

    n = CounterService.objects.filter(service=item, counter__active=True).values("counter").distinct().count()
    if not n:
        n = item.counters.filter(active=True).count()
    return max(1, n)


def plan_capacity(*, plan: WorkingPlan) -> int:
    seats = plan.seats_per_slot if plan.seats_per_slot is not None else default_capacity(item=plan.service)
    return max(0, seats - plan.walk_in_seats)


def plan_for_booking(*, hall: Hall, service_code: str) -> WorkingPlan:
    """The working plan of the hall's active service ``service_code``, with the item on ``plan.service``, or
    a 422 (no such service) or 409 (it takes no appointments). The item and its plan come from the
    per-process memo; the plan returned is a copy the caller may keep."""
    item = memo.remember(
        "item_plan",
        (hall.pk, service_code),
        lambda: (
            ServiceItem.objects.filter(hall=hall, code=service_code, active=True)
            .select_related("working_plan")
            .first()
        ),
    )
    if item is None:
        raise Invalid(fields={"service": [_("No such service in this hall.")]})
    plan = plan_get(item=item)
    if plan is None:
        raise Conflict(
            _("%(service)s takes no appointments. Please take a number at the hall.")
            % {"service": item.name_local},
            code="not_bookable",
        )
    plan = copy.copy(plan)  # the remembered plan is shared between threads
    plan.service = item
    return plan


@dataclass
class SlotView:
    start: datetime.datetime
    end: datetime.datetime
    capacity: int
    taken: int
    state: str  # "open", "full", "closed", "past" (too late to book), "not_yet" (beyond the horizon)
    slot_id: int | None = None
    reason: str = ""

    @property
    def remaining(self) -> int:
        return max(0, self.capacity - self.taken) if self.state in ("open", "full") else 0

    @property
    def bookable(self) -> bool:
        return self.state == "open" and self.remaining > 0


def _periods_for(plan: WorkingPlan, info: calendar.DayInfo) -> list[tuple[datetime.time, datetime.time]]:
    """The plan's periods on ``info``'s day: none unless the hall serves that day (``calendar.serves``: a
    Saturday in the opening hours is booked like the queue serves it)."""
    if not info.open and not calendar.serves(plan.hall, info):
        return []
    weekday = info.date.weekday()
    if info.kind == "makeup" and weekday >= 5:
        weekday = plan.makeup_weekday
    out = []
    for start, end in (plan.periods or {}).get(str(weekday), []):
        out.append((datetime.time.fromisoformat(start), datetime.time.fromisoformat(end)))
    return sorted(out)


def _booking_closes(plan: WorkingPlan, day: datetime.date, days: dict, tz) -> datetime.datetime | None:
    """The cut-off moment for a day: ``cutoff_time`` on the last open day before it (None: no cut-off)."""
    if plan.cutoff_time is None:
        return None
    before = day - datetime.timedelta(days=1)
    for _day in range(14):
        info = days.get(before) or calendar.national_day(before)
        if info.open:
            break
        before -= datetime.timedelta(days=1)
    return datetime.datetime.combine(before, plan.cutoff_time, tzinfo=tz)


def slot_grid(
    *,
    hall: Hall,
    plan: WorkingPlan,
    date_from: datetime.date,
    date_to: datetime.date,
    now: datetime.datetime | None = None,
    only: datetime.datetime | None = None,
    rows: dict | None = None,
    fresh: bool = False,
    days: dict | None = None,
) -> tuple[list[SlotView], dict]:
    """The slots of a service from ``date_from`` to ``date_to`` (local dates), with the seats left, and the
    calendar of those days. Two queries whatever the range: the hall's calendar rows and the slot rows
    (none when the caller already read the slot rows of the range: ``rows``, start → ``Slot``; nor the
    calendar when it read the days: ``days``, date → ``DayInfo``, with the cut-off's look-back if any)."""
    now = now or timezone.now()
    tz = hall.tzinfo
    local_today = now.astimezone(tz).date()
    if days is None:
        # The cut-off looks back for the working day before; without one, only the asked days are read.
        lookback = datetime.timedelta(days=14 if plan.cutoff_time is not None else 0)
        days = calendar.hall_days(hall, date_from - lookback, date_to, fresh=fresh)
    if rows is None:
        rows_qs = Slot.objects.filter(service=plan.service, day__gte=date_from, day__lte=date_to).order_by()
        if only is not None:
            rows_qs = rows_qs.filter(start=only)
        rows = {s.start: s for s in rows_qs}
    capacity_memo: list[int] = []

    def capacity() -> int:  # only slots nobody has touched need the plan's figure (one or two queries)
        if not capacity_memo:
            capacity_memo.append(plan_capacity(plan=plan))
        return capacity_memo[0]

    horizon_end = local_today + datetime.timedelta(days=plan.horizon_days)
    earliest = now + datetime.timedelta(minutes=plan.min_notice_minutes)
    step = datetime.timedelta(minutes=plan.slot_minutes)
    out: list[SlotView] = []
    day = date_from
    while day <= date_to:
        info = days[day]
        closes = _booking_closes(plan, day, days, tz)
        for opens, shuts in _periods_for(plan, info):
            start = datetime.datetime.combine(day, opens, tzinfo=tz)
            last = datetime.datetime.combine(day, shuts, tzinfo=tz)
            while start + step <= last:
                if only is not None and start != only:
                    start += step
                    continue
                row = rows.get(start)
                view = SlotView(
                    start=start,
                    end=start + step,
                    capacity=row.capacity if row else capacity(),
                    taken=row.taken if row else 0,
                    state="open",
                    slot_id=row.pk if row else None,
                )
                if row is not None and row.closed:
                    view.state, view.reason = "closed", row.closed_reason
                elif start < earliest or (closes is not None and now >= closes):
                    view.state = "past"
                elif day > horizon_end:
                    view.state = "not_yet"
                elif view.taken >= view.capacity:
                    view.state = "full"
                out.append(view)
                start += step
        day += datetime.timedelta(days=1)
    return out, {d: i for d, i in days.items() if date_from <= d <= date_to}


def slot_find(
    *,
    hall: Hall,
    plan: WorkingPlan,
    start: datetime.datetime,
    now: datetime.datetime | None = None,
    row: Slot | None | bool = False,
    day: calendar.DayInfo | None = None,
) -> SlotView | None:
    """The slot of the plan that begins at ``start`` (any time zone), or None if the plan has none.
    ``row``: the slot's row when the caller has read it already (None: it has none yet); ``day``: the
    slot's day, when the caller has just read the hall's calendar row for it (a plan with a cut-off
    still reads the days before). Otherwise the hall's calendar is read afresh: this is what a booking
    checks."""
    local_day = start.astimezone(hall.tzinfo).date()
    rows = None if row is False else ({} if row is None else {row.start: row})
    days = {local_day: day} if day is not None and plan.cutoff_time is None else None
    grid, _days = slot_grid(
        hall=hall,
        plan=plan,
        date_from=local_day,
        date_to=local_day,
        now=now,
        only=start,
        rows=rows,
        fresh=True,
        days=days,
    )
    return next((s for s in grid if s.start == start), None)


def slot_probe(
    *, hall: Hall, service_code: str, start: datetime.datetime, now: datetime.datetime
) -> tuple[Slot | None, bool, calendar.DayInfo]:
    """One query: the slot's row, if it has one, whether it has expired holds to free, and the hall's
    calendar row for its day, read now (a day another process closed a second ago is refused). A full
    slot with no expired hold is refused on this alone (most attempts in a rush on a popular slot end
    here); otherwise the rows serve the rest of the booking, and the seat UPDATE remains the judge.
    Written in SQL because it runs on every attempt and the ORM's compiling cost more than the query."""
    if start.tzinfo is None:
        start = start.replace(tzinfo=hall.tzinfo)
    local_day = start.astimezone(hall.tzinfo).date()
    slot, item, appt = Slot._meta.db_table, ServiceItem._meta.db_table, Appointment._meta.db_table
    ops = connection.ops
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT s.id, s.capacity, s.taken, s.closed, s.closed_reason, "  # noqa: S608
            f"EXISTS (SELECT 1 FROM {appt} a WHERE a.slot_id = s.id AND a.status = %s "
            "AND a.hold_expires_at <= %s), "
            "c.kind, c.name "
            f"FROM (SELECT 1 AS one) base "
            f"LEFT JOIN {CalendarDay._meta.db_table} c ON c.hall_id = %s AND c.date = %s "
            f"LEFT JOIN ({slot} s JOIN {item} i ON i.id = s.service_id AND i.code = %s) "
            "ON s.hall_id = %s AND s.start = %s",
            [
                AppointmentStatus.HELD.value,
                ops.adapt_datetimefield_value(now),
                hall.pk,
                ops.adapt_datefield_value(local_day),
                service_code,
                hall.pk,
                ops.adapt_datetimefield_value(start),
            ],
        )
        pk, capacity, taken, closed, reason, expired, kind, name = cursor.fetchone()
    day = calendar.hall_day(
        local_day, None if kind is None else CalendarDay(date=local_day, kind=kind, name=name)
    )
    if pk is None:
        return None, False, day
    return (
        Slot(
            pk=pk,
            hall=hall,
            start=start,
            capacity=capacity,
            taken=taken,
            closed=bool(closed),
            closed_reason=reason,
        ),
        bool(expired),
        day,
    )


def appointment_get(*, public_id: str) -> Appointment:
    found = (
        Appointment.objects.select_related("hall", "service", "slot", "ticket")
        .filter(public_id=public_id)
        .first()
    )
    if found is None:
        raise NotFound()
    return found


def appointment_by_code(*, hall: Hall, code: str) -> Appointment | None:
    return (
        Appointment.objects.select_related("hall", "service", "slot", "ticket")
        .filter(hall=hall, code=(code or "").strip().upper())
        .first()
    )


def appointment_find_for_check_in(
    *, hall: Hall, code: str = "", phone: str = "", id_number: str = "", now: datetime.datetime
) -> Appointment:
    """The booking a citizen checks in with, by booking code, or by mobile or resident ID (today's)."""
    today = now.astimezone(hall.tzinfo).date()
    if code:
        appt = appointment_by_code(hall=hall, code=code)
        if appt is None:
            raise Invalid(fields={"code": [_("No booking with this code in this hall.")]}, code="not_found")
        return appt
    # A mistyped number is said beside its field, in the booking's words, not as "no booking found".
    if id_number and not is_valid_resident_id(id_number):
        raise Invalid(
            fields={
                "id_number": [
                    _(
                        "This resident ID number is not valid: check the 18 characters and the "
                        "last check character."
                    )
                ]
            }
        )
    if not id_number and phone and not is_valid_mobile(phone):
        raise Invalid(fields={"phone": [_("Enter an 11-digit mobile number.")]})
    if id_number:
        qs = Appointment.objects.filter(
            hall=hall, id_digest=crypto.digest(normalize_resident_id(id_number), purpose="resident_id")
        )
        field = "id_number"
    elif phone:
        qs = Appointment.objects.filter(
            hall=hall, phone_digest=crypto.digest(normalize_phone(phone), purpose="phone")
        )
        field = "phone"
    else:
        raise Invalid(
            fields={"code": [_("Enter the booking code, or the mobile number or ID used to book.")]}
        )
    found = list(
        qs.filter(day=today, status__in=(AppointmentStatus.BOOKED, AppointmentStatus.CHECKED_IN))
        .select_related("hall", "service", "slot", "ticket")
        .order_by("start")
    )
    if not found:
        raise Invalid(fields={field: [_("No booking for today was found.")]}, code="not_found")
    pending = [a for a in found if a.status == AppointmentStatus.BOOKED]
    if not pending:
        return found[0]
    return min(pending, key=lambda a: abs((a.start - now).total_seconds()))


def person_bookings(*, hall: Hall, person: str, day: datetime.date | None = None):
    qs = Appointment.objects.filter(hall=hall, person=person).select_related("service")
    if day is not None:
        qs = qs.filter(day=day)
    return qs.order_by("start")


def person_standing(
    *,
    hall: Hall,
    phone_digest: str,
    id_digest: str,
    person: str,
    now: datetime.datetime,
    since: datetime.datetime,
) -> dict:
    """In one query: the person's no-shows since ``since`` (by mobile or resident ID) and the newest of
    them, and their active bookings in the hall (by the key the limits count). In SQL because every
    booking runs it and the ORM's compiling of three filtered aggregates cost more than the query."""
    adapt = connection.ops.adapt_datetimefield_value
    phone, ident = phone_digest or None, id_digest or None  # NULL never equals: an empty digest finds nobody
    missed = 'a."status" = %s AND a."start" >= %s AND (a."phone_digest" = %s OR a."id_digest" = %s)'
    missed_params = [AppointmentStatus.NO_SHOW.value, adapt(since), phone, ident]
    sql = (
        f'SELECT SUM(CASE WHEN {missed} THEN 1 ELSE 0 END), MAX(CASE WHEN {missed} THEN a."start" END), '  # noqa: S608
        'SUM(CASE WHEN a."person" = %s AND a."status" IN (%s, %s) AND a."end" >= %s THEN 1 ELSE 0 END) '
        f"FROM {Appointment._meta.db_table} a "
        'WHERE a."hall_id" = %s AND (a."person" = %s OR a."phone_digest" = %s OR a."id_digest" = %s)'
    )
    params = [
        *missed_params,
        *missed_params,
        person,
        *[s.value for s in ACTIVE_STATUSES],
        adapt(now),
        hall.pk,
        person,
        phone,
        ident,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        no_shows, last, active = cursor.fetchone()
    if isinstance(last, str):  # SQLite answers text
        last = parse_datetime(last)
        last = last.replace(tzinfo=datetime.UTC) if last is not None and last.tzinfo is None else last
    return {"no_shows": no_shows or 0, "last_no_show": last, "active": active or 0}


def day_bookings(*, hall: Hall, day: datetime.date, service: ServiceItem | None = None):
    qs = Appointment.objects.filter(hall=hall, day=day).exclude(status=AppointmentStatus.EXPIRED)
    if service is not None:
        qs = qs.filter(service=service)
    return qs.select_related("service", "ticket").order_by("start", "id")


def waitlist_length(*, slot_id: int) -> int:
    from servicehall.appointments.choices import WaitlistStatus

    return WaitlistEntry.objects.filter(slot_id=slot_id, status=WaitlistStatus.WAITING).count()


def bookable_items(*, hall: Hall):
    return (
        ServiceItem.objects.filter(
            hall=hall, active=True, appointment_supported=True, working_plan__active=True
        )
        .select_related("category", "working_plan")
        .order_by("category__position", "code")
    )


def statistics(*, hall: Hall, date_from: datetime.date, date_to: datetime.date) -> dict:
    """Bookings, cancellations, no-shows and check-in punctuality for analytics and the manager."""
    qs = Appointment.objects.filter(hall=hall, day__gte=date_from, day__lte=date_to).exclude(
        status=AppointmentStatus.EXPIRED
    )
    counts = dict(qs.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    checked = qs.filter(status=AppointmentStatus.CHECKED_IN)
    late = checked.filter(checked_in_late=True).count()
    total_checked = counts.get(AppointmentStatus.CHECKED_IN, 0)
    booked_total = sum(counts.values())
    return {
        "bookings": booked_total,
        "cancelled": counts.get(AppointmentStatus.CANCELLED, 0),
        "no_show": counts.get(AppointmentStatus.NO_SHOW, 0),
        "checked_in": total_checked,
        "checked_in_late": late,
        "punctuality": round((total_checked - late) / total_checked, 3) if total_checked else None,
        "no_show_rate": round(
            counts.get(AppointmentStatus.NO_SHOW, 0)
            / max(1, total_checked + counts.get(AppointmentStatus.NO_SHOW, 0)),
            3,
        ),
    }


# ---------------------------------------------------------------- holds (abuse)


def active_holds(*, hall: Hall, now: datetime.datetime, held_from: str | None = None, phone_digest: str = ""):
    """Unexpired, unconfirmed holds in the hall from one address or for one mobile number (its digest)."""
    qs = Appointment.objects.filter(hall=hall, status=AppointmentStatus.HELD, hold_expires_at__gt=now)
    if held_from is not None:
        qs = qs.filter(held_from=held_from)
    if phone_digest:
        qs = qs.filter(phone_digest=phone_digest)
    return qs


def day_seats(
    *, hall: Hall, plan: WorkingPlan, day: datetime.date, now: datetime.datetime
) -> tuple[int, int]:
    """(seats, seats left) of the service's slots still to come on ``day`` (open or full; closed and past
    slots do not count): what decides whether the day is nearly full."""
    grid, _days = slot_grid(hall=hall, plan=plan, date_from=day, date_to=day, now=now)
    counted = [s for s in grid if s.state in ("open", "full")]
    return sum(s.capacity for s in counted), sum(s.remaining for s in counted)


def expired_holds_by_address(
    *, hall: Hall, now: datetime.datetime | None = None, days: int = 7
) -> list[dict]:
    """Public holds that expired unconfirmed in the last ``days`` days, per address: how many, and when the
    last one lapsed; the most first. What a manager looks at to spot someone holding seats in bulk."""
    now = now or timezone.now()
    rows = (
        Appointment.objects.filter(
            hall=hall,
            status=AppointmentStatus.EXPIRED,
            held_from__isnull=False,
            hold_expires_at__gte=now - datetime.timedelta(days=days),
        )
        .order_by()
        .values("held_from")
        .annotate(count=Count("id"), last_at=Max("hold_expires_at"))
        .order_by("-count", "-last_at", "held_from")
    )
    return [{"address": r["held_from"], "count": r["count"], "last_at": r["last_at"]} for r in rows]
