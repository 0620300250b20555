"""Checking a citizen's answers against a form version.

``answers_schema(definition)`` is the JSON Schema of the answers (each field typed, required fields listed,
"show B when A = value" as ``if``/``then``), published by the API so another system can check before it
sends. ``answers_check`` runs it with ``jsonschema`` after cleaning what people type (spaces, a lower-case
``x`` in an ID number, ``+86``), drops the answers of hidden fields and unknown keys, then checks what a
schema cannot: resident-ID and USCC check characters, a real date between 1900 and 2099. Every error is
keyed by the form field's key, in the reader's language.
"""

import datetime
import math
import re
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from jsonschema import Draft202012Validator

from servicehall.core.errors import Invalid
from servicehall.core.identity import (
    is_valid_resident_id,
    is_valid_uscc,
    normalize_phone,
    normalize_resident_id,
)
from servicehall.eforms.choices import FieldType
from servicehall.eforms.definition import fields_of, text

MAX_RAW_CHARS = 5000  # a value longer than this is refused before anything else reads it
DEFAULT_MAX_LENGTH = {FieldType.TEXT: 500, FieldType.ADDRESS: 300, FieldType.FILE: 200}
NUMBER_LIMIT = 1e12
PHONE_PATTERN = r"^(1[3-9]\d{9}|0\d{9,11})$"
ID_PATTERN = r"^\d{17}[\dX]$"
USCC_PATTERN = r"^[0-9A-HJ-NPQRTUWXY]{18}$"
DATE_PATTERN = r"^\d{4}-\d{2}-\d{2}$"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _property(field: dict) -> dict:
    kind = field["type"]
    if kind == FieldType.NUMBER:
        return {
            "type": "number",
            "minimum": field.get("minimum", -NUMBER_LIMIT),
            "maximum": field.get("maximum", NUMBER_LIMIT),
        }
    if kind == FieldType.CHOICE:
        return {"type": "string", "enum": [c["value"] for c in field.get("choices", [])]}
    fixed = {
        FieldType.DATE: DATE_PATTERN,
        FieldType.ID_NUMBER: ID_PATTERN,
        FieldType.USCC: USCC_PATTERN,
        FieldType.PHONE: PHONE_PATTERN,
    }
    if kind in fixed:
        return {"type": "string", "pattern": fixed[kind]}
    out = {"type": "string", "maxLength": field.get("max_length", DEFAULT_MAX_LENGTH.get(kind, 500))}
    if field.get("pattern"):
        out["pattern"] = f"^(?:{field['pattern']})$"
    return out


def answers_schema(definition: dict) -> dict:
    """The JSON Schema the answers of ``definition`` must satisfy (hidden fields' answers removed)."""
    fields = fields_of(definition)
    conditional = [f for f in fields if f.get("condition")]
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "properties": {f["key"]: _property(f) for f in fields},
        "required": [f["key"] for f in fields if f.get("required") and not f.get("condition")],
        "additionalProperties": False,
    }
    rules = []
    for field in conditional:
        condition = field["condition"]
        rules.append(
            {
                "if": {
                    "properties": {condition["field"]: {"const": condition["equals"]}},
                    "required": [condition["field"]],
                },
                "then": {"required": [field["key"]]} if field.get("required") else {},
                "else": {"not": {"required": [field["key"]]}},
            }
        )
    if rules:
        schema["allOf"] = rules
    return schema


def _clean_value(field: dict, value):
    """``(clean value, error)``: what people type, normalised; ``None`` when left blank."""
    if value is None:
        return None, None
    if isinstance(value, bool):
        return None, _("Enter a value of the right kind.")
    if isinstance(value, (list, dict, tuple, set)):
        return None, _("Enter a single value, not a list or an object.")
    if isinstance(value, (int, float)):
        if field["type"] != FieldType.NUMBER:
            value = str(value)
        elif not math.isfinite(value):
            return None, _("Enter a number.")
        else:
            return value, None
    if not isinstance(value, str):
        return None, _("Enter a value of the right kind.")
    if len(value) > MAX_RAW_CHARS:
        return None, _("This is far too long.")
    if _CONTROL.search(value):
        return None, _("Remove the control characters (such as NUL) from this answer.")
    value = value.strip()
    if not value:
        return None, None
    kind = field["type"]
    if kind == FieldType.NUMBER:
        try:
            number = Decimal(value.replace(",", ""))
        except InvalidOperation:
            return value, None  # the schema says it is not a number
        if not number.is_finite():
            return None, _("Enter a number.")
        return (int(number) if number == number.to_integral_value() else float(number)), None
    if kind == FieldType.ID_NUMBER:
        return normalize_resident_id(value), None
    if kind == FieldType.USCC:
        return value.replace(" ", "").upper(), None
    if kind == FieldType.PHONE:
        return normalize_phone(value), None
    return value, None


