"""Reads of the quality module: settings with defaults, indicator systems as trees, global weights,
ratings statistics (好差评), rectification cases. Pages and the API share these."""

import datetime
import hashlib
import hmac
import math
import re

from django.db.models import Count, F, Q
from django.utils.translation import gettext as _

from servicehall.core.choices import Role
from servicehall.core.errors import NotFound
from servicehall.core.identity import mask_name
from servicehall.core.models import Counter, Hall
from servicehall.core.permissions import has_role
from servicehall.quality.choices import (
    BAD_LEVELS,
    GOOD_LEVELS,
    STEP_RULES,
    TRANSITIONS,
    ClerkCard,
    IndicatorKind,
    Metric,
    RectificationAction,
    RectificationStatus,
    SystemStatus,
)
from servicehall.quality.models import (
    Indicator,
    IndicatorSystem,
    Judgement,
    QualitySettings,
    Questionnaire,
    Rating,
    Rectification,
)
from servicehall.queueing import selectors as queue_selectors
from servicehall.queueing.choices import TicketStatus
from servicehall.queueing.models import CounterSession, Ticket
from servicehall.staff.selectors import staff_photo_url


def settings_get(*, hall: Hall) -> QualitySettings:
    found = QualitySettings.objects.filter(hall=hall).first()
    return found if found is not None else QualitySettings(hall=hall)


def system_get(*, hall: Hall, system_id: int) -> IndicatorSystem:
    found = IndicatorSystem.objects.filter(hall=hall, pk=system_id).first()
    if found is None:
        raise NotFound()
    return found


def system_find(*, system_id: int) -> IndicatorSystem:
    """An indicator system by id, with its hall (the API checks the role in that hall)."""
    found = IndicatorSystem.objects.select_related("hall").filter(pk=system_id).first()
    if found is None:
        raise NotFound()
    return found


def indicator_get(*, system: IndicatorSystem, code: str) -> Indicator | None:
    """The indicator of a system by its code (None: no such code in this version)."""
    return Indicator.objects.filter(system=system, code=code).select_related("system").first()


def indicator_children(*, system: IndicatorSystem, parent: Indicator | None) -> list[Indicator]:
    """A node's children in their order (parent None: the dimensions), as AHP compares them."""
    return list(Indicator.objects.filter(system=system, parent=parent).order_by("position", "id"))


def judgements_of(*, system: IndicatorSystem, expert) -> dict[str | None, dict[tuple[str, str], float]]:
    """The pairwise judgements stored for each node of ``system`` (key: the parent's code, None for the
    dimensions), as ``{(code_a, code_b): a_ij}``: ``expert``'s own where they judged the node, otherwise
    the latest judgement anyone made, so the AHP form opens with what the weights came from. A node not
    judged in this version (a new draft copies the weights, not the judgements) takes the judgement of
    the version it was based on, and so on back."""
    found: dict[str | None, dict[tuple[str, str], float]] = {}
    version, seen = system, set()
    while version is not None and version.pk not in seen and len(seen) < 20:
        seen.add(version.pk)
        for node, pairs in _judged(version, expert).items():
            found.setdefault(node, pairs)
        version = version.based_on
    return found


def _judged(system: IndicatorSystem, expert) -> dict[str | None, dict[tuple[str, str], float]]:
    found: dict[str | None, dict[tuple[str, str], float]] = {}
    rows = Judgement.objects.filter(system=system).select_related("parent").order_by("created_at", "id")
    mine = sorted(rows, key=lambda j: j.expert_id == getattr(expert, "pk", None))  # own judgement last
    for j in mine:
        codes = list(j.codes or [])
        found[j.parent.code if j.parent else None] = {
            (a, b): float(j.matrix[i][k])
            for i, a in enumerate(codes)
            for k, b in enumerate(codes)
            if i != k and i < len(j.matrix) and k < len(j.matrix[i])
        }
    return found


def system_list(*, hall: Hall):
    return IndicatorSystem.objects.filter(hall=hall).order_by("name", "-version")


def tree(*, system: IndicatorSystem) -> list[dict]:
    """The system as nested dicts with local and global weights (global = product down the tree)."""
    rows = list(Indicator.objects.filter(system=system).order_by("position", "id"))
    children: dict[int | None, list[Indicator]] = {}
    for r in rows:
        children.setdefault(r.parent_id, []).append(r)

    def build(parent_id, above: float) -> list[dict]:
        out = []
        for r in children.get(parent_id, []):
            g = above * r.weight
            out.append(
                {
                    "id": r.pk,
                    "code": r.code,
                    "name": r.name,
                    "name_en": r.name_en,
                    "kind": r.kind,
                    "metric": r.metric,
                    "metric_name": str(Metric(r.metric).label) if r.metric in Metric.values else "",
                    "direction": r.direction,
                    "best": r.best,
                    "worst": r.worst,
                    "items": r.items,
                    "weight": r.weight,
                    "global_weight": round(g, 6),
                    "children": build(r.pk, g),
                }
            )
        return out

    return build(None, 1.0)


