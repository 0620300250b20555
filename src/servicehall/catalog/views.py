"""Public catalogue pages: browse by category and department, search, item detail, and the one-time
notification of materials (一次性告知单) as a print page and a PDF."""

from urllib.parse import quote

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from servicehall.appointments.selectors import plan_get
from servicehall.catalog import selectors
from servicehall.catalog.pdf import checklist_pdf
from servicehall.core.actors import actor_from_request
from servicehall.core.ratelimit import rate_limit
from servicehall.core.selectors import hall_get
from servicehall.queueing.selectors import remote_notice


def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def index(request, hall_code: str):
    hall = hall_get(code=hall_code)
    query = (request.GET.get("q") or "").strip()[:60]
    if query:
        rate_limit(actor=actor_from_request(request), scope="catalog-search")
    category_id = _int_or_none(request.GET.get("category"))
    department_id = _int_or_none(request.GET.get("department"))
    items = selectors.item_list(hall=hall, query=query, category_id=category_id, department_id=department_id)
    return render(
        request,
        "catalog/index.html",
        {
            "hall": hall,
            "items": items,
            "query": query,
            "categories": selectors.category_list(hall=hall),
            "departments": selectors.department_list(hall=hall),
            "category_id": category_id,
            "department_id": department_id,
        },
    )


def detail(request, hall_code: str, item_code: str):
    hall = hall_get(code=hall_code)
    item = selectors.item_get(hall=hall, code=item_code)
    return render(
        request,
        "catalog/detail.html",
        {
            "hall": hall,
            "item": item,
            # 取号 from the phone, or the sentence why not now (remote tickets off, hall closed)
            "take_notice": remote_notice(hall=hall),
            "bookable": plan_get(item=item) is not None,
        },
    )


def checklist(request, hall_code: str, item_code: str):
    hall = hall_get(code=hall_code)
    item = selectors.item_get(hall=hall, code=item_code)
    return render(
        request,
        "catalog/checklist.html",
        {
            "hall": hall,
            "item": item,
            "printed_at": timezone.localtime(timezone.now(), hall.tzinfo),
        },
    )


def checklist_pdf_view(request, hall_code: str, item_code: str):
    hall = hall_get(code=hall_code)
    item = selectors.item_get(hall=hall, code=item_code)
    pdf = checklist_pdf(item=item, printed_at=timezone.localtime(timezone.now(), hall.tzinfo))
    response = HttpResponse(pdf, content_type="application/pdf")
    filename = _("checklist") + f"-{item.code}.pdf"
    # RFC 6266: an ASCII fallback name plus the UTF-8 name percent-encoded, so headers stay ASCII.
    response["Content-Disposition"] = (
        f"inline; filename=\"checklist-{item.code}.pdf\"; filename*=UTF-8''{quote(filename)}"
    )
    return response
