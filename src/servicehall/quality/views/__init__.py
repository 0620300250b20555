"""Pages of the quality module, one module per audience: ``citizen`` (the rating pad, the phone and kiosk
rating pages, the questionnaire), ``office`` (the quality office and the questionnaire editor),
``system`` (an indicator system and its AHP forms) and ``report`` (the service-quality report).
``urls.py`` names them from here."""

from servicehall.quality.views.citizen import (
    kiosk_rate,
    pad,
    pad_pair,
    pad_rate,
    pad_state,
    phone_rate,
    questionnaire,
)
from servicehall.quality.views.office import archive, office, questionnaire_edit
from servicehall.quality.views.report import report_page
from servicehall.quality.views.system import system_page

__all__ = [
    "archive",
    "kiosk_rate",
    "office",
    "pad",
    "pad_pair",
    "pad_rate",
    "pad_state",
    "phone_rate",
    "questionnaire",
    "questionnaire_edit",
    "report_page",
    "system_page",
]
