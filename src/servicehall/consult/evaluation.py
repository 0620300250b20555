"""Measure the assistant on a labelled question set (``tests/consult/questions.json``): top-1 and top-3
accuracy of the ranking, the share answered correctly (confident and right), the share of unanswerable
questions declined, and the time per question. Used by the quality test and ``bench/assistant.py``.

A hit is the expected document itself, or, for a question whose answer is an item, an FAQ entry of that
item (the answer then names the item as its second source).
"""

import statistics
import time

from servicehall.consult.assistant import answer_for
from servicehall.consult.models import Faq
from servicehall.core.models import Hall


def _expected(hall: Hall, label, aliases: dict) -> tuple[str, str] | None:
    if label is None:
        return None
    if label == "hours":
        return ("hours", hall.code)
    if label.startswith("faq:"):
        faq = Faq.objects.filter(hall=hall, question=label[4:]).first()
        return ("faq", str(faq.pk) if faq else "missing:" + label)
    return ("item", aliases.get(label, label))


def _hit(doc, expected: tuple[str, str]) -> bool:
    kind, ident = expected
    if (doc.kind, doc.id) == (kind, ident):
        return True
    return kind == "item" and doc.kind == "faq" and doc.item_code == ident


def evaluate(hall: Hall, labelled: dict) -> dict:
    """The figures for ``hall`` on ``labelled`` (``{"items": aliases, "questions": [...]}``), with the
    misses listed so that a failing test says which questions went wrong."""
    aliases = labelled.get("items", {})
    answer_for(hall, "护照", "zh-hans")  # build the index outside the timing
    top1 = top3 = right = answerable = declined = unanswerable = 0
    times, misses, declines = [], [], []
    for row in labelled["questions"]:
        expected = _expected(hall, row["expect"], aliases)
        started = time.perf_counter()
        reply = answer_for(hall, row["q"], row["lang"])
        times.append((time.perf_counter() - started) * 1000)
        if expected is None:
            unanswerable += 1
            declined += not reply.confident
            best = reply.best[0] if reply.best else None
            declines.append((round(best.coverage, 2), round(best.score, 2)) if best else (0, 0))
            if reply.confident:
                misses.append({"q": row["q"], "expect": None, "got": reply.sources[:1]})
            continue
        answerable += 1
        hits = [_hit(r.doc, expected) for r in reply.best[:3]]
        top1 += bool(hits[:1] and hits[0])
        top3 += any(hits)
        right += bool(reply.confident and hits[:1] and hits[0])
        if not (reply.confident and hits[:1] and hits[0]):
            got = [(r.doc.kind, r.doc.id, round(r.score, 2), round(r.coverage, 2)) for r in reply.best]
            misses.append({"q": row["q"], "expect": row["expect"], "confident": reply.confident, "got": got})
    times.sort()
    return {
        "questions": answerable + unanswerable,
        "answerable": answerable,
        "unanswerable": unanswerable,
        "top1": round(top1 / max(answerable, 1), 3),
        "top3": round(top3 / max(answerable, 1), 3),
        "answered_correctly": round(right / max(answerable, 1), 3),
        "declined_correctly": round(declined / max(unanswerable, 1), 3),
        "latency_ms": {
            "p50": round(statistics.median(times), 2),
            "p99": round(times[min(len(times) - 1, int(len(times) * 0.99))], 2),
            "max": round(times[-1], 2),
        },
        "misses": misses,
        "unanswerable_best": sorted(declines, reverse=True),
    }
