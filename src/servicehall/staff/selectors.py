"""Reads of staff: skills and what a clerk may call, profiles, the rota and its gaps. Queueing asks
``callable_services`` when a window calls, so its own selectors stay small."""

from django.contrib.auth import get_user_model

from servicehall.catalog.models import ServiceItem
from servicehall.core import crypto
from servicehall.core.errors import NotFound
from servicehall.core.models import Counter, Hall, HallMembership
from servicehall.staff.choices import SERVING_LEVELS, LearningRule, SkillLevel
from servicehall.staff.models import Skill, StaffProfile, StaffSettings


def settings_get(*, hall: Hall) -> StaffSettings:
    """The hall's staff settings, or the defaults (unsaved) for a hall without a row."""
    return StaffSettings.objects.filter(hall=hall).first() or StaffSettings(hall=hall)


def staff_user_get(*, hall: Hall, username: str):
    """A user who holds (or held: deactivated staff keep a profile) a role in ``hall``; else 404."""
    User = get_user_model()
    user = User.objects.filter(username=username).first() if isinstance(username, str) else None
    if user is None or not (
        HallMembership.objects.filter(hall=hall, user=user).exists()
        or StaffProfile.objects.filter(hall=hall, user=user).exists()
    ):
        raise NotFound(code="unknown_staff")
    return user


def skill_rows(*, hall: Hall, user) -> list[Skill]:
    return list(
        Skill.objects.filter(hall=hall, user=user).select_related("item", "granted_by").order_by("item__code")
    )


def qualified_items(*, hall: Hall, user) -> set[int]:
    """Ids of the service items ``user`` may serve on their own in ``hall`` (qualified or expert).
    Stable interface: the training app reads it."""
    user_id = getattr(user, "pk", user)
    return set(
        Skill.objects.filter(hall=hall, user_id=user_id, level__in=SERVING_LEVELS).values_list(
            "item_id", flat=True
        )
    )


def skills_enforced(*, hall: Hall) -> bool:
    """Skills decide calling when the hall says so and has recorded at least one skill: a hall that
    never recorded any keeps calling as before skills existed."""
    return settings_get(hall=hall).enforce_skills and Skill.objects.filter(hall=hall).exists()


def _mentored_items(hall: Hall, user_id: int, learning: set[int]) -> set[int]:
    """Of the items ``user_id`` is learning, those a qualified colleague signed in at another window of
    the hall right now could help with."""
    from servicehall.queueing.models import CounterSession

    present = CounterSession.objects.filter(counter__hall=hall, closed_at__isnull=True).exclude(
        clerk_id=user_id
    )
    return set(
        Skill.objects.filter(
            hall=hall, item_id__in=learning, level__in=SERVING_LEVELS, user_id__in=present.values("clerk_id")
        ).values_list("item_id", flat=True)
    )


def servable_items(*, hall: Hall, user) -> set[int] | None:
    """Ids of the items ``user`` may serve now, or None when the hall does not enforce skills (anything
    the window serves). Learners count only where the hall allows it and a mentor is signed in."""
    if not skills_enforced(hall=hall):
        return None
    user_id = getattr(user, "pk", user)
    levels = dict(Skill.objects.filter(hall=hall, user_id=user_id).values_list("item_id", "level"))
    serving = {i for i, level in levels.items() if level in SERVING_LEVELS}
    learning = {i for i, level in levels.items() if level == SkillLevel.LEARNING}
    if learning and settings_get(hall=hall).learning_rule == LearningRule.WITH_MENTOR:
        serving |= _mentored_items(hall, user_id, learning)
    return serving


def callable_services(*, counter: Counter, user, services: dict) -> dict:
    """The part of a counter's ``services`` (service id → tier, weight) that ``user`` may call there."""
    allowed = servable_items(hall=counter.hall, user=user)
    if allowed is None:
        return services
    return {sid: v for sid, v in services.items() if sid in allowed}


def qualified_counters(*, hall: Hall, service_id: int, counter_ids) -> set[int]:
    """Of ``counter_ids``, those whose signed-in clerk may serve ``service_id`` (transfer targets). A
    closed counter stays offered: whoever opens it next is checked when they call."""
    from servicehall.queueing.models import CounterSession

    ids = set(counter_ids)
    if not skills_enforced(hall=hall):
        return ids
    sessions = dict(
        CounterSession.objects.filter(counter_id__in=ids, closed_at__isnull=True).values_list(
            "counter_id", "clerk_id"
        )
    )
    return {
        c
        for c in ids
        if c not in sessions or service_id in (servable_items(hall=hall, user=sessions[c]) or {service_id})
    }


def items_for_hall(*, hall: Hall):
    return ServiceItem.objects.filter(hall=hall, active=True).order_by("code")


# --- staff lists ----------------------------------------------------------------------------------------


def active_staff(*, hall: Hall):
    """Users holding a clerk role in ``hall`` (the ones a rota plans), by name."""
    from servicehall.core.choices import Role

    return (
        get_user_model()
        .objects.filter(memberships__hall=hall, memberships__role=Role.CLERK, is_active=True)
        .distinct()
        .order_by("staff_number", "username")
    )


