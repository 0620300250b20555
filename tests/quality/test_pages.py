"""The rating pad at the window and the phone rating page, through Django's test client."""

import pytest
from django.test import Client

from servicehall.core import services as core_services
from servicehall.core.choices import DeviceKind
from servicehall.quality.models import Rating, Rectification
from tests.queueing.conftest import window


@pytest.fixture
def pad_client(admin_actor, hall_a, items_a):
    _device, raw = core_services.device_create(
        actor=admin_actor,
        hall=hall_a,
        kind=DeviceKind.RATING_PAD,
        name="1号窗口评价器",
        counter=window(hall_a, "1"),
    )
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert client.get(f"/pad/hall-a/pair/?token={raw}").status_code == 302
    return client


def test_the_pad_asks_about_the_service_just_completed_and_never_steers(clock, served, pad_client):
    idle = pad_client.get("/pad/hall-a/").content.decode()
    assert 'name="level"' not in idle
    ticket = served()
    html = pad_client.get("/pad/hall-a/").content.decode()
    assert ticket.number in html
    assert html.count('name="level"') == 5 and " checked" not in html  # nothing chosen in advance
    bad = pad_client.post("/pad/hall-a/rate", {"ticket": ticket.public_id, "level": "1"})
    assert bad.status_code == 422 and 'id="e-tags"' in bad.content.decode() and not Rating.objects.exists()
    ok = pad_client.post(
        "/pad/hall-a/rate", {"ticket": ticket.public_id, "level": "1", "tags": ["等候时间长"]}
    )
    assert ok.status_code == 200 and "data-thanks" in ok.content.decode()
    assert Rating.objects.get().level == 1 and Rectification.objects.count() == 1
    assert 'name="level"' not in pad_client.get("/pad/hall-a/").content.decode()  # rated: back to idle


def test_an_unpaired_screen_is_not_a_pad(clock, served):
    served()
    assert Client().get("/pad/hall-a/").status_code == 403


def test_the_phone_page_rates_once(clock, served):
    ticket = served()
    phone = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    track = phone.get(f"/t/{ticket.public_id}/").content.decode()
    assert f"/t/{ticket.public_id}/rate" in track
    page = phone.get(f"/t/{ticket.public_id}/rate")
    assert page.status_code == 200 and page.content.decode().count('name="level"') == 5
    done = phone.post(f"/t/{ticket.public_id}/rate", {"level": "5", "tags": ["办事高效"]})
    assert done.status_code == 200 and Rating.objects.get().channel == "phone"
    again = phone.post(f"/t/{ticket.public_id}/rate", {"level": "1", "comment": "x"})
    assert again.status_code == 409 and Rating.objects.count() == 1


def test_the_phone_questionnaire_after_rating(clock, served, actors, hall_a):
    from servicehall.quality import services
    from servicehall.quality.models import QuestionnaireResponse

    system = services.system_from_template(actor=actors["evaluator_a"], hall=hall_a, template="article")
    q = services.questionnaire_generate(actor=actors["evaluator_a"], system=system)
    services.questionnaire_publish(actor=actors["evaluator_a"], questionnaire=q)
    ticket = served()
    phone = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    rated = phone.post(f"/t/{ticket.public_id}/rate", {"level": "4"}).content.decode()
    assert f"/q/{q.pk}/?t={ticket.public_id}" in rated
    page = phone.get(f"/q/{q.pk}/?t={ticket.public_id}").content.decode()
    assert "工作人员热情耐心" in page and 'name="started"' in page
    started = __import__("re").search(r'name="started" value="([^"]+)"', page).group(1)
    likert = [i["key"] for i in q.items if i["kind"] == "likert"]
    bad = phone.post(
        f"/q/{q.pk}/", {"started": started, "t": ticket.public_id, likert[0]: "9", likert[1]: "4"}
    )
    html = bad.content.decode()
    assert bad.status_code == 422 and "field-error" in html and 'value="4" checked' in html
    assert not QuestionnaireResponse.objects.exists()
    clock.advance(minutes=3)
    ok = phone.post(
        f"/q/{q.pk}/",
        {"started": started, "t": ticket.public_id, likert[0]: "5", likert[1]: "4", "comment": "很好"},
    )
    assert ok.status_code == 200
    response = QuestionnaireResponse.objects.get()
    assert response.ticket_id == ticket.pk and response.answers[likert[0]] == 5
    assert (response.submitted_at - response.started_at).total_seconds() == 180