def leaves(*, system: IndicatorSystem) -> list[dict]:
    """The indicators that are measured (subjective or objective), with their global weights."""
    out: list[dict] = []

    def walk(nodes):
        for n in nodes:
            if n["children"]:
                walk(n["children"])
            elif n["kind"] != IndicatorKind.DIMENSION:
                out.append(n)

    walk(tree(system=system))
    return out


def weight_problems(*, system: IndicatorSystem) -> list[str]:
    """Sibling groups whose local weights do not sum to 1 (a system cannot be published with one)."""
    sums: dict[int | None, float] = {}
    names: dict[int | None, str] = {None: "—"}
    for r in Indicator.objects.filter(system=system):
        sums[r.parent_id] = sums.get(r.parent_id, 0.0) + r.weight
        names[r.pk] = f"{r.code} {r.name}"
    return [
        f"{names.get(parent, '—')}: {total:.4f}" for parent, total in sums.items() if abs(total - 1) > 1e-6
    ]


def day_span(*, hall: Hall, date_from: datetime.date, date_to: datetime.date):
    """The instants that begin ``date_from`` and end ``date_to`` in the hall's time zone, to filter a
    timestamp by range (an index works; ``__date`` is computed row by row on SQLite)."""
    tz = hall.tzinfo
    return (
        datetime.datetime.combine(date_from, datetime.time(), tzinfo=tz),
        datetime.datetime.combine(date_to + datetime.timedelta(days=1), datetime.time(), tzinfo=tz),
    )


def rating_statistics(*, hall: Hall, date_from: datetime.date, date_to: datetime.date) -> dict:
    """好差评 statistics of a period: services, ratings, participation, active and default ratings, good
    and bad rates, rectification and on-time rectification rates (GB/T 39734's figures), and the revisit
    rate of real-name bad ratings. Three queries: ratings are chosen by when the service was completed
    (``served_at``, in the hall's days), so a year of them needs no join to the tickets. The rectification
    and on-time rates are shares of all the bad ratings of the period (GB/T 39734: 整改率 = rectified bad
    ratings / bad ratings), not of the cases that happen to exist."""
    since, until = day_span(hall=hall, date_from=date_from, date_to=date_to)
    # Services by their ticket's day (indexed), ratings by when the service was completed: the same days in
    # a hall that closes before midnight (a ticket completed after midnight would count on two days).
    served = Ticket.objects.filter(
        hall=hall, status=TicketStatus.COMPLETED, day__gte=date_from, day__lte=date_to
    ).count()
    qs = Rating.objects.filter(hall=hall, served_at__gte=since, served_at__lt=until, excluded=False)
    c = qs.aggregate(
        total=Count("id"),
        default=Count("id", filter=Q(is_default=True)),
        good=Count("id", filter=Q(level__in=GOOD_LEVELS, is_default=False)),
        bad=Count("id", filter=Q(level__in=BAD_LEVELS, is_default=False)),
    )
    active = c["total"] - c["default"]
    # Every bad rating owes a case (件件有整改): the rates count from the bad ratings themselves, so a bad
    # rating without a case (one that never opened) counts as not rectified, never as nothing to do.
    closed = Q(status=RectificationStatus.CLOSED)
    # Real-name bad ratings: the citizen left a mobile number, so the office can and must call back.
    real_name = ~Q(rating__ticket__phone_hint="")
    k = Rectification.objects.filter(
        hall=hall,
        rating__served_at__gte=since,
        rating__served_at__lt=until,
        rating__excluded=False,
        rating__is_default=False,
        rating__level__in=BAD_LEVELS,
    ).aggregate(
        n=Count("id"),
        closed=Count("id", filter=closed),
        on_time=Count("id", filter=closed & Q(closed_at__lte=F("rectify_due"))),
        real=Count("id", filter=real_name),
        revisited=Count("id", filter=real_name & Q(revisited_at__isnull=False)),
    )
    return {
        "served": served,
        "ratings": c["total"],
        "active": active,
        "default": c["default"],
        "participation_rate": _rate(active, served),
        "good_rate": _rate(c["good"], active),
        "bad_rate": _rate(c["bad"], active),
        "bad": c["bad"],
        "cases": k["n"],
        "without_case": max(c["bad"] - k["n"], 0),
        "rectified_rate": _rate(k["closed"], c["bad"]),
        "on_time_rate": _rate(k["on_time"], c["bad"]),
        "real_name_bad": k["real"],
        "revisit_rate": _rate(k["revisited"], k["real"]),
    }


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


