"""The manager's form editor, server-rendered: a definition as rows of inputs (one row per field, one per
section, a blank row of each to add one) and back. Reordering is the ``order`` number of each row (the
editor's small script moves rows and renumbers; without it the manager types the numbers); removing is a
checkbox. What comes back is always a well-formed structure, so an invalid definition is shown again with
the errors beside its fields."""

from servicehall.eforms.choices import FieldType
from servicehall.eforms.definition import PREFILL_FIELDS

LANGS = ("zh_hans", "zh_hant", "en")
MAX_ROWS = 150


def _text(data, prefix: str) -> dict:
    return {lang: (data.get(f"{prefix}_{lang}") or "").strip() for lang in LANGS}


def _count(data, name: str) -> int:
    try:
        return max(0, min(int(data.get(name) or 0), MAX_ROWS))
    except ValueError:
        return 0


def _choices(raw: str) -> list[dict]:
    """``value|简体|繁體|English`` per line."""
    out = []
    for line in (raw or "").splitlines():
        parts = [p.strip() for p in line.split("|")]
        if not parts[0]:
            continue
        parts += [""] * (4 - len(parts))
        out.append(
            {
                "value": parts[0],
                "label": {"zh_hans": parts[1] or parts[0], "zh_hant": parts[2], "en": parts[3]},
            }
        )
    return out


def _field(data, i: int) -> dict | None:
    p = f"f-{i}-"
    key = (data.get(p + "key") or "").strip()
    if not key or data.get(p + "delete"):
        return None
    field = {"key": key, "type": data.get(p + "type") or FieldType.TEXT, "label": _text(data, p + "label")}
    help_text = _text(data, p + "help")
    if any(help_text.values()):
        field["help"] = help_text
    if data.get(p + "required"):
        field["required"] = True
    if pattern := (data.get(p + "pattern") or "").strip():
        field["pattern"] = pattern
    if field["type"] == FieldType.CHOICE:
        field["choices"] = _choices(data.get(p + "choices"))
    if cond := (data.get(p + "cond_field") or "").strip():
        field["condition"] = {"field": cond, "equals": (data.get(p + "cond_equals") or "").strip()}
    if (prefill := data.get(p + "prefill") or "") in PREFILL_FIELDS:
        field["prefill"] = prefill
    return field


def _order(data, i: int) -> float:
    try:
        return float(data.get(f"f-{i}-order") or (i + 1) * 10)
    except ValueError:
        return (i + 1) * 10


def posted_definition(data) -> dict:
    """The definition the editor's page posted."""
    sections = []
    for j in range(_count(data, "s_count") + 1):
        key = (data.get(f"s-{j}-key") or "").strip()
        if key and not data.get(f"s-{j}-delete"):
            sections.append({"key": key, "title": _text(data, f"s-{j}-title"), "fields": []})
    if not sections:
        return {"sections": []}
    by_key = {s["key"]: s for s in sections}
    rows = []
    for i in range(_count(data, "f_count") + 1):
        field = _field(data, i)
        if field is not None:
            rows.append((_order(data, i), i, data.get(f"f-{i}-section") or "", field))
    for _order_no, _i, section, field in sorted(rows, key=lambda r: (r[0], r[1])):
        by_key.get(section, sections[0])["fields"].append(field)
    return {"sections": sections}


def _choices_text(field: dict) -> str:
    return "\n".join(
        "|".join(
            [
                c["value"],
                c["label"].get("zh_hans", ""),
                c["label"].get("zh_hant", ""),
                c["label"].get("en", ""),
            ]
        )
        for c in field.get("choices", [])
    )


def editor_rows(definition: dict, errors: dict) -> dict:
    """The editor's sections and field rows (each with its errors), plus one blank row of each."""
    sections = [
        {"i": j, "key": s["key"], "title": s["title"], "errors": errors.get(f"section:{s['key']}", [])}
        for j, s in enumerate(definition.get("sections", []))
    ]
    sections.append({"i": len(sections), "key": "", "title": {}, "errors": [], "new": True})
    fields, i = [], 0
    for section in definition.get("sections", []):
        for field in section["fields"]:
            fields.append(
                {
                    "i": i,
                    "order": (i + 1) * 10,
                    "section": section["key"],
                    "field": field,
                    "choices_text": _choices_text(field),
                    "errors": errors.get(field["key"], []) + errors.get(f"field:{len(fields) + 1}", []),
                }
            )
            i += 1
    fields.append(
        {
            "i": i,
            "order": (i + 1) * 10,
            "section": "",
            "field": {"label": {}},
            "choices_text": "",
            "errors": [],
            "new": True,
        }
    )
    return {
        "sections": sections,
        "fields": fields,
        "s_count": len(sections) - 1,
        "f_count": len(fields) - 1,
        "keys": [f["field"]["key"] for f in fields[:-1]],
    }
