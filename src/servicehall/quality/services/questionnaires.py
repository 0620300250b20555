"""Questionnaires and their responses: a draft generated from an indicator-system version, edited in
Chinese and English, published (frozen) or copied as a new version; one filled questionnaire per
response (online within the scale, paper as entered); the cleaning runs that decide which are kept."""

import datetime
import secrets

from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from servicehall.core.actors import Actor
from servicehall.core.audit import audit_record, snapshot
from servicehall.core.choices import DeviceKind, Role
from servicehall.core.errors import Conflict, Invalid, PermissionDenied
from servicehall.core.models import Hall
from servicehall.core.permissions import require_role
from servicehall.core.ratelimit import rate_limit
from servicehall.core.transitions import transition
from servicehall.quality import cleaning, selectors
from servicehall.quality.choices import (
    SYSTEM_TRANSITIONS,
    IndicatorKind,
    RatingChannel,
    SystemAction,
    SystemStatus,
)
from servicehall.quality.models import CleaningRun, IndicatorSystem, Questionnaire, QuestionnaireResponse
from servicehall.quality.presets import STATEMENTS_EN
from servicehall.quality.services.common import EDITORS


def _questionnaire_items(system: IndicatorSystem, *, servqual: bool, importance: bool) -> list[dict]:
    """Items from the subjective indicators' statements: one Likert item per statement (or an expectation
    and a perception item with SERVQUAL), an importance item per indicator if asked, and free text. Each
    item has its Chinese ``text`` and, where the shipped statement has one, its English ``text_en``."""
    items: list[dict] = []

    def item(key, indicator, kind, text, text_en=None):
        items.append(
            {
                "key": key,
                "indicator": indicator,
                "kind": kind,
                "text": text,
                "text_en": STATEMENTS_EN.get(text, "") if text_en is None else text_en,
            }
        )

    for leaf in selectors.leaves(system=system):
        if leaf["kind"] != IndicatorKind.SUBJECTIVE:
            continue
        for n, text in enumerate(leaf["items"] or [leaf["name"]], 1):
            key = f"{leaf['code']}.{n}"
            if servqual:
                item(f"{key}.e", leaf["code"], "expectation", text)
                item(f"{key}.p", leaf["code"], "perception", text)
            else:
                item(key, leaf["code"], "likert", text)
        if importance:
            item(f"{leaf['code']}.imp", leaf["code"], "importance", leaf["name"], leaf.get("name_en") or "")
    item("comment", "", "text", "其他意见和建议")
    return items


def _next_version(hall: Hall, title: str) -> int:

    return (Questionnaire.objects.filter(hall=hall, title=title).aggregate(v=Max("version"))["v"] or 0) + 1


def _questionnaire_create(**fields):
    """Insert a questionnaire; two editors creating the same title's next version at once get one each
    or a 409, never two rows with one number (the unique constraint decides)."""

    try:
        with transaction.atomic():
            return Questionnaire.objects.create(**fields)
    except IntegrityError as exc:
        raise Conflict(
            _("Someone else just created this version; reload and try again."), code="version_taken"
        ) from exc


@transaction.atomic
def questionnaire_generate(
    *,
    actor: Actor,
    system: IndicatorSystem,
    scale: int = 5,
    servqual: bool = False,
    importance: bool = False,
    title: str = "",
    title_en: str = "",
):
    """A draft questionnaire from an indicator-system version (its next version when the title exists)."""
    require_role(actor, system.hall, *EDITORS)
    if scale not in (5, 7):
        raise Invalid(fields={"scale": [_("Use a 5- or 7-point scale.")]})
    items = _questionnaire_items(system, servqual=servqual, importance=importance)
    # Without titles, the generated ones, in both languages (an English phone shows the English one).
    if not title.strip():
        title_en = title_en.strip() or "Service-quality questionnaire"
    title, title_en = (title.strip() or f"{system.name}问卷")[:100], title_en.strip()[:100]
    q = _questionnaire_create(
        hall=system.hall,
        system=system,
        title=title,
        title_en=title_en,
        version=_next_version(system.hall, title),
        scale=scale,
        servqual=servqual,
        importance=importance,
        items=items,
        created_at=timezone.now(),
    )
    audit_record(
        actor=actor,
        action="quality.questionnaire_create",
        hall=system.hall,
        obj=q,
        after={"system": system.pk, "items": len(items), "scale": scale},
    )
    return q


