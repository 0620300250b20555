"""Every write of the core app. Each service checks permission, saves, and writes its audit row in one
transaction; views, the API, the admin and the demo loader all come through here."""

import copy
import datetime
import hmac

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from servicehall.core import crypto, memo
from servicehall.core.actors import Actor
from servicehall.core.audit import SystemActor, audit_record, snapshot
from servicehall.core.choices import DayKind, Role
from servicehall.core.errors import Invalid, NotFound
from servicehall.core.models import (
    ApiToken,
    AuditEntry,
    CalendarDay,
    Counter,
    Device,
    DevicePairing,
    Floor,
    Hall,
    HallMembership,
    LoginFailure,
    OpeningHours,
    hash_token,
    new_raw_token,
)
from servicehall.core.permissions import has_role, require_role, require_superuser
from servicehall.core.selectors import opening_hours_cache_key


def validated(obj, exclude=None):
    """Run model validation and turn Django's ValidationError into our 422 with field errors."""
    try:
        obj.full_clean(exclude=exclude)
    except ValidationError as exc:
        fields = {k: [str(m) for m in v] for k, v in exc.message_dict.items()}
        raise Invalid(fields=fields) from exc
    return obj


def hall_settings_update(*, model, actor: Actor, hall: Hall, action: str, changes: dict, check=None):
    """Change a hall's settings row of ``model`` (queue, booking, quality settings), manager only, as a
    form would: unknown or fixed fields refused, ``check(conf)`` for rules across fields, model
    validation, audit with before and after. The row is read locked, never from a cache: two managers
    changing different settings at once must not write back each other's old values."""
    require_role(actor, hall, Role.MANAGER)
    with transaction.atomic():
        conf, _created = model.objects.select_for_update().get_or_create(hall=hall)
        fixed = {"id", "pk", "hall", "hall_id"}
        unknown = [k for k in changes if k in fixed or not hasattr(conf, k)]
        if unknown:
            raise Invalid(fields={k: [_("This field cannot be changed.")] for k in unknown})
        emptied = [k for k, v in changes.items() if v is None and not model._meta.get_field(k).null]
        if emptied:
            raise Invalid(fields={k: [_("This field cannot be empty.")] for k in emptied})
        before = snapshot(conf, list(changes))
        for key, value in changes.items():
            setattr(conf, key, value)
        if check is not None:
            check(conf)
        validated(conf, exclude=["hall"])
        conf.save()
        audit_record(
            actor=actor,
            action=action,
            hall=hall,
            obj=conf,
            before=before,
            after=snapshot(conf, list(changes)),
        )
    return conf


@transaction.atomic
def hall_create(*, actor: Actor, code: str, name: str, **fields) -> Hall:
    """Create a hall; only a system administrator may."""
    require_superuser(actor)
    hall = validated(Hall(code=code, name=name, **fields))
    hall.save()
    audit_record(actor=actor, action="hall.create", hall=hall, obj=hall, after=snapshot(hall))
    return hall


HALL_EDITABLE = {
    *("name", "name_en", "name_zh_hant", "address", "address_en"),
    *("time_zone", "phone", "email", "active"),
}


@transaction.atomic
def hall_update(*, actor: Actor, hall: Hall, **changes) -> Hall:
    require_role(actor, hall, Role.MANAGER)
    hall = Hall.objects.select_for_update().get(pk=hall.pk)
    before = snapshot(hall)
    for key, value in changes.items():
        if key not in HALL_EDITABLE:
            raise Invalid(fields={key: [_("This field cannot be changed.")]})
        setattr(hall, key, value)
    validated(hall)
    hall.save(update_fields=list(changes))
    audit_record(actor=actor, action="hall.update", hall=hall, obj=hall, before=before, after=snapshot(hall))
    return hall


