"""Every write of the quality module, one module per concern: ``systems`` (indicator systems, indicators,
AHP judgements), ``questionnaires`` (questionnaires, responses, cleaning runs), ``ratings`` (好差评
ratings, default ratings, rectification cases, the hall's quality settings) and ``reports`` (the monthly
report files). Shared pieces are in ``common``.

Each service checks the role, locks what it reads-then-writes, checks a status change against its table in
``choices``, saves, and writes its audit row in the same transaction.
"""

from servicehall.quality.services.questionnaires import (
    cleaning_run,
    questionnaire_generate,
    questionnaire_new_version,
    questionnaire_publish,
    questionnaire_start_token,
    questionnaire_update,
    response_submit,
    start_token_read,
)
from servicehall.quality.services.ratings import (
    rater_contact,
    rating_submit,
    ratings_default,
    rectification_follow_up,
    rectification_step,
    rectifications_open_missing,
    rectifications_overdue,
    settings_update,
)
from servicehall.quality.services.reports import monthly_report_write
from servicehall.quality.services.systems import (
    indicator_update,
    judgement_submit,
    system_from_template,
    system_new_version,
    system_publish,
)

__all__ = [
    "cleaning_run",
    "indicator_update",
    "judgement_submit",
    "monthly_report_write",
    "questionnaire_generate",
    "questionnaire_new_version",
    "questionnaire_publish",
    "questionnaire_start_token",
    "questionnaire_update",
    "rater_contact",
    "rating_submit",
    "ratings_default",
    "rectification_follow_up",
    "rectification_step",
    "rectifications_open_missing",
    "rectifications_overdue",
    "response_submit",
    "settings_update",
    "start_token_read",
    "system_from_template",
    "system_new_version",
    "system_publish",
]