RATER_ROLES = (Role.MANAGER, Role.EVALUATOR)


def may_see_rater(*, user, hall: Hall) -> bool:
    """Who rated is shown only to the hall's 好差评 office (managers and evaluators), who revisit the
    citizen; the clerk who was rated, even when answering for the case, sees what was said, never by whom
    (no ticket number, no contact): GB/T 39734-2020 protects the rater."""
    return has_role(user, hall, *RATER_ROLES)


def rectification_list(*, hall: Hall, status: str | None = None):
    qs = Rectification.objects.filter(hall=hall).select_related(
        "hall", "rating", "rating__service", "rating__counter", "rating__ticket", "assignee"
    )
    return qs.filter(status=status) if status else qs


def rectification_get(*, hall: Hall, case_id: int) -> Rectification:
    found = rectification_list(hall=hall).filter(pk=case_id).first()
    if found is None:
        raise NotFound()
    return found


# Who sees every case of the hall: the 好差评 office. Anyone else on the staff (a clerk) sees the cases
# they answer for (谁办理、谁负责).
CASE_OFFICE_ROLES = (Role.MANAGER, Role.EVALUATOR)


def rectifications_visible(*, user, hall: Hall, status: str | None = None):
    """The rectification cases ``user`` may see in ``hall``: all of the hall's for its managers and
    evaluators, those assigned to them for a clerk. The one rule for the office page and the API (the
    caller has checked that the user is staff of the hall)."""
    qs = rectification_list(hall=hall, status=status)
    return qs if has_role(user, hall, *CASE_OFFICE_ROLES) else qs.filter(assignee=user)


def rated_user_ids(*, case: Rectification) -> set[int]:
    """Who was rated in a case: the clerk who served the rated service, the case's responsible person, and,
    where the service was recorded without its clerk, whoever was signed in at the rated window when it
    was served. None of them may judge the case (a conflict of interest)."""
    rating = case.rating
    ids = {i for i in (rating.clerk_id, case.assignee_id) if i}
    if not rating.clerk_id and rating.counter_id:
        ids |= set(
            CounterSession.objects.filter(counter_id=rating.counter_id, opened_at__lte=rating.served_at)
            .filter(Q(closed_at__isnull=True) | Q(closed_at__gte=rating.served_at))
            .values_list("clerk_id", flat=True)
        )
    return ids


def rectification_refusal(*, user, case: Rectification, action: str, rated: set[int] | None = None):
    """Why ``user`` may not take step ``action`` of ``case`` (a sentence in the reader's language), or None
    when they may: ``choices.STEP_RULES`` read for one person. Whether the step is the case's next one is
    the transition table's question, not this one's. The service refuses with this sentence; the office
    page asks the same function which buttons to show. ``rated``: ``rated_user_ids(case=case)``, when the
    caller has it."""
    rule = STEP_RULES.get(action)
    if rule is None:
        return _("Unknown step.")
    if user is None or not getattr(user, "is_authenticated", False):
        return _("Sign in first.")
    rated = rated_user_ids(case=case) if rated is None else rated
    if user.pk in rated and not rule.rated_may:
        return _(
            "You were rated in this case: someone who was not rated takes this step (the 好差评 office or a "
            "hall manager)."
        )
    if rule.assignee and case.assignee_id == user.pk:
        return None
    if has_role(user, case.hall, *rule.roles):
        return None
    if rule.assignee:
        return _("This step is taken by the responsible clerk or a hall manager.")
    if rule.roles == (Role.MANAGER,):
        return _("This step is taken by a hall manager.")
    return _("This step is taken by the 好差评 office (a quality evaluator or a hall manager).")


def rectification_steps(*, user, case: Rectification) -> list[str]:
    """The next steps of ``case`` that ``user`` may take: the transition table's, filtered by who may (the
    office page shows exactly these buttons)."""
    rated = rated_user_ids(case=case)
    return [
        a
        for a in TRANSITIONS.actions_from(case.status)
        if rectification_refusal(user=user, case=case, action=a, rated=rated) is None
    ]


def rectification_step_label(action: str) -> str:
    return str(RectificationAction(action).label)


ARCHIVE_PAGE_SIZE = 25


