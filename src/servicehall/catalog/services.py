"""Every write of the service catalogue: saving items (with their materials and counters) and importing
a whole catalogue atomically. Each write is audited in the same transaction."""

import csv
import io
import json

from django.db import transaction
from django.utils.translation import gettext as _
from pydantic import ValidationError as PydanticError

from servicehall.catalog.models import Category, Department, Material, ServiceItem
from servicehall.catalog.schemas import ItemData
from servicehall.catalog.search import build_search_text
from servicehall.core.actors import Actor
from servicehall.core.audit import audit_record
from servicehall.core.choices import Role
from servicehall.core.csvcells import read_cell, safe_row
from servicehall.core.errors import Invalid
from servicehall.core.models import Counter, Hall
from servicehall.core.permissions import require_role

CSV_COLUMNS = [
    "code",
    "name",
    "name_en",
    "name_zh_hant",
    "department",
    "department_en",
    "category",
    "category_en",
    "item_type",
    "description",
    "description_en",
    "keywords",
    "legal_basis",
    "legal_limit_days",
    "promised_limit_days",
    "standard_minutes",
    "fee_cny",
    "fee_note",
    "fee_note_en",
    "materials",
    "steps",
    "steps_en",
    "counters",
    "fully_online",
    "visits_required",
    "appointment_supported",
    "ticket_prefix",
    "active",
]
JSON_FORMAT = "servicehall.catalog/1"


def item_to_data(item: ServiceItem) -> dict:
    """The exchange form of an item (what export writes and import reads)."""
    return ItemData(
        code=item.code,
        name=item.name,
        name_en=item.name_en,
        name_zh_hant=item.name_zh_hant,
        department=item.department.name,
        department_en=item.department.name_en,
        category=item.category.name,
        category_en=item.category.name_en,
        item_type=item.item_type,
        description=item.description,
        description_en=item.description_en,
        keywords=item.keywords,
        legal_basis=item.legal_basis,
        legal_limit_days=item.legal_limit_days,
        promised_limit_days=item.promised_limit_days,
        standard_minutes=item.standard_minutes,
        fee_cny=item.fee_cny,
        fee_note=item.fee_note,
        fee_note_en=item.fee_note_en,
        materials=[
            {
                "name": m.name,
                "name_en": m.name_en,
                "name_zh_hant": m.name_zh_hant,
                "originals": m.originals,
                "copies": m.copies,
                "required": m.required,
                "condition": m.condition,
                "condition_en": m.condition_en,
                "note": m.note,
                "note_en": m.note_en,
            }
            for m in item.materials.all()
        ],
        steps=list(item.steps),
        steps_en=list(item.steps_en or []),
        counters=[c.number for c in item.counters.all()],
        fully_online=item.fully_online,
        visits_required=item.visits_required,
        appointment_supported=item.appointment_supported,
        ticket_prefix=item.ticket_prefix,
        active=item.active,
    ).model_dump(mode="json")


def _pydantic_fields(exc: PydanticError, prefix: str = "") -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    for err in exc.errors():
        key = prefix + ".".join(str(p) for p in err["loc"])
        fields.setdefault(key or "body", []).append(err["msg"])
    return fields


def _save_item(
    *, hall: Hall, data: ItemData, counters_by_number: dict[str, Counter]
) -> tuple[ServiceItem, bool]:
    """Create or update one item from validated data. Expects to run inside a transaction."""
    department, _created = Department.objects.get_or_create(hall=hall, name=data.department)
    category, created = Category.objects.get_or_create(hall=hall, name=data.category)
    if created:
        category.position = Category.objects.filter(hall=hall).count()
        category.save(update_fields=["position"])
    # A row that names the English of its department or category sets it; a blank one leaves it alone
    # (items of one department written before its English name was known do not erase it).
    for owner, english in ((department, data.department_en), (category, data.category_en)):
        if english and owner.name_en != english:
            owner.name_en = english
            owner.save(update_fields=["name_en"])
    item = ServiceItem.objects.filter(hall=hall, code=data.code).first()
    is_new = item is None
    if is_new:
        item = ServiceItem(hall=hall, code=data.code)
    for field in (
        "name",
        "name_en",
        "name_zh_hant",
        "description",
        "description_en",
        "keywords",
        "legal_basis",
        "legal_limit_days",
        "promised_limit_days",
        "standard_minutes",
        "fee_cny",
        "fee_note",
        "fee_note_en",
        "fully_online",
        "visits_required",
        "appointment_supported",
        "ticket_prefix",
        "active",
    ):
        setattr(item, field, getattr(data, field))
    item.item_type = data.item_type.value
    item.steps = list(data.steps)
    item.steps_en = list(data.steps_en)
    item.department = department
    item.category = category
    item.search_text = build_search_text(
        name=item.name,
        code=item.code,
        department=department.name,
        category=category.name,
        keywords=item.keywords,
        name_en=item.name_en,
    )
    item.save()
    item.materials.all().delete()
    Material.objects.bulk_create(
        Material(item=item, position=i, **m.model_dump()) for i, m in enumerate(data.materials)
    )
    item.counters.set([counters_by_number[n] for n in data.counters])
    return item, is_new


