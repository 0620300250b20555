"""Pages: the citizen's progress on the phone (same answer for a wrong mobile and an unknown number) and
at the kiosk, the receipt PDF, staff pages with only the buttons the viewer's role allows, the window's
case from the ticket, the ledger and its CSV; the customers' links (merge, erasure, timeline); the quality
report's on_time_cases."""

import datetime

import pytest

from servicehall.cases import services
from tests.cases.conftest import OTHER_PHONE, PHONE

pytestmark = pytest.mark.django_db


def signed_in(client, user):
    client.force_login(user)
    return client


def test_the_phone_page_shows_the_steps_and_a_wrong_mobile_reads_as_not_found(client, online):
    page = client.post("/cases/track/", {"number": online.number, "phone": PHONE}, HTTP_ACCEPT_LANGUAGE="en")
    assert (
        page.status_code == 200
        and b'id="cs-steps"' in page.content
        and online.number.encode() in page.content
    )
    wrong = client.post(
        "/cases/track/", {"number": online.number, "phone": OTHER_PHONE}, HTTP_ACCEPT_LANGUAGE="en"
    )
    unknown = client.post(
        "/cases/track/", {"number": "2099010100109999", "phone": PHONE}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert wrong.status_code == unknown.status_code == 422
    assert b"No case with this number" in wrong.content and b"No case with this number" in unknown.content


def test_the_kiosk_page_has_the_big_keys_and_prints_the_status(client, online, hall_a):
    page = client.get(f"/kiosk/{hall_a.code}/progress/")
    assert b'data-keyboard="digits"' in page.content and b'data-keyboard="phone"' in page.content
    page = client.post(f"/kiosk/{hall_a.code}/progress/", {"number": online.number, "phone": PHONE})
    assert b'id="print-now"' in page.content and b'id="cs-status"' in page.content
    assert b"case-progress" in client.get(f"/kiosk/{hall_a.code}/").content


def test_the_receipt_is_a_pdf_for_staff_and_the_proved_applicant(client, online, hall_a, staff):
    signed_in(client, staff["clerk_a"])
    pdf = client.get(f"/staff/{hall_a.code}/cases/{online.public_id}/receipt.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_the_staff_page_offers_only_the_steps_the_role_allows(client, online, actors, staff, hall_a):
    services.case_accept(actor=actors["clerk_a"], case=online)
    url = f"/staff/{hall_a.code}/cases/{online.public_id}/"
    clerk_page = signed_in(client, staff["clerk_a"]).get(url, HTTP_ACCEPT_LANGUAGE="en").content
    assert b'value="request-materials"' in clerk_page and b'value="approve"' not in clerk_page
    manager_page = signed_in(client, staff["manager_a"]).get(url).content
    assert b'value="approve"' in manager_page
    assert signed_in(client, staff["manager_b"]).get(url).status_code in (403, 404)


def test_the_staff_form_sends_the_one_time_notice(client, online, actors, staff, hall_a):
    services.case_accept(actor=actors["clerk_a"], case=online)
    url = f"/staff/{hall_a.code}/cases/{online.public_id}/"
    signed_in(client, staff["clerk_a"]).post(
        url,
        {"action": "request-materials", "missing_material": ["公司章程"], "missing_other": "股东会决议\n"},
    )
    online.refresh_from_db()
    assert online.status == "materials_requested" and online.notice == ["公司章程", "股东会决议"]
    empty = client.post(url, {"action": "supply"})
    assert empty.status_code == 302


def test_the_list_filters_and_the_ledger_csv(client, online, staff, hall_a):
    signed_in(client, staff["manager_a"])
    page = client.get(f"/staff/{hall_a.code}/cases/?status=submitted")
    assert online.number.encode() in page.content
    assert online.number.encode() not in client.get(f"/staff/{hall_a.code}/cases/?due=overdue").content
    csv = client.get(f"/staff/{hall_a.code}/cases/ledger/?format=csv")
    assert csv.status_code == 200 and b"at_most_one_visit_pct" in csv.content
    assert client.get(f"/staff/{hall_a.code}/cases/ledger/?from=0001-01-01&to=9999-12-31").status_code in (
        200,
        400,
    )
    assert client.get(f"/staff/{hall_a.code}/cases/ledger/?from=2030-01-01&to=x").status_code == 200
    signed_in(client, staff["clerk_a"])
    assert client.get(f"/staff/{hall_a.code}/cases/ledger/").status_code == 403


def test_the_window_page_accepts_a_case_from_the_ticket(client, licence, staff, hall_a, q, clock):
    q.issue("XK-001")
    q.open("2")
    ticket = q.call_next("2")
    signed_in(client, staff["clerk_a"])
    url = f"/staff/{hall_a.code}/cases/window/{ticket.public_id}/"
    material = licence.materials.first()
    response = client.post(url, {"phone": PHONE, f"m-{material.pk}": ["original_seen", "copy_kept"]})
    assert response.status_code == 302
    case = ticket.case_visit.case
    assert case.status == "accepted" and case.materials[0]["copy_kept"] is True and case.visits.count() == 1


def test_an_open_case_blocks_erasure_and_merge_moves_it(online, person, actors, admin_actor):
    from servicehall.cases.models import Case
    from servicehall.customers import selectors as customer_selectors
    from servicehall.customers.services import erase_blocks

    Case.objects.filter(pk=online.pk).update(person=person)
    assert any(online.number in reason for reason in erase_blocks(person))
    timeline = customer_selectors.person_timeline(person=person)
    assert any(row["kind"] == "case" and row["code"] == online.number for row in timeline)


def test_the_quality_report_reads_on_time_cases(online, actors, hall_a, clock):
    from servicehall.quality import report_data
    from servicehall.quality.choices import Metric

    case = services.case_accept(actor=actors["clerk_a"], case=online)
    services.case_approve(actor=actors["manager_a"], case=case)
    today = clock.now.date()
    scope = report_data.Scope(hall_a, today - datetime.timedelta(days=1), today)
    assert report_data.objective_values(scope)[Metric.ON_TIME_CASES] == 100.0
