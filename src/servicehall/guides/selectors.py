"""Reads of the operating guides and procedures, shared by the console, the API and the managers' pages.
The guide as a clerk reads it is shaped here once (``guide_view``), in the reader's language; the
personal-data rule comes from the customers module, never copied into the guide."""

import difflib

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import pgettext_lazy

from servicehall.catalog.models import ServiceItem
from servicehall.core.errors import NotFound
from servicehall.core.localize import pick
from servicehall.customers.choices import PersonalField
from servicehall.customers.selectors import item_collected_fields
from servicehall.guides.choices import GuideStatus
from servicehall.guides.models import Guide, MaterialCheck, Procedure, ProcedureUse

ID_RANGE = range(1, 2**63)
_CHECKS = Prefetch("checks", queryset=MaterialCheck.objects.order_by("position", "id"))


def guide_published(*, item: ServiceItem) -> Guide | None:
    """The version clerks see now, or None."""
    return (
        Guide.objects.filter(item=item, status=GuideStatus.PUBLISHED)
        .select_related("published_by")
        .prefetch_related(_CHECKS)
        .first()
    )


def guide_draft(*, item: ServiceItem) -> Guide | None:
    return Guide.objects.filter(item=item, status=GuideStatus.DRAFT).prefetch_related(_CHECKS).first()


def guide_version(*, item: ServiceItem, version: int) -> Guide:
    if version not in range(1, 2**31):
        raise NotFound(_("This item has no guide version %(v)s.") % {"v": str(version)[:12]})
    guide = (
        Guide.objects.filter(item=item, version=version)
        .select_related("published_by", "created_by")
        .prefetch_related(_CHECKS)
        .first()
    )
    if guide is None:
        raise NotFound(_("This item has no guide version %(v)s.") % {"v": version})
    return guide


def guide_versions(*, item: ServiceItem) -> list[Guide]:
    return list(
        Guide.objects.filter(item=item).select_related("published_by", "created_by").order_by("-version")
    )


def collection_rule(*, item: ServiceItem, guide: Guide | None = None) -> dict:
    """Which personal fields the clerk may ask for on this item (the customers module's setting) and why
    (the guide's words)."""
    allowed = item_collected_fields(item=item)
    return {
        "fields": [{"code": f, "label": str(PersonalField(f).label)} for f in allowed],
        "not_collected": [
            {"code": v, "label": str(lbl)} for v, lbl in PersonalField.choices if v not in allowed
        ],
        "why": guide.collection_note_local if guide is not None else "",
    }


def guide_view(guide: Guide, *, item: ServiceItem) -> dict:
    """The guide as a clerk reads it, in the active language."""
    return {
        "service": item.code,
        "service_name": item.name_local,
        "version": guide.version,
        "status": guide.status,
        "published_at": guide.published_at,
        "steps": guide.steps_local,
        "mistakes": guide.mistakes_local,
        "legal_basis": pick(guide.legal_basis, en=guide.legal_basis_en),
        "materials": [
            {"material": c.material_name_local, "material_id": c.material_id, "check": c.points_local}
            for c in guide.checks.all()
        ],
        "collection": collection_rule(item=item, guide=guide),
    }


def items_with_guides(*, hall) -> list[dict]:
    """Every active item of the hall with its published and draft versions (the managers' list)."""
    by_item: dict[int, dict] = {}
    for g in (
        Guide.objects.filter(hall=hall)
        .exclude(status=GuideStatus.SUPERSEDED)
        .only("item_id", "version", "status", "published_at", "updated_at")
    ):
        by_item.setdefault(g.item_id, {})[g.status] = g
    items = ServiceItem.objects.filter(hall=hall, active=True).select_related("category").order_by("code")
    return [
        {
            "item": item,
            "published": by_item.get(item.pk, {}).get(GuideStatus.PUBLISHED),
            "draft": by_item.get(item.pk, {}).get(GuideStatus.DRAFT),
        }
        for item in items
    ]


def _lines(guide: Guide | None, section: str) -> list[str]:
    if guide is None:
        return []
    if section == "checks":
        return [f"{c.material_name}: {c.points}" for c in guide.checks.all()] + [
            f"{c.material_name_en or c.material_name}: {c.points_en}" for c in guide.checks.all()
        ]
    value = getattr(guide, section)
    return list(value) if isinstance(value, list) else [line for line in value.splitlines() if line.strip()]


DIFF_SECTIONS = {
    "steps": pgettext_lazy("guide", "Steps"),
    "steps_en": _lazy("Steps in English"),
    "checks": _lazy("What to check in each material"),
    "mistakes": _lazy("Common mistakes"),
    "mistakes_en": _lazy("Common mistakes in English"),
    "legal_basis": _lazy("Legal basis"),
    "legal_basis_en": _lazy("Legal basis in English"),
    "collection_note": _lazy("Why the item needs these personal fields"),
    "collection_note_en": _lazy("Why the item needs these personal fields, in English"),
}


def guide_diff(*, older: Guide | None, newer: Guide) -> list[dict]:
    """Per section, the lines of ``newer`` marked added / removed / same against ``older`` (a version
    history a manager can read line by line)."""
    sections = []
    for section, label in DIFF_SECTIONS.items():
        rows = []
        for line in difflib.ndiff(_lines(older, section), _lines(newer, section)):
            if line.startswith("? "):
                continue
            kind = {"+ ": "added", "- ": "removed"}.get(line[:2], "same")
            rows.append({"kind": kind, "text": line[2:]})
        sections.append(
            {
                "section": section,
                "label": label,
                "rows": rows,
                "changed": any(r["kind"] != "same" for r in rows),
            }
        )
    return sections


def procedures_for(*, hall, active_only: bool = True) -> list[Procedure]:
    qs = Procedure.objects.filter(hall=hall)
    return list(qs.filter(active=True) if active_only else qs)


def procedure_get(*, hall, pk) -> Procedure:
    known = isinstance(pk, int) and pk in ID_RANGE  # a huge id is unknown, never a database overflow
    procedure = Procedure.objects.filter(hall=hall, pk=pk).first() if known else None
    if procedure is None:
        raise NotFound(_("This hall has no such procedure."))
    return procedure


def procedure_uses(*, hall, since=None, until=None, procedure_id=None, counter_id=None):
    """The usage log with the filters of the managers' page (dates inclusive, in the hall's time)."""
    qs = ProcedureUse.objects.filter(hall=hall).select_related("procedure", "counter", "user")
    if since:
        qs = qs.filter(used_at__date__gte=since)
    if until:
        qs = qs.filter(used_at__date__lte=until)
    if procedure_id:
        qs = qs.filter(procedure_id=procedure_id)
    if counter_id:
        qs = qs.filter(counter_id=counter_id)
    return qs


CSV_HEADER = ("used_at", "procedure", "window", "staff", "happened", "outcome", "ticked", "steps")


def procedure_use_row(use: ProcedureUse) -> list:
    return [
        timezone.localtime(use.used_at).isoformat(timespec="minutes"),
        use.procedure.code,
        use.counter.number if use.counter else "",
        use.user.get_username() if use.user else "",
        use.happened,
        use.outcome,
        use.ticked,
        use.steps_total,
    ]
