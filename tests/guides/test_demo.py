"""The demo hall ships published guides for six items (business licence, passport, housing fund, three
social-security items) in Chinese and English, the four special-event procedures and a few logged uses."""

import pytest
from django.utils import translation

from servicehall.catalog.models import ServiceItem
from servicehall.demo.build import load_demo
from servicehall.guides import selectors
from servicehall.guides.models import Guide, Procedure, ProcedureUse

pytestmark = pytest.mark.django_db


def test_the_demo_has_six_published_guides_and_four_procedures():
    hall = load_demo().hall
    published = Guide.objects.filter(hall=hall, status="published")
    assert published.count() == 6
    names = set(ServiceItem.objects.filter(pk__in=published.values("item")).values_list("name", flat=True))
    assert {"企业设立登记", "普通护照签发", "住房公积金提取（购房）", "社会保障卡申领"} <= names
    for guide in published:
        item = guide.item
        assert guide.steps and len(guide.steps) == len(guide.steps_en)
        assert guide.legal_basis == item.legal_basis  # prefilled from the catalogue
        checks = list(guide.checks.all())
        assert [c.material_id for c in checks] == list(
            item.materials.order_by("position", "id").values_list("pk", flat=True)
        )
        assert all(c.points and c.points_en for c in checks)
        with translation.override("en"):
            view = selectors.guide_view(guide, item=item)
        assert view["steps"] == guide.steps_en and view["legal_basis"]
    titles = set(Procedure.objects.filter(hall=hall).values_list("title", flat=True))
    assert titles == {"系统故障时手工叫号", "群众情绪激动", "消防疏散", "老年人/残障人士协助"}
    assert all(len(p.steps) == len(p.steps_en) >= 5 for p in Procedure.objects.all())
    assert ProcedureUse.objects.filter(hall=hall).count() == 3
