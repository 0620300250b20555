"""The quality API: 好差评 ratings, bad-rating rectification, indicator systems and AHP judgements, the
hall's quality settings. Thin: parse, call one service or selector, shape."""

import datetime

from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from servicehall.core.choices import Role
from servicehall.core.errors import Invalid, NotFound
from servicehall.core.permissions import require_role
from servicehall.core.selectors import hall_get
from servicehall.quality import selectors, services
from servicehall.quality.choices import ClerkCard, RatingChannel, RectificationAction
from servicehall.quality.models import IndicatorSystem, Questionnaire, Rectification
from servicehall.queueing.selectors import ticket_get

router = Router(tags=["quality"])


class RatingIn(Schema):
    level: int = Field(ge=1, le=5, description="5 非常满意 … 1 非常不满意")
    tags: list[str] = Field(default_factory=list, max_length=10)
    comment: str = Field("", max_length=500)
    channel: RatingChannel = RatingChannel.PHONE


class StepIn(Schema):
    note: str = Field("", max_length=500)


class FollowUpIn(Schema):
    level: int = Field(ge=1, le=5)


class TemplateIn(Schema):
    template: str = Field(description="article, servqual or haochaping")


class IndicatorIn(Schema):
    name: str | None = Field(None, max_length=60)
    name_en: str | None = Field(None, max_length=80)
    weight: float | None = Field(None, ge=0, le=1)
    kind: str | None = None
    metric: str | None = None
    direction: str | None = None
    best: float | None = None
    worst: float | None = None
    items: list[str] | None = None


class JudgementIn(Schema):
    parent: str | None = Field(
        None, description="Code of the node whose children are compared; empty: dimensions"
    )
    matrix: list[list[float]]


class QuestionnaireIn(Schema):
    scale: int = Field(5, description="5 or 7 points")
    servqual: bool = False
    importance: bool = False
    title: str = Field("", max_length=100)
    title_en: str = Field("", max_length=100)


class ItemTextIn(Schema):
    text: str | None = Field(None, max_length=300)
    text_en: str | None = Field(None, max_length=300)


class QuestionnairePatch(Schema):
    title: str | None = Field(None, max_length=100)
    title_en: str | None = Field(None, max_length=100)
    items: dict[str, ItemTextIn] = Field(
        default_factory=dict, description="item key → new Chinese/English text"
    )
    remove: list[str] = Field(default_factory=list, description="keys of items to drop")


class SettingsIn(Schema):
    rating_window_days: int | None = None
    default_rule: str | None = None
    reason_tags: dict[str, list[str]] | None = None
    revisit_working_days: int | None = None
    rectify_working_days: int | None = None
    pad_timeout_seconds: int | None = Field(None, description="How long the pad asks (30–600 s)")
    pad_clerk_card: ClerkCard | None = Field(None, description="What the pad shows of the clerk (亮证)")


def _rating_out(r) -> dict:
    return {
        "id": r.public_id,
        "ticket": r.ticket.number,
        "level": r.level,
        "level_name": r.get_level_display(),
        "tags": r.tags,
        "comment": r.comment,
        "channel": r.channel,
        "is_default": r.is_default,
        "rated_at": r.rated_at,
        "rectification": getattr(getattr(r, "rectification", None), "pk", None),
    }


def _case_out(c: Rectification, *, rater_visible: bool, user=None) -> dict:
    """A case; the ticket number and the masked contact only for those who may see who rated; ``steps``:
    the next steps the caller may take (the office page's buttons, ``selectors.rectification_steps``)."""
    return {
        "id": c.pk,
        "status": c.status,
        "status_name": c.get_status_display(),
        "department": c.department,
        "assignee": str(c.assignee) if c.assignee else None,
        "ticket": c.rating.ticket.number if rater_visible else None,
        "contact": c.rating.ticket.phone_hint if rater_visible else None,
        "level": c.rating.level,
        "tags": c.rating.tags,
        "comment": c.rating.comment,
        "opened_at": c.opened_at,
        "revisit_due": c.revisit_due,
        "rectify_due": c.rectify_due,
        "closed_at": c.closed_at,
        "log": c.log,
        "follow_up_level": c.follow_up_level,
        "outcome": c.outcome or None,
        "steps": selectors.rectification_steps(user=user, case=c) if user is not None else [],
    }


@router.post("/tickets/{ticket_id}/rating", response={201: dict}, summary="Rate a completed service (好差评)")
def rate(request, ticket_id: str, payload: RatingIn):
    rating = services.rating_submit(
        actor=request.auth,
        ticket=ticket_get(public_id=ticket_id),
        level=payload.level,
        tags=payload.tags,
        comment=payload.comment,
        channel=payload.channel,
    )
    return Status(201, _rating_out(rating))


