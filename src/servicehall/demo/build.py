"""The demo hall: a realistic district government service centre, loaded through the real services so
every rule (validation, audit) runs. Idempotent: loading twice changes nothing."""

import datetime
from dataclasses import dataclass
from importlib import resources

from django.contrib.auth import get_user_model
from django.db import transaction

from servicehall.catalog.services import catalog_import
from servicehall.core import services as core
from servicehall.core.actors import Actor
from servicehall.core.choices import CounterKind, DeviceKind, Role
from servicehall.core.models import Device, Hall
from servicehall.demo import DEMO_PASSWORD, HALL_CODE
from servicehall.demo.training import demo_training
from servicehall.queueing.services import settings_update as queue_settings_update

ACCOUNTS = [
    ("admin", "系统管理员", None),
    ("manager", "王主任", Role.MANAGER),
    ("clerk", "李窗口", Role.CLERK),
    ("evaluator", "陈评估", Role.EVALUATOR),
]
# (floor level, number, name, English name, kind)
COUNTERS = [
    (1, "1", "综合窗口", "General", CounterKind.COMPREHENSIVE),
    (1, "2", "社保医保窗口", "Insurance", CounterKind.DEDICATED),
    (1, "3", "社保医保窗口", "Insurance", CounterKind.DEDICATED),
    (1, "4", "户籍出入境窗口", "Hukou & travel", CounterKind.DEDICATED),
    (1, "5", "户籍出入境窗口", "Hukou & travel", CounterKind.DEDICATED),
    (1, "6", "绿色通道", "Priority lane", CounterKind.PRIORITY),
    (2, "7", "企业开办窗口", "Business setup", CounterKind.DEDICATED),
    (2, "8", "企业开办窗口", "Business setup", CounterKind.DEDICATED),
    (2, "9", "税务窗口", "Taxes", CounterKind.DEDICATED),
    (2, "10", "税务窗口", "Taxes", CounterKind.DEDICATED),
    (2, "11", "不动产登记窗口", "Real estate", CounterKind.DEDICATED),
    (2, "12", "公积金婚姻窗口", "Fund & marriage", CounterKind.DEDICATED),
]


@dataclass
class DemoResult:
    created: bool
    hall: Hall
    device_tokens: dict[str, str]


def demo_loaded() -> bool:
    return Hall.objects.filter(code=HALL_CODE).exists()


# 工号 of the demo staff: the pad shows them where the hall turns on 亮证 (quality settings).
STAFF_NUMBERS = {"manager": "QS0101", "clerk": "QS0207", "evaluator": "QS0312"}


def _user(username: str, display_name: str, superuser: bool):
    User = get_user_model()
    user = User.objects.filter(username=username).first()
    if user is None:
        maker = User.objects.create_superuser if superuser else User.objects.create_user
        user = maker(
            username=username,
            password=DEMO_PASSWORD,
            display_name=display_name,
            staff_number=STAFF_NUMBERS.get(username, ""),
            is_staff=superuser,
        )
    return user


