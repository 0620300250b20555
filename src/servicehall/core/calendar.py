"""The working calendar: which days a hall is open. One implementation for every app that counts days:
bookings, the queue, deadlines in working days (rectification, complaints, cases), certificate expiry.

Order of authority for a date:
1. the hall's own table (``CalendarDay``): ``closed`` (the hall is shut that day), ``holiday``, ``workday``;
2. the national calendar of the ``chinese-calendar`` package (public holidays and 调休 make-up working
   days from the State Council notices) for the years it knows;
3. past its data: the weekday rule plus the statutory holidays of 《全国年节及纪念日放假办法》 (2025
   revision) computed for the year: 元旦 1 January, 春节 除夕 to 初三, 清明, 劳动节 1-2 May, 端午, 中秋,
   国庆 1-3 October. Such a year is *provisional*: the bridging days and make-up working days of the
   year's notice are not known until managers enter them, and managers are warned ahead (see
   ``missing_years``). A statutory holiday is never opened for booking by default.
"""

import datetime
import functools
from dataclasses import dataclass

import chinese_calendar
import lunardate

from servicehall.core import memo
from servicehall.core.choices import DayKind
from servicehall.core.models import CalendarDay

HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "Mid-autumn Festival": "中秋节",
    "National Day": "国庆节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}


@dataclass(frozen=True)
class DayInfo:
    date: datetime.date
    open: bool
    kind: str  # "workday", "makeup" (调休 working weekend), "weekend", "holiday", "closed"
    name: str = ""
    source: str = "rule"  # "official" (package), "hall" (the hall's table), "rule" (computed)
    provisional: bool = False  # past the package's data and not confirmed in the hall's table


@functools.cache
def official_last_year() -> int:
    """The last year the installed ``chinese-calendar`` knows (its notices end there)."""
    return max(d.year for d in chinese_calendar.holidays)


@functools.cache
def statutory_holidays(year: int) -> dict[datetime.date, str]:
    """The statutory holidays of a year by rule (no bridging days, no make-up days)."""
    days: dict[datetime.date, str] = {datetime.date(year, 1, 1): "元旦"}
    new_year = lunardate.LunarDate(year, 1, 1).to_solar_date()
    for offset in range(-1, 3):
        days[new_year + datetime.timedelta(days=offset)] = "春节"
    for when, name in chinese_calendar.get_solar_terms(datetime.date(year, 4, 1), datetime.date(year, 4, 10)):
        if name == "清明":
            days[when] = "清明节"
    days[datetime.date(year, 5, 1)] = days[datetime.date(year, 5, 2)] = "劳动节"
    days[lunardate.LunarDate(year, 5, 5).to_solar_date()] = "端午节"
    days[lunardate.LunarDate(year, 8, 15).to_solar_date()] = "中秋节"
    for day in (1, 2, 3):
        days[datetime.date(year, 10, day)] = "国庆节"
    return days


@functools.lru_cache(maxsize=8192)
def national_day(date: datetime.date) -> DayInfo:
    """The national calendar alone, without the hall's table."""
    weekend = date.weekday() >= 5
    if date.year <= official_last_year() and date.year >= 2004:
        name = HOLIDAY_NAMES.get(chinese_calendar.get_holiday_detail(date)[1] or "", "")
        if chinese_calendar.is_workday(date):
            return DayInfo(
                date, True, "makeup" if weekend else "workday", name if weekend else "", "official"
            )
        if weekend and not name:
            return DayInfo(date, False, "weekend", "", "official")
        return DayInfo(date, False, "holiday", name, "official")
    name = statutory_holidays(date.year).get(date, "")
    if name:
        return DayInfo(date, False, "holiday", name, "rule", provisional=True)
    return DayInfo(date, not weekend, "weekend" if weekend else "workday", "", "rule", provisional=True)


def hall_day(date: datetime.date, row=None, *, confirmed_years=frozenset()) -> DayInfo:
    """A day for a hall, given the hall's table row for that date (if any) and the years whose calendar
    the hall has entered (any holiday or workday row in that year confirms it)."""
    if row is not None:
        if row.kind == DayKind.CLOSED:
            return DayInfo(date, False, "closed", row.name, "hall")
        if row.kind == DayKind.HOLIDAY:
            return DayInfo(date, False, "holiday", row.name, "hall")
        return DayInfo(date, True, "makeup" if date.weekday() >= 5 else "workday", row.name, "hall")
    info = national_day(date)
    if info.provisional and date.year in confirmed_years:
        return DayInfo(info.date, info.open, info.kind, info.name, info.source, provisional=False)
    return info


def hall_days(
    hall, date_from: datetime.date, date_to: datetime.date, *, fresh: bool = False
) -> dict[datetime.date, DayInfo]:
    """Every day from ``date_from`` to ``date_to`` inclusive, with one query of the hall's table.
    Remembered per process for a few seconds (``core.memo``): the pages ask for weeks of days, and the
    table changes a few times a year. ``fresh``: read the table now (a booking must not land on a day
    another process closed a second ago). The caller must not change the returned dict."""
    if fresh:
        return _hall_days(hall, date_from, date_to)
    return memo.remember(
        "calendar", (hall.pk, date_from, date_to), lambda: _hall_days(hall, date_from, date_to)
    )


def _hall_days(hall, date_from: datetime.date, date_to: datetime.date) -> dict[datetime.date, DayInfo]:
    rows = {r.date: r for r in CalendarDay.objects.filter(hall=hall, date__gte=date_from, date__lte=date_to)}
    confirmed = confirmed_years(hall, range(date_from.year, date_to.year + 1))
    out = {}
    day = date_from
    while day <= date_to:
        out[day] = hall_day(day, rows.get(day), confirmed_years=confirmed)
        day += datetime.timedelta(days=1)
    return out