def test_the_quality_office_works_a_case_and_weights_dimensions_by_ahp(clock, served, actors, staff):
    from servicehall.quality import services
    from servicehall.quality.models import Indicator, IndicatorSystem

    services.rating_submit(actor=actors["citizen"], ticket=served(), level=1, comment="态度差")
    manager = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    manager.force_login(staff["manager_a"])
    page = manager.get("/staff/hall-a/quality/").content.decode()
    assert "测试局" in page and "态度差" in page
    case = Rectification.objects.get()
    bad = manager.post("/staff/hall-a/quality/", {"case": case.pk, "action": "revisit", "note": ""})
    assert bad.status_code == 422
    manager.post("/staff/hall-a/quality/", {"case": case.pk, "action": "revisit", "note": "已电话回访"})
    case.refresh_from_db()
    assert case.status == "revisited"
    manager.post("/staff/hall-a/quality/", {"template": "article"})
    system = IndicatorSystem.objects.get()
    url = f"/staff/hall-a/quality/systems/{system.pk}/"
    html = manager.get(url).content.decode()
    assert "a_0_1" in html and "服务效率" in html
    refused = manager.post(url, {"parent": "", "a_0_1": "9", "a_0_2": str(1 / 9), "a_1_2": "9"})
    assert refused.status_code == 422 and "CR" in refused.content.decode()
    for wrong in ("0", "-3", "abc"):  # refused beside the form, never a server error
        assert manager.post(url, {"parent": "", "a_0_1": wrong}).status_code == 422
    ok = manager.post(url, {"parent": "", "a_0_1": str(1 / 3), "a_0_2": "2", "a_1_2": "5"})
    assert ok.status_code == 200
    assert Indicator.objects.get(system=system, code="B").weight > 0.6
    assert Client().get("/staff/hall-a/quality/").status_code == 302  # sign in first
    other = Client()
    other.force_login(staff["clerk_b"])
    assert other.get("/staff/hall-a/quality/").status_code == 403


@pytest.fixture
def kiosk_client(admin_actor, hall_a, items_a):
    _device, raw = core_services.device_create(
        actor=admin_actor, hall=hall_a, kind=DeviceKind.KIOSK, name="出口自助机"
    )
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert client.get(f"/kiosk/hall-a/pair/?token={raw}").status_code == 302
    return client


def test_the_kiosk_rates_a_service_by_its_typed_number_or_scanned_code(clock, served, kiosk_client):
    first, second = served(), served()
    assert "/kiosk/hall-a/rate/" in kiosk_client.get("/kiosk/hall-a/").content.decode()
    unknown = kiosk_client.post("/kiosk/hall-a/rate/", {"lookup": "Z999"})
    assert unknown.status_code == 422 and 'id="lookup-error"' in unknown.content.decode()
    # The number alone, read off the board by anyone, reaches nothing: the slip's rating code is needed.
    alone = kiosk_client.post("/kiosk/hall-a/rate/", {"lookup": first.number})
    assert alone.status_code == 422 and 'id="lookup-error"' in alone.content.decode()
    wrong = f"{first.number}{(int(first.rating_code) + 1) % 10000:04d}"
    assert kiosk_client.post("/kiosk/hall-a/rate/", {"lookup": wrong}).status_code == 422
    # Typed (lower-case, a space: fine): the five levels, nothing chosen in advance.
    typed = f"{first.number.lower()} {first.rating_code}"
    page = kiosk_client.post("/kiosk/hall-a/rate/", {"lookup": typed}).content.decode()
    assert first.number in page and page.count('name="level"') == 5 and " checked" not in page
    done = kiosk_client.post("/kiosk/hall-a/rate/", {"step": "rate", "ticket": first.public_id, "level": "5"})
    assert done.status_code == 200 and "data-thanks" in done.content.decode()
    rating = Rating.objects.get(ticket=first)
    assert rating.channel == "kiosk" and rating.level == 5
    again = kiosk_client.post("/kiosk/hall-a/rate/", {"lookup": first.number + first.rating_code})
    assert again.status_code == 422 and "本次服务已评价" in again.content.decode()
    # Scanned: the QR code carries the tracking link; a bad rating still needs its reason.
    link = f"http://testserver/t/{second.public_id}/"
    assert second.number in kiosk_client.post("/kiosk/hall-a/rate/", {"lookup": link}).content.decode()
    bad = kiosk_client.post("/kiosk/hall-a/rate/", {"step": "rate", "ticket": second.public_id, "level": "2"})
    assert bad.status_code == 422 and not Rating.objects.filter(ticket=second).exists()


def test_an_unpaired_screen_cannot_rate_as_a_kiosk(clock, served):
    ticket = served()
    response = Client().post(
        "/kiosk/hall-a/rate/", {"step": "rate", "ticket": ticket.public_id, "level": "5"}
    )
    assert response.status_code == 403 and not Rating.objects.exists()


def test_a_typed_number_reaches_only_today_s_recent_services(clock, served, kiosk_client):
    ticket = served()
    clock.advance(hours=5)
    old = kiosk_client.post("/kiosk/hall-a/rate/", {"lookup": ticket.number + ticket.rating_code})
    assert old.status_code == 422
    # Its own QR code still works within the hall's rating window.
    assert (
        ticket.number
        in kiosk_client.post("/kiosk/hall-a/rate/", {"lookup": ticket.public_id}).content.decode()
    )


