"""Django admin for feedback: items are read-only (each step goes through ``feedback.services``, audited;
the mobile is not shown); the hall's deadlines are saved through ``services.settings_update``."""

from django.contrib import admin

from servicehall.core.admin import HallSettingsAdmin, ReadOnlyAdmin
from servicehall.feedback.models import FeedbackItem, FeedbackSettings
from servicehall.feedback.services import settings_update


@admin.register(FeedbackItem)
class FeedbackItemAdmin(ReadOnlyAdmin):
    list_display = ["code", "hall", "type", "subject", "status", "received_at", "answer_due_at"]
    list_filter = ["hall", "type", "status", "channel"]
    search_fields = ["code", "external_no"]
    exclude = ["phone_encrypted", "phone_digest"]


@admin.register(FeedbackSettings)
class FeedbackSettingsAdmin(HallSettingsAdmin):
    list_display = ["hall", "ack_working_days", "remind_working_days"]
    list_filter = ["hall"]
    search_fields = ["hall__code"]
    settings_service = staticmethod(settings_update)
