"""Writes of the operating guides and special-event procedures. Each service checks the role first,
locks what it reads-then-writes, validates, saves and audits inside one transaction."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from servicehall.catalog.models import ServiceItem
from servicehall.core.actors import Actor
from servicehall.core.audit import audit_record
from servicehall.core.choices import Role
from servicehall.core.errors import Conflict, Invalid, NotFound
from servicehall.core.models import Counter
from servicehall.core.permissions import require_role
from servicehall.core.services import validated
from servicehall.core.transitions import transition
from servicehall.guides.choices import GUIDE_TRANSITIONS, GuideAction, GuideStatus
from servicehall.guides.models import Guide, MaterialCheck, Procedure, ProcedureUse

MAX_LINES, MAX_LINE, MAX_TEXT = 40, 500, 4000
LIST_FIELDS = ("steps", "steps_en", "mistakes", "mistakes_en")
TEXT_FIELDS = ("legal_basis", "legal_basis_en", "collection_note", "collection_note_en")


def clean_lines(value, field: str, errors: dict) -> list[str]:
    """A list of short texts (steps, mistakes): strings only, blanks dropped, at most 40 of 500 chars."""
    if isinstance(value, str):
        value = value.splitlines()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        errors[field] = [_("Give a list of texts, one step per line.")]
        return []
    lines = [v.strip() for v in value if v.strip()]
    if len(lines) > MAX_LINES or any(len(v) > MAX_LINE for v in lines):
        errors[field] = [
            _("At most %(n)s lines of %(chars)s characters each.") % {"n": MAX_LINES, "chars": MAX_LINE}
        ]
    return lines


def clean_text(value, field: str, errors: dict, limit: int = MAX_TEXT) -> str:
    if not isinstance(value, str):
        errors[field] = [_("Give a text.")]
        return ""
    if len(value) > limit:
        errors[field] = [_("At most %(chars)s characters.") % {"chars": limit}]
    return value.strip()


def _guide_snapshot(guide: Guide) -> dict:
    fields = {f: getattr(guide, f) for f in (*LIST_FIELDS, *TEXT_FIELDS, "note")}
    fields["material_checks"] = {str(c.pk): [c.points, c.points_en] for c in guide.checks.all()}
    return fields


def guide_draft_start(*, actor: Actor, item: ServiceItem) -> Guide:
    """The item's draft: the one being written, or a new one copied from the published version, or (no
    guide yet) prefilled from the catalogue (its steps and legal basis, one check per material). Locks
    the item's row so two managers never number two drafts alike."""
    require_role(actor, item.hall, Role.MANAGER)
    with transaction.atomic():
        ServiceItem.objects.select_for_update().filter(pk=item.pk).first()
        draft = Guide.objects.filter(item=item, status=GuideStatus.DRAFT).first()
        if draft is not None:
            return draft
        source = Guide.objects.filter(item=item, status=GuideStatus.PUBLISHED).first()
        last = Guide.objects.filter(item=item).order_by("-version").values_list("version", flat=True).first()
        now = timezone.now()
        draft = Guide(hall=item.hall, item=item, version=(last or 0) + 1, created_at=now, updated_at=now)
        draft.created_by_id = actor.user_id
        if source is not None:
            for f in (*LIST_FIELDS, *TEXT_FIELDS):
                setattr(draft, f, getattr(source, f))
        else:
            draft.steps, draft.steps_en = list(item.steps or []), list(item.steps_en or [])
            draft.legal_basis = item.legal_basis
        draft.save()
        _checks_copy(draft, item, source)
        audit_record(
            actor=actor,
            action="guides.guide.draft",
            hall=item.hall,
            obj=draft,
            after={"version": draft.version},
        )
    return draft


def _checks_copy(draft: Guide, item: ServiceItem, source: Guide | None) -> None:
    """One check per material the catalogue lists now; what the published version said is carried over."""
    previous = {c.material_id: c for c in source.checks.all()} if source is not None else {}
    rows = []
    for position, material in enumerate(item.materials.order_by("position", "id")):
        old = previous.get(material.pk)
        rows.append(
            MaterialCheck(
                guide=draft,
                material=material,
                material_name=material.name,
                material_name_en=material.name_en,
                position=position,
                points=old.points if old else "",
                points_en=old.points_en if old else "",
            )
        )
    MaterialCheck.objects.bulk_create(rows)


