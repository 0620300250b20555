"""Reads of the service catalogue, shared by pages, the kiosk and the API."""

from django.db.models import Count, Prefetch, Q, QuerySet

from servicehall.catalog.models import Category, Department, Material, ServiceItem
from servicehall.catalog.search import query_terms, rank
from servicehall.core import memo
from servicehall.core.errors import NotFound
from servicehall.core.models import Counter, Hall

# Every id a row can have (a 64-bit auto field); a filter by an id outside it matches nothing.
ID_RANGE = range(1, 2**63)


def item_list(
    *,
    hall: Hall,
    query: str = "",
    category_id: int | None = None,
    department_id: int | None = None,
    include_inactive: bool = False,
) -> list[ServiceItem]:
    """Items of a hall, optionally filtered by a search query (Chinese words, pinyin or initials),
    category and department. Every query term must match; with a query, the best matches come first
    (a hall's catalogue is hundreds of items, so ranking in Python is cheap and engine-independent)."""
    terms = query_terms(query)
    qs = ServiceItem.objects.filter(hall=hall).select_related("department", "category")
    if not include_inactive:
        qs = qs.filter(active=True)
    for term in terms:
        qs = qs.filter(Q(search_text__contains=term) | Q(description__icontains=term))
    if any(pk and pk not in ID_RANGE for pk in (category_id, department_id)):
        return []  # no row has that id; asked of the database, it overflowed its integer (500)
    if category_id:
        qs = qs.filter(category_id=category_id)
    if department_id:
        qs = qs.filter(department_id=department_id)
    items = list(
        qs.prefetch_related(
            Prefetch("counters", queryset=Counter.objects.filter(active=True).order_by("id"))
        ).order_by("category__position", "code")
    )
    if terms:
        items.sort(key=lambda item: rank(item.name, terms))
    return items


def item_get(*, hall: Hall, code: str, include_inactive: bool = False) -> ServiceItem:
    qs = ServiceItem.objects.filter(hall=hall, code=code).select_related("department", "category", "hall")
    if not include_inactive:
        qs = qs.filter(active=True)
    item = qs.prefetch_related(
        Prefetch("materials", queryset=Material.objects.order_by("position", "id")),
        Prefetch(
            "counters", queryset=Counter.objects.filter(active=True).select_related("floor").order_by("id")
        ),
    ).first()
    if item is None:
        raise NotFound(code="service_not_found")
    return item


def item_active(*, hall: Hall, code: str) -> ServiceItem | None:
    """The active item with this code, without its relations, or None: what issuing a ticket needs.
    Remembered per process for a few seconds (``core.memo``), because every issue asks."""
    return memo.remember(
        "item", (hall.pk, code), lambda: ServiceItem.objects.filter(hall=hall, code=code, active=True).first()
    )


def category_list(*, hall: Hall) -> QuerySet[Category]:
    """Categories that hold at least one active item, with the count."""
    return (
        Category.objects.filter(hall=hall)
        .annotate(item_count=Count("items", filter=Q(items__active=True)))
        .filter(item_count__gt=0)
        .order_by("position", "name")
    )


def department_list(*, hall: Hall) -> QuerySet[Department]:
    return (
        Department.objects.filter(hall=hall)
        .annotate(item_count=Count("items", filter=Q(items__active=True)))
        .filter(item_count__gt=0)
        .order_by("name")
    )


def items_for_export(*, hall: Hall) -> QuerySet[ServiceItem]:
    return (
        ServiceItem.objects.filter(hall=hall)
        .select_related("department", "category")
        .order_by("category__position", "code")
        .prefetch_related(
            Prefetch("materials", queryset=Material.objects.order_by("position", "id")),
            Prefetch("counters", queryset=Counter.objects.order_by("id")),
        )
    )
