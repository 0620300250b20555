"""Writes of the quality module: indicator systems (from a template, edited as drafts, published and then
frozen), AHP judgements that must pass the consistency check, 好差评 ratings, default ratings, and the
bad-rating rectification cases with their deadlines in working days."""

import csv
import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from servicehall.core import crypto
from servicehall.core.actors import Actor
from servicehall.core.audit import audit_record
from servicehall.core.choices import DeviceKind, Role
from servicehall.core.errors import Conflict, Invalid, NotAuthenticated, PermissionDenied
from servicehall.core.models import Hall
from servicehall.core.notify import send_text
from servicehall.core.permissions import has_role, require_role
from servicehall.core.ratelimit import rate_limit
from servicehall.core.services import hall_settings_update, validated
from servicehall.core.transitions import transition
from servicehall.quality import selectors
from servicehall.quality.choices import (
    BAD_LEVELS,
    TRANSITIONS,
    DefaultRule,
    IndicatorKind,
    RatingChannel,
    RatingLevel,
    RectificationAction,
    RectificationStatus,
    SystemStatus,
)
from servicehall.quality.models import (
    Indicator,
    IndicatorSystem,
    Judgement,
    QualitySettings,
    Rating,
    Rectification,
)
from servicehall.quality.pdf import report_pdf
from servicehall.quality.presets import STATEMENTS_EN, TEMPLATES
from servicehall.quality.report import Scope, report_build

EDITORS = (Role.MANAGER, Role.EVALUATOR)


# ---------------------------------------------------------------- indicator systems


def _require_draft(system: IndicatorSystem) -> None:
    """Refuse changes to a published version (read from the database: the caller's copy may be stale)."""
    status = IndicatorSystem.objects.filter(pk=system.pk).values_list("status", flat=True).get()
    if status != SystemStatus.DRAFT:
        raise Conflict(
            _("Version %(v)s of “%(name)s” is published and frozen: make a new version to change it.")
            % {"v": system.version, "name": system.name},
            code="frozen",
        )


@transaction.atomic
def system_from_template(*, actor: Actor, hall: Hall, template: str) -> IndicatorSystem:
    """A new draft from a shipped template, with equal local weights among siblings to start from."""
    require_role(actor, hall, *EDITORS)
    if template not in TEMPLATES:
        raise Invalid(fields={"template": [_("Choose one of: %(names)s.") % {"names": ", ".join(TEMPLATES)}]})
    name, nodes = TEMPLATES[template]
    version = (
        IndicatorSystem.objects.filter(hall=hall, name=name)
        .order_by("-version")
        .values_list("version", flat=True)
        .first()
        or 0
    ) + 1
    system = IndicatorSystem.objects.create(
        hall=hall, name=name, version=version, template=template, created_at=timezone.now()
    )

    def add(parent, rows):
        for position, (code, label, en, kind, extra, children) in enumerate(rows):
            node = Indicator.objects.create(
                system=system,
                parent=parent,
                code=code,
                name=label,
                name_en=en,
                kind=kind,
                position=position,
                weight=round(1 / len(rows), 6),
                **extra,
            )
            add(node, children)

    add(None, nodes)
    _even_out(system)
    audit_record(
        actor=actor,
        action="quality.system_create",
        hall=hall,
        obj=system,
        after={"template": template, "version": version},
    )
    return system


def _even_out(system: IndicatorSystem) -> None:
    """Make each sibling group's rounded equal weights sum to exactly 1 (the last one takes the rest)."""
    groups: dict[int | None, list[Indicator]] = {}
    for r in Indicator.objects.filter(system=system).order_by("position", "id"):
        groups.setdefault(r.parent_id, []).append(r)
    for rows in groups.values():
        rows[-1].weight = round(1 - sum(r.weight for r in rows[:-1]), 6)
        rows[-1].save(update_fields=["weight"])


