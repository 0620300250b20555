"""The writes of electronic forms, one module per concern, re-exported here."""

from servicehall.eforms.services.filling import (
    counter_prefill,
    filled_fill_at_counter,
    filled_link_ticket,
    filled_save,
    filled_save_proven,
)
from servicehall.eforms.services.forms import (
    CheckedAnswers,
    form_answers_check,
    form_version_draft,
    form_version_publish,
    form_version_save,
)

__all__ = [
    "counter_prefill",
    "filled_fill_at_counter",
    "filled_link_ticket",
    "filled_save",
    "filled_save_proven",
    "CheckedAnswers",
    "form_answers_check",
    "form_version_draft",
    "form_version_publish",
    "form_version_save",
]
