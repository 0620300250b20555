"""Consultation services: the thread's transition table (illegal steps refused with 409), who may do
what, audit rows, the hand-over, the FAQ in three languages and promotion of an answer, and the index
rebuilt when the knowledge changes."""

import pytest

from servicehall.consult import assistant, services
from servicehall.consult.choices import ThreadStatus
from servicehall.consult.models import Faq
from servicehall.core.errors import Conflict, Invalid, NotAuthenticated, PermissionDenied
from servicehall.core.models import AuditEntry
from tests.consult.conftest import PHONE

pytestmark = pytest.mark.django_db


def test_answer_follow_up_answer_close_and_nothing_after_close(actors, thread):
    thread = services.thread_answer(actor=actors["clerk_a"], thread=thread, text="可以，白底证件照。")
    assert thread.status == ThreadStatus.ANSWERED and thread.answered_at
    thread = services.thread_follow_up(
        actor=actors["citizen"], code=thread.code, phone=PHONE, text="尺寸呢？"
    )
    assert thread.status == ThreadStatus.OPEN
    thread = services.thread_answer(actor=actors["manager_a"], thread=thread, text="48×33 毫米。")
    thread = services.thread_close(actor=actors["citizen"], code=thread.code, phone=PHONE)
    assert thread.status == ThreadStatus.CLOSED
    with pytest.raises(Conflict):
        services.thread_answer(actor=actors["clerk_a"], thread=thread, text="补充")
    with pytest.raises(Conflict):
        services.thread_follow_up(actor=actors["citizen"], code=thread.code, phone=PHONE, text="还有")
    actions = list(
        AuditEntry.objects.filter(object_id=str(thread.pk), action__startswith="consult.")
        .exclude(action__startswith="consult.faq")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "consult.open",
        "consult.answer",
        "consult.follow_up",
        "consult.answer",
        "consult.close",
    ]
    assert not any(PHONE in str(e.after) for e in AuditEntry.objects.filter(action__startswith="consult."))


def test_a_wrong_mobile_reads_as_not_found(actors, thread):
    from servicehall.core.errors import NotFound

    with pytest.raises(NotFound):
        services.thread_follow_up(
            actor=actors["citizen"], code=thread.code, phone="13900000000", text="你好啊"
        )


def test_an_evaluator_or_another_halls_clerk_cannot_answer(actors, thread):
    for name in ("evaluator_a", "clerk_b", "citizen"):
        with pytest.raises((PermissionDenied, NotAuthenticated)):
            services.thread_answer(actor=actors[name], thread=thread, text="回答")


def test_the_hand_over_opens_a_thread_about_the_item(actors, knowledge):
    reply = assistant.answer_for(knowledge, "护照照片可以自己拍吗", "zh-hans")
    item = next(s["id"] for s in reply.sources if s["kind"] == "item")
    thread = services.thread_open(
        actor=actors["citizen"],
        hall=knowledge,
        question="护照照片可以自己拍吗",
        phone=PHONE,
        item_code=item,
        channel="assistant",
    )
    assert thread.status == ThreadStatus.OPEN and thread.item.code == item and thread.channel == "assistant"
    assert thread.messages.get().text == "护照照片可以自己拍吗"


def test_opening_a_thread_refuses_bad_input(actors, knowledge):
    for kwargs in (
        {"question": "", "phone": PHONE},
        {"question": "护照", "phone": "123"},
        {"question": "护照", "phone": PHONE, "item_code": "NOPE"},
        {"question": "护照", "phone": PHONE, "lang": "fr"},
        {"question": "护照\x00", "phone": PHONE},
    ):
        with pytest.raises(Invalid):
            services.thread_open(actor=actors["citizen"], hall=knowledge, **kwargs)


def test_a_manager_promotes_an_answer_and_the_assistant_finds_it(actors, thread):
    answered = services.thread_answer(
        actor=actors["clerk_a"], thread=thread, text="可以自带白底证件照，也可现场拍照。"
    )
    message = answered.messages.get(author="staff")
    with pytest.raises(PermissionDenied):
        services.faq_promote(actor=actors["clerk_a"], message=message, question="护照照片可以自带吗？")
    faq = services.faq_promote(
        actor=actors["manager_a"],
        message=message,
        question="护照照片可以自带吗？",
        question_en="Can I bring my own passport photo?",
        answer_en="Yes, a white-background photo; or have it taken on site.",
    )
    assert faq.item == thread.item and faq.answer == message.text
    with pytest.raises(Invalid):
        services.faq_promote(actor=actors["manager_a"], message=message, question="再次")
    reply = assistant.answer_for(thread.hall, "护照照片能自带吗", "zh-hans")
    assert reply.confident and reply.sources[0] == {
        "kind": "faq",
        "id": str(faq.pk),
        "title": "护照照片可以自带吗？",
    }
    english = assistant.answer_for(thread.hall, "can I bring my own passport photo", "en")
    assert english.sources[0]["id"] == str(faq.pk) and english.answer.startswith("Yes")


def test_the_faq_speaks_three_languages(actors, knowledge):
    faq = Faq.objects.get(hall=knowledge, question="大厅有停车场吗？")
    from django.utils import translation

    with translation.override("zh-hant"):
        assert faq.question_local == "大廳有停車場嗎？"
    with translation.override("en"):
        assert faq.question_local == "Is there parking at the hall?"


def test_only_managers_edit_the_faq_and_changes_reach_the_assistant_at_once(actors, knowledge):
    with pytest.raises(PermissionDenied):
        services.faq_save(actor=actors["clerk_a"], hall=knowledge, question="午饭在哪吃？", answer="食堂")
    before = assistant.answer_for(knowledge, "大厅有食堂吗", "zh-hans")
    assert not before.confident
    services.faq_save(
        actor=actors["manager_a"],
        hall=knowledge,
        question="大厅有食堂吗？",
        answer="市民中心二楼有职工食堂，对办事群众开放。",
    )
    after = assistant.answer_for(knowledge, "大厅有食堂吗", "zh-hans")
    assert after.confident and "食堂" in after.answer
