"""Granting, changing and removing a clerk's skills. Every change is audited with before and after."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from servicehall.catalog.models import ServiceItem
from servicehall.core.actors import Actor
from servicehall.core.audit import audit_record
from servicehall.core.errors import Invalid
from servicehall.core.models import Hall
from servicehall.staff import selectors
from servicehall.staff.choices import SkillLevel
from servicehall.staff.models import Skill
from servicehall.staff.services.common import lock_user, require_manager


def _item(hall: Hall, item) -> ServiceItem:
    item_id = getattr(item, "pk", item)
    found = ServiceItem.objects.filter(hall=hall, pk=item_id).first() if isinstance(item_id, int) else None
    if found is None:
        raise Invalid(fields={"service": [_("No such service in this hall.")]})
    return found


def _check_level(level) -> str:
    if level in (None, ""):
        return ""
    if level not in SkillLevel.values:
        raise Invalid(fields={"level": [_("Unknown level.")]})
    return level


def _apply(actor: Actor, hall: Hall, user, item: ServiceItem, level: str, reason: str) -> Skill | None:
    """Set one skill on a locked user; returns the row (None when removed). Not audited here."""
    skill = Skill.objects.filter(hall=hall, user=user, item=item).first()
    if not level:
        if skill is not None:
            skill.delete()
        return None
    if skill is not None and skill.level == level:
        return skill
    skill = skill or Skill(hall=hall, user=user, item=item)
    skill.level = level
    skill.granted_by_id = actor.user_id
    skill.granted_by_label = actor.label[:150]
    skill.granted_at = timezone.now()
    skill.reason = reason
    skill.save()
    return skill


@transaction.atomic
def skill_set(*, actor: Actor, hall: Hall, user, item, level, reason: str = "") -> Skill | None:
    """Give ``user`` the ``level`` (learning, qualified, expert) in ``item``, or remove the skill with a
    blank ``level``. A hall manager, or ServiceHall itself (a ``SystemActor``: the training app drops a
    qualification when its certificate expires). Holds the user's row (``lock_user``). Stable interface."""
    require_manager(actor, hall)
    level = _check_level(level)
    found = _item(hall, item)
    user = selectors.staff_user_get(hall=hall, username=user.get_username())
    reason = str(reason or "")[:200]
    lock_user(user)
    before = Skill.objects.filter(hall=hall, user=user, item=found).values_list("level", flat=True).first()
    skill = _apply(actor, hall, user, found, level, reason)
    if (before or "") != level:
        audit_record(
            actor=actor,
            action="staff.skill",
            hall=hall,
            object_type="staff.skill",
            object_id=str(user.pk),
            object_repr=f"{user.get_username()} {found.code}"[:200],
            before={"service": found.code, "level": before or ""},
            after={"service": found.code, "level": level, "reason": reason},
        )
    return skill


@transaction.atomic
def skills_replace(*, actor: Actor, hall: Hall, user, rows: list[dict], reason: str = "") -> list[Skill]:
    """Replace all of ``user``'s skills in ``hall`` with ``rows`` (``[{service: code, level}]``): every row
    is checked first, and nothing changes when one is wrong (422). One audit row with both lists."""
    require_manager(actor, hall)
    user = selectors.staff_user_get(hall=hall, username=user.get_username())
    codes = [r.get("service") for r in rows]
    items = {
        i.code: i
        for i in ServiceItem.objects.filter(hall=hall, code__in=[c for c in codes if isinstance(c, str)])
    }
    errors = {}
    for n, row in enumerate(rows):
        if row.get("service") not in items:
            errors[f"{n}.service"] = [_("No such service in this hall.")]
        if row.get("level") not in SkillLevel.values:
            errors[f"{n}.level"] = [_("Unknown level.")]
    if len(set(codes)) != len(codes):
        errors["skills"] = [_("Each service may be listed once.")]
    if errors:
        raise Invalid(fields=errors)
    lock_user(user)
    before = {s.item.code: s.level for s in selectors.skill_rows(hall=hall, user=user)}
    wanted = {r["service"]: r["level"] for r in rows}
    for code in before.keys() - wanted.keys():
        Skill.objects.filter(hall=hall, user=user, item__code=code).delete()
    for code, level in wanted.items():
        _apply(actor, hall, user, items[code], level, reason)
    if before != wanted:
        audit_record(
            actor=actor,
            action="staff.skills",
            hall=hall,
            object_type="staff.skill",
            object_id=str(user.pk),
            object_repr=user.get_username(),
            before={"skills": before},
            after={"skills": wanted},
        )
    return selectors.skill_rows(hall=hall, user=user)
