"""The demo hall's FAQ (a few entries per main item and the hall's rules, in three languages) and two
consultation threads: one answered by the clerk, one waiting. Through the services, audited."""

from importlib import resources

from django.contrib.auth import get_user_model

from servicehall.consult import services
from servicehall.core.actors import Actor
from servicehall.core.models import Hall

PASSPORT = "11350199MB0F34538T-XK-001"
COMPANY = "11350199MB1D45639W-XK-001"


def demo_consult(actor: Actor, hall: Hall) -> None:
    text = resources.files("servicehall.consult").joinpath("demo/faqs.json").read_text(encoding="utf-8")
    services.faq_import(actor=actor, hall=hall, text=text)
    citizen = Actor(ip="127.0.0.1")
    clerk = Actor(user=get_user_model().objects.get(username="clerk"), ip="127.0.0.1")
    photo = services.thread_open(
        actor=citizen,
        hall=hall,
        question="办护照的照片可以自己在外面拍好带来吗？",
        phone="13800138001",
        item_code=PASSPORT,
    )
    services.thread_answer(
        actor=clerk,
        thread=photo,
        text="可以自带近 6 个月内的白底彩色证件照（48×33 毫米），不过窗口现场拍照免费，更方便通过审核。",
    )
    services.thread_open(
        actor=citizen,
        hall=hall,
        question="注册公司可以用自己租的住宅做地址吗？需要房东签字吗？",
        phone="13800138002",
        item_code=COMPANY,
    )
