"""A hall's own knowledge as documents for the assistant: each active service item (name, everyday
keywords, department, description, materials, fee note), each shown FAQ entry, and the opening hours.

The English side of an item is its English name, department, category, description and materials: the
catalogue's English twin fields, so an item's English "keywords" are derived from what the hall already
wrote (a keyword field would only repeat them). A payload keeps what an answer is composed from, so that
answering never queries the database.
"""

from servicehall.catalog.models import ServiceItem
from servicehall.consult.models import Faq
from servicehall.consult.retrieval import Doc
from servicehall.core.models import Hall, OpeningHours

# The opening hours document: the words a question about them uses, in both scripts and English.
HOURS_ZH = (
    "办公时间 开放时间 上班时间 工作时间 营业时间 几点 开门 关门 下班 上班 周末 周六 星期六 星期天 周日 "
    "节假日 午休 中午 时间表 开放 休息"
)
HOURS_EN = "opening hours time closing saturday sunday weekend lunch when opening schedule today"


def _item_doc(item: ServiceItem) -> Doc:
    materials = list(item.materials.all())
    counters = [c for c in item.counters.all() if c.active]
    name3 = " ".join([item.name] * 3)
    zh = " ".join(
        [
            name3,
            " ".join([item.keywords] * 2),
            item.department.name,
            item.category.name,
            item.description,
            " ".join(m.name for m in materials),
            item.fee_note,
        ]
    )
    en = " ".join(
        [
            " ".join([item.name_en] * 3),
            item.department.name_en,
            item.category.name_en,
            item.description_en,
            " ".join(m.name_en for m in materials),
            item.fee_note_en,
        ]
    )
    payload = {
        "name": item.name,
        "name_en": item.name_en,
        "name_zh_hant": item.name_zh_hant,
        "department": item.department.name,
        "department_en": item.department.name_en,
        "materials": [
            {
                "name": m.name,
                "name_en": m.name_en,
                "name_zh_hant": m.name_zh_hant,
                "required": m.required,
                "originals": m.originals,
                "copies": m.copies,
                "condition": m.condition,
                "condition_en": m.condition_en,
            }
            for m in materials
        ],
        "legal_limit_days": item.legal_limit_days,
        "promised_limit_days": item.promised_limit_days,
        "fee_cny": str(item.fee_cny),
        "fee_note": item.fee_note,
        "fee_note_en": item.fee_note_en,
        "counters": [{"number": c.number, "name": c.name, "name_en": c.name_en} for c in counters],
        "visits_required": item.visits_required,
        "fully_online": item.fully_online,
        "appointment_supported": item.appointment_supported,
        "steps": list(item.steps or []),
        "steps_en": list(item.steps_en or []),
    }
    pinyin_source = " ".join([item.name, item.keywords, *(m.name for m in materials)])
    return Doc("item", item.code, zh, en, pinyin_source=pinyin_source, en_title=item.name_en, payload=payload)


def _faq_doc(faq: Faq) -> Doc:
    item = faq.item
    zh = " ".join([faq.question, faq.question, faq.answer, item.name if item else ""])
    en = " ".join([faq.question_en, faq.question_en, faq.answer_en, item.name_en if item else ""])
    payload = {
        "question": faq.question,
        "question_en": faq.question_en,
        "question_zh_hant": faq.question_zh_hant,
        "answer": faq.answer,
        "answer_en": faq.answer_en,
        "answer_zh_hant": faq.answer_zh_hant,
        "item_name": item.name if item else "",
        "item_name_en": item.name_en if item else "",
        "item_name_zh_hant": item.name_zh_hant if item else "",
    }
    return Doc(
        "faq",
        str(faq.pk),
        zh,
        en,
        pinyin_source=faq.question,
        en_title=faq.question_en,
        item_code=item.code if item else "",
        payload=payload,
    )


def _hours_doc(hall: Hall) -> Doc:
    periods = [
        {"weekday": p.weekday, "opens": p.opens.strftime("%H:%M"), "closes": p.closes.strftime("%H:%M")}
        for p in OpeningHours.objects.filter(hall=hall).order_by("weekday", "opens")
    ]
    payload = {
        "periods": periods,
        "name": hall.name,
        "name_en": getattr(hall, "name_en", ""),
        "address": hall.address,
        "address_en": getattr(hall, "address_en", ""),
        "phone": hall.phone,
    }
    return Doc(
        "hours", hall.code, HOURS_ZH, HOURS_EN, pinyin_source=HOURS_ZH, en_title=HOURS_EN, payload=payload
    )


def hall_documents(hall: Hall) -> list[Doc]:
    """Every document of ``hall``: its active items, its shown FAQ entries, its opening hours."""
    items = (
        ServiceItem.objects.filter(hall=hall, active=True)
        .select_related("department", "category")
        .prefetch_related("materials", "counters")
        .order_by("code")
    )
    faqs = Faq.objects.filter(hall=hall, active=True).select_related("item").order_by("id")
    docs = [_item_doc(i) for i in items]
    docs += [_faq_doc(f) for f in faqs if f.item is None or f.item.active]
    docs.append(_hours_doc(hall))
    return docs
