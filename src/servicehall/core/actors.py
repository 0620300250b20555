"""Who is acting: a signed-in user, an API token's user, or a hall device, and from which address.

Services take an ``Actor`` rather than a request, so the same rule runs for a page, the API, the admin,
a worker job and a test.
"""

from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class Actor:
    user: object | None = None
    device: object | None = None
    ip: str | None = None

    @property
    def label(self) -> str:
        if self.user is not None and getattr(self.user, "is_authenticated", False):
            return self.user.get_username()
        if self.device is not None:
            return f"device:{self.device.pk}:{self.device.name}"
        return "anonymous"

    @property
    def user_id(self):
        if self.user is not None and getattr(self.user, "is_authenticated", False):
            return self.user.pk
        return None


def client_ip(request) -> str | None:
    """The client's address. Behind ``SERVICEHALL_TRUSTED_PROXY_COUNT`` proxies, take the address the
    outermost trusted proxy saw; otherwise X-Forwarded-For is ignored (it can be forged)."""
    proxies = settings.SERVICEHALL_TRUSTED_PROXY_COUNT
    if proxies > 0:
        forwarded = [p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if p.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR") or None


def actor_from_request(request) -> Actor:
    return Actor(
        user=getattr(request, "user", None) if getattr(request, "user", None) is not None else None,
        device=getattr(request, "device", None),
        ip=client_ip(request),
    )
