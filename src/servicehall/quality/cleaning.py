"""Cleaning questionnaire responses: a pipeline of named rules that flags responses, never changes them.

Input: the questionnaire's items and the raw responses (dicts). Output: per response the rules it failed,
the counts per rule, the valid responses, and the answers ready for analysis (reverse-coded items recoded
on the way, missing answers left missing). The raw rows stay as they were collected; a cleaning run is
stored with its rules and counts so a report can say exactly what was removed and why.

Rules (each can be switched off or tuned in ``Rules``):

- ``duplicate``: a second response for the same ticket, from the same page's start token, or from the same
  device within ``duplicate_minutes`` (the first one counts; ``Cleaned.repeats`` says how many of each);
- ``speeder``: completed in less than ``speeder_fraction`` of the median completion time;
- ``straight_line``: the same answer to every Likert item (at least ``straight_line_min_items`` answered);
- ``out_of_range``: a Likert answer outside 1..scale (or not a whole number);
- ``missing``: more than ``max_missing_share`` of the Likert items unanswered, or a required item missing.
"""

import datetime
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field

RULES = ("duplicate", "speeder", "straight_line", "out_of_range", "missing")


@dataclass(frozen=True)
class Rules:
    duplicate_minutes: float = 30.0
    speeder_fraction: float = 0.3
    straight_line_min_items: int = 6
    max_missing_share: float = 0.2
    enabled: tuple[str, ...] = RULES

    def as_dict(self) -> dict:
        return asdict(self) | {"enabled": list(self.enabled)}


@dataclass(frozen=True)
class Item:
    key: str
    likert: bool = True  # False: free text (never cleaned on its value)
    reverse: bool = False
    required: bool = False


@dataclass(frozen=True)
class Response:
    id: int
    answers: dict
    started_at: datetime.datetime | None = None
    submitted_at: datetime.datetime | None = None
    ticket_id: int | None = None
    device_id: int | None = None
    token: str | None = None  # the one-use number of the page's start token (None: paper, older rows)


@dataclass
class Cleaned:
    flags: dict[int, list[str]] = field(default_factory=dict)  # response id -> the rules it failed
    counts: dict[str, int] = field(
        default_factory=dict
    )  # rule -> responses failing it (a response may fail several)
    valid_ids: list[int] = field(default_factory=list)
    rows: list[list[float | None]] = field(default_factory=list)  # valid responses' Likert answers, recoded
    keys: list[str] = field(default_factory=list)  # the Likert items, in row order
    total: int = 0
    # Responses flagged ``duplicate``, by what repeated: the ticket, the start token or the device.
    repeats: dict[str, int] = field(default_factory=lambda: {"token": 0, "ticket": 0, "device": 0})

    @property
    def valid_rate(self) -> float | None:
        return round(len(self.valid_ids) / self.total, 4) if self.total else None


def _value(raw) -> float | None:
    if raw is None or raw == "":
        return None
    try:
        return float(raw)
    except (TypeError, ValueError):
        return float("nan")  # present but not a number: out of range


def _repeated(r: Response, seen: dict[str, set], last_by_device: dict, rules: Rules) -> str | None:
    """What makes ``r`` a repeat of an earlier response (its start token, its ticket, or its device within
    ``duplicate_minutes`` when it has no ticket), or None."""
    if r.token is not None and r.token in seen["token"]:
        return "token"
    if r.ticket_id is not None and r.ticket_id in seen["ticket"]:
        return "ticket"
    if r.ticket_id is None and r.device_id in last_by_device and r.submitted_at is not None:
        gap = (r.submitted_at - last_by_device[r.device_id]).total_seconds() / 60
        if gap < rules.duplicate_minutes:
            return "device"
    return None


def clean(
    items: Sequence[Item], responses: Iterable[Response], *, scale: int, rules: Rules = Rules()
) -> Cleaned:
    likert = [i for i in items if i.likert]
    responses = sorted(
        responses, key=lambda r: (r.submitted_at or datetime.datetime.min.replace(tzinfo=datetime.UTC), r.id)
    )
    out = Cleaned(keys=[i.key for i in likert], total=len(responses), counts={r: 0 for r in rules.enabled})
    durations = [
        (r.submitted_at - r.started_at).total_seconds()
        for r in responses
        if r.started_at and r.submitted_at and r.submitted_at >= r.started_at
    ]
    median = statistics.median(durations) if durations else None
    seen: dict[str, set] = {"token": set(), "ticket": set()}
    last_by_device: dict[int, datetime.datetime] = {}
    for r in responses:
        failed: list[str] = []
        values = [_value(r.answers.get(i.key)) for i in likert]
        answered = [v for v in values if v is not None]
        if "duplicate" in rules.enabled:
            repeated = _repeated(r, seen, last_by_device, rules)
            if repeated:
                failed.append("duplicate")
                out.repeats[repeated] += 1
        for source, value in (("token", r.token), ("ticket", r.ticket_id)):
            if value is not None:
                seen[source].add(value)
        if r.device_id is not None and r.submitted_at is not None:
            last_by_device[r.device_id] = r.submitted_at
        took = (r.submitted_at - r.started_at).total_seconds() if r.started_at and r.submitted_at else None
        if (
            "speeder" in rules.enabled
            and median
            and took is not None
            and took < rules.speeder_fraction * median
        ):
            failed.append("speeder")
        if "out_of_range" in rules.enabled and any(
            v != v or v < 1 or v > scale or v != int(v) for v in answered
        ):
            failed.append("out_of_range")
        if (
            "straight_line" in rules.enabled
            and len(answered) >= rules.straight_line_min_items
            and len(set(answered)) == 1
        ):
            failed.append("straight_line")
        if "missing" in rules.enabled and likert:
            missing = sum(1 for v in values if v is None) / len(likert)
            required_missing = any(i.required and _value(r.answers.get(i.key)) is None for i in items)
            if missing > rules.max_missing_share or required_missing:
                failed.append("missing")
        for rule in failed:
            out.counts[rule] += 1
        if failed:
            out.flags[r.id] = failed
            continue
        out.valid_ids.append(r.id)
        out.rows.append(
            [
                None if v is None else (scale + 1 - v if i.reverse else v)
                for i, v in zip(likert, values, strict=True)
            ]
        )
    return out