@transaction.atomic
def questionnaire_update(
    *,
    actor: Actor,
    questionnaire,
    title: str | None = None,
    title_en: str | None = None,
    texts: dict | None = None,
    remove: list[str] | None = None,
):
    """Edit a draft: its titles, each item's Chinese and English text (``texts``: key → {"text",
    "text_en"}), and which items to drop. A published questionnaire is frozen (its answers must keep
    meaning what was asked): edit a new version instead."""

    q = Questionnaire.objects.select_for_update().get(pk=questionnaire.pk)
    require_role(actor, q.hall, *EDITORS)
    if q.status != SystemStatus.DRAFT:
        raise Conflict(
            _("A published questionnaire cannot change; create a new version to edit."), code="frozen"
        )
    before = snapshot(q, ["title", "title_en", "items"])
    errors: dict[str, list[str]] = {}
    if title is not None:
        if not title.strip():
            errors["title"] = [_("Give the questionnaire a title.")]
        q.title = title.strip()[:100]
    if title_en is not None:
        q.title_en = title_en.strip()[:100]
    keys = {i["key"] for i in q.items}
    unknown = set(texts or {}) | set(remove or [])
    for key in sorted(unknown - keys):
        errors[key] = [_("No such item in this questionnaire.")]
    items = []
    for item in q.items:
        change = (texts or {}).get(item["key"]) or {}
        item = dict(item)
        if "text" in change:
            text = str(change["text"] or "").strip()
            if not text:
                errors[f"{item['key']}.text"] = [_("The Chinese text cannot be empty.")]
            item["text"] = text[:300]
        if "text_en" in change:
            item["text_en"] = str(change["text_en"] or "").strip()[:300]
        if item["key"] not in (remove or []):
            items.append(item)
    if not any(i["kind"] != "text" for i in items):
        errors["remove"] = [_("Keep at least one rated item.")]
    if errors:
        raise Invalid(fields=errors)
    if (
        title is not None
        and title.strip() != before["title"]
        and Questionnaire.objects.filter(hall=q.hall, title=q.title, version=q.version)
        .exclude(pk=q.pk)
        .exists()
    ):
        raise Invalid(fields={"title": [_("Another questionnaire already has this title and version.")]})
    q.items = items
    try:
        with transaction.atomic():
            q.save(update_fields=["title", "title_en", "items"])
    except IntegrityError as exc:  # another editor took this title and version a moment ago
        raise Conflict(
            _("Someone else just created this version; reload and try again."), code="version_taken"
        ) from exc
    audit_record(
        actor=actor,
        action="quality.questionnaire_update",
        hall=q.hall,
        obj=q,
        before=before,
        after=snapshot(q, ["title", "title_en", "items"]),
    )
    return q


@transaction.atomic
def questionnaire_new_version(*, actor: Actor, questionnaire):
    """A draft copy of a questionnaire (published or not) as the next version of its title."""
    q = questionnaire
    require_role(actor, q.hall, *EDITORS)
    copy = _questionnaire_create(
        hall=q.hall,
        system=q.system,
        title=q.title,
        title_en=q.title_en,
        version=_next_version(q.hall, q.title),
        scale=q.scale,
        servqual=q.servqual,
        importance=q.importance,
        items=[dict(i) for i in q.items],
        created_at=timezone.now(),
    )
    audit_record(
        actor=actor,
        action="quality.questionnaire_version",
        hall=q.hall,
        obj=copy,
        after={"from": q.pk, "version": copy.version},
    )
    return copy


