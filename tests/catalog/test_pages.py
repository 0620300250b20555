"""Catalogue pages and the one-time notification of materials (page and PDF)."""

import io

import pytest
from pypdf import PdfReader

from servicehall.catalog.models import ServiceItem

pytestmark = pytest.mark.django_db


def _passport(hall):
    return ServiceItem.objects.get(hall=hall, name="普通护照签发")


def test_the_item_page_lists_every_material_and_the_windows(client, hall_a, catalog_a):
    item = _passport(hall_a)
    text = client.get(f"/catalog/{hall_a.code}/items/{item.code}/").content.decode()
    for material in item.materials.all():
        assert material.name in text
    assert "120.00" in text


def test_the_print_checklist_has_the_item_and_its_materials(client, hall_a, catalog_a):
    item = _passport(hall_a)
    response = client.get(f"/catalog/{hall_a.code}/items/{item.code}/checklist/")
    text = response.content.decode()
    assert "一次性告知单" in text
    assert all(m.name in text for m in item.materials.all())


def test_the_checklist_pdf_carries_real_chinese_text(client, hall_a, catalog_a):
    item = _passport(hall_a)
    response = client.get(f"/catalog/{hall_a.code}/items/{item.code}/checklist.pdf")
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = "".join(page.extract_text() for page in reader.pages)
    assert "一次性告知单" in text
    assert item.name in text
    assert item.materials.first().name in text


def test_the_english_checklist_pdf_has_english_labels(client, hall_a, catalog_a):
    item = _passport(hall_a)
    response = client.get(
        f"/catalog/{hall_a.code}/items/{item.code}/checklist.pdf", HTTP_ACCEPT_LANGUAGE="en"
    )
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "One-time notification of materials" in text


def test_an_unknown_item_is_a_404_page(client, hall_a):
    assert client.get(f"/catalog/{hall_a.code}/items/NOPE/").status_code == 404
    assert client.get("/catalog/no-such-hall/").status_code == 404


def test_pages_carry_a_strict_content_security_policy(client, hall_a, catalog_a):
    policy = client.get(f"/catalog/{hall_a.code}/")["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy.split("style-src")[0]
    assert "frame-ancestors 'none'" in policy


def test_the_pdf_download_name_is_a_valid_header_in_chinese(client, hall_a, catalog_a):
    item = _passport(hall_a)
    response = client.get(f"/catalog/{hall_a.code}/items/{item.code}/checklist.pdf")
    disposition = response["Content-Disposition"]
    assert disposition.isascii()
    assert disposition.startswith("inline; filename=")
    assert "filename*=UTF-8''" in disposition


@pytest.mark.parametrize("value", [str(10**30), str(-(10**30)), str(2**63)])
def test_a_category_or_department_id_no_row_can_have_lists_nothing(client, api_as, hall_a, catalog_a, value):
    """An id beyond the database's integer overflowed it (500 on the page and the API); it matches nothing."""
    for key in ("category", "department"):
        response = client.get(f"/catalog/{hall_a.code}/?{key}={value}")
        assert response.status_code == 200
        assert _passport(hall_a).name not in response.content.decode()
        status, payload = api_as(None).call("GET", f"halls/{hall_a.code}/services?{key}={value}")
        assert status in {200, 422}, payload
        assert status == 422 or payload == []