def _locked_draft(guide: Guide) -> Guide:
    locked = Guide.objects.select_for_update().filter(pk=guide.pk).first()
    if locked is None:
        raise NotFound()
    if locked.status != GuideStatus.DRAFT:
        raise Conflict(
            _("Version %(version)s is already published; start a new draft to change it.")
            % {"version": locked.version}
        )
    return locked


def guide_draft_save(*, actor: Actor, guide: Guide, data: dict) -> Guide:
    """Save the draft's texts (``LIST_FIELDS`` as lists or lines, ``TEXT_FIELDS``, ``note``, and
    ``checks``: ``{check id: {"points", "points_en"}}``). Locks the draft; a published version is
    never edited (409). Bad input is a 422 with every field's message and changes nothing."""
    require_role(actor, guide.hall, Role.MANAGER)
    if not isinstance(data, dict):
        raise Invalid()
    with transaction.atomic():
        guide = _locked_draft(guide)
        before = _guide_snapshot(guide)
        errors: dict = {}
        for f in LIST_FIELDS:
            if f in data:
                setattr(guide, f, clean_lines(data[f], f, errors))
        for f in TEXT_FIELDS:
            if f in data:
                setattr(guide, f, clean_text(data[f], f, errors))
        if "note" in data:
            guide.note = clean_text(data["note"], "note", errors, limit=200)
        checks = _checks_update(guide, data.get("checks") or {}, errors)
        if errors:
            raise Invalid(fields=errors)
        guide.updated_at = timezone.now()
        validated(guide, exclude=["item", "hall", "created_by", "published_by"])
        guide.save()
        MaterialCheck.objects.bulk_update(checks, ["points", "points_en"])
        audit_record(
            actor=actor,
            action="guides.guide.save",
            hall=guide.hall,
            obj=guide,
            before=before,
            after=_guide_snapshot(guide),
        )
    return guide


def _checks_update(guide: Guide, given, errors: dict) -> list[MaterialCheck]:
    if not isinstance(given, dict):
        errors["checks"] = [_("Give what to check per material.")]
        return []
    checks = {str(c.pk): c for c in guide.checks.all()}
    for key, value in given.items():
        check = checks.get(str(key))
        if check is None or not isinstance(value, dict):
            errors["checks"] = [_("Unknown material check: %(id)s.") % {"id": str(key)[:20]}]
            continue
        check.points = clean_text(value.get("points", check.points), f"check_{key}", errors, 1000)
        check.points_en = clean_text(value.get("points_en", check.points_en), f"check_en_{key}", errors, 1000)
    return list(checks.values())


def guide_publish(*, actor: Actor, guide: Guide) -> Guide:
    """Publish the draft; the version clerks saw until now becomes superseded (kept for the history).
    Locks the item's guides. A draft without a single step cannot be published (422)."""
    require_role(actor, guide.hall, Role.MANAGER)
    with transaction.atomic():
        rows = {g.pk: g for g in Guide.objects.select_for_update().filter(item_id=guide.item_id)}
        guide = rows.get(guide.pk)
        if guide is None:
            raise NotFound()
        if guide.status == GuideStatus.DRAFT and not guide.steps:
            raise Invalid(fields={"steps": [_("Write at least one step before publishing.")]})
        new_status = transition(GUIDE_TRANSITIONS, guide, GuideAction.PUBLISH)
        now = timezone.now()
        for old in rows.values():
            if old.status == GuideStatus.PUBLISHED:
                old.status = transition(GUIDE_TRANSITIONS, old, GuideAction.SUPERSEDE)
                old.superseded_at = now
                old.save(update_fields=["status", "superseded_at"])
        guide.status, guide.published_at, guide.published_by_id = new_status, now, actor.user_id
        guide.save(update_fields=["status", "published_at", "published_by"])
        audit_record(
            actor=actor,
            action="guides.guide.publish",
            hall=guide.hall,
            obj=guide,
            before={"status": GuideStatus.DRAFT},
            after={"status": guide.status, "version": guide.version},
        )
    return guide


PROCEDURE_TEXTS = {"title": 80, "title_en": 160, "title_zh_hant": 80, "summary": 300, "summary_en": 500}