@transaction.atomic
def load_demo() -> DemoResult:
    if demo_loaded():
        hall = Hall.objects.get(code=HALL_CODE)
        _demo_map_if_missing(hall)
        demo_training(Actor(user=get_user_model().objects.get(username="admin"), ip="127.0.0.1"), hall)
        return DemoResult(created=False, hall=hall, device_tokens={})
    admin = _user("admin", "系统管理员", True)
    actor = Actor(user=admin, ip="127.0.0.1")
    hall = core.hall_create(
        actor=actor,
        code=HALL_CODE,
        name="青山区政务服务中心",
        name_en="Qingshan District Government Service Centre",
        address="青山区人民路 88 号市民中心 A 座",
        address_en="Civic Centre Block A, 88 Renmin Road, Qingshan District",
        phone="0571-12345",
        time_zone="Asia/Shanghai",
    )
    am, pm = (datetime.time(8, 30), datetime.time(12, 0)), (datetime.time(13, 30), datetime.time(17, 30))
    periods = (
        [(d, *am) for d in range(5)]
        + [(d, *pm) for d in range(5)]
        + [(5, datetime.time(9), datetime.time(12))]
    )
    core.hall_set_opening_hours(actor=actor, hall=hall, periods=periods)
    floors = {
        1: core.floor_create(
            actor=actor, hall=hall, level=1, name="一楼 综合办事大厅", name_en="1F General service hall"
        ),
        2: core.floor_create(
            actor=actor, hall=hall, level=2, name="二楼 企业服务专区", name_en="2F Business services"
        ),
    }
    for level, number, name, name_en, kind in COUNTERS:
        core.counter_create(
            actor=actor, hall=hall, number=number, name=name, name_en=name_en, kind=kind, floor=floors[level]
        )
    for username, display_name, role in ACCOUNTS[1:]:
        user = _user(username, display_name, False)
        core.membership_grant(actor=actor, user=user, hall=hall, role=role)
    text = resources.files("servicehall.catalog").joinpath("demo/items.json").read_text(encoding="utf-8")
    catalog_import(actor=actor, hall=hall, text=text, fmt="json")
    # The demo hall runs a virtual queue: phones may take a number before arriving.
    queue_settings_update(actor=actor, hall=hall, allow_remote_tickets=True)
    _demo_appointments(actor, hall)
    tokens = {}
    for kind, name in ((DeviceKind.KIOSK, "一楼入口自助机"), (DeviceKind.DISPLAY, "一楼叫号大屏")):
        _device, raw = core.device_create(actor=actor, hall=hall, kind=kind, name=name)
        tokens[name] = raw
    window_2 = hall.counters.get(number="2")
    _device, tokens["2号窗口评价器"] = core.device_create(
        actor=actor, hall=hall, kind=DeviceKind.RATING_PAD, name="2号窗口评价器", counter=window_2
    )
    _demo_quality(actor, hall)
    from servicehall.demo.consult import demo_consult

    demo_consult(actor, hall)
    _demo_map(actor, hall)
    from servicehall.demo.guides import demo_guides

    demo_guides(actor, hall)
    from servicehall.eforms.demo_forms import demo_forms

    demo_forms(actor, hall)
    from servicehall.demo.staff import demo_staff

    demo_staff(actor, hall)
    demo_training(actor, hall)
    return DemoResult(created=True, hall=hall, device_tokens=tokens)


def _demo_map_if_missing(hall: Hall) -> None:
    """A demo loaded before the hall had a map gets the plan when it is reused, so its route pages work
    without deleting the demo's data."""
    from servicehall.navigation.selectors import map_version

    if map_version(hall=hall) is None:
        _demo_map(Actor(user=get_user_model().objects.get(username="admin"), ip="127.0.0.1"), hall)


def _demo_map(actor: Actor, hall: Hall) -> None:
    """The two-storey plan (``hall_plan``), saved and published through the navigation services, so the
    routes, the map API and its export work in the demo from the start."""
    from servicehall.demo.hall_plan import REF_LAT, REF_LON, demo_plan
    from servicehall.navigation.choices import MapSource
    from servicehall.navigation.services import map_draft_save, map_publish

    kiosk = Device.objects.get(hall=hall, kind=DeviceKind.KIOSK, name="一楼入口自助机")
    version = map_draft_save(
        actor=actor,
        hall=hall,
        plan=demo_plan(kiosk.pk),
        ref_lon=REF_LON,
        ref_lat=REF_LAT,
        source=MapSource.DEMO,
    )
    map_publish(actor=actor, version=version)