@transaction.atomic
def hall_set_opening_hours(
    *, actor: Actor, hall: Hall, periods: list[tuple[int, datetime.time, datetime.time]]
) -> None:
    """Replace a hall's weekly opening hours with ``periods`` of (weekday, opens, closes)."""
    require_role(actor, hall, Role.MANAGER)
    errors = {}
    for i, (weekday, opens, closes) in enumerate(periods):
        if not 0 <= weekday <= 6:
            errors[f"periods.{i}.weekday"] = [_("Weekday must be 0 (Monday) to 6 (Sunday).")]
        elif closes <= opens:
            errors[f"periods.{i}.closes"] = [_("Closing time must be after opening time.")]
    if errors:
        raise Invalid(fields=errors)
    before = [str(h) for h in hall.opening_hours.all()]
    hall.opening_hours.all().delete()
    OpeningHours.objects.bulk_create(
        OpeningHours(hall=hall, weekday=w, opens=o, closes=c) for w, o, c in periods
    )
    audit_record(
        actor=actor,
        action="hall.opening_hours",
        hall=hall,
        obj=hall,
        before={"periods": before},
        after={"periods": [str(h) for h in hall.opening_hours.all()]},
    )
    # Every server process reads hours through the shared cache: drop it once the change is committed.
    transaction.on_commit(lambda: cache.delete(opening_hours_cache_key(hall.pk)))


@transaction.atomic
def floor_create(
    *, actor: Actor, hall: Hall, level: int, name: str, name_en: str = "", name_zh_hant: str = ""
) -> Floor:
    require_role(actor, hall, Role.MANAGER)
    floor = validated(Floor(hall=hall, level=level, name=name, name_en=name_en, name_zh_hant=name_zh_hant))
    floor.save()
    audit_record(actor=actor, action="floor.create", hall=hall, obj=floor, after=snapshot(floor))
    return floor


@transaction.atomic
def counter_create(
    *,
    actor: Actor,
    hall: Hall,
    number: str,
    name: str,
    floor: Floor | None = None,
    kind: str = "dedicated",
    active: bool = True,
    name_en: str = "",
    name_zh_hant: str = "",
) -> Counter:
    require_role(actor, hall, Role.MANAGER)
    counter = validated(
        Counter(
            hall=hall,
            number=number,
            name=name,
            name_en=name_en,
            name_zh_hant=name_zh_hant,
            floor=floor,
            kind=kind,
            active=active,
        )
    )
    counter.save()
    audit_record(actor=actor, action="counter.create", hall=hall, obj=counter, after=snapshot(counter))
    return counter


COUNTER_EDITABLE = {"number", "name", "name_en", "name_zh_hant", "floor", "kind", "active"}


@transaction.atomic
def counter_update(*, actor: Actor, counter: Counter, **changes) -> Counter:
    require_role(actor, counter.hall, Role.MANAGER)
    counter = Counter.objects.select_for_update().get(pk=counter.pk)
    before = snapshot(counter)
    unknown = set(changes) - COUNTER_EDITABLE
    if unknown:
        raise Invalid(fields={k: [_("This field cannot be changed.")] for k in unknown})
    for key, value in changes.items():
        setattr(counter, key, value)
    validated(counter)
    counter.save(update_fields=[("floor" if k == "floor" else k) for k in changes])
    audit_record(
        actor=actor,
        action="counter.update",
        hall=counter.hall,
        obj=counter,
        before=before,
        after=snapshot(counter),
    )
    return counter


@transaction.atomic
def membership_grant(*, actor: Actor, user, hall: Hall, role: str) -> HallMembership:
    """Give ``user`` a role in ``hall``. Managers may grant clerk and evaluator; only a system
    administrator may make someone a manager."""
    if role == Role.MANAGER:
        require_superuser(actor)
    else:
        require_role(actor, hall, Role.MANAGER)
    if role not in Role.values:
        raise Invalid(fields={"role": [_("Unknown role.")]})
    membership, created = HallMembership.objects.get_or_create(user=user, hall=hall, role=role)
    if created:
        audit_record(
            actor=actor,
            action="membership.grant",
            hall=hall,
            obj=membership,
            after={"user": user.get_username(), "role": role},
        )
    return membership


@transaction.atomic
def membership_revoke(*, actor: Actor, membership: HallMembership) -> None:
    if membership.role == Role.MANAGER:
        require_superuser(actor)
    else:
        require_role(actor, membership.hall, Role.MANAGER)
    audit_record(
        actor=actor,
        action="membership.revoke",
        hall=membership.hall,
        obj=membership,
        before={"user": membership.user.get_username(), "role": membership.role},
    )
    membership.delete()


