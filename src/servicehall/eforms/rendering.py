"""Between a form definition and a server-rendered page: the rows a template draws (labels in the
reader's language, the value typed, the errors beside it, the kiosk keyboard each field needs) and the
answers read back from a posted page (``f_<key>`` inputs)."""

from servicehall.eforms.choices import FieldType
from servicehall.eforms.definition import fields_of, text

INPUT = {
    # type: (HTML input type, inputmode, kiosk keyboard, keys of a "code" keyboard)
    FieldType.TEXT: ("text", "text", "text", ""),
    FieldType.ADDRESS: ("text", "text", "text", ""),
    FieldType.NUMBER: ("text", "decimal", "code", "0123456789."),
    FieldType.DATE: ("date", "numeric", "code", "0123456789-"),
    FieldType.ID_NUMBER: ("text", "text", "id", ""),
    FieldType.USCC: ("text", "text", "code", "0123456789ABCDEFGHJKLMNPQRTUWXY"),
    FieldType.PHONE: ("tel", "tel", "phone", ""),
}
MAX_POSTED_CHARS = 5000


def field_rows(
    definition: dict, values: dict, errors: dict, *, kiosk: bool = False, uploads: dict | None = None
) -> list[dict]:
    """One dict per section with its field rows, ready for ``eforms/_field.html``. ``uploads`` (field key →
    ``FormFile``) are the documents already uploaded; ``None`` where nothing can be uploaded (the kiosk has
    no files to pick, so a file field there only says "I will hand it in")."""
    sections = []
    for section in definition.get("sections", []):
        rows = []
        for field in section["fields"]:
            kind = field["type"]
            html_type, mode, keyboard, keys = INPUT.get(kind, ("text", "text", "text", ""))
            if kiosk and kind == FieldType.DATE:
                html_type = "text"  # the kiosk's keyboard types the date; no system date picker
            value = values.get(field["key"], "")
            key, error_list = field["key"], errors.get(field["key"], [])
            described = ([f"h-{key}"] if field.get("help") else []) + ([f"e-{key}"] if error_list else [])
            rows.append(
                {
                    "key": field["key"],
                    "type": kind,
                    "label": text(field["label"]),
                    "help": text(field.get("help")) if field.get("help") else "",
                    "required": bool(field.get("required")),
                    "value": "" if value is None else str(value),
                    "errors": error_list,
                    "describedby": " ".join(described),
                    "choices": [
                        {"value": c["value"], "label": text(c["label"])} for c in field.get("choices", [])
                    ],
                    "condition": field.get("condition") or {},
                    "html_type": html_type,
                    "inputmode": "none" if kiosk else mode,
                    "keyboard": keyboard if kiosk else "",
                    "can_upload": uploads is not None and not kiosk,
                    "uploaded": (uploads or {}).get(key),
                    "keys": keys,
                    "maxlength": field.get("max_length", 500),
                }
            )
        sections.append({"key": section["key"], "title": text(section["title"]), "rows": rows})
    return sections


def posted_answers(definition: dict, data) -> dict:
    """The answers of a posted page: ``f_<key>`` for each field of the definition (a file field is a
    checkbox "I will hand it in"); anything else in the post is ignored. Over-long values are cut to a
    length the check then refuses, so a huge post never reaches the schema whole."""
    out = {}
    for field in fields_of(definition):
        value = data.get(f"f_{field['key']}")
        if value is None:
            continue
        out[field["key"]] = value[: MAX_POSTED_CHARS + 1] if isinstance(value, str) else value
    return out