def _demo_appointments(actor: Actor, hall: Hall) -> None:
    """Working plans for a few services (the hall's hours, 30-minute slots, a week ahead) and a handful of
    bookings on the next working day, so the manager's calendar and the kiosk check-in have something."""
    from servicehall.appointments import selectors as appt_selectors
    from servicehall.appointments import services as appt_services
    from servicehall.catalog.models import ServiceItem

    periods = {str(d): [["08:30", "12:00"], ["13:30", "17:30"]] for d in range(5)}
    planned = []
    for item in ServiceItem.objects.filter(hall=hall, appointment_supported=True).order_by("code"):
        if (
            item.code.endswith(("SB-GG-003", "-GG-003", "-XK-001", "-XK-002", "-QR-002", "-GG-001"))
            or "居民身份证" in item.name
        ):
            real = (
                "身份证" in item.name or "护照" in item.name or "通行证" in item.name or "户口" in item.name
            )
            appt_services.plan_save(
                actor=actor, hall=hall, service=item, periods=periods, real_name=real, min_notice_minutes=30
            )
            planned.append(item)
    names = ["张伟", "王芳", "李娜", "刘洋", "陈静", "杨磊", "赵敏", "黄强"]
    n = 0
    for item in planned[:3]:
        plan = appt_selectors.plan_get(item=item)
        today = datetime.date.today()
        grid, _days = appt_selectors.slot_grid(
            hall=hall, plan=plan, date_from=today, date_to=today + datetime.timedelta(days=7)
        )
        for view in [s for s in grid if s.bookable][4:7]:
            name = names[n % len(names)]
            appt_services.appointment_book(
                actor=actor,
                hall=hall,
                service_code=item.code,
                start=view.start,
                name=name,
                phone=f"139{n:04d}{n:04d}",
                id_number=DEMO_IDS[n % len(DEMO_IDS)] if plan.real_name else "",
            )
            n += 1


def _demo_quality(actor: Actor, hall: Hall) -> None:
    """The article's indicator system weighted by AHP (efficiency first, as the article's survey found),
    published, with its questionnaire, so the phone pages and the quality office have something."""
    from servicehall.quality import services as quality

    system = quality.system_from_template(actor=actor, hall=hall, template="article")
    quality.judgement_submit(
        actor=actor, system=system, parent=None, matrix=[[1, 1 / 3, 2], [3, 1, 5], [1 / 2, 1 / 5, 1]]
    )
    quality.system_publish(actor=actor, system=system)
    questionnaire = quality.questionnaire_generate(actor=actor, system=system, importance=True)
    quality.questionnaire_publish(actor=actor, questionnaire=questionnaire)
    # Thirty days of simulated history before today, so the quality office and the report have data (the
    # weaknesses planted by the simulation are what the report should point at).
    from servicehall.quality.simulate import simulate

    today = datetime.date.today()
    simulate(
        hall=hall,
        questionnaire=questionnaire,
        days=30,
        tickets_per_day=60,
        start=today - datetime.timedelta(days=30),
        response_share=0.25,
    )
    quality.cleaning_run(actor=actor, questionnaire=questionnaire)
    _demo_cases(hall)
    from servicehall.demo.customers import demo_customers

    demo_customers(actor, hall)
    from servicehall.demo.cases import demo_cases

    demo_cases(
        hall, {name: Actor(user=_user(name, "", False), ip="127.0.0.1") for name in ("manager", "clerk")}
    )


def _demo_cases(hall: Hall) -> None:
    """The simulated bad ratings' cases worked through by the people whose step it is (the evaluator
    revisits and verifies, the clerk rectifies, the manager closes an explanation), each a day or two
    after the last, and a few late: the office shows honest rates and the archive has cases to filter.
    The last week's cases stay open."""
    from servicehall.quality import selectors as quality_selectors
    from servicehall.quality import services as quality

    people = {
        name: Actor(user=_user(name, "", False), ip="127.0.0.1") for name in ("manager", "clerk", "evaluator")
    }
    now = datetime.datetime.now(datetime.UTC)
    cases = quality_selectors.rectification_list(hall=hall).filter(
        opened_at__lt=now - datetime.timedelta(days=7)
    )
    for n, case in enumerate(cases.order_by("opened_at")):
        # The next working morning (or the one after), between 9 and 12 in the hall's time zone.
        opened = case.opened_at.astimezone(hall.tzinfo)
        first = (opened + datetime.timedelta(days=1 if n % 5 else 2)).replace(hour=9 + n % 3, minute=n % 60)
        late = 24 if n % 6 == 0 else 3  # a few rectified after their 15 working days
        if n % 4 == 3:
            steps = [("evaluator", "revisit", 0), ("evaluator", "unreasonable", 1), ("manager", "close", 2)]
        else:
            steps = [
                ("evaluator", "revisit", 0),
                ("evaluator", "reasonable", 1),
                ("clerk", "rectified", late),
            ]
        for who, action, days in steps:
            at = first + datetime.timedelta(days=days)
            if at > now:  # not done yet: the case stays open at this step
                break
            quality.rectification_step(
                actor=people[who], case=case, action=action, note=DEMO_NOTES.get(action, ""), now=at
            )


