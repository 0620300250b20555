"""The report, its PDF and CSV and the indicator-system page read in the reader's language: methods,
metrics and cleaning rules by name, no raw codes, no Python dicts, and every character of the PDF drawn by
its font."""

import datetime
import io
import re

import pytest
from django.test import Client
from pypdf import PdfReader
from reportlab.pdfbase import pdfmetrics

from servicehall.quality import services
from servicehall.quality.simulate import simulate
from tests.quality.test_report import evaluator, published  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db

URL = "/staff/hall-a/quality/report/?from=2030-03-01&to=2030-03-05"
RAW_CODE = re.compile(r"\b[a-z]+_[a-z0-9_]+\b")


def codes_in(text: str) -> list[str]:
    """The snake_case codes in ``text`` (the test users' names, like evaluator_a, are no codes)."""
    return [c for c in RAW_CODE.findall(text) if not re.fullmatch(r"[a-z]+_[ab]2?", c)]


def visible(html: str) -> str:
    """The page's text as a reader sees it (tags, attributes, scripts and styles removed)."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture
def history(clock, hall_a, items_a, actors, published):  # noqa: F811
    system, q = published
    simulate(hall=hall_a, questionnaire=q, days=5, tickets_per_day=30, start=datetime.date(2030, 3, 1))
    services.cleaning_run(actor=actors["evaluator_a"], questionnaire=q)
    return system, q


@pytest.fixture
def english(staff):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(staff["evaluator_a"])
    return client


def test_the_report_page_names_methods_operators_and_cleaning_rules(history, english):
    text = visible(english.get(URL + "&fuzzy=max_min").content.decode())
    assert "Weighted average" in text and "Max–min" in text and "Bounded sum" in text
    assert "Saaty (1980)" in text
    assert "Duplicate answers" in text and "Answered too fast" in text
    assert not codes_in(text), codes_in(text)


def test_the_chinese_report_page_shows_no_raw_codes(history, evaluator):  # noqa: F811
    text = visible(evaluator.get(URL + "&fuzzy=max_min").content.decode())
    assert not codes_in(text), codes_in(text)


def test_the_indicator_system_page_names_the_metrics(history, english):
    system, _q = history
    text = visible(english.get(f"/staff/hall-a/quality/systems/{system.pk}/").content.decode())
    assert "Mean waiting time (minutes)" in text
    assert "wait_mean" not in text and not codes_in(text)


def pdf_text(client) -> str:
    pdf = client.get(URL + "&format=pdf&fuzzy=max_min")
    assert pdf["Content-Type"] == "application/pdf"
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)


def test_the_chinese_pdf_has_no_codes_nor_english_fragments(history, evaluator):  # noqa: F811
    text = pdf_text(evaluator)
    assert not codes_in(text), codes_in(text)
    for english_word in ("objective", "subjective", "against the previous", "saaty", "speeder", "duplicate"):
        assert english_word not in text
    assert "问卷" in text  # the kind column by name (the article template has no objective-only leaf)


def test_every_character_of_the_pdf_is_one_its_font_can_draw(history, evaluator, english):  # noqa: F811
    from servicehall.core.pdf import cjk_font_name

    font = pdfmetrics.getFont(cjk_font_name())
    chars = getattr(getattr(font, "face", None), "charToGlyph", None)
    if not chars:
        pytest.skip("no TrueType CJK font installed: the reader's CID font draws the text")
    text = pdf_text(evaluator) + pdf_text(english)
    missing = sorted({c for c in text if not c.isspace() and (ord(c) not in chars or not c.isprintable())})
    assert not missing, missing
    assert "・" in text or "·" in text  # the middle dot is drawn, not dropped


def test_the_csv_gives_the_evidence_in_columns(history, english):
    import csv

    body = english.get(URL + "&format=csv").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    head = rows[0]
    assert head[:6] == ["dimension", "code", "indicator", "kind", "global_weight", "score"]
    assert {"metric", "value", "best", "worst", "n", "mean", "sd"} <= set(head)
    assert "{" not in body and "evidence" not in head
    # the article's 现场排队状况 is asked about and measured by the mean wait: both halves in columns
    queue = next(r for r in rows[1:] if r[head.index("metric")] == "Mean waiting time (minutes)")
    assert float(queue[head.index("value")]) > 0
    assert queue[head.index("kind")] == "questionnaire" and queue[head.index("n")] != ""


def test_a_character_the_font_lacks_is_drawn_as_a_look_alike_not_a_box():
    from reportlab.platypus import SimpleDocTemplate

    from servicehall.core.pdf import cjk_font_name, paragraph, styles

    font = pdfmetrics.getFont(cjk_font_name())
    chars = getattr(getattr(font, "face", None), "charToGlyph", None)
    if not chars:
        pytest.skip("no TrueType CJK font installed: the reader's CID font draws the text")
    buffer = io.BytesIO()
    line = paragraph("感知 − 期望 ≤ 0 · 服务 — 窗口", styles(font.fontName)["base"])
    SimpleDocTemplate(buffer).build([line])
    text = PdfReader(io.BytesIO(buffer.getvalue())).pages[0].extract_text()
    assert "感知" in text and "期望" in text
    missing = sorted({c for c in text if not c.isspace() and (ord(c) not in chars or not c.isprintable())})
    assert not missing, missing


def test_the_default_report_is_built_once_and_again_only_after_new_data(
    history, english, monkeypatch, hall_a, admin_actor, staff
):
    from servicehall.core import services as core_services
    from servicehall.core.models import Counter
    from servicehall.quality import report

    calls = []
    real = report.report_build
    monkeypatch.setattr(report, "report_build", lambda **kw: calls.append(1) or real(**kw))
    first = english.get(URL).content.decode()
    built_once = len(calls)
    assert built_once >= 1
    again = english.get(URL).content.decode()
    assert len(calls) == built_once  # served from the cache
    assert "Composite service-quality index" in again and again.count("<svg") == first.count("<svg")
    chinese = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    chinese.force_login(staff["evaluator_a"])
    chinese.get(URL)
    assert len(calls) == 2 * built_once  # each language has its own labels
    counter = Counter.objects.filter(hall=hall_a).first()
    core_services.counter_update(actor=admin_actor, counter=counter, name="新名称窗口")  # audited: new data
    english.get(URL)
    assert len(calls) == 3 * built_once
