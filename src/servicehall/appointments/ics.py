"""The ``.ics`` file of a booking (RFC 5545): any calendar client can import it. It carries the hall's
address, the booking code, the materials checklist and a reminder an hour before."""

import datetime

from django.utils import timezone
from icalendar import Alarm, Calendar, Event, vText

from servicehall.appointments.models import Appointment


def appointment_ics(appt: Appointment, *, manage_url: str = "", check_in_before_minutes: int = 30) -> bytes:
    hall, item = appt.hall, appt.service
    cal = Calendar()
    cal.add("prodid", "-//ServiceHall//Appointments//ZH")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    event = Event()
    event.add("uid", f"{appt.public_id}@servicehall")
    event.add("dtstamp", timezone.now().astimezone(datetime.UTC))
    event.add("dtstart", appt.start.astimezone(datetime.UTC))
    event.add("dtend", appt.end.astimezone(datetime.UTC))
    event.add("summary", f"预约办理：{item.name}（{hall.name}）")
    event.add("location", vText("，".join(p for p in (hall.name, hall.address) if p)))
    lines = [
        f"预约码 Booking code: {appt.code}",
        f"事项 Service: {item.name}",
        f"请在预约时间前{check_in_before_minutes}分钟内到自助服务终端签到。",
    ]
    materials = list(item.materials.all())
    if materials:
        lines.append("所需材料 Materials:")
        for i, m in enumerate(materials, 1):
            count = f"原件{m.originals}份" + (f"，复印件{m.copies}份" if m.copies else "")
            cond = f"（{m.condition}）" if m.condition else ""
            lines.append(f"{i}. {m.name}{cond}：{count}" + ("" if m.required else "（非必需）"))
    if hall.phone:
        lines.append(f"咨询电话 Phone: {hall.phone}")
    if manage_url:
        lines.append(f"取消或改期 Cancel or change: {manage_url}")
        event.add("url", manage_url)
    event.add("description", "\n".join(lines))
    event.add("status", "CANCELLED" if appt.status == "cancelled" else "CONFIRMED")
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", f"{item.name} {appt.code}")
    alarm.add("trigger", datetime.timedelta(hours=-1))
    event.add_component(alarm)
    cal.add_component(event)
    return cal.to_ical()