@transaction.atomic
def system_new_version(*, actor: Actor, system: IndicatorSystem) -> IndicatorSystem:
    """A draft copy of a (published) version, to change without touching what reports were made with."""
    require_role(actor, system.hall, *EDITORS)
    version = (
        IndicatorSystem.objects.filter(hall=system.hall, name=system.name)
        .order_by("-version")
        .first()
        .version
    )
    copy = IndicatorSystem.objects.create(
        hall=system.hall,
        name=system.name,
        version=version + 1,
        template=system.template,
        ri_table=system.ri_table,
        created_at=timezone.now(),
        based_on=system,
    )
    rows = list(Indicator.objects.filter(system=system).order_by("position", "id"))
    mapping: dict[int | None, Indicator | None] = {None: None}
    pending = rows
    while pending:  # parents before their children, level by level (NULLs sort differently per database)
        ready = [r for r in pending if r.parent_id in mapping]
        pending = [r for r in pending if r.parent_id not in mapping]
        if not ready:
            raise Conflict(_("The indicator tree is broken: some indicators have no parent in this version."))
        for r in ready:
            old_pk, parent = r.pk, mapping[r.parent_id]
            r.pk, r.id, r.system, r.parent = None, None, copy, parent
            r.save(force_insert=True)
            mapping[old_pk] = r
    audit_record(
        actor=actor,
        action="quality.system_version",
        hall=system.hall,
        obj=copy,
        after={"based_on": system.pk, "version": copy.version},
    )
    return copy


@transaction.atomic
def indicator_update(*, actor: Actor, indicator: Indicator, **fields) -> Indicator:
    system = indicator.system
    require_role(actor, system.hall, *EDITORS)
    _require_draft(system)
    before = {k: getattr(indicator, k) for k in fields}
    for k, v in fields.items():
        setattr(indicator, k, v)
    if indicator.kind == IndicatorKind.OBJECTIVE and not indicator.metric:
        raise Invalid(
            fields={"metric": [_("An objective indicator needs the operational metric it is computed from.")]}
        )
    validated(indicator, exclude=["system", "parent"])
    indicator.save()
    audit_record(
        actor=actor,
        action="quality.indicator_update",
        hall=system.hall,
        obj=indicator,
        before={k: str(v) for k, v in before.items()},
        after={k: str(v) for k, v in fields.items()},
    )
    return indicator


@transaction.atomic
def system_publish(*, actor: Actor, system: IndicatorSystem) -> IndicatorSystem:
    """Freeze a draft. Refused while a sibling group's weights do not sum to 1."""
    require_role(actor, system.hall, *EDITORS)
    _require_draft(system)
    problems = selectors.weight_problems(system=system)
    if problems:
        raise Invalid(
            _("Weights must sum to 1 among siblings: %(groups)s") % {"groups": "; ".join(problems)},
            fields={"weights": problems},
            code="weights",
        )
    system.status, system.published_at = SystemStatus.PUBLISHED, timezone.now()
    system.save(update_fields=["status", "published_at"])
    IndicatorSystem.objects.filter(hall=system.hall, name=system.name, status=SystemStatus.PUBLISHED).exclude(
        pk=system.pk
    ).update(status=SystemStatus.RETIRED)
    audit_record(
        actor=actor,
        action="quality.system_publish",
        hall=system.hall,
        obj=system,
        after={"version": system.version},
    )
    return system