def procedure_save(*, actor: Actor, hall, data: dict, procedure: Procedure | None = None) -> Procedure:
    """Add a procedure or change one (title, when to use it, checklist, order, active). Audited with the
    values before and after; locks the procedure being changed."""
    require_role(actor, hall, Role.MANAGER)
    if not isinstance(data, dict):
        raise Invalid()
    with transaction.atomic():
        if procedure is not None:
            procedure = Procedure.objects.select_for_update().filter(pk=procedure.pk, hall=hall).first()
            if procedure is None:
                raise NotFound()
        row = procedure or Procedure(hall=hall)
        before = None if procedure is None else _procedure_snapshot(row)
        errors: dict = {}
        if procedure is None or "code" in data:
            row.code = clean_text(data.get("code", ""), "code", errors, 40)
        for f, limit in PROCEDURE_TEXTS.items():
            if f in data:
                setattr(row, f, clean_text(data[f], f, errors, limit))
        for f in ("steps", "steps_en"):
            if f in data:
                setattr(row, f, clean_lines(data[f], f, errors))
        if "active" in data:
            row.active = bool(data["active"]) if isinstance(data["active"], bool) else row.active
        if "position" in data:
            row.position = _position(data["position"], errors)
        if not row.title:
            errors.setdefault("title", [_("Give the procedure a title.")])
        if not row.steps:
            errors.setdefault("steps", [_("Write at least one step.")])
        if errors:
            raise Invalid(fields=errors)
        row.updated_at = timezone.now()
        validated(row, exclude=["hall"])
        _code_free(row)
        row.save()
        action = "guides.procedure.add" if before is None else "guides.procedure.change"
        audit_record(
            actor=actor, action=action, hall=hall, obj=row, before=before, after=_procedure_snapshot(row)
        )
    return row


def _position(value, errors: dict) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 999:
        errors["position"] = [_("Give a whole number from 0 to 999.")]
        return 0
    return value


def _code_free(row: Procedure) -> None:
    if Procedure.objects.filter(hall=row.hall, code=row.code).exclude(pk=row.pk).exists():
        raise Invalid(fields={"code": [_("Another procedure of this hall has this code.")]})


def _procedure_snapshot(row: Procedure) -> dict:
    return {f: getattr(row, f) for f in ("code", *PROCEDURE_TEXTS, "steps", "steps_en", "active", "position")}


def procedure_use_log(
    *, actor: Actor, procedure: Procedure, happened: str, outcome: str = "", counter_id=None, ticked: int = 0
) -> ProcedureUse:
    """A clerk records that the procedure was used: at which window, what happened, how it ended, how
    many steps were ticked. Audited (the text is the hall's record of the event)."""
    hall = procedure.hall
    require_role(actor, hall, Role.MANAGER, Role.CLERK)
    errors: dict = {}
    happened = clean_text(happened, "happened", errors, 1000)
    outcome = clean_text(outcome, "outcome", errors, 300)
    if not happened and "happened" not in errors:
        errors["happened"] = [_("Say briefly what happened.")]
    total = len(procedure.steps or [])
    if isinstance(ticked, bool) or not isinstance(ticked, int) or not 0 <= ticked <= total:
        errors["ticked"] = [_("Between 0 and %(n)s steps can be ticked.") % {"n": total}]
    counter = None
    if counter_id is not None:
        known = isinstance(counter_id, int) and 0 < counter_id < 2**63  # never a database overflow
        counter = Counter.objects.filter(pk=counter_id, hall=hall).first() if known else None
        if counter is None:
            errors["counter"] = [_("No such window in this hall.")]
    if not procedure.active:
        errors["procedure"] = [_("This procedure is no longer in use.")]
    if errors:
        raise Invalid(fields=errors)
    with transaction.atomic():
        use = ProcedureUse.objects.create(
            hall=hall,
            procedure=procedure,
            counter=counter,
            user_id=actor.user_id,
            used_at=timezone.now(),
            happened=happened,
            outcome=outcome,
            ticked=ticked,
            steps_total=total,
        )
        audit_record(
            actor=actor,
            action="guides.procedure.use",
            hall=hall,
            obj=use,
            after={
                "procedure": procedure.code,
                "counter": counter.number if counter else None,
                "ticked": ticked,
            },
        )
    return use