def rectification_archive(
    *,
    user,
    hall: Hall,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    counter_id: int | None = None,
    clerk_id: int | None = None,
    outcome: str = "",
    overdue: bool | None = None,
):
    """The closed cases ``user`` may see (``rectifications_visible``), newest closed first, filtered by the
    day they closed (the hall's days), the rated window, the responsible clerk, how they ended and whether
    they closed after their rectification deadline."""
    qs = rectifications_visible(user=user, hall=hall, status=RectificationStatus.CLOSED)
    if date_from is not None:
        qs = qs.filter(closed_at__gte=day_span(hall=hall, date_from=date_from, date_to=date_from)[0])
    if date_to is not None:
        qs = qs.filter(closed_at__lt=day_span(hall=hall, date_from=date_to, date_to=date_to)[1])
    if counter_id:
        qs = qs.filter(rating__counter_id=counter_id)
    if clerk_id:
        qs = qs.filter(assignee_id=clerk_id)
    if outcome:
        qs = qs.filter(outcome=outcome)
    if overdue is not None:
        late = Q(closed_at__gt=F("rectify_due"))
        qs = qs.filter(late) if overdue else qs.exclude(late)
    return qs.order_by("-closed_at", "-pk")


def archive_choices(*, hall: Hall) -> dict:
    """What the archive's filter offers: the hall's windows and the people who answer for its cases."""
    counters = [(c.pk, f"{c.number} {c.name}") for c in Counter.objects.filter(hall=hall).order_by("pk")]
    people = (
        Rectification.objects.filter(hall=hall, assignee__isnull=False)
        .values_list("assignee_id", "assignee__display_name", "assignee__username")
        .distinct()
        .order_by("assignee__username")
    )
    return {"counters": counters, "clerks": [(pk, name or login) for pk, name, login in people]}


def rectification_find(*, case_id: int) -> Rectification:
    """A case by id, with its hall and the rated ticket (the API checks the role in that hall)."""
    found = (
        Rectification.objects.select_related("hall", "rating", "rating__ticket").filter(pk=case_id).first()
    )
    if found is None:
        raise NotFound()
    return found


def rectification_for_ticket(*, ticket) -> Rectification:
    """The case a ticket's bad rating opened."""
    found = (
        Rectification.objects.filter(rating__ticket=ticket).select_related("rating", "rating__ticket").first()
    )
    if found is None:
        raise NotFound()
    return found


def pad_ticket(
    *, counter, now: datetime.datetime, conf: QualitySettings | None = None, grace_seconds: int = 0
):
    """The service a window's pad asks about: the latest one completed there, while it is younger than
    the hall's pad timeout (plus ``grace_seconds``: a rating sent as the form closed is still in time)
    and not rated yet. Only ever the latest: when it has been rated (on the phone, say) or has timed
    out, the pad waits; it never falls back to an older service, whose citizen has left the window."""
    if counter is None:
        return None
    conf = conf or settings_get(hall=counter.hall)
    # The latest completion is the one to show exactly when it falls within the timeout, so only recent
    # days' tickets are read (the hall/day index; a pad asks every 15 s). A ticket's day is the day it
    # was issued: one day more for a number taken the evening before.
    since = now - datetime.timedelta(seconds=conf.pad_timeout_seconds + grace_seconds)
    latest = (
        Ticket.objects.filter(
            hall_id=counter.hall_id,
            day__gte=since.astimezone(counter.hall.tzinfo).date() - datetime.timedelta(days=1),
            status=TicketStatus.COMPLETED,
            counter=counter,
            completed_at__gte=since,
        )
        .select_related("service", "hall", "clerk")
        .order_by("-completed_at", "-pk")
        .first()
    )
    if latest is None:
        return None
    if Rating.objects.filter(ticket=latest).exists():
        return None
    return latest


def pad_form_ticket(*, hall: Hall, public_id: str | None):
    """The completed ticket a pad's form names (its unguessable id), or None."""
    if not public_id or len(public_id) > 64:
        return None
    return (
        Ticket.objects.filter(hall=hall, public_id=public_id, status=TicketStatus.COMPLETED)
        .select_related("service", "hall", "counter")
        .first()
    )


def clerk_card(*, user, mode: str) -> dict | None:
    """What the pad shows of a clerk under the hall's 亮证 setting: the display name (in full, or the
    surname and stars), the staff number and the initial for the badge; never the sign-in name. None
    when the hall shows nothing or there is nothing to show."""
    if user is None or mode == ClerkCard.OFF:
        return None
    name = (user.display_name or "").strip()
    shown = name if mode == ClerkCard.FULL else mask_name(name)
    if not (shown or user.staff_number):
        return None
    return {"name": shown, "number": user.staff_number, "initial": name[:1]}


