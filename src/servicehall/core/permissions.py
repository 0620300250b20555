"""Hall-scoped permission checks. Every write and every staff read asks here; nothing else decides.

A system administrator (``is_superuser``) may do everything. Everyone else holds roles per hall through
``HallMembership``: a clerk of hall A can do nothing in hall B.
"""

from servicehall.core import memo
from servicehall.core.actors import Actor
from servicehall.core.choices import Role
from servicehall.core.errors import NotAuthenticated, PermissionDenied
from servicehall.core.models import Hall, HallMembership

STAFF_ROLES = (Role.MANAGER, Role.CLERK, Role.EVALUATOR)


def is_authenticated(actor: Actor) -> bool:
    return actor.user_id is not None


def roles_in_hall(user, hall: Hall) -> set[str]:
    if user is None or not getattr(user, "is_authenticated", False):
        return set()
    cache = getattr(user, "_hall_roles_cache", None)
    if cache is None:
        cache = memo.remember("roles", user.pk, lambda: _roles_by_hall(user.pk))
        user._hall_roles_cache = cache
    return cache.get(hall.pk, set())


def _roles_by_hall(user_id: int) -> dict[int, set[str]]:
    roles: dict[int, set[str]] = {}
    for hall_id, role in HallMembership.objects.filter(user_id=user_id).values_list("hall_id", "role"):
        roles.setdefault(hall_id, set()).add(role)
    return roles


def has_role(user, hall: Hall, *roles: str) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    return bool(roles_in_hall(user, hall) & set(roles))


def require_role(actor: Actor, hall: Hall, *roles: str) -> None:
    """Raise unless the actor's user holds one of ``roles`` in ``hall``."""
    if not is_authenticated(actor):
        raise NotAuthenticated()
    if not has_role(actor.user, hall, *roles):
        raise PermissionDenied()


def require_superuser(actor: Actor) -> None:
    if not is_authenticated(actor):
        raise NotAuthenticated()
    if not actor.user.is_superuser:
        raise PermissionDenied()


def halls_for(user):
    """The halls a user may work in (all for a system administrator)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return Hall.objects.none()
    if user.is_superuser:
        return Hall.objects.all()
    return Hall.objects.filter(memberships__user=user).distinct()
