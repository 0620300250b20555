"""Catalogue import and export: lossless round trips in JSON and CSV, and a bad row is reported with its
line number while nothing at all is imported."""

import csv
import io
import json

import pytest

from servicehall.catalog.models import ServiceItem
from servicehall.catalog.selectors import items_for_export
from servicehall.catalog.services import catalog_export_csv, catalog_export_json, catalog_import
from servicehall.core.errors import Invalid

pytestmark = pytest.mark.django_db


def _export(hall, fmt):
    items = items_for_export(hall=hall)
    return catalog_export_json(items=items) if fmt == "json" else catalog_export_csv(items=items)


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_a_catalogue_survives_export_and_import_into_another_hall_unchanged(
    fmt, admin_actor, hall_a, hall_b, catalog_a
):
    exported = _export(hall_a, fmt)
    result = catalog_import(actor=admin_actor, hall=hall_b, text=exported, fmt=fmt)
    assert result == {"created": len(catalog_a), "updated": 0}
    assert json.loads(_export(hall_b, "json"))["items"] == json.loads(_export(hall_a, "json"))["items"]
    # and the source data itself went in unchanged (materials, conditions, steps, fees, counters), English
    # included; a material's texts the file leaves out (its traditional-Chinese override) come back blank
    by_code = {i["code"]: i for i in json.loads(_export(hall_b, "json"))["items"]}
    for original in catalog_a:
        got = by_code[original["code"]]
        for key in (
            *("name", "steps", "counters", "fee_cny", "visits_required", "ticket_prefix"),
            *("name_en", "department_en", "category_en", "description_en", "fee_note_en", "steps_en"),
        ):
            assert got[key] == original[key], (original["code"], key)
        assert [{k: m[k] for k in o} for m, o in zip(got["materials"], original["materials"])] == original[
            "materials"
        ]
        assert all(m["name_zh_hant"] == "" for m in got["materials"])
    passport = by_code["11350199MB0F34538T-XK-001"]
    assert passport["name_en"] == "Issuing an ordinary passport"
    assert passport["materials"][0]["name_en"] == "Resident identity card"


def test_importing_again_updates_instead_of_duplicating(admin_actor, hall_a, catalog_a):
    result = catalog_import(actor=admin_actor, hall=hall_a, text=_export(hall_a, "csv"), fmt="csv")
    assert result == {"created": 0, "updated": len(catalog_a)}
    assert ServiceItem.objects.filter(hall=hall_a).count() == len(catalog_a)


def test_a_bad_csv_row_is_reported_by_line_and_nothing_is_imported(admin_actor, hall_a, hall_b, catalog_a):
    rows = list(csv.DictReader(io.StringIO(_export(hall_a, "csv"))))
    rows[3]["ticket_prefix"] = "a1"  # file line 5 (header is line 1)
    rows[6]["counters"] = "1,99"  # file line 8: no window 99 in hall B
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    with pytest.raises(Invalid) as caught:
        catalog_import(actor=admin_actor, hall=hall_b, text=out.getvalue(), fmt="csv")
    fields = caught.value.fields
    assert set(fields) == {"line 5", "line 8"}
    assert any("ticket_prefix" in m for m in fields["line 5"])
    assert any("99" in m for m in fields["line 8"])
    assert ServiceItem.objects.filter(hall=hall_b).count() == 0


def test_the_import_api_answers_422_with_the_failing_item_and_changes_nothing(api_as, hall_a):
    body = {
        "items": [
            {"code": "OK-1", "name": "好事项", "department": "局", "category": "类", "ticket_prefix": "A"},
            {"code": "BAD-2", "name": "", "department": "局", "category": "类", "ticket_prefix": "A"},
        ]
    }
    status, payload = api_as("manager_a").call(
        "POST", f"halls/{hall_a.code}/catalog/import?format=json", body
    )
    assert status == 422
    assert payload["error"] == "import_failed"
    assert list(payload["fields"]) == ["item 2"]
    assert "2" in payload["message"]
    assert not ServiceItem.objects.filter(hall=hall_a).exists()


def test_the_import_api_takes_the_file_of_a_multipart_form_too(staff, hall_a):
    """A multipart form (``curl -F``) answered 500 (Django refuses request.body once it streamed the form);
    its file is the catalogue, and a form without a file is refused like an empty file."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    from servicehall.core import services
    from servicehall.core.actors import Actor

    manager = staff["manager_a"]
    token = services.token_create(actor=Actor(user=manager), user=manager, name="t")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    url = f"/api/v1/halls/{hall_a.code}/catalog/import?format=json"
    item = {"code": "OK-1", "name": "好事项", "department": "局", "category": "类", "ticket_prefix": "A"}
    upload = SimpleUploadedFile("items.json", json.dumps({"items": [item]}).encode(), "application/json")
    response = client.post(url, {"file": upload})
    assert response.status_code == 200, response.content
    assert ServiceItem.objects.filter(hall=hall_a, code="OK-1").exists()
    response = client.post(url, {"note": "no file"})
    assert response.status_code == 422, response.content


def test_a_malformed_json_file_is_refused_with_its_line(admin_actor, hall_a):
    with pytest.raises(Invalid) as caught:
        catalog_import(actor=admin_actor, hall=hall_a, text='{"items": [\n  {"code": }\n]}', fmt="json")
    assert "line 2" in caught.value.fields


def test_the_export_api_sends_a_csv_file_excel_can_read(api_as, hall_a, catalog_a):
    status, body = api_as("clerk_a").call("GET", f"halls/{hall_a.code}/catalog/export?format=csv")
    assert status == 200
    text = body.decode("utf-8")
    assert text.startswith("\ufeffcode,name,")
    assert catalog_a[0]["name"] in text


def test_an_exported_csv_cannot_run_a_formula_in_a_spreadsheet_and_still_imports_unchanged(
    admin_actor, hall_a, hall_b, catalog_a
):
    """OWASP's CSV injection rule: a cell that starts like a formula gets a leading quote."""
    from servicehall.catalog.services import item_save

    data = json.loads(_export(hall_a, "json"))["items"][0]
    data["name"] = '=HYPERLINK("http://evil.example","办理")'
    data["description"] = "-2+3"
    item_save(actor=admin_actor, hall=hall_a, data=data)
    exported = _export(hall_a, "csv")
    cells = [cell for row in csv.reader(io.StringIO(exported)) for cell in row]
    assert not [c for c in cells if c[:1] in {"=", "+", "-", "@"}]
    assert '\'=HYPERLINK("http://evil.example","办理")' in cells
    catalog_import(actor=admin_actor, hall=hall_b, text=exported, fmt="csv")
    assert ServiceItem.objects.get(hall=hall_b, code=data["code"]).name == data["name"]


@pytest.mark.parametrize(
    ("fmt", "text"),
    [
        ("json", "[" * 100_000 + "]" * 100_000),
        ("csv", "code,name,department,category,ticket_prefix\nA," + "x" * 200_000 + ",d,c,A\n"),
        ("csv", "code,name,department,category,ticket_prefix\nA,a\x00b,d,c,A\n"),
        ("json", '{"items": [{"code": "A\\u0000"}]}'),
    ],
)
def test_a_file_no_catalogue_can_come_from_is_refused_with_a_message(admin_actor, hall_a, fmt, text):
    with pytest.raises(Invalid):
        catalog_import(actor=admin_actor, hall=hall_a, text=text, fmt=fmt)
    assert not ServiceItem.objects.filter(hall=hall_a).exists()