def _visible(field: dict, cleaned: dict, shown: set[str]) -> bool:
    condition = field.get("condition")
    if not condition:
        return True
    return condition["field"] in shown and str(cleaned.get(condition["field"], "")) == condition["equals"]


def _extra_error(field: dict, value) -> str | None:
    """What the schema cannot check: check characters and real dates."""
    kind = field["type"]
    if kind == FieldType.ID_NUMBER and not is_valid_resident_id(value):
        return _("This is not a valid resident ID number: check the 18 characters.")
    if kind == FieldType.USCC and not is_valid_uscc(value):
        return _("This is not a valid unified social credit code: check the 18 characters.")
    if kind == FieldType.DATE:
        try:
            day = datetime.date.fromisoformat(value)
        except ValueError:
            return _("Enter a real date (YYYY-MM-DD).")
        if not 1900 <= day.year <= 2099:
            return _("Enter a date between 1900 and 2099.")
    return None


def _schema_message(error, field: dict) -> str:
    rule = error.validator
    if rule == "required":
        return _("This field is required.")
    if rule == "maxLength":
        return _("At most %(n)s characters.") % {"n": error.validator_value}
    if rule == "enum":
        return _("Choose one of the options.")
    if rule == "minimum":
        return _("At least %(n)s.") % {"n": error.validator_value}
    if rule == "maximum":
        return _("At most %(n)s.") % {"n": error.validator_value}
    if rule == "type" and field["type"] == FieldType.NUMBER:
        return _("Enter a number.")
    messages = {
        FieldType.DATE: _("Enter a real date (YYYY-MM-DD)."),
        FieldType.ID_NUMBER: _("This is not a valid resident ID number: check the 18 characters."),
        FieldType.USCC: _("This is not a valid unified social credit code: check the 18 characters."),
        FieldType.PHONE: _("Enter an 11-digit mobile number or a landline number with its area code."),
    }
    return messages.get(field["type"], _("The format is not valid."))


def _schema_errors(definition: dict, cleaned: dict, *, partial: bool) -> dict[str, list[str]]:
    schema = answers_schema(definition)
    if partial:
        schema["required"] = []
        schema.pop("allOf", None)
    by_key = {f["key"]: f for f in fields_of(definition)}
    errors: dict[str, list[str]] = {}
    for error in Draft202012Validator(schema).iter_errors(cleaned):
        if error.validator == "required":
            keys = [k for k in error.validator_value if k not in (error.instance or {})]
        elif error.absolute_path:
            keys = [str(error.absolute_path[0])]
        else:
            continue  # an if/else of a hidden field: its answer was already dropped
        for key in keys:
            if key in by_key and key not in errors:
                errors[key] = [_schema_message(error, by_key[key])]
    return errors


def answers_check(definition: dict, answers, *, partial: bool = False) -> dict:
    """The cleaned answers of the visible fields, or ``Invalid`` with each field's errors. ``partial``
    (a draft) checks what was given and does not ask for the missing required answers."""
    if not isinstance(answers, dict):
        raise Invalid(_("The answers must be an object of field keys and values."), fields={})
    fields = fields_of(definition)
    cleaned: dict = {}
    errors: dict[str, list[str]] = {}
    shown: set[str] = set()
    for field in fields:
        if not _visible(field, cleaned, shown):
            continue
        shown.add(field["key"])
        value, error = _clean_value(field, answers.get(field["key"]))
        if error:
            errors[field["key"]] = [error]
        elif value is not None:
            cleaned[field["key"]] = value
    for key, messages in _schema_errors(definition, cleaned, partial=partial).items():
        errors.setdefault(key, messages)
    for field in fields:
        key = field["key"]
        value = cleaned.get(key)
        if key not in errors and isinstance(value, str) and (error := _extra_error(field, value)):
            errors[key] = [error]
    if errors:
        raise Invalid(fields=errors)
    return cleaned


def display_value(field: dict, value, language: str | None = None) -> str:
    """An answer as a reader sees it: a choice's label rather than its value."""
    if field["type"] == FieldType.CHOICE:
        for choice in field.get("choices", []):
            if choice["value"] == value:
                return text(choice["label"], language)
    if field["type"] == FieldType.FILE:
        if value == "uploaded":
            return _("Uploaded online")
        return _("To be handed in") if value in {"bring", True} else str(value)
    return str(value)


def labelled(definition: dict, answers: dict, language: str | None = None) -> list[dict]:
    """``[{"key", "label", "value"}]`` of the answered fields in the form's order, in the reader's language
    (what the console, the PDF and a case show)."""
    return [
        {
            "key": f["key"],
            "label": text(f["label"], language),
            "value": display_value(f, answers[f["key"]], language),
        }
        for f in fields_of(definition)
        if f["key"] in answers
    ]