def _may_manage_tokens(actor: Actor, user, hall: Hall | None) -> bool:
    """A hall manager may manage the tokens of an account that works in their hall only, as clerk or
    evaluator (the staff administration pages)."""
    if hall is None or user.is_superuser or not has_role(actor.user, hall, Role.MANAGER):
        return False
    roles = list(HallMembership.objects.filter(user=user).values_list("hall_id", "role"))
    return bool(roles) and all(h == hall.pk and r != Role.MANAGER for h, r in roles)


@transaction.atomic
def token_create(*, actor: Actor, user, name: str = "", hall: Hall | None = None) -> str:
    """Issue an API token for ``user``; the raw token is returned once and only its digest is kept.
    Users may create their own tokens; a system administrator may create anyone's, and the manager of
    ``hall`` those of an account working only there as clerk or evaluator."""
    if actor.user_id != user.pk and not _may_manage_tokens(actor, user, hall):
        require_superuser(actor)
    raw = new_raw_token("sht")
    token = ApiToken.objects.create(user=user, name=name, digest=hash_token(raw), hint=raw[:8])
    audit_record(
        actor=actor, action="token.create", obj=token, after={"user": user.get_username(), "name": name}
    )
    return raw


@transaction.atomic
def token_revoke(*, actor: Actor, token: ApiToken, hall: Hall | None = None) -> None:
    if actor.user_id != token.user_id and not _may_manage_tokens(actor, token.user, hall):
        require_superuser(actor)
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit_record(actor=actor, action="token.revoke", obj=token)


@transaction.atomic
def device_create(
    *, actor: Actor, hall: Hall, kind: str, name: str, counter: Counter | None = None
) -> tuple[Device, str]:
    """Register a kiosk, display or rating pad; returns the device and its raw token (shown once)."""
    require_role(actor, hall, Role.MANAGER)
    raw = new_raw_token("shd")
    device = Device(hall=hall, kind=kind, name=name, counter=counter, digest=hash_token(raw), hint=raw[:8])
    validated(device, exclude=["digest", "hint"])
    device.save()
    audit_record(actor=actor, action="device.create", hall=hall, obj=device, after=snapshot(device))
    return device, raw


DEVICE_EDITABLE = {"name", "counter", "active"}


@transaction.atomic
def device_update(*, actor: Actor, device: Device, **changes) -> Device:
    """Rename a device, move it to another counter of its hall, or switch it off (``active=False``: a
    lost kiosk's token stops working at once). Manager of the device's hall; the row is locked."""
    require_role(actor, device.hall, Role.MANAGER)
    device = Device.objects.select_for_update().select_related("hall").get(pk=device.pk)
    unknown = set(changes) - DEVICE_EDITABLE
    if unknown:
        raise Invalid(fields={k: [_("This field cannot be changed.")] for k in unknown})
    counter = changes.get("counter")
    if counter is not None and counter.hall_id != device.hall_id:
        raise Invalid(fields={"counter": [_("No such window in this hall.")]})
    before = snapshot(device, list(changes))
    for key, value in changes.items():
        setattr(device, key, value)
    validated(device, exclude=["digest", "hint"])
    device.save(update_fields=list(changes))
    audit_record(
        actor=actor,
        action="device.update",
        hall=device.hall,
        obj=device,
        before=before,
        after=snapshot(device, list(changes)),
    )
    return device


def authenticate_token(raw: str):
    """Return the user of a live API token, or None. The token is remembered for a few seconds per process
    (``core.memo``; a revocation reaches every process within that time). ``last_used_at`` is written at
    most once a minute."""
    if not raw:
        return None
    digest = hash_token(raw)
    token = memo.remember(
        "token",
        digest,
        lambda: (
            ApiToken.objects.select_related("user").filter(digest=digest, revoked_at__isnull=True).first()
        ),
    )
    if token is None or not token.user.is_active:
        return None
    _touch(ApiToken, token.pk, "last_used_at", token.last_used_at)
    return copy.copy(token.user)  # the remembered user is shared between threads; callers may annotate theirs


