"""The assistant (智能咨询): answers a free-text question from the hall's own knowledge, by retrieval.

The answer is composed from the fields of the document found (an item's materials, time limits, fee,
windows, visits, steps; an FAQ entry's answer; the opening hours), never generated, in the asker's
language, and always names its sources. When the best document does not cover the question well enough
(``COVERAGE_MIN``/``SCORE_MIN``, calibrated on ``tests/consult/questions.json``: see ``bench/assistant.py``)
it says plainly that it does not know and offers a person (``services.thread_open``). A read: it writes
nothing, and is rate-limited per address like every public endpoint.
"""

import re
from dataclasses import dataclass, field

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from servicehall.catalog.choices import VisitsRequired
from servicehall.consult.index import hall_index
from servicehall.consult.retrieval import Ranked
from servicehall.core.actors import Actor
from servicehall.core.choices import WEEKDAYS
from servicehall.core.errors import Invalid
from servicehall.core.localize import ENGLISH, TRADITIONAL, pick
from servicehall.core.models import Hall
from servicehall.core.ratelimit import rate_limit

LANGUAGES = ("zh-hans", "zh-hant", "en")
MAX_QUESTION = 300
COVERAGE_MIN = 0.45
SCORE_MIN = 0.5

# What a question asks about an item, by the words it uses (simplified Chinese after folding; English).
ASPECTS = {
    "materials": (
        "带",
        "材料",
        "资料",
        "证件",
        "准备",
        "需要什么",
        "要什么",
        "bring",
        "document",
        "paper",
        "material",
    ),
    "time": ("多久", "几天", "多长时间", "时限", "工作日", "拿到", "how long", "days", "ready", "take"),
    "fee": (
        "多少钱",
        "收费",
        "费用",
        "收钱",
        "免费",
        "要钱",
        "cost",
        "fee",
        "how much",
        "price",
        "pay",
        "free",
    ),
    "windows": ("窗口", "在哪", "哪里办", "哪儿", "几号", "where", "window", "counter", "desk"),
    "visits": ("跑", "几次", "几趟", "网上", "线上", "在线", "visit", "trip", "online", "times"),
    "steps": ("流程", "步骤", "程序", "process", "step", "procedure"),
}
SUMMARY = ("materials", "time", "fee", "windows")


@dataclass
class Reply:
    answer: str
    sources: list[dict] = field(default_factory=list)
    confident: bool = False
    best: list[Ranked] = field(default_factory=list)  # the ranked documents (tests, the bench)

    def as_dict(self) -> dict:
        return {"answer": self.answer, "sources": self.sources, "confident": self.confident}


def check_question(question, lang) -> tuple[str, str]:
    """The question and language, or ``Invalid`` naming the field: empty, over 300 characters, a NUL
    or other control character, not text, or a language other than the three the hall speaks."""
    errors = {}
    if not isinstance(question, str) or not question.strip():
        errors["question"] = [_("Write your question.")]
    elif len(question) > MAX_QUESTION:
        errors["question"] = [_("Keep the question under 300 characters.")]
    elif re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", question):
        errors["question"] = [_("The question contains characters that cannot be read.")]
    if not isinstance(lang, str) or lang.lower() not in LANGUAGES:
        errors["lang"] = [_("Choose zh-hans, zh-hant or en.")]
    if errors:
        raise Invalid(fields=errors)
    return " ".join(question.split()), lang.lower()


def assistant_answer(*, actor: Actor, hall: Hall, question, lang) -> Reply:
    """The answer to ``question`` in ``lang`` from ``hall``'s knowledge (public, rate-limited)."""
    question, lang = check_question(question, lang)
    rate_limit(actor=actor, scope="assistant", per_minute=30)
    return answer_for(hall, question, lang)


def answer_for(hall: Hall, question: str, lang: str) -> Reply:
    """The answer without the checks (the bench and the tests call it directly)."""
    ranked, _which = hall_index(hall).search(question, limit=3)
    aspects = asked_aspects(question)
    ranked = _prefer_item_for_aspects(ranked, aspects)
    with translation.override(lang):
        if not ranked or ranked[0].coverage < COVERAGE_MIN or ranked[0].score < SCORE_MIN:
            return Reply(declined_text(), [], False, ranked)
        top = ranked[0]
        if top.doc.kind == "faq":
            text, sources = _faq_answer(top, lang)
        elif top.doc.kind == "hours":
            text, sources = hours_text(top.doc.payload, lang), [_hours_source(top)]
        else:
            text, sources = _item_answer(top, aspects, lang), [item_source(top.doc.id, top.doc.payload, lang)]
        return Reply(text, sources, True, ranked)


def _prefer_item_for_aspects(ranked: list[Ranked], aspects: list[str]) -> list[Ranked]:
    """ "How long does a passport take" asks the item's time limit: when an FAQ entry of an item comes
    first but the item itself covers the question as well, the item's own fields answer it."""
    if not aspects or not ranked or ranked[0].doc.kind != "faq" or not ranked[0].doc.item_code:
        return ranked
    faq = ranked[0].doc.payload
    asked = " ".join([faq["question"], faq["question_en"]]).lower()
    if any(word in asked for aspect in aspects for word in ASPECTS[aspect]):
        return ranked  # the entry is about what was asked ("可以网上办吗", "多久到账")
    for r in ranked[1:]:
        if r.doc.kind == "item" and r.doc.id == ranked[0].doc.item_code and r.coverage >= ranked[0].coverage:
            return [r, *(x for x in ranked if x is not r)]
    return ranked


def declined_text() -> str:
    return _(
        "Sorry, I could not find this in the hall's own information, and I would rather not guess. "
        "Would you like to ask a person? Leave your question and mobile number and the hall's staff "
        "will answer."
    )