@transaction.atomic
def questionnaire_publish(*, actor: Actor, questionnaire):
    """Publish (freeze) a draft: the phone pages offer it from now on. Locks the questionnaire's row."""
    require_role(actor, questionnaire.hall, *EDITORS)
    # Read locked: the caller's copy may be old, and two editors pressing "publish" must publish once.
    row = Questionnaire.objects.select_for_update().select_related("hall").get(pk=questionnaire.pk)
    if row.status != SystemStatus.DRAFT:
        raise Conflict(_("This questionnaire is already published."), code="frozen")
    row.status = transition(SYSTEM_TRANSITIONS, row, SystemAction.PUBLISH)
    row.published_at = timezone.now()
    row.save(update_fields=["status", "published_at"])
    audit_record(actor=actor, action="quality.questionnaire_publish", hall=row.hall, obj=row)
    questionnaire.status, questionnaire.published_at = row.status, row.published_at  # the caller's copy too
    return row


def _paper_value(value):
    """What a paper form's answer is stored as: a number stays the number typed (9 on a 5-point scale
    included, for the cleaning to flag; "4" typed as text becomes 4); anything else is kept as short text,
    which the analysis never counts."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    text = str(value).strip()[:20]
    try:
        return int(text)
    except ValueError:
        pass
    try:
        number = float(text)
    except ValueError:
        return text
    return number if number == number and abs(number) != float("inf") else text


START_SALT = "servicehall.quality.questionnaire-start"
START_MAX_AGE = 86400  # a page left open for a day is still answered


def questionnaire_start_token(*, questionnaire, now: datetime.datetime | None = None) -> str:
    """The signed token a questionnaire page carries: when it was served (for the speeder rule), for which
    questionnaire, and a one-use number: one stored response per page served."""
    at = (now or timezone.now()).isoformat()
    return signing.dumps({"q": questionnaire.pk, "at": at, "n": secrets.token_hex(16)}, salt=START_SALT)


def start_token_read(token: str | None, *, questionnaire) -> tuple[datetime.datetime, str] | None:
    """(served at, one-use number) of a valid, unexpired token of this questionnaire, or None. Whether it
    was used already is the database's to say (``response_nonce_once``)."""
    try:
        data = signing.loads(token or "", salt=START_SALT, max_age=START_MAX_AGE)
        if data["q"] != questionnaire.pk:
            return None
        return datetime.datetime.fromisoformat(data["at"]), str(data["n"])[:32]
    except (signing.BadSignature, ValueError, TypeError, KeyError):
        return None


def _already_sent() -> Conflict:
    return Conflict(
        _(
            "These answers have already been sent from this page. Thank you! To answer again, open the "
            "questionnaire again."
        ),
        code="already_sent",
    )


def _start_checked(start_token, questionnaire, now) -> tuple[datetime.datetime | None, str]:
    """An online answer's start time and one-use number from its page's token; a missing, forged, expired
    or used token is refused before anything is stored."""
    read = start_token_read(start_token, questionnaire=questionnaire)
    if read is None:
        raise Conflict(
            _("This page has expired. Your answers are kept below: check them and send them again."),
            code="expired",
        )
    started_at, nonce = read
    if QuestionnaireResponse.objects.filter(nonce=nonce).exists():
        raise _already_sent()
    return (started_at if started_at <= now else None), nonce


