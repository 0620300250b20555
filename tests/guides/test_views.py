"""The managers' guide pages: managers of the hall only; a draft edited and published from the page with
errors beside the field; the version history and its comparison; procedures; the usage log and its CSV;
the counter console carries the guide bar."""

import pytest

from servicehall.core.models import AuditEntry, Counter
from servicehall.guides import services
from servicehall.guides.models import Guide, ProcedureUse
from servicehall.queueing import services as queue

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def pages(hall, guide=None):
    base = f"/staff/{hall.code}/guides/"
    found = [base, base + "procedures/", base + "procedures/new/", base + "uses/", base + "items/SB-001/"]
    return found + ([base + "items/SB-001/v/1/"] if guide else [])


@pytest.mark.parametrize("caller,expected", [("manager_a", 200), ("clerk_a", 403), ("manager_b", 403)])
def test_every_page_is_for_the_halls_managers(client, staff, hall_a, guide, procedure, caller, expected):
    client.force_login(staff[caller])
    for url in [*pages(hall_a, guide), f"/staff/{hall_a.code}/guides/procedures/{procedure.pk}/"]:
        assert client.get(url, **EN).status_code == expected, url


def test_anonymous_visitors_are_sent_to_sign_in(client, hall_a):
    response = client.get(f"/staff/{hall_a.code}/guides/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_a_manager_edits_and_publishes_a_draft_from_the_page(client, staff, hall_a, items_a, actors, clock):
    client.force_login(staff["manager_a"])
    url = f"/staff/{hall_a.code}/guides/items/SB-001/"
    assert client.post(url, {"action": "start"}).status_code == 302
    draft = Guide.objects.get()
    check = draft.checks.get()
    form = {
        "steps": "核验身份\n受理登记",
        "steps_en": "Verify identity\nRegister",
        f"check_{check.pk}": "原件",
        f"check_en_{check.pk}": "Original",
        "action": "publish",
    }
    response = client.post(url, {**form, "steps": "x" * 501}, **EN)
    assert response.status_code == 422
    assert "At most 40 lines of 500 characters each." in response.content.decode()
    assert Guide.objects.get().status == "draft"
    assert client.post(url, form).status_code == 302
    guide = Guide.objects.get()
    assert guide.status == "published" and guide.steps == ["核验身份", "受理登记"]
    assert guide.checks.get().points == "原件"
    page = client.get(url, **EN).content.decode()
    assert "Published · version 1" in page and "Verify identity" in page


def test_the_version_page_shows_what_changed(client, staff, hall_a, guide, actors, items_a):
    from tests.guides.conftest import write_guide

    write_guide(
        actors["manager_a"], items_a["SB-001"], steps=["核对身份证原件与本人一致", "新增：告知办理时限"]
    )
    client.force_login(staff["manager_a"])
    page = client.get(f"/staff/{hall_a.code}/guides/items/SB-001/v/2/", **EN).content.decode()
    assert "Changes since version 1" in page
    assert '<li class="diff-added">新增：告知办理时限</li>' in page
    assert '<li class="diff-removed">在系统中录入参保信息</li>' in page


def test_a_procedure_form_shows_errors_beside_the_field(client, staff, hall_a, procedure):
    client.force_login(staff["manager_a"])
    url = f"/staff/{hall_a.code}/guides/procedures/new/"
    response = client.post(
        url, {"code": "manual-calling", "title": "重复", "steps": "一", "position": 0}, **EN
    )
    assert response.status_code == 422
    assert "Another procedure of this hall has this code." in response.content.decode()
    response = client.post(url, {"code": "fire", "title": "消防疏散", "steps": "报警\n疏散", "position": 2})
    assert response.status_code == 302
    assert AuditEntry.objects.filter(action="guides.procedure.add").count() == 2


def test_the_usage_log_filters_and_downloads_csv(client, staff, hall_a, procedure, actors, clock):
    counter = Counter.objects.get(hall=hall_a, number="1")
    services.procedure_use_log(
        actor=actors["clerk_a"], procedure=procedure, happened="=SUM(A1)", counter_id=counter.pk
    )
    client.force_login(staff["manager_a"])
    url = f"/staff/{hall_a.code}/guides/uses/"
    page = client.get(url, {"since": "2030-03-06", "until": "2030-03-06"}, **EN).content.decode()
    assert "=SUM(A1)" in page
    assert "=SUM(A1)" not in client.get(url, {"since": "2030-03-07"}).content.decode()
    response = client.get(url, {"format": "csv", "procedure": procedure.pk})
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("used_at,procedure,window") and "'=SUM(A1)" in lines[1]
    assert client.get(url, {"since": "0001-01-01"}).status_code == 400  # refused at the door
    bad = client.get(url, {"since": "1999-12-31", "until": "x"}, **EN).content.decode()
    assert "Choose a date between 2000 and 2099." in bad and "Enter a valid date." in bad
    assert ProcedureUse.objects.count() == 1


def test_the_console_offers_the_guide_and_the_procedures(client, staff, hall_a, items_a, procedure, actors):
    queue.counter_open(actor=actors["clerk_a"], counter=Counter.objects.get(hall=hall_a, number="1"))
    client.force_login(staff["clerk_a"])
    page = client.get(f"/console/{hall_a.code}/", **EN).content.decode()
    assert 'id="guide-open"' in page and "<kbd>G</kbd>" in page
    assert "Manual calling when the system fails" in page
    assert "servicehall/guides/console-guide" in page


def test_the_audit_trail_reads_every_guide_change(client, staff, hall_a, guide, procedure, actors):
    services.procedure_use_log(actor=actors["clerk_a"], procedure=procedure, happened="停电")
    client.force_login(staff["manager_a"])
    response = client.get(f"/staff/{hall_a.code}/audit/", {"action": "guides."}, **EN)
    assert response.status_code == 200
    page = response.content.decode()
    for label in ("Operating guide draft saved", "Operating guide published", "Special-event procedure used"):
        assert label in page
    assert "What to check in each material" in page
