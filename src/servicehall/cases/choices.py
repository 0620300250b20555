"""Named choices of cases (办件) and the one transition table of a case's status.

Online: submitted → pre-reviewed (预审) → accepted (受理) → under review (审查) → approved / rejected → result
ready → delivered → closed. A window application starts at accepted. 补正 has two states: before acceptance
(``correction``: the application goes back to pre-review once supplied; no time limit runs yet) and during
review (``materials_requested``: the deadline clock stops until the citizen supplies them). The applicant
may withdraw before a decision.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from servicehall.core.transitions import Transitions


class CaseChannel(models.TextChoices):
    ONLINE = "online", _("Online")
    WINDOW = "window", _("At the window")


class CaseStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    PREREVIEWED = "prereviewed", _("Pre-reviewed")
    CORRECTION = "correction", _("Correction needed before acceptance")
    ACCEPTED = "accepted", _("Accepted")
    UNDER_REVIEW = "under_review", _("Under review")
    MATERIALS_REQUESTED = "materials_requested", _("More materials requested")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    RESULT_READY = "result_ready", _("Result ready")
    DELIVERED = "delivered", _("Delivered")
    CLOSED = "closed", pgettext_lazy("case", "Closed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class CaseAction(models.TextChoices):
    PREREVIEW = "prereview", _("Pre-review: complete")
    REQUEST_MATERIALS = "request-materials", _("Request materials (one-time notice)")
    SUPPLY = "supply", _("Supply the materials")
    ACCEPT = "accept", _("Accept")
    REVIEW = "review", _("Start the review")
    APPROVE = "approve", _("Approve")
    REJECT = "reject", _("Reject")
    READY = "ready", _("Result ready")
    DELIVER = "deliver", _("Deliver")
    CLOSE = "close", _("Close")
    WITHDRAW = "withdraw", _("Withdraw")


class DeliveryMethod(models.TextChoices):
    WINDOW = "window", _("Collected at the window")
    POST = "post", _("By post")
    ELECTRONIC = "electronic", _("Electronic certificate")


S, A = CaseStatus, CaseAction
# Before a decision: the applicant may still withdraw and the case counts as open.
BEFORE_DECISION = (
    S.SUBMITTED,
    S.PREREVIEWED,
    S.CORRECTION,
    S.ACCEPTED,
    S.UNDER_REVIEW,
    S.MATERIALS_REQUESTED,
)
OPEN_STATES = (*BEFORE_DECISION, S.APPROVED, S.RESULT_READY)
WAITING_FOR_CITIZEN = (S.CORRECTION, S.MATERIALS_REQUESTED)
# Cases whose clock runs and that staff must move on (补正 states wait for the citizen).
ACTIVE = tuple(s for s in BEFORE_DECISION if s not in WAITING_FOR_CITIZEN)
# The time limit runs from acceptance until the decision (paused while materials are requested).
CLOCK_STATES = (S.ACCEPTED, S.UNDER_REVIEW, S.MATERIALS_REQUESTED)

TRANSITIONS = Transitions(
    status=CaseStatus,
    action=CaseAction,
    edges={
        (S.SUBMITTED, A.PREREVIEW): S.PREREVIEWED,
        (S.SUBMITTED, A.REQUEST_MATERIALS): S.CORRECTION,
        (S.PREREVIEWED, A.REQUEST_MATERIALS): S.CORRECTION,
        (S.CORRECTION, A.SUPPLY): S.SUBMITTED,
        (S.SUBMITTED, A.ACCEPT): S.ACCEPTED,
        (S.PREREVIEWED, A.ACCEPT): S.ACCEPTED,
        (S.ACCEPTED, A.REVIEW): S.UNDER_REVIEW,
        (S.ACCEPTED, A.REQUEST_MATERIALS): S.MATERIALS_REQUESTED,
        (S.UNDER_REVIEW, A.REQUEST_MATERIALS): S.MATERIALS_REQUESTED,
        (S.MATERIALS_REQUESTED, A.SUPPLY): S.UNDER_REVIEW,
        (S.ACCEPTED, A.APPROVE): S.APPROVED,
        (S.UNDER_REVIEW, A.APPROVE): S.APPROVED,
        (S.SUBMITTED, A.REJECT): S.REJECTED,  # 不予受理, with the legal reason
        (S.PREREVIEWED, A.REJECT): S.REJECTED,
        (S.CORRECTION, A.REJECT): S.REJECTED,
        (S.ACCEPTED, A.REJECT): S.REJECTED,
        (S.UNDER_REVIEW, A.REJECT): S.REJECTED,
        (S.MATERIALS_REQUESTED, A.REJECT): S.REJECTED,
        (S.APPROVED, A.READY): S.RESULT_READY,
        (S.APPROVED, A.DELIVER): S.DELIVERED,  # an electronic certificate needs no "ready" step
        (S.RESULT_READY, A.DELIVER): S.DELIVERED,
        (S.DELIVERED, A.CLOSE): S.CLOSED,
        (S.REJECTED, A.CLOSE): S.CLOSED,
        (S.WITHDRAWN, A.CLOSE): S.CLOSED,
        **{(state, A.WITHDRAW): S.WITHDRAWN for state in BEFORE_DECISION},
    },
    message=_("Case %(code)s is “%(status)s”: “%(action)s” cannot be done now."),
    describe=lambda case: {"code": case.number},
)

# When each state was entered (one timestamp per state).
STAMPS = {
    S.SUBMITTED: "submitted_at",
    S.PREREVIEWED: "prereviewed_at",
    S.CORRECTION: "materials_requested_at",
    S.ACCEPTED: "accepted_at",
    S.UNDER_REVIEW: "review_started_at",
    S.MATERIALS_REQUESTED: "materials_requested_at",
    S.APPROVED: "approved_at",
    S.REJECTED: "rejected_at",
    S.RESULT_READY: "ready_at",
    S.DELIVERED: "delivered_at",
    S.CLOSED: "closed_at",
    S.WITHDRAWN: "withdrawn_at",
}