@transaction.atomic
def judgement_submit(
    *, actor: Actor, system: IndicatorSystem, parent: Indicator | None, matrix: list[list[float]]
) -> Judgement:
    """Record one expert's pairwise comparisons of a node's children (Saaty's 1-9 scale). A judgement
    with CR ≥ 0.10 is refused with the comparison to reconsider; a consistent one is stored and the
    children's local weights become the AHP weights of every expert's judgements combined (geometric mean
    of the judgements, then the principal eigenvector)."""
    from servicehall.quality import ahp

    require_role(actor, system.hall, *EDITORS)
    _require_draft(system)
    children = list(Indicator.objects.filter(system=system, parent=parent).order_by("position", "id"))
    labels = [f"{c.code} {c.name}" for c in children]
    if len(matrix) != len(children) or any(len(row) != len(children) for row in matrix):
        raise Invalid(
            fields={
                "matrix": [
                    _("Give a %(n)s × %(n)s matrix: one row and column per indicator (%(names)s).")
                    % {"n": len(children), "names": "、".join(labels)}
                ]
            }
        )
    try:
        result = ahp.ahp_weights(matrix, ri_table=system.ri_table)
    except ValueError as exc:
        raise Invalid(fields={"matrix": [str(exc)]}) from exc
    if not result.consistent:
        i, j = result.worst
        raise Invalid(
            _(
                "These judgements are not consistent enough (CR = %(cr).3f, must be below 0.10). "
                "Reconsider first the comparison of “%(a)s” with “%(b)s”."
            )
            % {"cr": result.cr, "a": labels[i], "b": labels[j]},
            fields={
                "matrix": [
                    _("CR = %(cr).3f ≥ 0.10: reconsider “%(a)s” against “%(b)s”.")
                    % {"cr": result.cr, "a": labels[i], "b": labels[j]}
                ]
            },
            code="inconsistent",
        )
    judgement, _created = Judgement.objects.update_or_create(
        system=system,
        parent=parent,
        expert=actor.user,
        defaults={
            "codes": [c.code for c in children],
            "matrix": matrix,
            "weights": list(result.weights),
            "lambda_max": result.lambda_max,
            "ci": result.ci,
            "cr": result.cr,
            "ri_table": system.ri_table,
            "created_at": timezone.now(),
        },
    )
    matrices = [j.matrix for j in Judgement.objects.filter(system=system, parent=parent)]
    combined = (
        ahp.ahp_weights(ahp.combine_experts(matrices), ri_table=system.ri_table)
        if len(matrices) > 1
        else result
    )
    for child, weight in zip(children, combined.weights, strict=True):
        child.weight = round(float(weight), 6)
        child.save(update_fields=["weight"])
    _even_out(system)
    audit_record(
        actor=actor,
        action="quality.ahp_judgement",
        hall=system.hall,
        obj=judgement,
        after={
            "parent": parent.code if parent else None,
            "cr": round(result.cr, 4),
            "experts": len(matrices),
        },
    )
    return judgement


# ---------------------------------------------------------------- 好差评 ratings


def _rater_allowed(actor: Actor, ticket, channel: str) -> None:
    """The pad at the window where the ticket was served, a kiosk of the hall, the citizen holding the
    ticket's link (phone), or staff entering a paper form."""
    hall = ticket.hall
    device = actor.device if actor.device is not None and actor.device.hall_id == hall.pk else None
    if channel == RatingChannel.PAD:
        if device is None or device.kind != DeviceKind.RATING_PAD:
            raise PermissionDenied(_("Only the rating pad of a window rates there."))
        if device.counter_id and device.counter_id != ticket.counter_id:
            raise PermissionDenied(_("This pad belongs to another window."), code="other_window")
    elif channel == RatingChannel.KIOSK:
        if device is None or device.kind != DeviceKind.KIOSK:
            raise PermissionDenied(_("Only a kiosk of the hall rates as a kiosk."))
    elif channel == RatingChannel.PAPER:
        if actor.user_id is None:
            raise NotAuthenticated()
        require_role(actor, hall, Role.MANAGER, Role.EVALUATOR)
    elif channel == RatingChannel.PHONE:
        rate_limit(actor=actor, scope="rating", per_minute=20)
    else:
        raise Invalid(fields={"channel": [_("Unknown channel.")]})


