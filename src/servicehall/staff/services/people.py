"""The staff of a hall: create a clerk's account, change their details and roles, photo for the window,
deactivate and reactivate (history kept), reset a password, and the hall's staff settings.

A hall manager manages only accounts that belong to their hall alone and are not managers or system
administrators: a password or a deactivation reaches every hall the account works in, so an account
shared with another hall is the system administrator's. Each service holds the user row (``lock_user``)."""

import io
import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from servicehall.catalog.models import Department
from servicehall.core import crypto
from servicehall.core import services as core_services
from servicehall.core.actors import Actor
from servicehall.core.audit import audit_record
from servicehall.core.choices import Role
from servicehall.core.errors import Conflict, Invalid, PermissionDenied
from servicehall.core.identity import is_valid_mobile, mask_phone, normalize_phone
from servicehall.core.models import Hall, HallMembership
from servicehall.core.services import validated
from servicehall.staff import selectors
from servicehall.staff.models import StaffProfile, StaffSettings
from servicehall.staff.services.common import lock_user, require_manager

PHOTO_MAX_BYTES = 2 * 1024 * 1024
PHOTO_SIZE = (300, 400)  # shown at most this big on the board and the pad
MAGIC = {b"\x89PNG\r\n\x1a\n": "PNG", b"\xff\xd8\xff": "JPEG"}
HALL_ROLES = (Role.CLERK, Role.EVALUATOR)


def _mobile_error() -> str:
    return _("Enter a mainland mobile number of 11 digits, or leave it empty.")


def temporary_password() -> str:
    return "-".join(secrets.token_hex(3) for _ in range(3))


def managed_user(actor: Actor, hall: Hall, user):
    """``user`` if ``actor`` may manage their account from ``hall``; 404 outside the hall, 403 for a
    manager, an administrator or an account another hall shares (the system administrator's)."""
    require_manager(actor, hall)
    user = selectors.staff_user_get(hall=hall, username=user.get_username())
    if getattr(actor.user, "is_superuser", False):
        return user
    others = HallMembership.objects.filter(user=user).exclude(hall=hall).exists()
    if user.is_superuser or others or HallMembership.objects.filter(user=user, role=Role.MANAGER).exists():
        raise PermissionDenied(_("Only the system administrator manages this account."), code="not_managed")
    return user


def may_manage(actor: Actor, hall: Hall, user) -> bool:
    """Whether ``managed_user`` would let ``actor`` change this account from ``hall``: the person page
    shows its forms only then, rather than buttons that answer 403."""
    try:
        managed_user(actor, hall, user)
    except PermissionDenied:
        return False
    return True


def _department(hall: Hall, department) -> Department | None:
    if department in (None, ""):
        return None
    pk = getattr(department, "pk", department)
    found = Department.objects.filter(hall=hall, pk=pk).first() if isinstance(pk, int) else None
    if found is None:
        raise Invalid(fields={"department": [_("No such department in this hall.")]})
    return found


def _profile(hall: Hall, user) -> StaffProfile:
    return StaffProfile.objects.get_or_create(hall=hall, user=user)[0]


@transaction.atomic
def staff_create(
    *,
    actor: Actor,
    hall: Hall,
    username: str,
    display_name: str,
    staff_number: str = "",
    department=None,
    role: str = Role.CLERK,
    mobile: str = "",
) -> tuple[object, str]:
    """Create a clerk's (or evaluator's) account in ``hall`` with a temporary password, returned once;
    the work mobile is optional (training notices are texted to it)."""
    require_manager(actor, hall)
    errors = {}
    if mobile and not is_valid_mobile(normalize_phone(mobile)):
        errors["mobile"] = [_mobile_error()]
    try:
        UnicodeUsernameValidator()(username or "")
    except ValidationError as exc:
        errors["username"] = list(exc.messages)
    if not errors.get("username") and (not username or len(username) > 150):
        errors["username"] = [_("Use 1 to 150 letters, digits and @.+-_.")]
    elif get_user_model().objects.filter(username__iexact=username).exists():
        errors["username"] = [_("This username is taken.")]
    if not (display_name or "").strip():
        errors["display_name"] = [_("Enter the name citizens and colleagues see.")]
    if role not in HALL_ROLES:
        errors["role"] = [_("A manager may give the roles clerk and evaluator.")]
    if errors:
        raise Invalid(fields=errors)
    password = temporary_password()
    user = get_user_model()(
        username=username, display_name=display_name.strip(), staff_number=staff_number or ""
    )
    validated(user, exclude=["password"])
    user.set_password(password)
    user.save()
    profile = StaffProfile.objects.create(hall=hall, user=user, department=_department(hall, department))
    if mobile:
        _mobile_store(profile, normalize_phone(mobile))
    core_services.membership_grant(actor=actor, user=user, hall=hall, role=role)
    audit_record(
        actor=actor,
        action="staff.create",
        hall=hall,
        obj=profile,
        after={
            "username": username,
            "display_name": user.display_name,
            "staff_number": user.staff_number,
            "mobile": profile.mobile_hint,
        },
    )
    return user, password