def confirmed_years(hall, years) -> frozenset[int]:
    """Years past the package's data for which the hall's table holds the notice's days."""
    later = [y for y in years if y > official_last_year()]
    if not later:
        return frozenset()
    found = (
        CalendarDay.objects.filter(
            hall=hall, kind__in=(DayKind.HOLIDAY, DayKind.WORKDAY), date__year__in=later
        )
        .values_list("date__year", flat=True)
        .distinct()
    )
    return frozenset(found)


def missing_years(hall, today: datetime.date, *, warn_days: int = 60) -> list[int]:
    """Years that begin within ``warn_days`` (or have begun) whose calendar is neither in the package nor
    entered by the hall: managers are told to enter the State Council notice's days."""
    years = [
        y
        for y in (today.year, today.year + 1)
        if y > official_last_year() and datetime.date(y, 1, 1) - today <= datetime.timedelta(days=warn_days)
    ]
    confirmed = confirmed_years(hall, years)
    return [y for y in years if y not in confirmed]


def add_working_days(hall, start, days: int):
    """The moment ``days`` working days after ``start`` (same local time), skipping the hall's closed days,
    public holidays and weekends and counting 调休 make-up days: how 差评整改 deadlines are set."""
    tz = hall.tzinfo
    local = start.astimezone(tz)
    horizon = local.date() + datetime.timedelta(days=days * 3 + 30)
    calendar_days = hall_days(hall, local.date() + datetime.timedelta(days=1), horizon)
    counted = 0
    for day, info in calendar_days.items():
        if info.open:
            counted += 1
            if counted == days:
                return datetime.datetime.combine(day, local.time(), tzinfo=tz)
    return datetime.datetime.combine(horizon, local.time(), tzinfo=tz)


def is_working_day(hall, date: datetime.date) -> bool:
    """Whether ``hall`` is open on ``date`` by its calendar (the hall's table, then the national one)."""
    return hall_days(hall, date, date)[date].open


def calendar_rows(*, hall, since: datetime.date):
    """The hall's own calendar table from a date on (holidays, make-up days, closures it entered)."""
    return CalendarDay.objects.filter(hall=hall, date__gte=since).order_by("date")


# --- service days: the calendar and the opening hours together ------------------------------------------
#
# Two questions with different answers on a Saturday the hall opens (周六延时服务): is it a *working day*
# (工作日, what deadlines count: the statutory calendar and the hall's table) and is it a *service day* (the
# hall serves citizens: the queue issues tickets, bookings are taken)? A service day is a working day or a
# weekend day the opening hours include, never a holiday or a day the hall is closed. A 调休 make-up
# working day is served with the hours of an ordinary weekday.


def service_periods(hall, date: datetime.date, info: DayInfo | None = None):
    """The hours ``hall`` serves on ``date``: a sorted list of (opens, closes); ``[]`` when it does not
    serve that day; ``None`` when it serves all day. A hall that has set no opening hours is not yet
    configured: it serves every day but the days its own table closes (a test hall, a hall being set
    up); once it has hours, holidays, weekends without hours and 调休 apply."""
    from servicehall.core.selectors import opening_periods

    info = info or hall_days(hall, date, date)[date]
    if info.kind == "closed":
        return []
    periods = opening_periods(hall=hall)
    if not periods:
        return None
    if info.kind == "holiday":
        return []
    if info.kind == "makeup":
        weekdays = sorted({wd for wd, _o, _c in periods if wd < 5})
        weekday = weekdays[0] if weekdays else date.weekday()
    else:
        weekday = date.weekday()
    return sorted((o, c) for wd, o, c in periods if wd == weekday)


def serves(hall, info: DayInfo) -> bool:
    """Whether the hall serves on ``info``'s day for bookings as for the queue: a working day, or a weekend
    day its opening hours include (周六延时服务); never a holiday or a day the hall is closed. (Unlike
    ``service_periods``, a hall with no hours set follows the calendar alone here: bookings never opened
    weekends by themselves.)"""
    if info.open:
        return True
    if info.kind != "weekend":
        return False
    from servicehall.core.selectors import opening_periods

    return any(wd == info.date.weekday() for wd, _o, _c in opening_periods(hall=hall))


def is_service_day(hall, date: datetime.date) -> bool:
    """Whether the hall serves citizens on ``date`` (see above)."""
    return service_periods(hall, date) != []


@dataclass(frozen=True)
class ServiceStatus:
    """What the kiosk says on its first screen and what the queue answers a public issue."""

    open_now: bool
    day: DayInfo
    opens_at: datetime.datetime | None = None  # the next opening when not open now (None: none in 60 days)
    closes_at: datetime.datetime | None = None  # the end of the current period when open now


def service_status(hall, local: datetime.datetime, *, stop_minutes: int = 0) -> ServiceStatus:
    """Whether ``hall`` serves now (``local`` in the hall's time zone) and, if not, when it next opens.
    ``stop_minutes`` closes each period that much early (the queue stops issuing before closing)."""
    cutoff = datetime.timedelta(minutes=stop_minutes)
    days = hall_days(hall, local.date(), local.date() + datetime.timedelta(days=60))
    today = days[local.date()]
    for date, info in days.items():
        periods = service_periods(hall, date, info)
        if periods is None:
            periods = [(datetime.time(0, 0), datetime.time(23, 59, 59))]
        for opens, closes in periods:
            start = datetime.datetime.combine(date, opens, tzinfo=local.tzinfo)
            end = datetime.datetime.combine(date, closes, tzinfo=local.tzinfo) - cutoff
            if start <= local < end:
                return ServiceStatus(True, today, closes_at=end)
            if local < start:
                return ServiceStatus(False, today, opens_at=start)
    return ServiceStatus(False, today)