DEMO_NOTES = {
    "revisit": "已电话回访，了解情况",
    "unreasonable": "已向群众解释办理要求",
    "rectified": "已加强窗口引导，高峰时段增开窗口",
}


# Resident IDs with valid check characters, invented for the demo.
DEMO_IDS = ["11010519491231002X", "110101199003074477", "440305198512120011"]


def demo_summary(base_url: str) -> str:
    hall = Hall.objects.get(code=HALL_CODE)
    lines = [
        "",
        f"  ServiceHall demo — {hall.name}",
        "",
        "  Surfaces:",
        f"    Start page          {base_url}/",
        f"    Service catalogue   {base_url}/catalog/{hall.code}/",
        f"    Self-service kiosk  {base_url}/kiosk/{hall.code}/",
        f"    Display board       {base_url}/display/{hall.code}/   (portrait: ?orientation=portrait)",
        f"    Counter console     {base_url}/console/{hall.code}/   (sign in as clerk)",
        f"    Book an appointment {base_url}/book/{hall.code}/",
        f"    Kiosk check-in      {base_url}/kiosk/{hall.code}/check-in/",
        f"    Find a window       {base_url}/kiosk/{hall.code}/find/   (phone: /route/{hall.code}/)",
        f"    Feedback            {base_url}/feedback/{hall.code}/   (staff: /staff/{hall.code}/feedback/)",
        f"    Ask the hall        {base_url}/ask/{hall.code}/   (kiosk: /kiosk/{hall.code}/ask/, staff: "
        f"/staff/{hall.code}/consult/)",
        (
            f"    Kiosk rating        {base_url}/kiosk/{hall.code}/rate/   "
            "(after the service: ticket number or QR)"
        ),
        f"    Appointments        {base_url}/staff/{hall.code}/appointments/   (sign in as manager)",
        f"    Service quality     {base_url}/staff/{hall.code}/quality/   (report: …/quality/report/)",
        f"    Rate a service      {base_url}/pad/{hall.code}/   (the rating pad; pair it below)",
        f"    Staff sign-in       {base_url}/login/",
        f"    Hall map editor     {base_url}/staff/{hall.code}/navigation/   (sign in as manager)",
        f"    Customer records    {base_url}/staff/{hall.code}/customers/",
        f"    Operating guides    {base_url}/staff/{hall.code}/guides/   (console: G and E)",
        f"    Cases (办件)        {base_url}/staff/{hall.code}/cases/   (citizens: /cases/track/)",
        f"    Electronic forms    {base_url}/staff/{hall.code}/forms/   (kiosk: /kiosk/{hall.code}/forms/)",
        f"    Training            {base_url}/staff/{hall.code}/training/   (clerk: …/training/me/)",
        f"    Audit trail         {base_url}/staff/{hall.code}/audit/",
        f"    Administration      {base_url}/admin/",
        f"    API docs            {base_url}/api/v1/docs   (OpenAPI: {base_url}/api/v1/openapi.json)",
        "",
        f"  Demo accounts (password for all: {DEMO_PASSWORD}):",
    ]
    for username, display_name, role in ACCOUNTS:
        label = "system administrator" if role is None else Role(role).label
        lines.append(f"    {username:<10} {display_name}  ({label})")
    devices = Device.objects.filter(hall=hall).count()
    lines += ["", f"  Devices registered: {devices} (API tokens: `servicehall token create USERNAME`)", ""]
    return "\n".join(str(x) for x in lines)
