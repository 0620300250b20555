"""Every field a citizen can type into on a kiosk page declares the on-screen keyboard it needs, and keeps
the system keyboard away (issue 12, item 9). The pages are rendered in every state that shows a different
set of fields (results, refusals beside the fields, the rating's two steps), and every template that extends
the kiosk base must be among them: a new kiosk page, or a new field without a keyboard, fails here."""

from html.parser import HTMLParser
from pathlib import Path

import pytest

import servicehall

pytestmark = pytest.mark.django_db

KEYBOARDS = {"pinyin", "text", "digits", "phone", "id", "code"}
# A field whose content has a known alphabet gets that keyboard, not a letter one.
EXPECTED = {
    "q": "pinyin",
    "phone": "phone",
    "id_number": "id",
    "code": "code",
    "lookup": "code",
    "comment": "text",
}
NOT_TYPED = {"hidden", "radio", "checkbox", "submit", "button", "reset", "image"}


class Fields(HTMLParser):
    """The typed fields of a page, the large-print toggle and the keyboard's panel and script."""

    def __init__(self):
        super().__init__()
        self.fields: list[dict] = []
        self.ids: set[str] = set()
        self.scripts: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        if tag == "script" and attrs.get("src"):
            self.scripts.append(attrs["src"])
        if tag == "textarea" or (tag == "input" and (attrs.get("type") or "text") not in NOT_TYPED):
            self.fields.append({"tag": tag, **attrs})


def _kiosk_pages(client, served) -> dict[str, object]:
    ticket = served()
    return {
        "home": client.get("/kiosk/hall-a/"),
        "results": client.get("/kiosk/hall-a/?q=sb"),
        "item": client.get("/kiosk/hall-a/items/SB-001/"),
        "item refused": client.post("/kiosk/hall-a/items/SB-001/ticket", {"phone": "123"}),
        "identify (optional)": client.post("/kiosk/hall-a/items/SB-001/ticket", {"priority": "normal"}),
        "identify refused": client.post(
            "/kiosk/hall-a/items/SB-001/ticket", {"step": "identify", "id_number": "11010519491231002"}
        ),
        "ticket": client.get(f"/kiosk/hall-a/tickets/{ticket.public_id}/"),
        "pair refused": client.get("/kiosk/hall-a/pair/?token=wrong"),
        "check-in": client.get("/kiosk/hall-a/check-in/"),
        "check-in refused": client.post("/kiosk/hall-a/check-in/", {"id_number": "11010519491231002X"}),
        "rate lookup": client.get("/kiosk/hall-a/rate/"),
        "rate lookup refused": client.post("/kiosk/hall-a/rate/", {"lookup": "Z999"}),
        "rate levels": client.post("/kiosk/hall-a/rate/", {"lookup": ticket.number + ticket.rating_code}),
        "feedback": client.get("/kiosk/hall-a/feedback/"),
        "feedback refused": client.post("/kiosk/hall-a/feedback/", {"type": "complaint", "text": "x"}),
        "feedback received": client.post(
            "/kiosk/hall-a/feedback/", {"type": "suggestion", "subject": "hall", "text": "多放椅子"}
        ),
        "follow feedback": client.get("/kiosk/hall-a/feedback/track/"),
        "follow feedback refused": client.post(
            "/kiosk/hall-a/feedback/track/", {"code": "ZZZZ", "phone": "1"}
        ),
        "find a window": client.get("/kiosk/hall-a/find/?q=sb"),
        "the way to a window": client.get("/kiosk/hall-a/find/route/?to=counter:3"),
        "ask the hall": client.get("/kiosk/hall-a/ask/?ask=sb"),
        "ask a person refused": client.post("/kiosk/hall-a/ask/", {"question": "社保", "phone": "123"}),
        # Electronic forms: the fill page's fields are checked in tests/eforms/test_views.py.
        "forms": client.get("/kiosk/hall-a/forms/"),
        "case progress": client.get("/kiosk/hall-a/progress/"),
        "case progress refused": client.post("/kiosk/hall-a/progress/", {"number": "1", "phone": "123"}),
    }


def _kiosk_templates() -> set[str]:
    """Every template that extends the kiosk base, as Django names it (``app/page.html``)."""
    root = Path(servicehall.__file__).parent
    found = set()
    for path in root.glob("*/templates/**/*.html"):
        if '{% extends "base_kiosk.html" %}' in path.read_text(encoding="utf-8"):
            parts = path.relative_to(root).parts
            found.add("/".join(parts[parts.index("templates") + 1 :]))
    return found


def test_every_field_on_every_kiosk_page_declares_its_keyboard(clock, served, kiosk_client, hall_map):
    pages = _kiosk_pages(kiosk_client, served)
    rendered = {t.name for response in pages.values() for t in response.templates}
    missing = _kiosk_templates() - rendered
    assert not missing, f"kiosk pages this test does not render (add them to _kiosk_pages): {missing}"
    seen = set()
    problems = []
    for name, response in pages.items():
        assert response.status_code < 500, name
        parsed = Fields()
        parsed.feed(response.content.decode())
        assert "large-print" in parsed.ids, f"{name}: no large-print toggle"
        assert "kb" in parsed.ids and any(s.endswith("/keyboard.js") for s in parsed.scripts), name
        for field in parsed.fields:
            label = f"{name}: <{field['tag']} name={field.get('name')}>"
            seen.add(field.get("name"))
            if field.get("data-keyboard") not in KEYBOARDS:
                problems.append(f"{label} declares no keyboard (data-keyboard={field.get('data-keyboard')})")
            elif field.get("name") in EXPECTED and field["data-keyboard"] != EXPECTED[field["name"]]:
                problems.append(f"{label} has the {field['data-keyboard']} keyboard")
            if field.get("inputmode") != "none":
                problems.append(f"{label} lets the system keyboard pop up ({field.get('inputmode')})")
    assert not problems, "\n".join(problems)
    # The pages above really show every kind of field the kiosk has.
    assert seen >= set(EXPECTED), seen


def test_the_comment_offers_quick_phrases_at_the_kiosk_only(clock, served, kiosk_client):
    ticket = served()
    page = kiosk_client.post("/kiosk/hall-a/rate/", {"lookup": ticket.number + ticket.rating_code})
    html = page.content.decode()
    assert 'data-keyboard-phrases="comment-phrases"' in html
    assert '<ul hidden id="comment-phrases"><li>' in html
    # The phone's rating page keeps the phone's own keyboard: no inputmode="none" there.
    phone = kiosk_client.get(f"/t/{served().public_id}/rate")
    assert phone.status_code == 200
    assert "<textarea" in phone.content.decode() and 'inputmode="none"' not in phone.content.decode()
