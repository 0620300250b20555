"""Pairing a browser as one of a hall's devices (kiosk, rating pad).

Staff open ``/<surface>/<hall>/pair/?token=<device token>`` once on the device; the browser then keeps a
signed, HTTP-only cookie naming a server-side pairing (``core.models.DevicePairing``), never the token
itself, and each later request finds its device from it. Cookies of browsers paired before pairings
existed (the raw token) are still read, so installed kiosks keep working; pair them again to replace it.

Every app whose pages run on a device (the kiosk's take-a-number, the appointment check-in, the rating at
the kiosk or on the pad) asks here, so the rule "this browser is that device of this hall, of this kind"
is written once.
"""

from servicehall.core.actors import client_ip
from servicehall.core.choices import DeviceKind
from servicehall.core.services import authenticate_device, device_for_pairing, device_pair

# The cookie and signing salt per kind; the names are those devices already carry (do not rename).
COOKIES = {
    DeviceKind.KIOSK: ("servicehall_kiosk", "kiosk-device"),
    DeviceKind.RATING_PAD: ("servicehall_pad", "rating-pad"),
}
FIVE_YEARS_SECONDS = 5 * 365 * 24 * 3600


def device_for_token(raw: str, *, hall, kind: str):
    """The active device of ``hall`` and ``kind`` that ``raw`` authenticates, or None."""
    device = authenticate_device((raw or "").strip()) if raw else None
    ok = device is not None and device.hall_id == hall.pk and device.kind == kind
    return device if ok else None


def paired_device(request, *, hall, kind: str):
    """The device of ``kind`` this browser was paired as, if it belongs to ``hall``."""
    name, salt = COOKIES[kind]
    value = request.get_signed_cookie(name, default=None, salt=salt)
    if not value:
        return None
    if value.startswith("p1:"):
        device = device_for_pairing(value)
        return device if device is not None and device.hall_id == hall.pk and device.kind == kind else None
    return device_for_token(value, hall=hall, kind=kind)  # a browser paired before pairings existed


def remember_pairing(request, response, *, device):
    """Pair this browser as ``device``: a new server-side pairing, named in the device's cookie on
    ``response`` (strict same-site, HTTP-only)."""
    name, salt = COOKIES[device.kind]
    response.set_signed_cookie(
        name,
        device_pair(device=device, ip=client_ip(request)),
        salt=salt,
        max_age=FIVE_YEARS_SECONDS,
        httponly=True,
        samesite="Strict",
        secure=request.is_secure(),
    )
    return response
