"""Demo cases (办件, issue 16): a handful in every state the staff pages show (submitted online, waiting
for materials with a one-time notice, under review, approved and ready to collect at a window, delivered
by post, rejected with its legal reason), one accepted at the window from a ticket, and half a year of
closed history for the visit ledger and the on-time rate. Made through the services; the history's
moments are then moved back (demo data only: the services stamp "now")."""

import datetime

from servicehall.cases import services as cases
from servicehall.cases.models import Case, CaseVisit
from servicehall.cases.services.submit import flat_answers_check
from servicehall.core.actors import Actor
from servicehall.core.models import Hall

LICENCE = "11350199MB1D45639W-XK-001"  # 企业设立登记
PASSPORT = "11350199MB0F34538T-XK-001"  # 普通护照签发
FUND = "12350199MB0J78962N-GG-001"  # 住房公积金提取（购房）
PROPERTY = "12350199MB1H67851E-QR-002"  # 二手房转移登记
JOBLESS = "11350199MB0A12345K-JF-002"  # 失业保险金申领
PHONES = ["13800138001", "13800138002", "13800138003", "13800138004", "13800138005", "13800138006"]


def _apply(hall: Hall, code: str, phone: str, answers: dict) -> Case:
    item = hall.service_items.get(code=code)
    return cases.case_submit_online(hall=hall, item=item, checked=flat_answers_check(answers), phone=phone)


def demo_cases(hall: Hall, people: dict[str, Actor]) -> None:
    manager, clerk = people["manager"], people["clerk"]
    _apply(hall, LICENCE, PHONES[0], {"企业名称": "青山晨光咖啡有限公司", "注册资本（万元）": 50})
    waiting = _apply(hall, LICENCE, PHONES[1], {"企业名称": "青山远航科技有限公司", "注册资本（万元）": 100})
    waiting = cases.case_accept(actor=clerk, case=waiting)
    cases.case_request_materials(
        actor=clerk,
        case=waiting,
        missing=["全体股东签署的公司章程", "住所使用证明（租赁合同）"],
        note="请上传清晰的扫描件或照片",
    )
    review = cases.case_accept(actor=clerk, case=_apply(hall, PASSPORT, PHONES[2], {"出境事由": "旅游"}))
    cases.case_review(actor=clerk, case=review)
    ready = cases.case_accept(actor=clerk, case=_apply(hall, FUND, PHONES[3], {"提取金额（元）": 80000}))
    ready = cases.case_approve(actor=manager, case=ready)
    cases.case_ready(actor=clerk, case=ready)
    posted = cases.case_accept(
        actor=clerk, case=_apply(hall, PROPERTY, PHONES[4], {"房屋坐落": "人民路 66 号"})
    )
    posted = cases.case_approve(actor=manager, case=posted)
    cases.case_deliver(actor=clerk, case=posted, method="post", tracking_number="SF1234567890")
    refused = cases.case_accept(
        actor=clerk, case=_apply(hall, JOBLESS, PHONES[5], {"离职日期": "2026-10-31"})
    )
    cases.case_reject(
        actor=manager,
        case=refused,
        reason="依据《失业保险条例》第十四条，非因本人意愿中断就业方可领取，申请人系主动离职。",
    )
    _history(hall, people)


def _history(hall: Hall, people: dict[str, Actor]) -> None:
    """Closed cases over the last six months, some with visits (window applications), some online only,
    a few decided late."""
    manager, clerk = people["manager"], people["clerk"]
    now = datetime.datetime.now(datetime.UTC)
    codes = [LICENCE, PASSPORT, FUND, JOBLESS]
    from servicehall.queueing.models import Ticket

    tickets = list(Ticket.objects.filter(hall=hall, status="completed", case_visit__isnull=True)[:40])
    for n in range(36):
        case = _apply(hall, codes[n % 4], f"1390000{n:04d}", {"备注": f"历史办件 {n + 1}"})
        case = cases.case_accept(actor=clerk, case=case)
        case = cases.case_approve(actor=manager, case=case)
        case = cases.case_deliver(
            actor=clerk,
            case=case,
            method="window" if n % 3 else "post",
            tracking_number="" if n % 3 else f"EMS{n:08d}",
        )
        cases.case_close(actor=clerk, case=case)
        start = now - datetime.timedelta(days=5 + n * 5)
        late = n % 7 == 0
        decided = start + datetime.timedelta(days=12 if late else 2)
        Case.objects.filter(pk=case.pk).update(
            number=f"{start.astimezone(hall.tzinfo):%Y%m%d}{hall.pk:03d}{9000 + n:04d}",
            channel="window" if n % 3 == 0 else "online",
            submitted_at=start,
            accepted_at=start,
            due_at=start + datetime.timedelta(days=7),
            legal_due_at=start + datetime.timedelta(days=21),
            approved_at=decided,
            delivered_at=decided + datetime.timedelta(days=1),
            closed_at=decided + datetime.timedelta(days=1),
        )
        if n % 3 == 0:  # applied at the window: one trip, and every fifth of those a second one
            _visits(case, tickets, 2 if n % 5 == 0 else 1)


def _visits(case: Case, tickets, count: int) -> None:
    for ticket in tickets[:count]:
        CaseVisit.objects.create(case=case, ticket=ticket, at=ticket.issued_at)
    del tickets[:count]
