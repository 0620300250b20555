"""Granting, changing and removing a clerk's skills. Every change is audited with before and after.

Training has a real effect on who serves what: raising a clerk to "qualified" or "expert" in an item
needs a valid certificate of every course the item requires (``training.selectors.requirements_met``);
"learning" needs none, and a level that does not change is never re-checked (a requirement added later
does not silently disqualify anyone: the certificate sweep does that, when a certificate lapses)."""

from django.apps import apps
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

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


CERTIFIED = {SkillLevel.QUALIFIED, SkillLevel.EXPERT}


def missing_courses(hall: Hall, user, item: ServiceItem, before: str, level: str) -> str:
    """The names of the courses ``user`` still lacks for ``level`` in ``item``, joined for a message; ""
    when nothing is missing, when the level does not rise to a certified one, or without the training
    app."""
    if level not in CERTIFIED or level == before or not apps.is_installed("servicehall.training"):
        return ""
    from servicehall.training.selectors import requirements_met

    ok, missing = requirements_met(hall=hall, user=user, item=item)
    return "" if ok else pgettext("list separator", ", ").join(c.name_local for c in missing)


def _requirement_error(names: str) -> str:
    return _("Needs a valid certificate of: %(courses)s. Grant “learning” until the exam is passed.") % {
        "courses": names
    }


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
    if names := missing_courses(hall, user, found, before or "", level):
        raise Invalid(fields={"level": [_requirement_error(names)]})
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
    for n, row in enumerate(rows):
        code = row["service"]
        if names := missing_courses(hall, user, items[code], before.get(code, ""), row["level"]):
            errors[f"{n}.level"] = [_requirement_error(names)]
    if errors:
        raise Invalid(fields=errors)
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
