"""Pages of the quality module, one module per audience: ``citizen`` (the rating pad, the phone and kiosk
rating pages, the questionnaire), ``office`` (the quality office, indicator systems, the questionnaire
editor) and ``report`` (the service-quality report). ``urls.py`` names them from here."""

from servicehall.quality.views.citizen import kiosk_rate, pad, pad_pair, pad_rate, phone_rate, questionnaire
from servicehall.quality.views.office import archive, office, questionnaire_edit, system_page
from servicehall.quality.views.report import report_page

__all__ = [
    "archive",
    "kiosk_rate",
    "office",
    "pad",
    "pad_pair",
    "pad_rate",
    "phone_rate",
    "questionnaire",
    "questionnaire_edit",
    "report_page",
    "system_page",
]
