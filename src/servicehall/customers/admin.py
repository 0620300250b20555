"""Django admin for customer records: read-only (personal fields change only through
``customers.services``, audited; the encrypted columns and digests are not shown at all). The hall's
retention policy is saved through ``services.settings_update``."""

from django.contrib import admin

from servicehall.core.admin import HallSettingsAdmin, ReadOnlyAdmin
from servicehall.customers.models import Consent, CustomerSettings, Organisation, OrganisationAgent, Person
from servicehall.customers.services import settings_update

SECRET = ["id_encrypted", "id_digest", "name_encrypted", "phone_encrypted", "phone_digest"]


@admin.register(Person)
class PersonAdmin(ReadOnlyAdmin):
    list_display = ["id", "hall", "status", "id_type", "id_hint", "name_hint", "phone_hint", "last_seen_at"]
    list_filter = ["hall", "status", "id_type"]
    search_fields = ["=id"]
    exclude = SECRET


@admin.register(Organisation)
class OrganisationAdmin(ReadOnlyAdmin):
    list_display = ["name", "uscc", "hall", "representative_hint"]
    list_filter = ["hall"]
    search_fields = ["name", "uscc"]
    exclude = ["representative_encrypted"]


@admin.register(OrganisationAgent)
class OrganisationAgentAdmin(ReadOnlyAdmin):
    list_display = ["organisation", "person", "since"]
    list_filter = ["organisation__hall"]
    search_fields = ["organisation__name"]


@admin.register(Consent)
class ConsentAdmin(ReadOnlyAdmin):
    list_display = ["person", "purpose", "agreed", "channel", "at"]
    list_filter = ["purpose", "agreed", "channel"]
    search_fields = ["=person__id"]


@admin.register(CustomerSettings)
class CustomerSettingsAdmin(HallSettingsAdmin):
    list_display = ["hall", "retention_days", "repeat_window_days", "division_code"]
    list_filter = ["hall"]
    search_fields = ["hall__code"]
    settings_service = staticmethod(settings_update)