def response_submit(
    *,
    actor: Actor,
    questionnaire,
    answers: dict,
    channel: str,
    ticket=None,
    started_at: datetime.datetime | None = None,
    start_token: str | None = None,
    now: datetime.datetime | None = None,
):
    """Store one filled questionnaire as given. Online channels refuse answers outside the scale (the form
    offers only the scale); a paper form is stored as entered and the cleaning flags what is wrong. A phone
    answer needs its page's ``start_token`` (``questionnaire_start_token``), good for one stored response
    and a day: its start time replaces ``started_at``."""
    now = now or timezone.now()
    hall = questionnaire.hall
    if questionnaire.status != SystemStatus.PUBLISHED:
        raise Conflict(_("This questionnaire is not open for answers."), code="not_published")
    device = actor.device if actor.device is not None and actor.device.hall_id == hall.pk else None
    if channel == RatingChannel.PAPER:
        require_role(actor, hall, Role.MANAGER, Role.EVALUATOR)
    elif channel == RatingChannel.KIOSK and (device is None or device.kind != DeviceKind.KIOSK):
        raise PermissionDenied(_("Only a kiosk of the hall answers as a kiosk."))
    elif channel == RatingChannel.PHONE:
        rate_limit(actor=actor, scope="questionnaire", per_minute=10)
    keys = {i["key"]: i for i in questionnaire.items}
    clean_answers: dict = {}
    errors: dict[str, list[str]] = {}
    for key, value in (answers or {}).items():
        item = keys.get(key)
        if item is None:
            continue
        if item["kind"] == "text":
            clean_answers[key] = str(value or "")[:1000]
            continue
        if value in (None, ""):
            continue
        if channel != RatingChannel.PAPER:
            try:
                number = int(value)
            except (TypeError, ValueError):
                number = 0
            if not 1 <= number <= questionnaire.scale:
                errors[key] = [_("Choose a value from 1 to %(n)s.") % {"n": questionnaire.scale}]
                continue
            value = number
        else:
            value = _paper_value(value)
        clean_answers[key] = value
    if errors:
        raise Invalid(fields=errors)
    if not any(keys[k]["kind"] != "text" for k in clean_answers):
        raise Invalid(fields={"answers": [_("Answer at least one question.")]})
    nonce = None
    if channel == RatingChannel.PHONE:
        started_at, nonce = _start_checked(start_token, questionnaire, now)
    try:
        with transaction.atomic():
            response = QuestionnaireResponse.objects.create(
                questionnaire=questionnaire,
                hall=hall,
                ticket=ticket,
                channel=channel,
                device=device,
                answers=clean_answers,
                started_at=started_at if started_at and started_at <= now else None,
                submitted_at=now,
                nonce=nonce,
            )
            audit_record(
                actor=actor,
                action="quality.response",
                hall=hall,
                obj=response,
                after={"questionnaire": questionnaire.pk, "channel": channel, "answers": len(clean_answers)},
            )
    except IntegrityError as exc:  # the same page sent twice at once: the unique number lets one through
        raise _already_sent() from exc
    return response


@transaction.atomic
def cleaning_run(*, actor: Actor, questionnaire, rules=None):
    """Run the cleaning pipeline over every response and store the run (rules, counts, flags)."""

    require_role(actor, questionnaire.hall, *EDITORS)
    rules = rules or cleaning.Rules()
    items = [cleaning.Item(i["key"], likert=i["kind"] != "text") for i in questionnaire.items]
    responses = [
        cleaning.Response(
            id=r.pk,
            answers=r.answers,
            started_at=r.started_at,
            submitted_at=r.submitted_at,
            ticket_id=r.ticket_id,
            device_id=r.device_id,
            token=r.nonce,
        )
        for r in QuestionnaireResponse.objects.filter(questionnaire=questionnaire).iterator()
    ]
    out = cleaning.clean(items, responses, scale=questionnaire.scale, rules=rules)
    run = CleaningRun.objects.create(
        questionnaire=questionnaire,
        rules=rules.as_dict(),
        counts=out.counts,
        flags={str(k): v for k, v in out.flags.items()},
        total=out.total,
        valid=len(out.valid_ids),
        valid_rate=out.valid_rate,
        created_at=timezone.now(),
        by_id=actor.user_id,
    )
    audit_record(
        actor=actor,
        action="quality.cleaning_run",
        hall=questionnaire.hall,
        obj=run,
        after={
            "total": out.total,
            "valid": len(out.valid_ids),
            "counts": out.counts,
            "repeats": out.repeats,
        },
    )
    return run