def _mobile_store(profile: StaffProfile, number: str) -> None:
    profile.mobile_encrypted = crypto.encrypt(number) if number else ""
    profile.mobile_hint = mask_phone(number) if number else ""
    profile.save(update_fields=["mobile_encrypted", "mobile_hint"])


@transaction.atomic
def staff_mobile_set(*, actor: Actor, hall: Hall, user, mobile: str) -> StaffProfile:
    """Set or clear (empty) a work mobile: the hall manager's for a clerk, or anyone's own (a manager has
    no manager above them in the hall, and a clerk may change the number they are texted at). Stored
    encrypted; the audit row and every page keep the masked number only."""
    own = actor.user is not None and getattr(user, "pk", None) == actor.user.pk
    if own and not HallMembership.objects.filter(hall=hall, user=user).exists():
        raise PermissionDenied(_("You do not work in this hall."), code="not_member")
    if not own:
        user = managed_user(actor, hall, user)
    lock_user(user)
    raw = str(mobile or "")
    number = normalize_phone(raw)
    if len(raw) > 40 or (number and not is_valid_mobile(number)):
        raise Invalid(fields={"mobile": [_mobile_error()]})
    profile = _profile(hall, user)
    before = profile.mobile_hint
    _mobile_store(profile, number)
    audit_record(
        actor=actor,
        action="staff.mobile",
        hall=hall,
        obj=profile,
        before={"mobile": before},
        after={"mobile": profile.mobile_hint},
    )
    return profile


@transaction.atomic
def staff_update(*, actor: Actor, hall: Hall, user, display_name: str, staff_number: str, department=None):
    """Change the name, staff number and department shown for a clerk."""
    user = managed_user(actor, hall, user)
    lock_user(user)
    if not (display_name or "").strip():
        raise Invalid(fields={"display_name": [_("Enter the name citizens and colleagues see.")]})
    profile = _profile(hall, user)
    before = {
        "display_name": user.display_name,
        "staff_number": user.staff_number,
        "department": profile.department_id,
    }
    user.display_name, user.staff_number = display_name.strip(), staff_number or ""
    validated(user, exclude=["password", "username"])
    user.save(update_fields=["display_name", "staff_number"])
    profile.department = _department(hall, department)
    profile.save(update_fields=["department"])
    after = {
        "display_name": user.display_name,
        "staff_number": user.staff_number,
        "department": profile.department_id,
    }
    audit_record(actor=actor, action="staff.update", hall=hall, obj=profile, before=before, after=after)
    return user


def photo_clean(data: bytes) -> bytes:
    """A small JPEG from an uploaded PNG or JPEG, checked by its content (magic bytes, then Pillow), never
    by its name; re-encoding drops EXIF (location) and anything hidden after the image."""
    if not data or len(data) > PHOTO_MAX_BYTES:
        raise Invalid(fields={"photo": [_("Choose a PNG or JPEG photo of at most 2 MB.")]})
    expected = next((fmt for magic, fmt in MAGIC.items() if data.startswith(magic)), None)
    try:
        with Image.open(io.BytesIO(data)) as probe:
            ok = expected is not None and probe.format == expected
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            image = ImageOps.exif_transpose(image).convert("RGB")
            image.thumbnail(PHOTO_SIZE)
            out = io.BytesIO()
            image.save(out, format="JPEG", quality=85)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        ok = False
    if not ok:
        raise Invalid(fields={"photo": [_("This file is not a PNG or JPEG photo.")]})
    return out.getvalue()


@transaction.atomic
def staff_photo_set(*, actor: Actor, hall: Hall, user, data: bytes | None) -> StaffProfile:
    """Set (or with ``None`` remove) the photo shown at the window; a new photo gets a new address."""
    user = managed_user(actor, hall, user)
    clean = photo_clean(data) if data is not None else None
    lock_user(user)
    profile = _profile(hall, user)
    had = profile.photo is not None
    profile.photo = clean
    profile.photo_key = secrets.token_urlsafe(12)
    profile.save(update_fields=["photo", "photo_key"])
    audit_record(
        actor=actor,
        action="staff.photo",
        hall=hall,
        obj=profile,
        before={"photo": had},
        after={"photo": clean is not None, "bytes": len(clean or b"")},
    )
    return profile


