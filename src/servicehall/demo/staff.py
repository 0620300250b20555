"""The demo hall's staff: seven clerks with staff numbers, departments, photos (drawn here: no one's
real face), skills per service item that decide what each may call, and this week's rota. The demo
account ``clerk`` (李窗口) is qualified for the insurance, hukou, travel and fund windows (2-6, 12)
the other demos call at, learning business registration."""

import datetime
import io

from django.contrib.auth import get_user_model
from django.utils import timezone
from PIL import Image, ImageDraw

from servicehall.catalog.models import ServiceItem
from servicehall.core.actors import Actor
from servicehall.core.choices import Role
from servicehall.core.models import Hall
from servicehall.demo import DEMO_PASSWORD
from servicehall.staff import services as staff

# username, name, staff number, prefixes (qualified), prefixes (expert), prefixes (learning), colour
CLERKS = [
    ("clerk", "李窗口", "QS0207", "BF", "A", "C", (196, 30, 58)),
    ("zhangmin", "张敏", "QS0208", "B", "", "A", (37, 99, 235)),
    ("zhaolei", "赵磊", "QS0209", "C", "", "D", (22, 163, 74)),
    ("liuyang", "刘洋", "QS0210", "D", "", "", (147, 51, 234)),
    ("zhouqing", "周清", "QS0211", "", "E", "", (217, 119, 6)),
    ("wuhui", "吴慧", "QS0212", "AF", "", "", (8, 145, 178)),
    ("sunli", "孙丽", "QS0213", "AB", "", "", (219, 39, 119)),
]
# username → window each weekday half-day (Mon-Fri).
PLAN = {
    "clerk": "2",
    "zhangmin": "4",
    "zhaolei": "7",
    "liuyang": "9",
    "zhouqing": "11",
    "wuhui": "12",
    "sunli": "1",
}


def portrait(colour: tuple[int, int, int]) -> bytes:
    """A plain head-and-shoulders silhouette on a coloured ground (a stand-in for a staff photo)."""
    image = Image.new("RGB", (240, 320), (236, 240, 245))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, 240, 320), fill=tuple(min(255, c + 150) for c in colour))
    draw.ellipse((70, 60, 170, 170), fill=(250, 226, 205))
    draw.pieslice((20, 190, 220, 420), 180, 360, fill=colour)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _user(username: str, name: str, number: str):
    User = get_user_model()
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User.objects.create_user(username=username, password=DEMO_PASSWORD, display_name=name)
    user.staff_number = number
    user.save(update_fields=["staff_number"])
    return user


def _skills(actor: Actor, hall: Hall, user, qualified: str, expert: str, learning: str) -> None:
    for item in ServiceItem.objects.filter(hall=hall):
        prefix = item.ticket_prefix
        level = (
            "expert"
            if prefix in expert
            else "qualified"
            if prefix in qualified
            else "learning"
            if prefix in learning
            else ""
        )
        if level:
            staff.skill_set(actor=actor, hall=hall, user=user, item=item, level=level, reason="demo")


def _rota(actor: Actor, hall: Hall) -> None:
    """This week, Monday to Friday; 周清 (the only real-estate clerk) is on leave this afternoon, so
    today's gaps page has a gap to show (on Wednesday afternoon at a weekend)."""
    today = timezone.localtime(timezone.now(), hall.tzinfo).date()
    monday = today - datetime.timedelta(days=today.weekday())
    leave_day = today.weekday() if today.weekday() < 5 else 2
    rows = []
    for d in range(5):
        day = monday + datetime.timedelta(days=d)
        for half in ("am", "pm"):
            for username, counter in PLAN.items():
                if username == "zhouqing" and d == leave_day and half == "pm":
                    rows.append({"user": username, "date": day, "half": half, "kind": "leave"})
                else:
                    rows.append(
                        {"user": username, "date": day, "half": half, "kind": "work", "counter": counter}
                    )
    staff.rota_week_replace(actor=actor, hall=hall, monday=monday, rows=rows)


def demo_staff(actor: Actor, hall: Hall) -> None:
    from servicehall.core import services as core

    for n, (username, name, number, qualified, expert, learning, colour) in enumerate(CLERKS):
        user = _user(username, name, number)
        if not user.memberships.filter(hall=hall).exists():
            core.membership_grant(actor=actor, user=user, hall=hall, role=Role.CLERK)
        _skills(actor, hall, user, qualified, expert, learning)
        home = ServiceItem.objects.filter(hall=hall, ticket_prefix=(expert + qualified)[:1]).first()
        staff.staff_update(
            actor=actor,
            hall=hall,
            user=user,
            display_name=name,
            staff_number=number,
            department=home.department_id if home else None,
        )
        staff.staff_photo_set(actor=actor, hall=hall, user=user, data=portrait(colour))
        # A made-up work mobile (the 13800138xxx test range): training notices land in the demo outbox.
        staff.staff_mobile_set(actor=actor, hall=hall, user=user, mobile=f"13800138{n:03d}")
    staff.settings_update(actor=actor, hall=hall, show_photo=True)
    # 亮证上岗 on the rating pad too: the full name, staff number and photo of the clerk at its window.
    from servicehall.quality.services import settings_update as quality_settings_update

    quality_settings_update(actor=actor, hall=hall, pad_clerk_card="full")
    _rota(actor, hall)