def _check_counters(data: ItemData, counters_by_number: dict[str, Counter]) -> list[str]:
    return [n for n in data.counters if n not in counters_by_number]


@transaction.atomic
def item_save(*, actor: Actor, hall: Hall, data: dict) -> ServiceItem:
    """Create or update one item of ``hall``'s catalogue (manager only)."""
    require_role(actor, hall, Role.MANAGER)
    try:
        parsed = ItemData.model_validate(data)
    except PydanticError as exc:
        raise Invalid(fields=_pydantic_fields(exc)) from exc
    counters = {c.number: c for c in Counter.objects.filter(hall=hall)}
    missing = _check_counters(parsed, counters)
    if missing:
        raise Invalid(fields={"counters": [_("Unknown window: %(n)s") % {"n": ", ".join(missing)}]})
    existing = ServiceItem.objects.filter(hall=hall, code=parsed.code).first()
    before = item_to_data(existing) if existing else None
    item, is_new = _save_item(hall=hall, data=parsed, counters_by_number=counters)
    audit_record(
        actor=actor,
        action="catalog.item.create" if is_new else "catalog.item.update",
        hall=hall,
        obj=item,
        before=before,
        after=item_to_data(item),
    )
    return item


def _parse_bool(value: str):
    lowered = (value or "").strip().lower()
    if lowered in {"true", "1", "yes", "y", "是"}:
        return True
    if lowered in {"false", "0", "no", "n", "否", ""}:
        return False
    return value  # let validation report it


def _csv_rows(text: str) -> list[tuple[int, dict]]:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = [
        c
        for c in ("code", "name", "department", "category", "ticket_prefix")
        if c not in (reader.fieldnames or [])
    ]
    if missing:
        raise Invalid(
            _("The CSV file lacks the columns: %(cols)s") % {"cols": ", ".join(missing)},
            fields={"line 1": [_("Missing columns: %(cols)s") % {"cols": ", ".join(missing)}]},
        )
    rows = []
    try:
        records = [(reader.line_num, row) for row in reader]
    except csv.Error as exc:  # a field over the csv module's limit (128 KiB), a NUL byte
        raise Invalid(
            _("The CSV file cannot be read near line %(line)s: %(error)s")
            % {"line": reader.line_num, "error": exc},
            fields={f"line {reader.line_num}": [str(exc)]},
        ) from exc
    for line, row in records:
        raw: dict = {}
        errors = []
        for key, value in row.items():
            if key is None:
                errors.append(_("Too many values in this row."))
                continue
            value = read_cell(value) if isinstance(value, str) else value
            if key not in CSV_COLUMNS:
                raw[key] = value
            elif key in {"materials", "steps", "steps_en"}:
                try:
                    raw[key] = json.loads(value) if (value or "").strip() else []
                except (json.JSONDecodeError, RecursionError):
                    errors.append(_("Column %(col)s is not valid JSON.") % {"col": key})
            elif key == "counters":
                raw[key] = [n.strip() for n in (value or "").split(",") if n.strip()]
            elif key in {"fully_online", "appointment_supported", "active"}:
                raw[key] = _parse_bool(value) if value != "" or key != "active" else True
            elif value == "" and key not in {"code", "name", "department", "category", "ticket_prefix"}:
                continue
            else:
                raw[key] = value
        rows.append((line, {"__errors__": errors, **raw}))
    return rows