def device_pair(*, device: Device, ip: str | None) -> str:
    """Pair a browser as ``device`` (whoever holds the device token opened the pairing page); returns the
    cookie value: the pairing's id and a fresh secret (its digest is stored). Audited."""
    secret = new_raw_token("shp")
    with transaction.atomic():
        pairing = DevicePairing.objects.create(device=device, digest=hash_token(secret))
        audit_record(actor=Actor(device=device, ip=ip), action="device.pair", hall=device.hall, obj=device)
    return f"p1:{pairing.pk}:{secret}"


def device_for_pairing(value: str) -> Device | None:
    """The active device a pairing cookie value names, or None (unknown, revoked or switched off)."""
    try:
        _version, pk, secret = value.split(":", 2)
        pairing = DevicePairing.objects.select_related("device", "device__hall").get(pk=int(pk))
    except (ValueError, DevicePairing.DoesNotExist):
        return None
    device = pairing.device
    if not hmac.compare_digest(pairing.digest, hash_token(secret)) or not device.active:
        return None
    _touch(Device, device.pk, "last_seen_at", device.last_seen_at)
    return device


def authenticate_device(raw: str) -> Device | None:
    """Return the active device of a device token, or None; remembered like a token."""
    if not raw:
        return None
    digest = hash_token(raw)
    device = memo.remember(
        "device",
        digest,
        lambda: Device.objects.select_related("hall").filter(digest=digest, active=True).first(),
    )
    if device is None:
        return None
    _touch(Device, device.pk, "last_seen_at", device.last_seen_at)
    return device


_touched: dict[tuple[str, int], datetime.datetime] = {}


def _touch(model, pk: int, field: str, stored: datetime.datetime | None) -> None:
    """Record that a token or device was used, at most once a minute per process (a remembered row does not
    see this process's own update, so the last write is kept here)."""
    now = timezone.now()
    key = (model._meta.label, pk)
    last = max(filter(None, (stored, _touched.get(key))), default=None)
    if last is None or (now - last).total_seconds() > 60:
        _touched[key] = now
        model.objects.filter(pk=pk).update(**{field: now})


