"""Django admin for training: read-only (every write goes through ``training.services`` and the manager
pages, audited); the hall's training settings are saved through ``training_settings_update``. The
question bank's answers are excluded from the list and shown only on the record itself, to admins."""

from django.contrib import admin

from servicehall.core.admin import HallSettingsAdmin, ReadOnlyAdmin
from servicehall.training import models
from servicehall.training.services import training_settings_update


@admin.register(models.TrainingSettings)
class TrainingSettingsAdmin(HallSettingsAdmin):
    list_display = ["hall", "annual_hours_target", "warn_days", "expiry_effect"]
    list_filter = ["hall"]
    search_fields = ["hall__code"]
    settings_service = staticmethod(training_settings_update)


def _read_only(model, display, filters, search):
    cls = type(
        f"{model.__name__}Admin",
        (ReadOnlyAdmin,),
        {"list_display": display, "list_filter": filters, "search_fields": search},
    )
    admin.site.register(model, cls)


_read_only(
    models.Course,
    ["code", "name", "hall", "category", "exam_questions", "active"],
    ["hall", "category"],
    ["code", "name"],
)
_read_only(
    models.TrainingSession, ["course", "starts_at", "trainer", "online"], ["course__hall"], ["trainer"]
)
_read_only(models.Attendance, ["session", "user", "present"], ["present"], ["user__username"])
_read_only(
    models.Material,
    ["original_name", "course", "size_bytes", "uploaded_at"],
    ["course__hall"],
    ["original_name"],
)
_read_only(models.Question, ["text", "course", "kind", "active"], ["course__hall", "kind"], ["text"])
_read_only(
    models.ExamAttempt,
    ["user", "course", "status", "score", "passed", "started_at"],
    ["status", "hall"],
    ["user__username"],
)
_read_only(
    models.Certificate,
    ["user", "course", "issued_on", "expires_on", "status"],
    ["status", "hall"],
    ["user__username"],
)
_read_only(models.RequiredCourse, ["service", "course", "hall"], ["hall"], ["service__code", "course__code"])
_read_only(models.QualificationDrop, ["user", "service", "dropped_on"], ["hall"], ["user__username"])
_read_only(
    models.TrainingNotice, ["user", "certificate", "kind", "created_at"], ["kind", "hall"], ["user__username"]
)
_read_only(models.Level, ["rank", "name", "hall"], ["hall"], ["name"])
_read_only(models.LevelCriterion, ["level", "code", "threshold"], ["level__hall"], ["code"])
_read_only(models.ClerkLevel, ["user", "level", "since", "hall"], ["hall"], ["user__username"])