def staff_list(*, hall: Hall) -> list[dict]:
    """Everyone with a role or a profile in the hall: roles, department, skills, active or not."""
    User = get_user_model()
    roles: dict[int, list[str]] = {}
    for user_id, role in HallMembership.objects.filter(hall=hall).values_list("user_id", "role"):
        roles.setdefault(user_id, []).append(role)
    profiles = {p.user_id: p for p in StaffProfile.objects.filter(hall=hall).select_related("department")}
    skills: dict[int, dict[str, int]] = {}
    for user_id, level in Skill.objects.filter(hall=hall).values_list("user_id", "level"):
        skills.setdefault(user_id, {}).setdefault(level, 0)
        skills[user_id][level] += 1
    users = User.objects.filter(pk__in=set(roles) | set(profiles)).order_by("staff_number", "username")
    return [
        {
            "user": u,
            "roles": sorted(roles.get(u.pk, [])),
            "profile": profiles.get(u.pk),
            "skills": skills.get(u.pk, {}),
            "active": u.is_active and not (profiles.get(u.pk) and profiles[u.pk].deactivated_at),
        }
        for u in users
    ]


def profile_get(*, hall: Hall, user) -> StaffProfile | None:
    return StaffProfile.objects.filter(hall=hall, user=user).select_related("department").first()


# --- 亮证上岗: the clerk at a window -----------------------------------------------------------------------


def work_mobiles(*, hall: Hall, user_ids) -> dict[int, str]:
    """The work mobiles of these staff in ``hall`` (decrypted: only for sending a text, never to show),
    deactivated staff left out; staff without a mobile are absent from the result."""
    rows = StaffProfile.objects.filter(
        hall=hall, user_id__in=list(user_ids), deactivated_at__isnull=True
    ).exclude(mobile_encrypted="")
    return {p.user_id: crypto.decrypt(p.mobile_encrypted) for p in rows}


def work_mobile_hint(*, hall: Hall, user) -> str:
    """The masked work mobile on the staff record in ``hall`` ("" without one)."""
    return work_mobile_hints(hall=hall, user_ids=[user.pk]).get(user.pk, "")


def work_mobile_hints(*, hall: Hall, user_ids) -> dict[int, str]:
    """The masked work mobiles of these staff in ``hall``; staff without one are absent."""
    rows = StaffProfile.objects.filter(hall=hall, user_id__in=list(user_ids)).exclude(mobile_hint="")
    return dict(rows.values_list("user_id", "mobile_hint"))


def photo_get(*, hall: Hall, key: str) -> bytes:
    """A photo by its unguessable key, only where the hall shows photos (亮证上岗 makes it public)."""
    if not settings_get(hall=hall).show_photo or not isinstance(key, str):
        raise NotFound()
    profile = StaffProfile.objects.filter(hall=hall, photo_key=key, photo__isnull=False).only("photo").first()
    if profile is None:
        raise NotFound()
    return bytes(profile.photo)


# --- rota -----------------------------------------------------------------------------------------------


def rota_rows(queryset) -> list[dict]:
    """The plan as the API shows it and the audit trail keeps it, in a stable order."""
    return [
        {
            "user": e.user.username,
            "date": e.date.isoformat(),
            "half": e.half,
            "kind": e.kind,
            "counter": e.counter.number if e.counter else None,
        }
        for e in queryset.select_related("user", "counter").order_by("date", "half", "user__username")
    ]


def rota_week(*, hall: Hall, monday) -> list[dict]:
    import datetime

    from servicehall.staff.models import RotaEntry

    week = [monday + datetime.timedelta(days=d) for d in range(7)]
    return rota_rows(RotaEntry.objects.filter(hall=hall, date__in=week))


def window_cards(*, hall: Hall) -> list[dict]:
    """The clerk at every open window of the hall, for the board's window cards (亮证上岗); empty when
    the hall does not show its clerks."""
    from servicehall.queueing.models import CounterSession

    conf = settings_get(hall=hall)
    if not conf.show_clerk:
        return []
    sessions = list(
        CounterSession.objects.filter(counter__hall=hall, closed_at__isnull=True).select_related(
            "counter", "clerk"
        )
    )
    photos = {}
    if conf.show_photo:
        photos = dict(
            StaffProfile.objects.filter(
                hall=hall, user__in=[s.clerk_id for s in sessions], photo__isnull=False
            ).values_list("user_id", "photo_key")
        )
    from django.urls import reverse

    return [
        {
            "counter": s.counter.number,
            "name": s.clerk.display_name or "",
            "staff_number": s.clerk.staff_number,
            "photo": reverse("staff:photo", args=[hall.code, photos[s.clerk_id]])
            if s.clerk_id in photos
            else None,
        }
        for s in sessions
    ]


def staff_photo_url(*, hall: Hall, user) -> str | None:
    """The address of ``user``'s photo where the hall shows photos at the window, else None."""
    if user is None or not settings_get(hall=hall).show_photo:
        return None
    key = (
        StaffProfile.objects.filter(hall=hall, user=user, photo__isnull=False)
        .values_list("photo_key", flat=True)
        .first()
    )
    if key is None:
        return None
    from django.urls import reverse

    return reverse("staff:photo", args=[hall.code, key])


def transfer_targets(*, hall: Hall) -> dict:
    """For the console's transfer form: per window whose clerk is signed in, the service codes that
    clerk may serve there (None for every window where the hall does not enforce skills)."""
    from servicehall.queueing.models import CounterSession
    from servicehall.queueing.selectors import counter_services

    sessions = CounterSession.objects.filter(counter__hall=hall, closed_at__isnull=True).select_related(
        "counter"
    )
    enforced = skills_enforced(hall=hall)
    codes = dict(ServiceItem.objects.filter(hall=hall).values_list("id", "code"))
    windows: dict[str, list[str] | None] = {}
    for s in sessions:
        if not enforced:
            windows[str(s.counter_id)] = None
            continue
        allowed = servable_items(hall=hall, user=s.clerk_id) or set()
        windows[str(s.counter_id)] = sorted(
            codes[i] for i in counter_services(counter=s.counter) if i in allowed
        )
    return {"enforced": enforced, "windows": windows}