@transaction.atomic
def staff_roles_set(*, actor: Actor, hall: Hall, user, roles: list[str]) -> set[str]:
    """Replace the clerk's roles in ``hall`` (clerk, evaluator) through core's memberships."""
    user = managed_user(actor, hall, user)
    unknown = [r for r in roles if r not in HALL_ROLES]
    if unknown or not roles:
        raise Invalid(fields={"roles": [_("Choose clerk, evaluator or both.")]})
    lock_user(user)
    current = {m.role: m for m in HallMembership.objects.filter(user=user, hall=hall)}
    for role in set(roles) - current.keys():
        core_services.membership_grant(actor=actor, user=user, hall=hall, role=role)
    for role in current.keys() - set(roles):
        core_services.membership_revoke(actor=actor, membership=current[role])
    return set(roles)


@transaction.atomic
def staff_deactivate(*, actor: Actor, hall: Hall, user) -> StaffProfile:
    """The clerk leaves: roles in the hall removed, account switched off, API tokens revoked. Their
    tickets, ratings, skills and audit rows stay (reactivation gives the clerk role back)."""
    from servicehall.queueing.models import CounterSession

    user = managed_user(actor, hall, user)
    lock_user(user)
    if CounterSession.objects.filter(clerk=user, closed_at__isnull=True).exists():
        raise Conflict(
            _("%(name)s is signed in at a window: close it first.") % {"name": user}, code="signed_in"
        )
    profile = _profile(hall, user)
    if profile.deactivated_at is not None:
        return profile
    for membership in HallMembership.objects.filter(user=user, hall=hall):
        core_services.membership_revoke(actor=actor, membership=membership)
    user.is_active = False
    user.save(update_fields=["is_active"])
    user.api_tokens.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
    profile.deactivated_at = timezone.now()
    profile.save(update_fields=["deactivated_at"])
    audit_record(actor=actor, action="staff.deactivate", hall=hall, obj=profile, after={"active": False})
    return profile


@transaction.atomic
def staff_reactivate(*, actor: Actor, hall: Hall, user) -> StaffProfile:
    user = managed_user(actor, hall, user)
    lock_user(user)
    profile = _profile(hall, user)
    if profile.deactivated_at is None:
        return profile
    user.is_active = True
    user.save(update_fields=["is_active"])
    profile.deactivated_at = None
    profile.save(update_fields=["deactivated_at"])
    core_services.membership_grant(actor=actor, user=user, hall=hall, role=Role.CLERK)
    audit_record(actor=actor, action="staff.reactivate", hall=hall, obj=profile, after={"active": True})
    return profile


@transaction.atomic
def staff_password_reset(*, actor: Actor, hall: Hall, user) -> str:
    """A new temporary password, returned once (the audit row never holds it)."""
    user = managed_user(actor, hall, user)
    lock_user(user)
    password = temporary_password()
    user.set_password(password)
    user.save(update_fields=["password"])
    audit_record(
        actor=actor, action="staff.password_reset", hall=hall, obj=user, object_repr=user.get_username()
    )
    return password


@transaction.atomic
def staff_token_create(*, actor: Actor, hall: Hall, user, name: str = "") -> str:
    """An API token for a clerk of the hall (a system's account, a script), shown once."""
    user = managed_user(actor, hall, user)
    return core_services.token_create(actor=actor, user=user, name=(name or "")[:60], hall=hall)


@transaction.atomic
def staff_token_revoke(*, actor: Actor, hall: Hall, user, token_id: int) -> None:
    user = managed_user(actor, hall, user)
    token = (
        user.api_tokens.filter(pk=token_id, revoked_at__isnull=True).first()
        if isinstance(token_id, int)
        else None
    )
    if token is None:
        raise Invalid(fields={"token": [_("No such token.")]})
    core_services.token_revoke(actor=actor, token=token, hall=hall)


def settings_update(*, actor: Actor, hall: Hall, **changes) -> StaffSettings:
    """Change the hall's staff settings (manager only), validated and audited like every hall setting."""
    return core_services.hall_settings_update(
        model=StaffSettings, actor=actor, hall=hall, action="staff.settings", changes=changes
    )