def _json_rows(text: str) -> list[tuple[int, dict]]:
    try:
        document = json.loads(text)
    except RecursionError as exc:
        raise Invalid(
            _("The JSON file is nested too deeply to be a catalogue."),
            fields={"items": [_("Expected a list.")]},
        ) from exc
    except json.JSONDecodeError as exc:
        raise Invalid(
            _("The file is not valid JSON (line %(line)s).") % {"line": exc.lineno},
            fields={f"line {exc.lineno}": [exc.msg]},
        ) from exc
    items = document.get("items") if isinstance(document, dict) else document
    if not isinstance(items, list):
        raise Invalid(
            _("The JSON file must hold a list of items."), fields={"items": [_("Expected a list.")]}
        )
    # A JSON "line" is the item's position (1-based), which is what a person counting items sees.
    return [
        (i + 1, dict(it) if isinstance(it, dict) else {"__errors__": [_("Not an object.")]})
        for i, it in enumerate(items)
    ]


@transaction.atomic
def catalog_import(*, actor: Actor, hall: Hall, text: str, fmt: str) -> dict:
    """Import items into ``hall`` from CSV or JSON: all rows or none. Existing items with the same code
    are updated; others are left alone. Errors name the line (CSV) or item position (JSON)."""
    require_role(actor, hall, Role.MANAGER)
    if fmt not in {"csv", "json"}:
        raise Invalid(fields={"format": [_("Use csv or json.")]})
    if "\x00" in text:
        raise Invalid(fields={"file": [_("The file contains a NUL byte: it is not a text file.")]})
    rows = _csv_rows(text) if fmt == "csv" else _json_rows(text)
    counters = {c.number: c for c in Counter.objects.filter(hall=hall)}
    # Field keys are stable and machine-readable ("line 5", "item 2"); the message is translated.
    label = "line" if fmt == "csv" else "item"
    shown = _("line") if fmt == "csv" else _("item")
    errors: dict[str, list[str]] = {}
    parsed: list[ItemData] = []
    seen: dict[str, int] = {}
    for line, raw in rows:
        key = f"{label} {line}"
        row_errors = list(raw.pop("__errors__", []))
        try:
            data = ItemData.model_validate(raw)
        except PydanticError as exc:
            for field, messages in _pydantic_fields(exc).items():
                row_errors.extend(f"{field}: {m}" for m in messages)
            data = None
        if data is not None:
            missing = _check_counters(data, counters)
            if missing:
                row_errors.append(_("Unknown window: %(n)s") % {"n": ", ".join(missing)})
            if data.code in seen:
                row_errors.append(
                    _("Code %(code)s repeats %(label)s %(line)s.")
                    % {"code": data.code, "label": shown, "line": seen[data.code]}
                )
            seen.setdefault(data.code, line)
        if row_errors:
            errors[key] = row_errors
        elif data is not None:
            parsed.append(data)
    if errors:
        first = next(iter(errors))
        raise Invalid(
            _("Nothing was imported: %(where)s has an error (%(count)s rows in all).")
            % {"where": f"{shown} {first.split(' ', 1)[1]}", "count": len(errors)},
            code="import_failed",
            fields=errors,
        )
    created = updated = 0
    for data in parsed:
        _item, is_new = _save_item(hall=hall, data=data, counters_by_number=counters)
        created += is_new
        updated += not is_new
    audit_record(
        actor=actor,
        action="catalog.import",
        hall=hall,
        object_type="catalog.serviceitem",
        after={"format": fmt, "created": created, "updated": updated},
    )
    return {"created": created, "updated": updated}


def catalog_export_json(*, items) -> str:
    return json.dumps(
        {"format": JSON_FORMAT, "items": [item_to_data(i) for i in items]}, ensure_ascii=False, indent=2
    )


def catalog_export_csv(*, items) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for item in items:
        data = item_to_data(item)
        data["materials"] = json.dumps(data["materials"], ensure_ascii=False)
        data["steps"] = json.dumps(data["steps"], ensure_ascii=False)
        data["steps_en"] = json.dumps(data["steps_en"], ensure_ascii=False) if data["steps_en"] else ""
        data["counters"] = ",".join(data["counters"])
        for key in ("fully_online", "appointment_supported", "active"):
            data[key] = "true" if data[key] else "false"
        writer.writerow(safe_row(data))
    return out.getvalue()
