"""The calling policy: which waiting ticket a counter calls next. One pure function, no database, so it
can be tested and explained alone (docs/queue-policy.md).

Rules, in order:

1. **Ceiling (ageing).** A ticket that has waited ``max_wait`` or longer is called before anything else,
   oldest first, whatever its class or service tier. No ticket waits past the ceiling while a later one
   is called by a counter that can serve it.
2. **Directed transfers.** A ticket transferred to this very counter comes next, oldest first.
3. **Interleave.** When priority and normal tickets both wait, at most ``priority_per_normal`` priority
   tickets are called in a row; then a normal one. When only one kind waits, it is called.
4. **Tier and weight.** Within the chosen kind, the counter's lowest tier (``order``) wins; within a tier,
   the largest ``waited seconds × weight``; ties go to the earlier ticket.
"""

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

# Why a ticket was called (``Choice.reason``, kept in the call's audit row as ``rule``), as people read it.
CALL_REASON_LABELS = {
    "ceiling": _("Waited longest (wait ceiling)"),
    "directed": _("Directed to this window"),
    "priority": _("Priority class first"),
    "interleave": _("Normal ticket between priority ones"),
    "normal": _("In order of arrival"),
}


@dataclass(frozen=True)
class Candidate:
    id: int
    queued_at: datetime.datetime
    is_priority: bool
    service_id: int
    target_counter_id: int | None = None


@dataclass(frozen=True)
class Rules:
    priority_per_normal: int = 2
    max_wait: datetime.timedelta = datetime.timedelta(minutes=45)


@dataclass(frozen=True)
class Choice:
    id: int
    streak: int
    reason: str


def eligible(candidates, *, counter_id: int, services: dict[int, tuple[int, float]]) -> list[Candidate]:
    """Tickets this counter may call: its services' tickets not directed elsewhere, and those directed
    here."""
    return [
        c
        for c in candidates
        if c.target_counter_id == counter_id or (c.target_counter_id is None and c.service_id in services)
    ]


def choose_next(
    candidates,
    *,
    counter_id: int,
    services: dict[int, tuple[int, float]],
    streak: int,
    rules: Rules,
    now: datetime.datetime,
) -> Choice | None:
    """Pick the next ticket for ``counter_id``. ``services`` maps service id → (tier, weight); ``streak`` is
    the number of priority tickets this counter called since its last normal one. Returns the ticket id,
    the new streak and the rule that decided, or None when nothing this counter serves is waiting."""
    pool = eligible(candidates, counter_id=counter_id, services=services)
    if not pool:
        return None

    def oldest(tickets):
        return min(tickets, key=lambda c: (c.queued_at, c.id))

    def next_streak(c: Candidate) -> int:
        return streak + 1 if c.is_priority else 0

    overdue = [c for c in pool if now - c.queued_at >= rules.max_wait]
    if overdue:
        pick = oldest(overdue)
        return Choice(pick.id, next_streak(pick), "ceiling")
    directed = [c for c in pool if c.target_counter_id == counter_id]
    if directed:
        pick = oldest(directed)
        return Choice(pick.id, next_streak(pick), "directed")
    priority = [c for c in pool if c.is_priority]
    normal = [c for c in pool if not c.is_priority]
    if priority and normal:
        kind, reason = (
            (priority, "priority") if streak < rules.priority_per_normal else (normal, "interleave")
        )
    else:
        kind, reason = (priority, "priority") if priority else (normal, "normal")
    best_tier = min(services.get(c.service_id, (1, 1.0))[0] for c in kind)
    tier = [c for c in kind if services.get(c.service_id, (1, 1.0))[0] == best_tier]

    def score(c: Candidate):
        weight = services.get(c.service_id, (1, 1.0))[1]
        return (-(now - c.queued_at).total_seconds() * weight, c.queued_at, c.id)

    pick = min(tier, key=score)
    return Choice(pick.id, next_streak(pick), reason)
