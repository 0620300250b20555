"""好差评 ratings and the bad-rating rectification cases (差评整改): a rating by pad, kiosk, phone or
paper form, the default good rating when nobody rated, a case opened for each bad rating with its
deadlines in working days, its steps by ``choices.TRANSITIONS``, the follow-up rating, the overdue alerts;
and the hall's rating settings."""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from servicehall.core import crypto
from servicehall.core.actors import Actor
from servicehall.core.audit import SystemActor, audit_record
from servicehall.core.calendar import add_working_days
from servicehall.core.choices import DeviceKind, Role
from servicehall.core.errors import Conflict, Invalid, NotAuthenticated, PermissionDenied
from servicehall.core.models import Hall
from servicehall.core.notify import send_text
from servicehall.core.permissions import STAFF_ROLES, require_role
from servicehall.core.ratelimit import rate_limit
from servicehall.core.services import hall_settings_update
from servicehall.core.transitions import transition
from servicehall.customers import summaries as segment_summaries
from servicehall.live.services import event_emit
from servicehall.quality import selectors
from servicehall.quality.choices import (
    BAD_LEVELS,
    CLOSING_OUTCOME,
    TRANSITIONS,
    DefaultRule,
    RatingChannel,
    RatingLevel,
    RectificationAction,
    RectificationStatus,
)
from servicehall.quality.models import QualitySettings, Rating, Rectification
from servicehall.quality.services.common import WORKER
from servicehall.queueing.choices import TicketStatus
from servicehall.queueing.models import Ticket


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


# A rating sent from the pad as its form closed (the tap, then the network) is still in time.
PAD_GRACE_SECONDS = 5


def _pad_shows(actor: Actor, ticket, conf: QualitySettings, now: datetime.datetime) -> None:
    """A pad rates only what it shows: its window's latest completed service, within the hall's pad
    timeout. A form left on the screen for an earlier citizen, or one past its time, is refused (409),
    so a rating is never given to a service the citizen at the pad did not receive."""
    counter = ticket.counter if actor.device.counter_id == ticket.counter_id else None
    if ticket.completed_at < now - datetime.timedelta(seconds=conf.pad_timeout_seconds + PAD_GRACE_SECONDS):
        raise Conflict(
            _(
                "The time to rate ticket %(number)s at the window has passed. You can still rate it at the "
                "self-service kiosk with your ticket."
            )
            % {"number": ticket.number},
            code="pad_timeout",
        )
    latest = selectors.pad_ticket(counter=counter, now=now, conf=conf, grace_seconds=PAD_GRACE_SECONDS)
    if latest is None or latest.pk != ticket.pk:
        raise Conflict(
            _(
                "A newer service has been completed at this window, so the form for ticket %(number)s was "
                "closed."
            )
            % {"number": ticket.number},
            code="pad_stale",
        )


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
    (a tag or a comment) and open a rectification case. Nothing about the rater is stored. From a pad,
    only the window's latest completed service within the pad timeout (``_pad_shows``). Locks the
    ticket's row; the newer tickets of the window are only read."""

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
            ngettext(
                "Services can be rated within %(n)s day; this one can no longer be rated.",
                "Services can be rated within %(n)s days; this one can no longer be rated.",
                conf.rating_window_days,
            )
            % {"n": conf.rating_window_days},
            code="window_closed",
        )
    if Rating.objects.filter(ticket=ticket).exists():
        raise Conflict(_("This service has already been rated. Thank you!"), code="already_rated")
    if channel == RatingChannel.PAD:
        _pad_shows(actor, ticket, conf, now)
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
        _open_case(rating, conf, now, actor=WORKER)
    return rating


def _open_case(rating: Rating, conf: QualitySettings, now: datetime.datetime, *, actor) -> Rectification:
    """The case of one bad rating, its deadlines counted in the hall's working days from ``now``."""
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
        actor=actor,
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


# Who opens the cases that bad ratings failed to open (the repair command, a bulk history load).
REPAIR = SystemActor(job="quality.cases_open_missing")


def rectifications_open_missing(*, hall: Hall | None = None, actor=REPAIR) -> list[int]:
    """Open the case of every bad rating that has none (件件有整改): ratings written around
    ``rating_submit`` (a bulk history load, data from before a fix) owe one like any other. Each case is
    opened as of its rating (``rated_at``), so its deadlines are the ones the hall had to meet, and may
    already be overdue. Default and excluded ratings are never bad ratings to rectify. Idempotent: a second
    run finds nothing, and a case opened meanwhile (by a second run at the same time) is skipped by the
    database's one-case-per-rating constraint. Each hall's batch is one transaction; each case its own audit
    row (actor: the system, named by ``actor``'s job). Returns the new cases' ids."""
    missing = Rating.objects.filter(
        level__in=BAD_LEVELS, is_default=False, excluded=False, rectification__isnull=True
    ).select_related("hall", "service__department")
    if hall is not None:
        missing = missing.filter(hall=hall)
    by_hall: dict[int, list[Rating]] = {}
    for rating in missing.order_by("hall_id", "rated_at", "pk"):
        by_hall.setdefault(rating.hall_id, []).append(rating)
    opened: list[int] = []
    for ratings in by_hall.values():
        conf = selectors.settings_get(hall=ratings[0].hall)
        with transaction.atomic():
            for rating in ratings:
                try:
                    with transaction.atomic():  # a savepoint: a case opened meanwhile is skipped, not fatal
                        opened.append(_open_case(rating, conf, rating.rated_at, actor=actor).pk)
                except IntegrityError:
                    continue
    return opened


