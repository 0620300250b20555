"""The event outbox: one row per state change that a screen should see, written in the same transaction
as the change. Streams read it after a wake-up signal, so a rolled-back change never reaches a screen and
a screen that reconnects replays what it missed from ``Last-Event-ID``."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from servicehall.core.models import Hall


class Event(models.Model):
    """One outbox row. ``id`` is the SSE event id (increasing); ``payload`` is what every screen receives,
    so it must never hold a full name, phone or ID number (display rules: number and window only)."""

    hall = models.ForeignKey(Hall, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=40)
    payload = models.JSONField(_("payload"), default=dict)
    created_at = models.DateTimeField(_("created at"), db_index=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        indexes = [models.Index(fields=["hall", "id"], name="event_hall_id")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.kind}"