@router.post("/tickets/{ticket_id}/rating/follow-up", summary="The one follow-up rating after rectification")
def follow_up(request, ticket_id: str, payload: FollowUpIn):
    ticket = ticket_get(public_id=ticket_id)
    case = selectors.rectification_for_ticket(ticket=ticket)
    done = services.rectification_follow_up(actor=request.auth, case=case, level=payload.level)
    return _case_out(done, rater_visible=selectors.may_see_rater(user=request.auth.user, hall=ticket.hall))


@router.get("/halls/{hall_code}/ratings/statistics", summary="好差评 statistics of a period")
def rating_stats(request, hall_code: str, date_from: datetime.date, date_to: datetime.date):
    hall = hall_get(code=hall_code)
    require_role(request.auth, hall, Role.MANAGER, Role.EVALUATOR)
    return selectors.rating_statistics(hall=hall, date_from=date_from, date_to=date_to)


@router.get("/halls/{hall_code}/rectifications", summary="Bad-rating rectification cases (staff)")
def cases(request, hall_code: str, status: str | None = None):
    hall = hall_get(code=hall_code)
    require_role(request.auth, hall, Role.MANAGER, Role.CLERK, Role.EVALUATOR)
    qs = selectors.rectifications_visible(user=request.auth.user, hall=hall, status=status)
    visible = selectors.may_see_rater(user=request.auth.user, hall=hall)
    return [_case_out(c, rater_visible=visible, user=request.auth.user) for c in qs[:500]]


@router.get(
    "/rectifications/{case_id}/contact", summary="The rater's mobile number for the revisit (audited)"
)
def case_contact(request, case_id: int):
    case = selectors.rectification_find(case_id=case_id)
    return {"id": case.pk, "phone": services.rater_contact(actor=request.auth, case=case)}


@router.post("/rectifications/{case_id}/{action}", summary="One step of a rectification case")
def case_step(request, case_id: int, action: str, payload: StepIn):
    case = selectors.rectification_find(case_id=case_id)
    if action not in RectificationAction.values:
        raise NotFound()
    done = services.rectification_step(actor=request.auth, case=case, action=action, note=payload.note)
    return _case_out(
        selectors.rectification_get(hall=done.hall, case_id=done.pk),
        rater_visible=selectors.may_see_rater(user=request.auth.user, hall=done.hall),
        user=request.auth.user,
    )


@router.get("/halls/{hall_code}/indicator-systems", summary="The hall's indicator systems and versions")
def systems(request, hall_code: str):
    hall = hall_get(code=hall_code)
    require_role(request.auth, hall, Role.MANAGER, Role.EVALUATOR)
    return [
        {
            "id": s.pk,
            "name": s.name,
            "version": s.version,
            "status": s.status,
            "template": s.template,
            "published_at": s.published_at,
        }
        for s in selectors.system_list(hall=hall)
    ]


@router.post(
    "/halls/{hall_code}/indicator-systems", response={201: dict}, summary="A new draft from a template"
)
def system_create(request, hall_code: str, payload: TemplateIn):
    system = services.system_from_template(
        actor=request.auth, hall=hall_get(code=hall_code), template=payload.template
    )
    return Status(201, _system_out(system))


def _system(request, system_id: int) -> IndicatorSystem:
    system = selectors.system_find(system_id=system_id)
    require_role(request.auth, system.hall, Role.MANAGER, Role.EVALUATOR)
    return system


def _system_out(system: IndicatorSystem) -> dict:
    return {
        "id": system.pk,
        "name": system.name,
        "version": system.version,
        "status": system.status,
        "ri_table": system.ri_table,
        "tree": selectors.tree(system=system),
        "weight_problems": selectors.weight_problems(system=system),
    }


@router.get("/indicator-systems/{system_id}", summary="An indicator system with local and global weights")
def system_detail(request, system_id: int):
    return _system_out(_system(request, system_id))


@router.post("/indicator-systems/{system_id}/publish", summary="Publish (freeze) a draft")
def system_publish(request, system_id: int):
    return _system_out(services.system_publish(actor=request.auth, system=_system(request, system_id)))


@router.post("/indicator-systems/{system_id}/versions", response={201: dict}, summary="A new draft version")
def system_version(request, system_id: int):
    return Status(
        201, _system_out(services.system_new_version(actor=request.auth, system=_system(request, system_id)))
    )


