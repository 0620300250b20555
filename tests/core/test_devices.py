"""Pairing a browser as a kiosk or pad: the cookie names a server-side pairing, never the device's token
(a copied cookie opens the kiosk's pages, not the API); switching the device off ends every pairing; a
kiosk paired before pairings existed keeps working."""

import pytest
from django.core import signing
from django.test import Client

from servicehall.core import services as core_services
from servicehall.core.choices import DeviceKind
from servicehall.core.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def kiosk(admin_actor, hall_a):
    return core_services.device_create(actor=admin_actor, hall=hall_a, kind=DeviceKind.KIOSK, name="自助机")


def _cookie_value(client, name="servicehall_kiosk", salt="kiosk-device"):
    """The cookie's content, read as the server reads it."""
    return _request_with(client).get_signed_cookie(name, salt=salt)


def test_the_cookie_holds_a_pairing_not_the_device_token(kiosk, hall_a):
    device, raw = kiosk
    client = Client()
    assert client.get(f"/kiosk/{hall_a.code}/pair/?token={raw}").status_code == 302
    value = _cookie_value(client)
    assert raw not in value and value.startswith("p1:")
    assert AuditEntry.objects.filter(action="device.pair", object_id=str(device.pk)).exists()
    page = client.get(f"/kiosk/{hall_a.code}/items/none/")  # any kiosk page: the browser is the kiosk
    assert page.status_code in {200, 404}
    secret = value.split(":", 2)[2]
    api = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert api.post(
        f"/api/v1/halls/{hall_a.code}/tickets", {"service": "X"}, "application/json"
    ).status_code in {
        401,
        403,
    }


def test_switching_the_device_off_unpairs_the_browser(kiosk, hall_a, admin_actor):
    from servicehall.core.devices import paired_device

    device, raw = kiosk
    client = Client()
    client.get(f"/kiosk/{hall_a.code}/pair/?token={raw}")
    request = _request_with(client)
    assert paired_device(request, hall=hall_a, kind=DeviceKind.KIOSK) == device
    core_services.device_update(actor=admin_actor, device=device, active=False)
    assert paired_device(_request_with(client), hall=hall_a, kind=DeviceKind.KIOSK) is None


def test_a_kiosk_paired_with_the_old_cookie_keeps_working(kiosk, hall_a):
    from servicehall.core.devices import paired_device

    device, raw = kiosk
    client = Client()
    signer = signing.get_cookie_signer(salt="servicehall_kiosk" + "kiosk-device")
    client.cookies["servicehall_kiosk"] = signer.sign(raw)
    assert paired_device(_request_with(client), hall=hall_a, kind=DeviceKind.KIOSK) == device


def test_a_forged_pairing_is_refused(kiosk, hall_a):
    from servicehall.core.devices import paired_device

    _device, raw = kiosk
    client = Client()
    client.get(f"/kiosk/{hall_a.code}/pair/?token={raw}")
    pk = _cookie_value(client).split(":")[1]
    signer = signing.get_cookie_signer(salt="servicehall_kiosk" + "kiosk-device")
    client.cookies["servicehall_kiosk"] = signer.sign(f"p1:{pk}:guessed")
    assert paired_device(_request_with(client), hall=hall_a, kind=DeviceKind.KIOSK) is None


def _request_with(client):
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.COOKIES = {k: v.value for k, v in client.cookies.items()}
    return request
