"""Shared by the staff services: who may act, and the lock every change of one clerk takes."""

from django.contrib.auth import get_user_model

from servicehall.core.actors import Actor
from servicehall.core.audit import SystemActor
from servicehall.core.choices import Role
from servicehall.core.models import Hall
from servicehall.core.permissions import require_role


def require_manager(actor: Actor, hall: Hall) -> None:
    """A hall manager (or a system administrator); ServiceHall's own rules (a certificate expiring,
    run by the worker as a ``SystemActor``) may change skills too."""
    if isinstance(actor, SystemActor):
        return
    require_role(actor, hall, Role.MANAGER)


def lock_user(user) -> None:
    """Every change of one clerk's skills or profile holds their user row, so two managers saving at
    once apply one after the other instead of both reading the old state."""
    get_user_model().objects.select_for_update().filter(pk=user.pk).order_by("pk").first()