def ratings_default(*, now: datetime.datetime | None = None) -> int:
    """Where a hall records a default good rating when nobody rates, record it once the rating window has
    passed. It is marked default and never counted as an active rating. A worker sweep: up to 2,000 tickets
    per hall and run, each hall's batch in one transaction with one audit row listing the new ratings."""
    now = now or timezone.now()
    made = 0
    for conf in QualitySettings.objects.filter(default_rule=DefaultRule.GOOD).select_related("hall"):
        cutoff = now - datetime.timedelta(days=conf.rating_window_days)
        due = Ticket.objects.filter(
            hall=conf.hall, status=TicketStatus.COMPLETED, completed_at__lt=cutoff, rating__isnull=True
        ).select_related("service")[:2000]
        with transaction.atomic():
            ids, days = [], set()
            for ticket in due:
                rating, created = Rating.objects.get_or_create(
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
                if created:
                    ids.append(rating.pk)
                    days.add(ticket.day)
            segment_summaries.mark_days(conf.hall, days)  # the customers' summaries of those days count it
            if ids:
                audit_record(
                    actor=WORKER,
                    action="quality.ratings_default",
                    hall=conf.hall,
                    object_type="quality.rating",
                    object_repr=f"{len(ids)} default ratings",
                    after={"job": "quality.default_ratings", "ids": ids, "rated_at": now},
                )
        made += len(ids)
    return made


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
    """One step of a case, by the transition table, taken by whom ``choices.STEP_RULES`` allows: the 好差评
    office (evaluators, managers) revisits, verifies and closes after an explanation; the responsible clerk
    or a manager rectifies; a manager decides an appeal; the rated clerk never judges or closes their own
    case (403 with the reason). Locks the case's row."""
    now = now or timezone.now()
    case = (
        Rectification.objects.select_for_update(of=("self",))
        .select_related("rating", "rating__ticket", "hall")
        .get(pk=case.pk)
    )
    hall = case.hall
    require_role(actor, hall, *STAFF_ROLES)
    if action not in RectificationAction.values:
        raise Invalid(fields={"action": [_("Choose one of the case's next steps.")]})
    refusal = selectors.rectification_refusal(user=actor.user, case=case, action=action)
    if refusal:
        raise PermissionDenied(refusal, code="step_not_yours")
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
        excluded_day = Rating.objects.filter(pk=case.rating_id).values_list("ticket__day", flat=True).first()
        if excluded_day is not None:  # the customers' segment summary of that day counted the rating
            segment_summaries.mark_days(case.hall, [excluded_day])
    if new == RectificationStatus.CLOSED:
        case.closed_at, case.outcome = now, CLOSING_OUTCOME[action]
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
    on the hall's stream for the staff pages, and the log. A worker sweep: each hall's batch in one
    transaction with one audit row listing the cases; a case is claimed by a conditional update, so two
    workers running the sweep at once alert it once."""
    now = now or timezone.now()
    late = (
        Rectification.objects.filter(overdue_alerted_at__isnull=True)
        .exclude(status=RectificationStatus.CLOSED)
        .select_related("hall", "rating")
    )
    by_hall: dict[int, list[Rectification]] = {}
    for case in late:
        if case.is_overdue(now):
            by_hall.setdefault(case.hall_id, []).append(case)
    alerted = 0
    for cases in by_hall.values():
        with transaction.atomic():
            ids = []
            for case in cases:
                claimed = Rectification.objects.filter(pk=case.pk, overdue_alerted_at__isnull=True).update(
                    overdue_alerted_at=now
                )
                if not claimed:
                    continue
                event_emit(
                    hall=case.hall,
                    kind="quality.rectification_overdue",
                    payload={"case": case.pk, "department": case.department, "status": case.status},
                )
                ids.append(case.pk)
            if ids:
                audit_record(
                    actor=WORKER,
                    action="quality.rectifications_overdue",
                    hall=cases[0].hall,
                    object_type="quality.rectification",
                    object_repr=f"{len(ids)} overdue cases",
                    after={"job": "quality.rectifications_overdue", "ids": ids, "alerted_at": now},
                )
        alerted += len(ids)
    return alerted


def settings_update(*, actor: Actor, hall: Hall, **changes) -> QualitySettings:
    return hall_settings_update(
        model=QualitySettings, actor=actor, hall=hall, action="quality.settings", changes=changes
    )
