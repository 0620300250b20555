"""API for the service catalogue: browse and search (public), save items, import and export (managers)."""

from decimal import Decimal

from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from servicehall.catalog import selectors, services
from servicehall.catalog.schemas import ItemData
from servicehall.core.api import ErrorOut
from servicehall.core.choices import Role
from servicehall.core.errors import Invalid
from servicehall.core.permissions import require_role
from servicehall.core.ratelimit import rate_limit
from servicehall.core.selectors import hall_get

router = Router(tags=["catalogue"])


class MaterialOut(Schema):
    name: str
    name_en: str = ""
    name_local: str = ""
    originals: int
    copies: int
    required: bool
    condition: str
    condition_local: str = ""
    note: str
    note_local: str = ""


class ServiceOut(Schema):
    """``name``, ``category``, ``department``… stay the hall's own (simplified Chinese) texts; the
    ``*_local`` fields are the same texts in the request's language (Accept-Language or the language
    cookie: English where the hall wrote it, traditional Chinese by conversion), ``name_en`` the English
    as written (blank if none)."""

    code: str
    name: str
    name_en: str = ""
    name_local: str = ""
    ticket_prefix: str
    category: str
    category_local: str = ""
    department: str
    department_local: str = ""
    item_type: str
    promised_limit_days: int
    standard_minutes: int = 0
    legal_limit_days: int
    fee_cny: Decimal
    fully_online: bool
    visits_required: int
    appointment_supported: bool
    counters: list[str]


class ServiceDetailOut(ServiceOut):
    description: str
    description_local: str = ""
    legal_basis: str
    fee_note: str
    fee_note_local: str = ""
    steps: list[str]
    steps_local: list[str] = []
    materials: list[MaterialOut]
    checklist_url: str
    checklist_pdf_url: str


class ServiceFilter(Schema):
    q: str = Field("", max_length=60, description="Chinese words, pinyin or pinyin initials (hz → 护照)")
    category: int | None = None
    department: int | None = None


class ImportOut(Schema):
    created: int
    updated: int


def _service_out(item) -> dict:
    return {
        "code": item.code,
        "name": item.name,
        "name_en": item.name_en,
        "name_local": item.name_local,
        "ticket_prefix": item.ticket_prefix,
        "category": item.category.name,
        "category_local": item.category.name_local,
        "department": item.department.name,
        "department_local": item.department.name_local,
        "item_type": item.item_type,
        "promised_limit_days": item.promised_limit_days,
        "legal_limit_days": item.legal_limit_days,
        "standard_minutes": item.standard_minutes,
        "fee_cny": item.fee_cny,
        "fully_online": item.fully_online,
        "visits_required": item.visits_required,
        "appointment_supported": item.appointment_supported,
        "counters": [c.number for c in item.counters.all()],
    }


@router.get(
    "/halls/{hall_code}/services",
    response={200: list[ServiceOut], 404: ErrorOut, 429: ErrorOut},
    summary="Service items offered in a hall, optionally searched",
)
def list_services(request, hall_code: str, filters: Query[ServiceFilter]):
    rate_limit(actor=request.auth, scope="services")
    hall = hall_get(code=hall_code)
    items = selectors.item_list(
        hall=hall, query=filters.q, category_id=filters.category, department_id=filters.department
    )
    return [_service_out(i) for i in items]


@router.get(
    "/halls/{hall_code}/services/{item_code}",
    response={200: ServiceDetailOut, 404: ErrorOut},
    summary="One service item with its materials and steps",
)
def get_service(request, hall_code: str, item_code: str):
    from django.urls import reverse

    hall = hall_get(code=hall_code)
    item = selectors.item_get(hall=hall, code=item_code)
    return {
        **_service_out(item),
        "description": item.description,
        "description_local": item.description_local,
        "legal_basis": item.legal_basis,
        "fee_note": item.fee_note,
        "fee_note_local": item.fee_note_local,
        "steps": item.steps,
        "steps_local": item.steps_local,
        "materials": list(item.materials.all()),
        "checklist_url": reverse("catalog:checklist", args=[hall.code, item.code]),
        "checklist_pdf_url": reverse("catalog:checklist_pdf", args=[hall.code, item.code]),
    }


@router.put(
    "/halls/{hall_code}/services/{item_code}",
    response={200: ServiceOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Create or replace a service item (hall manager)",
)
def put_service(request, hall_code: str, item_code: str, payload: ItemData):
    hall = hall_get(code=hall_code)
    require_role(request.auth, hall, Role.MANAGER)
    if payload.code != item_code:
        raise Invalid(fields={"code": [_("The code in the body must match the address.")]})
    item = services.item_save(actor=request.auth, hall=hall, data=payload.model_dump())
    return _service_out(selectors.item_get(hall=hall, code=item.code, include_inactive=True))


@router.get(
    "/halls/{hall_code}/catalog/export",
    response={200: None, 401: ErrorOut, 403: ErrorOut},
    summary="Export the whole catalogue as JSON or CSV (staff)",
)
def export_catalog(request, hall_code: str, format: str = "json"):  # noqa: A002 - the public parameter name
    hall = hall_get(code=hall_code)
    require_role(request.auth, hall, Role.MANAGER, Role.CLERK, Role.EVALUATOR)
    items = selectors.items_for_export(hall=hall)
    if format == "csv":
        body = "\ufeff" + services.catalog_export_csv(items=items)  # BOM: Excel opens Chinese text right
        response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    elif format == "json":
        response = HttpResponse(
            services.catalog_export_json(items=items), content_type="application/json; charset=utf-8"
        )
    else:
        raise Invalid(fields={"format": [_("Use csv or json.")]})
    response["Content-Disposition"] = f'attachment; filename="{hall.code}-catalog.{format}"'
    return response


@router.post(
    "/halls/{hall_code}/catalog/import",
    response={200: ImportOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Import a catalogue file (hall manager); all rows or none",
    openapi_extra={
        "requestBody": {
            "content": {
                "text/csv": {"schema": {"type": "string"}},
                "application/json": {"schema": {"type": "object"}},
            }
        }
    },
)
def import_catalog(request, hall_code: str, format: str = "json"):  # noqa: A002
    hall = hall_get(code=hall_code)
    require_role(request.auth, hall, Role.MANAGER)
    try:
        text = _upload(request).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Invalid(fields={"body": [_("The file must be UTF-8.")]}) from exc
    return services.catalog_import(actor=request.auth, hall=hall, text=text, fmt=format)


def _upload(request) -> bytes:
    """The file: the request body, or the first file of a multipart form (``curl -F file=@items.csv``).
    Django streams a multipart body into ``request.FILES`` and then refuses to hand out ``request.body``
    (RawPostDataException, a 500 before); a form with no file is an empty file, which the import refuses
    like any other empty file."""
    if request.content_type == "multipart/form-data":
        upload = next(iter(request.FILES.values()), None)
        return upload.read() if upload is not None else b""
    return request.body
