"""Indicator kinds, 好差评 levels and channels; the states of indicator systems, questionnaires and
rectification cases, each with its one transition table."""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from servicehall.core.choices import Role
from servicehall.core.transitions import Transitions


class SystemStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published (frozen)")
    RETIRED = "retired", _("Retired")


class SystemAction(models.TextChoices):
    PUBLISH = "publish", _("Publish (freeze)")
    RETIRE = "retire", _("Retire (a newer version is published)")


# Which status may follow which, for indicator systems and questionnaires alike (both use SystemStatus): a
# draft is published once and is then frozen; a published indicator system is retired when a newer version
# of it is published.
SYSTEM_TRANSITIONS = Transitions(
    status=SystemStatus,
    action=SystemAction,
    edges={
        (SystemStatus.DRAFT, SystemAction.PUBLISH): SystemStatus.PUBLISHED,
        (SystemStatus.PUBLISHED, SystemAction.RETIRE): SystemStatus.RETIRED,
    },
    message=_("This version is “%(status)s”: “%(action)s” is not possible."),
)


class IndicatorKind(models.TextChoices):
    DIMENSION = "dimension", _("Dimension")
    SUBJECTIVE = "subjective", _("Subjective (questionnaire)")
    OBJECTIVE = "objective", _("Objective (operational data)")


class Direction(models.TextChoices):
    HIGHER_BETTER = "higher", _("Higher is better")
    LOWER_BETTER = "lower", _("Lower is better")


class Metric(models.TextChoices):
    """Objective indicators computed from operational data."""

    WAIT_MEAN = "wait_mean", _("Mean waiting time (minutes)")
    WAIT_P90 = "wait_p90", _("90th-percentile waiting time (minutes)")
    SERVICE_VS_STANDARD = "service_vs_standard", _("Services done within the item's standard time (%)")
    NO_SHOW_RATE = "no_show_rate", _("No-show rate (%)")
    ABANDON_RATE = "abandon_rate", _("Abandonment rate (%)")
    APPOINTMENT_PUNCTUALITY = "appointment_punctuality", _("Appointment check-in on time (%)")
    GOOD_RATING_RATE = "good_rating_rate", _("Good ratings (%)")
    COMPLAINTS_PER_1000 = "complaints_per_1000", _("Complaints per 1,000 services")
    ON_TIME_CASES = "on_time_cases", _("Cases completed within the promised time (%)")


class RatingLevel(models.IntegerChoices):
    """The five levels of 好差评 (GB/T 39734-2020): 5 and 4 are good, 3 is neutral, 2 and 1 are bad."""

    VERY_SATISFIED = 5, _("Very satisfied")
    SATISFIED = 4, _("Satisfied")
    NEUTRAL = 3, _("Neutral")
    DISSATISFIED = 2, _("Dissatisfied")
    VERY_DISSATISFIED = 1, _("Very dissatisfied")


BAD_LEVELS = (RatingLevel.DISSATISFIED, RatingLevel.VERY_DISSATISFIED)
GOOD_LEVELS = (RatingLevel.VERY_SATISFIED, RatingLevel.SATISFIED)


class RatingChannel(models.TextChoices):
    PAD = "pad", _("Rating pad at the window")
    KIOSK = "kiosk", _("Kiosk")
    PHONE = "phone", _("Phone page")
    PAPER = "paper", _("Paper form entered by staff")
    DEFAULT = "default", _("Default (nobody rated)")


class DefaultRule(models.TextChoices):
    NONE = "none", _("No rating is recorded")
    GOOD = "good", _("A default good rating is recorded (never counted as an active rating)")


class ClerkCard(models.TextChoices):
    """What the rating pad shows of the clerk at its window (亮证上岗). Off by default: a hall decides to
    show its staff; the masked form keeps the surname, as displays show names (``core.identity.mask_name``).
    The sign-in name is never shown."""

    OFF = "off", _("Nothing (the pad shows no one's name)")
    MASKED = "masked", _("Surname and staff number (王**)")
    FULL = "full", _("Full name and staff number")


class RectificationStatus(models.TextChoices):
    OPEN = "open", _("Open: revisit the citizen")
    REVISITED = "revisited", _("Revisited: verify")
    RECTIFYING = "rectifying", _("Reasonable: rectifying")
    EXPLAINED = "explained", _("Unreasonable: explained to the citizen")
    APPEALED = "appealed", _("Malicious or mistaken: under review")
    CLOSED = "closed", pgettext_lazy("case", "Closed")


class RectificationAction(models.TextChoices):
    REVISIT = "revisit", _("Record the revisit")
    REASONABLE = "reasonable", _("Verified reasonable: rectify")
    UNREASONABLE = "unreasonable", _("Verified unreasonable: explain")
    APPEAL = "appeal", _("Appeal: malicious or mistaken")
    UPHOLD = "uphold", _("Appeal upheld: rating excluded")
    REJECT = "reject", _("Appeal rejected: rectify")
    RECTIFIED = "rectified", _("Rectified: feed back to the citizen")
    CLOSE = "close", _("Close")


R, RA = RectificationStatus, RectificationAction

