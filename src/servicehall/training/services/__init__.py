"""Every write of training, one module per concern (re-exported here)."""

from servicehall.training.services.certificates import certificate_issue, certificates_sweep
from servicehall.training.services.courses import (
    attendance_set,
    course_save,
    material_add,
    question_save,
    required_course_set,
    session_create,
    training_settings_update,
)
from servicehall.training.services.exams import attempts_close_overdue, exam_start, exam_submit
from servicehall.training.services.levels import clerk_level_set, clerk_promote, criteria_set, level_save

__all__ = [
    "attempts_close_overdue",
    "attendance_set",
    "certificate_issue",
    "certificates_sweep",
    "clerk_level_set",
    "clerk_promote",
    "course_save",
    "criteria_set",
    "exam_start",
    "exam_submit",
    "level_save",
    "material_add",
    "question_save",
    "required_course_set",
    "session_create",
    "training_settings_update",
]