@router.patch("/indicator-systems/{system_id}/indicators/{code}", summary="Change an indicator of a draft")
def indicator_patch(request, system_id: int, code: str, payload: IndicatorIn):
    system = _system(request, system_id)
    indicator = selectors.indicator_get(system=system, code=code)
    if indicator is None:
        raise NotFound()
    services.indicator_update(
        actor=request.auth, indicator=indicator, **payload.model_dump(exclude_none=True)
    )
    return _system_out(system)


@router.post(
    "/indicator-systems/{system_id}/judgements",
    response={201: dict},
    summary="An expert's AHP pairwise comparisons (refused when CR ≥ 0.10)",
)
def judgement(request, system_id: int, payload: JudgementIn):
    system = _system(request, system_id)
    parent = None
    if payload.parent:
        parent = selectors.indicator_get(system=system, code=payload.parent)
        if parent is None:
            raise Invalid(fields={"parent": [_("No such indicator in this system.")]})
    j = services.judgement_submit(actor=request.auth, system=system, parent=parent, matrix=payload.matrix)
    return Status(
        201,
        {
            "weights": dict(zip(j.codes, j.weights, strict=True)),
            "lambda_max": j.lambda_max,
            "ci": j.ci,
            "cr": j.cr,
            "ri_table": j.ri_table,
            "system": _system_out(system),
        },
    )


@router.get("/halls/{hall_code}/quality/settings", summary="Rating and rectification settings")
def settings_read(request, hall_code: str):
    hall = hall_get(code=hall_code)
    require_role(request.auth, hall, Role.MANAGER)
    conf = selectors.settings_get(hall=hall)
    return {f: getattr(conf, f) for f in SettingsIn.model_fields}


@router.patch("/halls/{hall_code}/quality/settings", summary="Change rating and rectification settings")
def settings_write(request, hall_code: str, payload: SettingsIn):
    hall = hall_get(code=hall_code)
    conf = services.settings_update(actor=request.auth, hall=hall, **payload.model_dump(exclude_none=True))
    return {f: getattr(conf, f) for f in SettingsIn.model_fields}


def _questionnaire(request, questionnaire_id: int) -> Questionnaire:
    q = selectors.questionnaire_find(questionnaire_id=questionnaire_id)
    require_role(request.auth, q.hall, Role.MANAGER, Role.EVALUATOR)
    return q


def _questionnaire_out(q: Questionnaire) -> dict:
    return {
        "id": q.pk,
        "title": q.title,
        "title_en": q.title_en,
        "version": q.version,
        "status": q.status,
        "system": q.system_id,
        "scale": q.scale,
        "servqual": q.servqual,
        "importance": q.importance,
        "items": q.items,
        "published_at": q.published_at,
    }


@router.post(
    "/indicator-systems/{system_id}/questionnaires",
    response={201: dict},
    summary="A draft questionnaire generated from an indicator system",
)
def questionnaire_create(request, system_id: int, payload: QuestionnaireIn):
    q = services.questionnaire_generate(
        actor=request.auth,
        system=_system(request, system_id),
        scale=payload.scale,
        servqual=payload.servqual,
        importance=payload.importance,
        title=payload.title,
        title_en=payload.title_en,
    )
    return Status(201, _questionnaire_out(q))


@router.get(
    "/questionnaires/{questionnaire_id}", summary="A questionnaire with its items in Chinese and English"
)
def questionnaire_detail(request, questionnaire_id: int):
    return _questionnaire_out(_questionnaire(request, questionnaire_id))


@router.patch("/questionnaires/{questionnaire_id}", summary="Edit a draft questionnaire")
def questionnaire_patch(request, questionnaire_id: int, payload: QuestionnairePatch):
    texts = {k: v.model_dump(exclude_none=True) for k, v in payload.items.items()}
    q = services.questionnaire_update(
        actor=request.auth,
        questionnaire=_questionnaire(request, questionnaire_id),
        title=payload.title,
        title_en=payload.title_en,
        texts=texts,
        remove=payload.remove,
    )
    return _questionnaire_out(q)


@router.post("/questionnaires/{questionnaire_id}/publish", summary="Publish (freeze) a draft questionnaire")
def questionnaire_publish(request, questionnaire_id: int):
    q = services.questionnaire_publish(
        actor=request.auth, questionnaire=_questionnaire(request, questionnaire_id)
    )
    return _questionnaire_out(q)


@router.post(
    "/questionnaires/{questionnaire_id}/versions",
    response={201: dict},
    summary="A new draft version of a questionnaire",
)
def questionnaire_version(request, questionnaire_id: int):
    q = services.questionnaire_new_version(
        actor=request.auth, questionnaire=_questionnaire(request, questionnaire_id)
    )
    return Status(201, _questionnaire_out(q))
