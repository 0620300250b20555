"""Levels and promotion: the hall's ladder of levels (manager), the criteria of each with thresholds, and
promoting an eligible clerk one level up (audited). Eligibility is computed by ``progress.progress_for``
from measured data, never typed in."""

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from servicehall.core.actors import Actor
from servicehall.core.errors import Conflict, Invalid, NotFound
from servicehall.core.models import Hall, HallMembership
from servicehall.core.permissions import require_role
from servicehall.core.services import validated
from servicehall.training.choices import Criterion
from servicehall.training.models import ClerkLevel, Level, LevelCriterion
from servicehall.training.services.common import MANAGERS, audit


@transaction.atomic
def level_save(
    *, actor: Actor, hall: Hall, rank: int, name: str, name_en: str = "", name_zh_hant: str = ""
) -> Level:
    """Create the level at ``rank`` or rename it."""
    require_role(actor, hall, *MANAGERS)
    level = Level.objects.select_for_update().filter(hall=hall, rank=rank).first() or Level(
        hall=hall, rank=rank
    )
    level.name, level.name_en, level.name_zh_hant = (
        (name or "").strip(),
        name_en.strip(),
        name_zh_hant.strip(),
    )
    validated(level)
    level.save()
    audit(actor, "training.level_save", level, hall, rank=rank, name=level.name)
    return level


@transaction.atomic
def criteria_set(
    *, actor: Actor, level: Level, thresholds: dict[str, Decimal | None]
) -> list[LevelCriterion]:
    """Replace the level's criteria: ``{code: threshold}``; a blank threshold drops the criterion."""
    require_role(actor, level.hall, *MANAGERS)
    unknown = [c for c in thresholds if c not in Criterion.values]
    if unknown:
        raise Invalid(fields={c: [_("Unknown criterion.")] for c in unknown})
    kept = {c: v for c, v in thresholds.items() if v is not None}
    bad = [c for c, v in kept.items() if not (Decimal(0) <= Decimal(v) <= Decimal(100000))]
    if bad:
        raise Invalid(fields={c: [_("Enter a number between 0 and 100000.")] for c in bad})
    LevelCriterion.objects.filter(level=level).exclude(code__in=list(kept)).delete()
    rows = []
    for code, value in kept.items():
        row, _created = LevelCriterion.objects.update_or_create(
            level=level, code=code, defaults={"threshold": value}
        )
        rows.append(row)
    audit(actor, "training.criteria_set", level, level.hall, **{c: str(v) for c, v in kept.items()})
    return rows


@transaction.atomic
def clerk_promote(*, actor: Actor, hall: Hall, username: str, to_rank: int) -> ClerkLevel:
    """Move a clerk one level up, when every criterion of that level is met (the manager decides; the
    data must allow it). Locks the clerk's level row; a stale page promoting twice gets a 409."""
    from servicehall.training.progress import progress_for

    require_role(actor, hall, *MANAGERS)
    user = get_user_model().objects.filter(username=username[:150]).first()
    if user is None or not HallMembership.objects.filter(hall=hall, user=user).exists():
        raise NotFound(_("No such member of staff in this hall."), code="staff_not_found")
    ClerkLevel.objects.select_for_update().filter(hall=hall, user=user).first()
    progress = progress_for(hall=hall, user=user)
    target = progress["next_level_obj"]
    if target is None or target.rank != to_rank:
        raise Conflict(_("The clerk is not one step below this level."), code="not_next_level")
    if not progress["eligible"]:
        raise Conflict(_("Not every criterion of the next level is met."), code="not_eligible")
    before = progress["level_obj"]
    row, _created = ClerkLevel.objects.update_or_create(
        hall=hall,
        user=user,
        defaults={"level": target, "since": timezone.localdate(timezone.now(), hall.tzinfo)},
    )
    audit(
        actor,
        "training.promote",
        row,
        hall,
        user=user.username,
        before=before.name if before else "",
        after_level=target.name,
    )
    return row


@transaction.atomic
def clerk_level_set(*, actor: Actor, hall: Hall, user, level: Level, since: datetime.date) -> ClerkLevel:
    """Record a clerk's level as it was before the platform knew (the initial ladder; manager only)."""
    require_role(actor, hall, *MANAGERS)
    if level.hall_id != hall.pk:
        raise Invalid(fields={"level": [_("Unknown level.")]})
    row, _created = ClerkLevel.objects.update_or_create(
        hall=hall, user=user, defaults={"level": level, "since": since}
    )
    audit(actor, "training.level_set", row, hall, user=user.username, level=level.name, since=since)
    return row