@transaction.atomic
def rating_submit(
    *,
    actor: Actor,
    ticket,
    level: int,
    tags: list[str] | None = None,
    comment: str = "",
    channel: str = RatingChannel.PHONE,
    now: datetime.datetime | None = None,
) -> Rating:
    """Rate a completed service once, within the hall's rating window. The two bad levels need a reason
    (a tag or a comment) and open a rectification case. Nothing about the rater is stored."""
    from servicehall.queueing.choices import TicketStatus
    from servicehall.queueing.models import Ticket

    now = now or timezone.now()
    ticket = (
        Ticket.objects.select_for_update(of=("self",))
        .select_related("hall", "service", "service__department")
        .get(pk=ticket.pk)
    )
    hall = ticket.hall
    _rater_allowed(actor, ticket, channel)
    conf = selectors.settings_get(hall=hall)
    if level not in RatingLevel.values:
        raise Invalid(fields={"level": [_("Choose one of the five levels.")]})
    if ticket.status != TicketStatus.COMPLETED or ticket.completed_at is None:
        raise Conflict(
            _("Ticket %(number)s has not been served yet: it can be rated once the service is completed.")
            % {"number": ticket.number},
            code="not_served",
        )
    if now > ticket.completed_at + datetime.timedelta(days=conf.rating_window_days):
        raise Conflict(
            _("Services can be rated within %(n)s days; this one can no longer be rated.")
            % {"n": conf.rating_window_days},
            code="window_closed",
        )
    if Rating.objects.filter(ticket=ticket).exists():
        raise Conflict(_("This service has already been rated. Thank you!"), code="already_rated")
    allowed = set(conf.reason_tags.get(str(level), []))
    tags = [t for t in (tags or []) if t]
    unknown = [t for t in tags if t not in allowed]
    if unknown:
        raise Invalid(fields={"tags": [_("Unknown reason: %(tags)s") % {"tags": "、".join(unknown)}]})
    comment = (comment or "").strip()[:500]
    if level in BAD_LEVELS and not (tags or comment):
        raise Invalid(
            fields={"tags": [_("Please tell us what went wrong: choose a reason or write a few words.")]},
            code="reason_required",
        )
    rating = Rating.objects.create(
        hall=hall,
        ticket=ticket,
        service=ticket.service,
        counter_id=ticket.counter_id,
        clerk_id=ticket.clerk_id,
        level=level,
        tags=tags,
        comment=comment,
        channel=channel,
        served_at=ticket.completed_at,
        rated_at=now,
    )
    audit_record(
        actor=actor,
        action="quality.rating",
        hall=hall,
        obj=rating,
        after={"ticket": ticket.number, "level": level, "channel": channel},
    )
    if level in BAD_LEVELS:
        _open_case(rating, conf, now)
    return rating


def _open_case(rating: Rating, conf: QualitySettings, now: datetime.datetime) -> Rectification:
    from servicehall.core.calendar import add_working_days

    hall = rating.hall
    case = Rectification.objects.create(
        rating=rating,
        hall=hall,
        department=rating.service.department.name,
        assignee_id=rating.clerk_id,
        opened_at=now,
        revisit_due=add_working_days(hall, now, conf.revisit_working_days),
        rectify_due=add_working_days(hall, now, conf.rectify_working_days),
        log=[{"at": now.isoformat(), "step": "open", "by": "system"}],
    )
    audit_record(
        actor=Actor(),
        action="quality.rectification_open",
        hall=hall,
        obj=case,
        after={
            "department": case.department,
            "revisit_due": case.revisit_due.isoformat(),
            "rectify_due": case.rectify_due.isoformat(),
        },
    )
    return case


def ratings_default(*, now: datetime.datetime | None = None) -> int:
    """Where a hall records a default good rating when nobody rates, record it once the rating window has
    passed. It is marked default and never counted as an active rating."""
    from servicehall.queueing.choices import TicketStatus
    from servicehall.queueing.models import Ticket

    now = now or timezone.now()
    made = 0
    for conf in QualitySettings.objects.filter(default_rule=DefaultRule.GOOD).select_related("hall"):
        cutoff = now - datetime.timedelta(days=conf.rating_window_days)
        due = Ticket.objects.filter(
            hall=conf.hall, status=TicketStatus.COMPLETED, completed_at__lt=cutoff, rating__isnull=True
        ).select_related("service")[:2000]
        with transaction.atomic():
            for ticket in due:
                _r, created = Rating.objects.get_or_create(
                    ticket=ticket,
                    defaults={
                        "hall": conf.hall,
                        "service": ticket.service,
                        "counter_id": ticket.counter_id,
                        "clerk_id": ticket.clerk_id,
                        "level": RatingLevel.VERY_SATISFIED,
                        "channel": RatingChannel.DEFAULT,
                        "is_default": True,
                        "served_at": ticket.completed_at,
                        "rated_at": now,
                    },
                )
                made += int(created)
    return made


# ---------------------------------------------------------------- rectification (差评整改)


@transaction.atomic
def rater_contact(*, actor: Actor, case: Rectification) -> str:
    """The rater's full mobile number, for the revisit (回访) of a bad rating: only the hall's 好差评 office
    (managers, evaluators) may read it, and every reading is audited."""
    hall = case.hall
    require_role(actor, hall, *selectors.RATER_ROLES)
    phone = crypto.decrypt(case.rating.ticket.phone_encrypted) if case.rating.ticket_id else ""
    audit_record(
        actor=actor, action="quality.rater_contact", hall=hall, obj=case, after={"found": bool(phone)}
    )
    return phone


