"""Every write of cases (办件), re-exported: the application (``submit``), each step (``steps``), the
citizen's own steps (``citizen``), the deadline sweep (``deadlines``)."""

from servicehall.cases.services.citizen import case_supply_by_citizen, case_withdraw_by_citizen
from servicehall.cases.services.common import phone_digest, track_url
from servicehall.cases.services.deadlines import cases_sweep_deadlines
from servicehall.cases.services.steps import (
    case_accept,
    case_approve,
    case_close,
    case_deliver,
    case_link_ticket,
    case_prereview,
    case_ready,
    case_reject,
    case_request_materials,
    case_review,
    case_supply,
    case_withdraw,
)
from servicehall.cases.services.submit import (
    answers_check,
    application_submit,
    case_get_for_staff,
    case_open_at_window,
    case_submit_from_form,
    case_submit_online,
)

__all__ = [
    "answers_check",
    "application_submit",
    "case_accept",
    "case_approve",
    "case_close",
    "case_deliver",
    "case_get_for_staff",
    "case_link_ticket",
    "case_open_at_window",
    "case_prereview",
    "case_ready",
    "case_reject",
    "case_request_materials",
    "case_review",
    "case_submit_from_form",
    "case_submit_online",
    "case_supply",
    "case_supply_by_citizen",
    "case_withdraw",
    "cases_sweep_deadlines",
    "case_withdraw_by_citizen",
    "phone_digest",
    "track_url",
]
