"""The self-service kiosk surface: full-screen, touch-sized, large-print option. Composes the catalogue;
the queue module adds ticket issue here."""

from django.shortcuts import render

from servicehall.catalog import selectors as catalog_selectors
from servicehall.core.selectors import hall_get


def home(request, hall_code: str):
    hall = hall_get(code=hall_code)
    query = (request.GET.get("q") or "").strip()[:60]
    category_id = request.GET.get("category")
    categories = list(catalog_selectors.category_list(hall=hall))
    items = None
    current = None
    if query or category_id:
        try:
            current = next((c for c in categories if c.pk == int(category_id)), None) if category_id else None
        except ValueError:
            current = None
        items = catalog_selectors.item_list(hall=hall, query=query, category_id=current.pk if current else None)
    return render(request, "kiosk/home.html", {"hall": hall, "categories": categories, "items": items,
                                               "query": query, "current": current})


def item(request, hall_code: str, item_code: str):
    hall = hall_get(code=hall_code)
    service = catalog_selectors.item_get(hall=hall, code=item_code)
    return render(request, "kiosk/item.html", {"hall": hall, "item": service})