@transaction.atomic
def rectification_step(
    *, actor: Actor, case: Rectification, action: str, note: str = "", now: datetime.datetime | None = None
) -> Rectification:
    """One step of a case, by the transition table. The responsible clerk or a manager records the
    revisit, the verification and the rectification; only a manager decides an appeal."""
    now = now or timezone.now()
    case = (
        Rectification.objects.select_for_update(of=("self",))
        .select_related("rating", "rating__ticket", "hall")
        .get(pk=case.pk)
    )
    hall = case.hall
    require_role(actor, hall, Role.MANAGER, Role.CLERK)
    manager = has_role(actor.user, hall, Role.MANAGER)
    if not manager and (
        action in (RectificationAction.UPHOLD, RectificationAction.REJECT)
        or case.assignee_id != actor.user_id
    ):
        raise PermissionDenied(
            _("Only the responsible clerk or a manager can do this step; appeals are decided by a manager.")
        )
    new = transition(TRANSITIONS, case, action)
    note = (note or "").strip()[:500]
    if (
        action
        in (
            RectificationAction.REVISIT,
            RectificationAction.UNREASONABLE,
            RectificationAction.APPEAL,
            RectificationAction.RECTIFIED,
        )
        and not note
    ):
        raise Invalid(fields={"note": [_("Write what was done: it is part of the record.")]})
    before = case.status
    case.status = new
    if action == RectificationAction.REVISIT:
        case.revisited_at = now
    if action == RectificationAction.UPHOLD:
        Rating.objects.filter(pk=case.rating_id).update(excluded=True)
    if new == RectificationStatus.CLOSED:
        case.closed_at = now
    case.log = [*case.log, {"at": now.isoformat(), "step": action, "by": actor.label, "note": note}]
    case.save()
    audit_record(
        actor=actor,
        action=f"quality.rectification_{action}",
        hall=hall,
        obj=case,
        before={"status": before},
        after={"status": new, "note": note},
    )
    if action in (RectificationAction.RECTIFIED, RectificationAction.UNREASONABLE):
        phone = crypto.decrypt(case.rating.ticket.phone_encrypted)
        if phone:
            text = _(
                "[%(hall)s] About your rating of ticket %(number)s: %(note)s You may rate the service once "
                "more."
            ) % {"hall": hall.name, "number": case.rating.ticket.number, "note": note}
            transaction.on_commit(lambda: send_text(phone, text))
    return case


@transaction.atomic
def rectification_follow_up(
    *, actor: Actor, case: Rectification, level: int, now: datetime.datetime | None = None
) -> Rectification:
    """The citizen's one follow-up rating after the feedback."""
    case = Rectification.objects.select_for_update().get(pk=case.pk)
    if case.status not in (RectificationStatus.CLOSED, RectificationStatus.EXPLAINED) or case.follow_up_level:
        raise Conflict(_("A follow-up rating is possible once, after the feedback."), code="follow_up")
    if level not in RatingLevel.values:
        raise Invalid(fields={"level": [_("Choose one of the five levels.")]})
    case.follow_up_level, case.follow_up_at = level, now or timezone.now()
    case.save(update_fields=["follow_up_level", "follow_up_at"])
    audit_record(
        actor=actor,
        action="quality.rectification_follow_up",
        hall=case.hall,
        obj=case,
        after={"level": level},
    )
    return case


def rectifications_overdue(*, now: datetime.datetime | None = None) -> int:
    """Alert the managers of cases past their revisit or rectification deadline (once per case): an event
    on the hall's stream for the staff pages, and the log."""
    from servicehall.live.services import event_emit

    now = now or timezone.now()
    alerted = 0
    late = Rectification.objects.filter(overdue_alerted_at__isnull=True).exclude(
        status=RectificationStatus.CLOSED
    )
    for case in late.select_related("hall", "rating"):
        overdue = (
            case.status == RectificationStatus.OPEN and case.revisit_due < now
        ) or case.rectify_due < now
        if not overdue:
            continue
        with transaction.atomic():
            case.overdue_alerted_at = now
            case.save(update_fields=["overdue_alerted_at"])
            event_emit(
                hall=case.hall,
                kind="quality.rectification_overdue",
                payload={"case": case.pk, "department": case.department, "status": case.status},
            )
        alerted += 1
    return alerted