def asked_aspects(question: str) -> list[str]:
    from servicehall.catalog.search import to_simplified

    text = to_simplified(question).lower()
    return [name for name, words in ASPECTS.items() if any(w in text for w in words)]


def _name(payload: dict, lang: str, key: str = "name") -> str:
    return pick(
        payload.get(key, ""),
        en=payload.get(f"{key}_en", ""),
        zh_hant=payload.get(f"{key}_zh_hant", ""),
        language=lang,
    )


def item_source(code: str, payload: dict, lang: str) -> dict:
    return {"kind": "item", "id": code, "title": _name(payload, lang)}


def _hours_source(top: Ranked) -> dict:
    return {"kind": "hours", "id": top.doc.id, "title": _("Opening hours")}


def _faq_answer(top: Ranked, lang: str) -> tuple[str, list[dict]]:
    p = top.doc.payload
    question = _name(p, lang, "question")
    answer = _name(p, lang, "answer")
    sources = [{"kind": "faq", "id": top.doc.id, "title": question}]
    if top.doc.item_code:
        sources.append(
            item_source(top.doc.item_code, {k[5:]: v for k, v in p.items() if k.startswith("item_")}, lang)
        )
    return answer, sources


def _item_answer(top: Ranked, aspects: list[str], lang: str) -> str:
    p = top.doc.payload
    parts = [_("About “%(name)s”:") % {"name": _name(p, lang)}]
    for aspect in aspects or SUMMARY:
        parts.append(ASPECT_TEXT[aspect](p, lang))
    return "\n".join(part for part in parts if part)


def _counts(originals: int, copies: int) -> str:
    """ "1 original", "2 copies", or both; never "0 copies" (the catalogue's own plural forms)."""
    parts = []
    if originals:
        parts.append(ngettext("%(n)s original", "%(n)s originals", originals) % {"n": originals})
    if copies:
        parts.append(ngettext("%(n)s copy", "%(n)s copies", copies) % {"n": copies})
    return ", ".join(parts)


def materials_text(p: dict, lang: str) -> str:
    if not p["materials"]:
        return _("No materials are listed: bring your identity card.")
    lines = [_("Bring:")]
    for n, m in enumerate(p["materials"], 1):
        counts = _counts(m["originals"], m["copies"])
        line = f"{n}. {_name(m, lang)}" + (f" ({counts})" if counts else "")
        if not m["required"]:
            condition = pick(m["condition"], en=m["condition_en"], language=lang)
            line += " — " + (
                _("only if: %(condition)s") % {"condition": condition} if condition else _("if applicable")
            )
        lines.append(line)
    return "\n".join(lines)


def time_text(p: dict, lang: str) -> str:
    promised, legal = p["promised_limit_days"], p["legal_limit_days"]
    if promised:
        return _("Time limit: done within %(promised)s working days (legal limit %(legal)s).") % {
            "promised": promised,
            "legal": legal or promised,
        }
    if legal:
        return _("Time limit: at most %(legal)s working days by law.") % {"legal": legal}
    return _("Time limit: done on the spot when the materials are complete.")


def fee_text(p: dict, lang: str) -> str:
    note = pick(p["fee_note"], en=p["fee_note_en"], language=lang)
    if float(p["fee_cny"]) == 0:
        text = _("Fee: free of charge.")
    else:
        text = _("Fee: %(fee)s yuan.") % {"fee": p["fee_cny"].removesuffix(".00")}
    return f"{text} {note}".strip()


def windows_text(p: dict, lang: str) -> str:
    if not p["counters"]:
        return _("Windows: ask at the information desk.")
    groups: dict[str, list[str]] = {}
    for c in p["counters"]:
        groups.setdefault(pick(c["name"], en=c["name_en"], language=lang), []).append(c["number"])
    names = "; ".join(f"{', '.join(numbers)} ({name})" for name, numbers in groups.items())
    return _("Windows that serve it: %(windows)s.") % {"windows": names}


def visits_text(p: dict, lang: str) -> str:
    text = _("Visits to the hall: %(visits)s.") % {"visits": VisitsRequired(p["visits_required"]).label}
    if p["fully_online"]:
        text += " " + _("It can be done entirely online.")
    return text


def steps_text(p: dict, lang: str) -> str:
    from servicehall.core.localize import pick_list

    steps = pick_list(p["steps"], en=p["steps_en"], language=lang)
    return _("Steps: %(steps)s.") % {"steps": " → ".join(steps)} if steps else ""


def hours_text(p: dict, lang: str) -> str:
    names = dict(WEEKDAYS)
    by_day: dict[int, list[str]] = {}
    for period in p["periods"]:
        by_day.setdefault(period["weekday"], []).append(f"{period['opens']}–{period['closes']}")
    if not by_day:
        return _("The hall has not published its opening hours; call it before you come.")
    lines = [_("Opening hours of %(hall)s:") % {"hall": pick(p["name"], en=p["name_en"], language=lang)}]
    lines += [f"{names[day]}: {', '.join(spans)}" for day, spans in sorted(by_day.items())]
    closed = [str(names[d]) for d in range(7) if d not in by_day]
    if closed:
        lines.append(_("Closed: %(days)s, and on public holidays.") % {"days": ", ".join(closed)})
    return "\n".join(lines)


ASPECT_TEXT = {
    "materials": materials_text,
    "time": time_text,
    "fee": fee_text,
    "windows": windows_text,
    "visits": visits_text,
    "steps": steps_text,
}
LANGUAGE_CONTENT = {"zh-hans": "zh-hans", "zh-hant": TRADITIONAL, "en": ENGLISH}