def pad_screen(*, counter, now: datetime.datetime) -> dict:
    """Everything the pad at ``counter`` draws, and the key its poll compares: the service to rate (or
    None: the idle screen), the seconds the form stays, the clerk card (the one who served it; at idle,
    the clerk signed in at the window)."""
    conf = settings_get(hall=counter.hall) if counter is not None else None
    ticket = pad_ticket(counter=counter, now=now, conf=conf)
    seconds_left = None
    clerk = None
    if ticket is not None:
        deadline = ticket.completed_at + datetime.timedelta(seconds=conf.pad_timeout_seconds)
        seconds_left = max(0, math.ceil((deadline - now).total_seconds()))
        clerk = ticket.clerk
    elif counter is not None and conf.pad_clerk_card != ClerkCard.OFF:
        session = queue_selectors.open_session(counter=counter)
        clerk = session.clerk if session is not None else None
    card = clerk_card(user=clerk, mode=conf.pad_clerk_card) if conf is not None else None
    if card is not None:  # the photo, where the hall's staff settings show it (亮证上岗)
        card["photo"] = staff_photo_url(hall=counter.hall, user=clerk)
    raw = f"{ticket.public_id if ticket else ''}|{clerk.pk if card and clerk else ''}"
    return {
        "ticket": ticket,
        "seconds_left": seconds_left,
        "clerk": card,
        "key": hashlib.sha256(raw.encode()).hexdigest()[:16],
    }


KIOSK_LOOKBACK_MINUTES = 30


# A typed number and rating code: prefix letters, at least three digits, then the four-digit code.
TYPED_TICKET = re.compile(r"^([A-Z]{1,3}\d{3,})(\d{4})$")


def kiosk_ticket(*, hall: Hall, text: str, now: datetime.datetime):
    """The ticket a citizen wants to rate at the kiosk: scanned (the tracking link of the ticket's QR code,
    or its id) or typed: its number followed by the four-digit rating code printed on the slip
    (``A012 3456``), and then only a service completed here in the last half hour. Anyone can read a
    number off the board, so the number alone reaches nothing: a stranger cannot rate someone else's
    service. None when nothing matches."""
    text = (text or "").strip()
    found = re.search(r"/t/([A-Za-z0-9_-]{8,})", text)
    qs = Ticket.objects.filter(hall=hall, status=TicketStatus.COMPLETED).select_related("service", "hall")
    if found or len(re.sub(r"[\s-]", "", text)) > 12:
        return qs.filter(public_id=found.group(1) if found else text).first()
    typed = TYPED_TICKET.match(re.sub(r"[^A-Z0-9]", "", text.upper()))
    if typed is None:
        return None
    local = now.astimezone(hall.tzinfo)
    recent = qs.filter(
        number=typed.group(1),
        day=local.date(),
        completed_at__gte=now - datetime.timedelta(minutes=KIOSK_LOOKBACK_MINUTES),
    ).order_by("-completed_at")
    return next((t for t in recent[:5] if hmac.compare_digest(t.rating_code, typed.group(2))), None)


def questionnaire_list(*, hall: Hall):
    return Questionnaire.objects.filter(hall=hall).select_related("system").order_by("title", "-version")


def questionnaire_get(*, hall: Hall, questionnaire_id: int):
    found = questionnaire_list(hall=hall).filter(pk=questionnaire_id).first()
    if found is None:
        raise NotFound()
    return found


def questionnaire_find(*, questionnaire_id: int) -> Questionnaire:
    """A questionnaire by id, with its hall and system (the API checks the role in that hall)."""
    found = Questionnaire.objects.select_related("hall", "system").filter(pk=questionnaire_id).first()
    if found is None:
        raise NotFound()
    return found


def questionnaire_published_get(*, questionnaire_id: int) -> Questionnaire:
    """A published questionnaire, as the citizen's page shows it (a draft is not there)."""
    found = (
        Questionnaire.objects.select_related("hall")
        .filter(pk=questionnaire_id, status=SystemStatus.PUBLISHED)
        .first()
    )
    if found is None:
        raise NotFound()
    return found


def questionnaire_ticket(*, hall: Hall, public_id: str):
    """The ticket a questionnaire is answered about (from the rating page's link), if it is the hall's."""
    return Ticket.objects.filter(public_id=public_id, hall=hall).first() if public_id else None


def response_count(*, questionnaire) -> int:
    return questionnaire.responses.count()


def questionnaire_current(*, hall: Hall):
    """The hall's newest published questionnaire (the one the phone pages offer)."""
    return (
        Questionnaire.objects.filter(hall=hall, status=SystemStatus.PUBLISHED)
        .order_by("-published_at")
        .first()
    )
