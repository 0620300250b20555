"""The one way a password is checked: every log-in form (the staff sign-in page, the Django admin) goes
through Django's ``authenticate``, and this backend is the only one configured. So the lock-out, the
failure count and the audit apply to all of them alike; a login path added later cannot forget them."""

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied

from servicehall.core import services
from servicehall.core.actors import client_ip


class LockoutBackend(ModelBackend):
    """``ModelBackend`` behind the lock-out of ``core.services.login_is_locked``.

    While locked it raises ``PermissionDenied``: Django then stops asking other backends and answers "no
    user", and the form tells the person it is locked (``request.login_locked``), not that the password
    was wrong. A failure is counted and audited; a success is audited with its address."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        ip = client_ip(request) if request is not None else None
        if services.login_is_locked(username=username, ip=ip):
            services.login_record_locked(username=username, ip=ip)
            if request is not None:
                request.login_locked = True
            raise PermissionDenied
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            services.login_record_failure(username=username, ip=ip)
        else:
            services.login_record_success(user=user, ip=ip)
        return user