def settings_update(*, actor: Actor, hall: Hall, **changes) -> QualitySettings:
    return hall_settings_update(
        model=QualitySettings, actor=actor, hall=hall, action="quality.settings", changes=changes
    )


# ---------------------------------------------------------------- questionnaires


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
    from django.db.models import Max

    from servicehall.quality.models import Questionnaire

    return (Questionnaire.objects.filter(hall=hall, title=title).aggregate(v=Max("version"))["v"] or 0) + 1


def _questionnaire_create(**fields):
    """Insert a questionnaire; two editors creating the same title's next version at once get one each
    or a 409, never two rows with one number (the unique constraint decides)."""
    from django.db import IntegrityError

    from servicehall.quality.models import Questionnaire

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
    from servicehall.core.audit import snapshot
    from servicehall.quality.models import Questionnaire

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
    from django.db import IntegrityError

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
    from servicehall.quality.models import Questionnaire

    require_role(actor, questionnaire.hall, *EDITORS)
    # Read locked: the caller's copy may be old, and two editors pressing "publish" must publish once.
    row = Questionnaire.objects.select_for_update().select_related("hall").get(pk=questionnaire.pk)
    if row.status != SystemStatus.DRAFT:
        raise Conflict(_("This questionnaire is already published."), code="frozen")
    row.status, row.published_at = SystemStatus.PUBLISHED, timezone.now()
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


def response_submit(
    *,
    actor: Actor,
    questionnaire,
    answers: dict,
    channel: str,
    ticket=None,
    started_at: datetime.datetime | None = None,
    now: datetime.datetime | None = None,
):
    """Store one filled questionnaire as given. Online channels refuse answers outside the scale (the form
    offers only the scale); a paper form is stored as entered and the cleaning flags what is wrong."""
    from servicehall.quality.models import QuestionnaireResponse

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
        )
        audit_record(
            actor=actor,
            action="quality.response",
            hall=hall,
            obj=response,
            after={"questionnaire": questionnaire.pk, "channel": channel, "answers": len(clean_answers)},
        )
    return response


@transaction.atomic
def cleaning_run(*, actor: Actor, questionnaire, rules=None):
    """Run the cleaning pipeline over every response and store the run (rules, counts, flags)."""
    from servicehall.quality import cleaning
    from servicehall.quality.models import CleaningRun, QuestionnaireResponse

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
        after={"total": out.total, "valid": len(out.valid_ids), "counts": out.counts},
    )
    return run


# ---------------------------------------------------------------- monthly report files


def monthly_report_write(*, now=None) -> int:
    """Write last month's report for every active hall with a published indicator system (idempotent):
    ``var/reports/<hall>/<YYYY-MM>.pdf`` and ``.csv``, in Chinese. A file that exists is not rewritten."""
    written = 0
    for hall in Hall.objects.filter(active=True):
        system = (
            IndicatorSystem.objects.filter(hall=hall, status=SystemStatus.PUBLISHED)
            .order_by("-published_at")
            .first()
        )
        if system is None:
            continue
        today = (now or timezone.now()).astimezone(hall.tzinfo).date()
        last_day = today.replace(day=1) - datetime.timedelta(days=1)
        first_day = last_day.replace(day=1)
        folder = settings.VAR_DIR / "reports" / hall.code
        target = folder / f"{first_day:%Y-%m}.pdf"
        if target.exists():
            continue
        folder.mkdir(parents=True, exist_ok=True)
        with override("zh-hans"):
            built = report_build(system=system, scope=Scope(hall, first_day, last_day))
            target.write_bytes(report_pdf(built))
        with open(folder / f"{first_day:%Y-%m}.csv", "w", encoding="utf-8-sig", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(["dimension", "code", "indicator", "kind", "global_weight", "score"])
            for r in built["indicators"] + built["missing"]:
                writer.writerow(
                    [r["dimension_name"], r["code"], r["name"], r["kind"], r["weight"], r["score"]]
                )
        written += 1
    return written