def login_is_locked(*, username: str, ip: str | None) -> bool:
    """Whether a log-in as ``username`` from ``ip`` is refused now, right password or not.

    The lock-out must stop guessing without handing anyone a way to lock staff out (a stranger who types
    five wrong passwords must not keep a clerk from their window). So it counts failures per pair:

    - **account and address**: ``SERVICEHALL_LOGIN_MAX_FAILURES`` failures of the pair lock it for
      ``SERVICEHALL_LOGIN_LOCK_SECONDS`` after the last one, doubled for each further batch of failures
      within a day (15 min, 30 min, 1 h … at most 24 h): a patient guesser gets slower and slower;
    - **the account from anywhere** (guessing spread over many addresses): twice that many failures lock
      the account, except from an address it has signed in from before (the clerk's own desk);
    - **the address** (one address trying many accounts): four times that many lock the address.
    """
    now = timezone.now()
    limit = settings.SERVICEHALL_LOGIN_MAX_FAILURES
    base = datetime.timedelta(seconds=settings.SERVICEHALL_LOGIN_LOCK_SECONDS)
    window = LoginFailure.objects.filter(at__gte=now - base)
    if ip and window.filter(ip=ip).count() >= limit * 4:
        return True
    if ip:
        day = LoginFailure.objects.filter(
            username__iexact=username, ip=ip, at__gte=now - datetime.timedelta(days=1)
        )
        failures = list(day.order_by("-at").values_list("at", flat=True)[: limit * 16])
        if len(failures) >= limit:
            lock = min(base * 2 ** ((len(failures) - limit) // limit), datetime.timedelta(days=1))
            if failures[0] + lock > now:
                return True
    if window.filter(username__iexact=username).count() >= limit * 2:
        return not _known_address(username=username, ip=ip)
    return False


def _known_address(*, username: str, ip: str | None) -> bool:
    """Whether the account signed in from ``ip`` within the last 90 days (its audit trail says so)."""
    if not ip:
        return False
    user = get_user_model().objects.filter(username__iexact=username).first()
    if user is None:
        return False
    since = timezone.now() - datetime.timedelta(days=90)
    return AuditEntry.objects.filter(
        action="login.success", object_type="core.user", object_id=str(user.pk), ip=ip, at__gte=since
    ).exists()


def login_record_locked(*, username: str, ip: str | None) -> None:
    """A refused attempt while locked: audited (who kept trying, from where) and counted as a failure of
    its pair, so hammering a locked pair only lengthens its own lock (the back-off above)."""
    with transaction.atomic():
        LoginFailure.objects.create(username=username[:150], ip=ip, at=timezone.now())
        audit_record(
            actor=Actor(ip=ip), action="login.locked", object_type="core.user", object_repr=username[:200]
        )


def login_record_failure(*, username: str, ip: str | None) -> None:
    with transaction.atomic():
        LoginFailure.objects.create(username=username[:150], ip=ip, at=timezone.now())
        audit_record(
            actor=Actor(ip=ip), action="login.failure", object_type="core.user", object_repr=username[:200]
        )


def login_record_success(*, user, ip: str | None) -> None:
    """A successful log-in clears the failures of this account from this address (others stay: a guesser
    elsewhere is still counted) and is audited with its address, which makes the address known."""
    with transaction.atomic():
        LoginFailure.objects.filter(Q(username__iexact=user.get_username()), ip=ip).delete()
        audit_record(actor=Actor(user=user, ip=ip), action="login.success", obj=user)


def user_get(*, username: str):
    try:
        return get_user_model().objects.get(username=username)
    except get_user_model().DoesNotExist as exc:
        raise NotFound(_("No account named %(name)s.") % {"name": username}) from exc


def calendar_day_set(
    *, actor: Actor, hall: Hall, date: datetime.date, kind: str, name: str = ""
) -> tuple[str | None, CalendarDay | None]:
    """Enter a day in the hall's calendar table (a holiday, a make-up working day, a closure), or clear it
    with ``kind=""``; manager only, audited. Returns the day's kind before (None when it had no row) and
    the row. What a day's change means for an app's own data (bookings cancelled by a closure, slots
    reopened) is that app's service, which calls this one inside its transaction."""
    require_role(actor, hall, Role.MANAGER)
    if kind and kind not in DayKind.values:
        raise Invalid(fields={"kind": [_("Choose holiday, workday or closed.")]})
    with transaction.atomic():
        before = CalendarDay.objects.select_for_update().filter(hall=hall, date=date).first()
        if not kind:
            CalendarDay.objects.filter(hall=hall, date=date).delete()
            row = None
        else:
            row, _created = CalendarDay.objects.update_or_create(
                hall=hall, date=date, defaults={"kind": kind, "name": name[:60]}
            )
        audit_record(
            actor=actor,
            action="calendar.day",
            hall=hall,
            obj=row,
            before={"kind": before.kind, "name": before.name} if before else None,
            after={"date": date.isoformat(), "kind": kind, "name": name[:60]},
        )
    return (before.kind if before else None), row


def data_key_rotate(*, batch: int = 500) -> dict[str, int]:
    """Re-encrypt every stored personal value (each ``*_encrypted`` field of every model) with the newest
    key of ``SERVICEHALL_DATA_KEY``; returns how many rows each model had rewritten. Rows are read and
    written in batches, each in its own transaction and audited (one row per model and batch, ids
    listed), so an interrupted run can simply be run again: a value already under the new key is left
    as it is (MultiFernet.rotate re-encrypts it anyway, harmlessly)."""
    from django.apps import apps

    actor = SystemActor(job="core.rotate_data_key")
    done: dict[str, int] = {}
    for model in apps.get_models():
        fields = [f.attname for f in model._meta.concrete_fields if f.attname.endswith("_encrypted")]
        if not fields:
            continue
        label = model._meta.label_lower
        last_pk = None
        while True:
            with transaction.atomic():
                rows = model.objects.select_for_update().order_by("pk")
                if last_pk is not None:
                    rows = rows.filter(pk__gt=last_pk)
                rows = list(rows.values("pk", *fields)[:batch])
                if not rows:
                    break
                for row in rows:
                    changes = {f: crypto.rotate(row[f]) for f in fields if row[f]}
                    if changes:
                        model.objects.filter(pk=row["pk"]).update(**changes)
                last_pk = rows[-1]["pk"]
                done[label] = done.get(label, 0) + len(rows)
                audit_record(
                    actor=actor,
                    action="core.data_key_rotate",
                    object_type=label,
                    after={"ids": [row["pk"] for row in rows], "fields": fields},
                )
    return done