# The only place that says which step may follow which.
TRANSITIONS = Transitions(
    status=RectificationStatus,
    action=RectificationAction,
    edges={
        (R.OPEN, RA.REVISIT): R.REVISITED,
        (R.REVISITED, RA.REASONABLE): R.RECTIFYING,
        (R.REVISITED, RA.UNREASONABLE): R.EXPLAINED,
        (R.REVISITED, RA.APPEAL): R.APPEALED,
        (R.APPEALED, RA.UPHOLD): R.CLOSED,
        (R.APPEALED, RA.REJECT): R.RECTIFYING,
        (R.RECTIFYING, RA.RECTIFIED): R.CLOSED,
        (R.EXPLAINED, RA.CLOSE): R.CLOSED,
    },
    message=_("The case is “%(status)s”: “%(action)s” is not the next step."),
)


class RectificationOutcome(models.TextChoices):
    """How a closed case ended, set when it closes: what the archive filters on."""

    RECTIFIED = "rectified", pgettext_lazy("case outcome", "Rectified")
    EXPLAINED = "explained", _("Explained (rating unreasonable)")
    EXCLUDED = "excluded", _("Appeal upheld (rating excluded)")


# The step that closes a case, and how the case then ended.
CLOSING_OUTCOME = {
    RA.RECTIFIED: RectificationOutcome.RECTIFIED,
    RA.CLOSE: RectificationOutcome.EXPLAINED,
    RA.UPHOLD: RectificationOutcome.EXCLUDED,
}


@dataclass(frozen=True)
class StepRule:
    """Who may take one step of a case. ``roles``: the hall roles that may; ``assignee``: the responsible
    clerk may too, whatever their role; ``rated_may``: False when the rated clerk must never take it, even
    holding one of ``roles`` (a manager or evaluator who served the rated service judges someone else's
    case, never their own)."""

    roles: tuple[str, ...]
    assignee: bool = False
    rated_may: bool = False


OFFICE = (Role.MANAGER, Role.EVALUATOR)

# The one place that says who takes which step of a bad-rating case (docs/quality-office.md):
# - the revisit (回访) and the verification (核实: reasonable, unreasonable, malicious or mistaken) are the
#   好差评 office's (evaluators, managers), never the rated clerk's: the rater is protected from the one
#   they rated, and nobody judges a rating of their own service;
# - the rectification (整改) is the rated clerk's or a manager's (谁办理、谁负责);
# - closing after an explanation is the office's, never the rated clerk's; an appeal (a rating excluded
#   from the figures) is decided by a manager, never the rated one.
# The services enforce it (``selectors.rectification_refusal``) and the pages offer only what it allows.
STEP_RULES = {
    RA.REVISIT: StepRule(roles=OFFICE),
    RA.REASONABLE: StepRule(roles=OFFICE),
    RA.UNREASONABLE: StepRule(roles=OFFICE),
    RA.APPEAL: StepRule(roles=OFFICE),
    RA.UPHOLD: StepRule(roles=(Role.MANAGER,)),
    RA.REJECT: StepRule(roles=(Role.MANAGER,)),
    RA.RECTIFIED: StepRule(roles=(Role.MANAGER,), assignee=True, rated_may=True),
    RA.CLOSE: StepRule(roles=OFFICE),
}


# Importance–performance quadrants (``descriptive.QUADRANTS`` keys) as pages and PDFs name them.
QUADRANT_LABELS = {
    "concentrate here": _("Concentrate here"),
    "keep up the good work": _("Keep up the good work"),
    "low priority": _("Low priority"),
    "possible overkill": _("Possible overkill"),
}

# Questionnaire item kinds as the editor names them.
ITEM_KIND_LABELS = {
    "likert": _("statement"),
    "importance": _("importance"),
    "expectation": _("Expectation"),
    "perception": _("Perception"),
    "text": _("free text"),
}


# One-tap phrases for the comment at the kiosk: the on-screen keyboard types letters and digits only (no
# Chinese handwriting or IME on a kiosk), so a citizen who wants to say something in Chinese picks these.
# Neutral and mixed on purpose, like the levels: none steers the rating.
KIOSK_COMMENT_PHRASES = (
    _("Thank you"),
    _("The staff were patient"),
    _("It was quick"),
    _("I waited too long"),
    _("The materials list was unclear"),
    _("Please add more seats"),
)

# Fuzzy composition operators (``fuzzy.OPERATORS``) and AHP random-index tables (``ahp.RI_TABLES``) as the
# report names them: the codes stay in URLs, stored judgements and the API.
OPERATOR_LABELS = {
    "weighted_average": _("Weighted average"),
    "max_min": _("Max–min"),
    "max_product": _("Max–product"),
    "bounded_sum": _("Bounded sum"),
}
RI_TABLE_LABELS = {
    "saaty1980": _("Saaty (1980)"),
    "alonso_lamata2006": _("Alonso & Lamata (2006)"),
}

# The answer-cleaning rules (``cleaning.RULES``) as the report and the office name them.
CLEANING_RULE_LABELS = {
    "duplicate": _("Duplicate answers"),
    "speeder": _("Answered too fast"),
    "straight_line": _("Same answer to every statement"),
    "out_of_range": _("Answer out of range"),
    "missing": _("Too many unanswered"),
}

# Indicator kinds as a table cell says them (short: the long labels are IndicatorKind's).
KIND_SHORT_LABELS = {
    "dimension": _("Dimension"),
    "subjective": _("questionnaire"),
    "objective": _("objective"),
}


def label_of(labels: dict, code) -> str:
    """``code``'s label in the active language, or the code itself when it has none (an older row)."""
    found = labels.get(code)
    return str(found) if found is not None else str(code or "")
