"""The shape of a form definition and its check.

A definition is JSON: ``{"sections": [{"key", "title": TEXT, "fields": [FIELD, ...]}, ...]}`` where TEXT is
``{"zh_hans", "zh_hant", "en"}`` (simplified Chinese required; the other two fall back to it, as all hall
content does, see ``core.localize``) and FIELD is ``{"key", "type", "label": TEXT, "help": TEXT,
"required", "pattern", "max_length", "minimum", "maximum", "choices": [{"value", "label": TEXT}],
"condition": {"field", "equals"}, "prefill"}``. ``DEFINITION_SCHEMA`` (JSON Schema, checked with
``jsonschema``) says what may appear; ``definition_errors`` adds what a schema cannot say (keys unique
across sections, a condition pointing to an earlier field, a pattern that compiles) and keys every error by
the form field it is about, so the editor shows it beside that field.
"""

import re

from django.utils.translation import gettext as _
from jsonschema import Draft202012Validator

from servicehall.core.localize import pick
from servicehall.eforms.choices import FieldType

KEY_PATTERN = r"^[a-z][a-z0-9_]{0,39}$"
CHOICE_PATTERN = r"^[A-Za-z0-9_-]{1,40}$"
PREFILL_FIELDS = ("id_number", "name", "phone")  # customers.choices.PersonalField values
# which person field a prefill may read into which field type
PREFILL_TYPES = {"id_number": {FieldType.ID_NUMBER}, "name": {FieldType.TEXT}, "phone": {FieldType.PHONE}}
MAX_FIELDS = 120

_TEXT = {
    "type": "object",
    "properties": {
        "zh_hans": {"type": "string", "minLength": 1, "maxLength": 300},
        "zh_hant": {"type": "string", "maxLength": 300},
        "en": {"type": "string", "maxLength": 500},
    },
    "required": ["zh_hans"],
    "additionalProperties": False,
}
_FIELD = {
    "type": "object",
    "properties": {
        "key": {"type": "string", "pattern": KEY_PATTERN},
        "type": {"enum": list(FieldType.values)},
        "label": _TEXT,
        "help": {"type": "object", "properties": _TEXT["properties"], "additionalProperties": False},
        "required": {"type": "boolean"},
        "pattern": {"type": "string", "maxLength": 200},
        "max_length": {"type": "integer", "minimum": 1, "maximum": 2000},
        "minimum": {"type": "number", "minimum": -1e12, "maximum": 1e12},
        "maximum": {"type": "number", "minimum": -1e12, "maximum": 1e12},
        "choices": {
            "type": "array",
            "maxItems": 50,
            "items": {
                "type": "object",
                "properties": {"value": {"type": "string", "pattern": CHOICE_PATTERN}, "label": _TEXT},
                "required": ["value", "label"],
                "additionalProperties": False,
            },
        },
        "condition": {
            "type": "object",
            "properties": {
                "field": {"type": "string", "pattern": KEY_PATTERN},
                "equals": {"type": "string", "maxLength": 40},
            },
            "required": ["field", "equals"],
            "additionalProperties": False,
        },
        "prefill": {"enum": ["", *PREFILL_FIELDS]},
    },
    "required": ["key", "type", "label"],
    "additionalProperties": False,
}
DEFINITION_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "ServiceHall electronic form definition",
    "type": "object",
    "properties": {
        "sections": {
            "type": "array",
            "minItems": 1,
            "maxItems": 20,
            "items": {
                "type": "object",
                "properties": {
                    "key": {"type": "string", "pattern": KEY_PATTERN},
                    "title": _TEXT,
                    "fields": {"type": "array", "maxItems": 60, "items": _FIELD},
                },
                "required": ["key", "title", "fields"],
                "additionalProperties": False,
            },
        }
    },
    "required": ["sections"],
    "additionalProperties": False,
}
_VALIDATOR = Draft202012Validator(DEFINITION_SCHEMA)


def text(value: dict | None, language: str | None = None) -> str:
    """A three-language TEXT of a definition in the reader's language."""
    value = value or {}
    return pick(
        value.get("zh_hans", ""), en=value.get("en", ""), zh_hant=value.get("zh_hant", ""), language=language
    )


def fields_of(definition: dict) -> list[dict]:
    """Every field of a (valid) definition in order, each with the key of its section."""
    return [
        {**field, "section": section["key"]}
        for section in definition.get("sections", [])
        for field in section.get("fields", [])
    ]


def _where(definition, path) -> str:
    """The editor's key for a schema error at ``path``: the field's key when the error is inside a field,
    ``section:<key>`` inside a section, else ``definition``."""
    path = list(path)
    try:
        section = definition["sections"][path[1]]
        if len(path) >= 4 and path[2] == "fields":
            key = section["fields"][path[3]].get("key")
            return key if isinstance(key, str) and re.match(KEY_PATTERN, key) else f"field:{path[3] + 1}"
        key = section.get("key")
        return f"section:{key}" if isinstance(key, str) else "definition"
    except (IndexError, KeyError, TypeError, AttributeError):
        return "definition"


def _schema_errors(definition) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for error in _VALIDATOR.iter_errors(definition):
        where = _where(definition, error.absolute_path)
        part = ".".join(str(p) for p in list(error.absolute_path)[4:]) or error.validator
        errors.setdefault(where, []).append(
            _("“%(part)s” is not valid here (%(rule)s).") % {"part": part, "rule": error.validator}
        )
    return errors


def _field_errors(field: dict, earlier: dict[str, dict]) -> list[str]:
    out = []
    kind = field["type"]
    values = [c["value"] for c in field.get("choices", [])]
    if kind == FieldType.CHOICE and not values:
        out.append(_("A choice field needs at least one option."))
    if len(values) != len(set(values)):
        out.append(_("Two options have the same value."))
    if field.get("pattern"):
        try:
            re.compile(field["pattern"])
        except re.error:
            out.append(_("The pattern is not a valid regular expression."))
    condition = field.get("condition")
    if condition:
        source = earlier.get(condition["field"])
        if source is None:
            out.append(_("A condition can only refer to a field above this one."))
        elif source["type"] == FieldType.CHOICE and condition["equals"] not in {
            c["value"] for c in source.get("choices", [])
        }:
            out.append(_("The condition's value is not one of that field's options."))
    prefill = field.get("prefill")
    if prefill and kind not in PREFILL_TYPES[prefill]:
        out.append(_("This field's type cannot be prefilled from that personal field."))
    if (
        field.get("minimum") is not None
        and field.get("maximum") is not None
        and field["minimum"] > field["maximum"]
    ):
        out.append(_("The minimum is larger than the maximum."))
    return out


def definition_errors(definition) -> dict[str, list[str]]:
    """Every error of a definition keyed by the form field (or section) it is about; empty when valid."""
    errors = _schema_errors(definition)
    if errors:
        return errors
    earlier: dict[str, dict] = {}
    sections: set[str] = set()
    for section in definition["sections"]:
        if section["key"] in sections:
            errors.setdefault(f"section:{section['key']}", []).append(_("Two sections have the same key."))
        sections.add(section["key"])
        for field in section["fields"]:
            found = _field_errors(field, earlier)
            if field["key"] in earlier:
                found.append(_("Two fields have the same key."))
            if found:
                errors.setdefault(field["key"], []).extend(found)
            earlier[field["key"]] = field
    if not earlier:
        errors["definition"] = [_("A form needs at least one field.")]
    elif len(earlier) > MAX_FIELDS:
        errors["definition"] = [_("A form has at most %(n)s fields.") % {"n": MAX_FIELDS}]
    return errors