def test_the_pad_replaces_an_unanswered_form_with_the_next_completion_and_refuses_the_old_one(
    clock, served, pad_client
):
    first = served()
    html = pad_client.get("/pad/hall-a/").content.decode()
    assert f'value="{first.public_id}"' in html
    key = pad_client.get("/pad/hall-a/state").json()["key"]
    clock.advance(seconds=45)
    second = served()
    assert pad_client.get("/pad/hall-a/state").json()["key"] != key  # the pad's poll sees the change
    html = pad_client.get("/pad/hall-a/").content.decode()
    assert f'value="{second.public_id}"' in html and first.public_id not in html
    # The old form, still on a pad that missed the event, is refused and the current one shown fresh.
    old = pad_client.post("/pad/hall-a/rate", {"ticket": first.public_id, "level": "5"})
    page = old.content.decode()
    assert old.status_code == 409 and 'role="alert"' in page and first.number in page
    assert f'value="{second.public_id}"' in page and " checked" not in page
    assert not Rating.objects.exists()
    ok = pad_client.post("/pad/hall-a/rate", {"ticket": second.public_id, "level": "5"})
    assert ok.status_code == 200 and Rating.objects.get().ticket_id == second.pk


def test_the_pad_form_times_out_to_the_idle_screen(clock, served, pad_client):
    ticket = served()
    clock.advance(seconds=100)
    assert pad_client.get("/pad/hall-a/state").json()["seconds_left"] == 20
    assert 'data-seconds-left="20"' in pad_client.get("/pad/hall-a/").content.decode()
    clock.advance(seconds=30)
    idle = pad_client.get("/pad/hall-a/").content.decode()
    assert 'name="level"' not in idle and ticket.number not in idle
    late = pad_client.post("/pad/hall-a/rate", {"ticket": ticket.public_id, "level": "5"})
    assert late.status_code == 409 and 'class="pad-notice"' in late.content.decode()
    assert not Rating.objects.exists()
    assert Client().get("/pad/hall-a/state").status_code == 403  # an unpaired screen learns nothing


def test_the_pad_shows_the_clerk_only_when_the_hall_enables_it(clock, served, pad_client, actors, staff):
    from servicehall.core.models import User
    from servicehall.quality import services

    User.objects.filter(pk=staff["clerk_a"].pk).update(display_name="王丽华", staff_number="QS1023")
    served()
    off = pad_client.get("/pad/hall-a/").content.decode()
    assert "王" not in off and "QS1023" not in off and "data-clerk" not in off  # off by default
    hall = staff["clerk_a"].memberships.get().hall
    services.settings_update(actor=actors["manager_a"], hall=hall, pad_clerk_card="full")
    full = pad_client.get("/pad/hall-a/").content.decode()
    assert "王丽华" in full and "QS1023" in full and "clerk_a" not in full  # never the sign-in name
    services.settings_update(actor=actors["manager_a"], hall=hall, pad_clerk_card="masked")
    masked = pad_client.get("/pad/hall-a/").content.decode()
    assert "王**" in masked and "丽华" not in masked and "QS1023" in masked
    clock.advance(minutes=5)
    idle = pad_client.get("/pad/hall-a/").content.decode()  # idle: the clerk signed in at the window
    assert 'name="level"' not in idle and "王**" in idle and "QS1023" in idle


def test_a_staff_number_is_never_a_phone_number(staff):
    from django.core.exceptions import ValidationError

    clerk = staff["clerk_a"]
    clerk.staff_number = "13812345678"
    with pytest.raises(ValidationError) as exc:
        clerk.full_clean()
    assert "staff_number" in exc.value.message_dict
    clerk.staff_number = "QS-1023"
    clerk.full_clean()


@pytest.mark.parametrize(
    "language, shown, hidden",
    [
        ("en", "Long wait", "等候时间长"),
        ("zh-hant", "等候時間長", "Long wait"),
        ("zh-hans", "等候时间长", "Long wait"),
    ],
)
def test_reason_tags_read_in_the_readers_language_and_post_the_stored_value(
    clock, served, language, shown, hidden
):
    ticket = served()
    phone = Client(HTTP_ACCEPT_LANGUAGE=language)
    page = phone.get(f"/t/{ticket.public_id}/rate").content.decode()
    assert shown in page and f">{hidden}<" not in page
    assert 'value="等候时间长"' in page  # what is posted and stored does not change with the language
    done = phone.post(f"/t/{ticket.public_id}/rate", {"level": "1", "tags": ["等候时间长"]})
    assert done.status_code == 200 and Rating.objects.get().tags == ["等候时间长"]
