"""Online consultation (在线咨询) and the knowledge the assistant answers from.

``Faq`` is a question and its answer in three languages, either about one service item (shown on the
item's page) or about the hall as a whole (its rules: parking, agents, ``最多跑一次``), written by staff
or promoted from a staff answer. ``Thread`` is a citizen's question to the hall's staff, followed by its
code plus the mobile it was asked with (encrypted, found by a keyed digest as feedback does): no account.
"""

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from servicehall.catalog.models import ServiceItem
from servicehall.consult.choices import Author, ThreadChannel, ThreadStatus
from servicehall.core.localize import LocalizedText
from servicehall.core.models import Hall

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))


def new_public_id() -> str:
    return secrets.token_urlsafe(16)


class Faq(models.Model):
    """One frequently asked question of a hall, about an item (``item``) or the hall's rules (no item).
    Simplified Chinese is required; the traditional text is derived by OpenCC unless written; English
    falls back to Chinese when blank (``core.localize``)."""

    hall = models.ForeignKey(Hall, on_delete=models.CASCADE, related_name="faqs")
    item = models.ForeignKey(
        ServiceItem,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="faqs",
        verbose_name=_("service item"),
    )
    question = models.CharField(_("question"), max_length=200)
    question_zh_hant = models.CharField(_("question (traditional Chinese)"), max_length=200, blank=True)
    question_en = models.CharField(_("question (English)"), max_length=300, blank=True)
    answer = models.TextField(_("answer"), max_length=2000)
    answer_zh_hant = models.TextField(_("answer (traditional Chinese)"), max_length=2000, blank=True)
    answer_en = models.TextField(_("answer (English)"), max_length=3000, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    active = models.BooleanField(_("shown"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    question_local = LocalizedText("question")
    answer_local = LocalizedText("answer")

    class Meta:
        ordering = ["hall", "item_id", "position", "id"]
        verbose_name = _("frequently asked question")
        verbose_name_plural = _("frequently asked questions")
        indexes = [models.Index(fields=["hall", "item", "active"], name="faq_hall_item")]

    def __str__(self) -> str:
        return self.question


class Thread(models.Model):
    """A citizen's question to the hall's staff, with its messages; every step timestamped."""

    public_id = models.CharField(max_length=32, unique=True, default=new_public_id, editable=False)
    code = models.CharField(_("tracking code"), max_length=8, unique=True, default=new_code, editable=False)
    hall = models.ForeignKey(Hall, on_delete=models.CASCADE, related_name="consult_threads")
    item = models.ForeignKey(
        ServiceItem,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="consult_threads",
        verbose_name=_("service item"),
    )
    channel = models.CharField(_("channel"), max_length=10, choices=ThreadChannel, default=ThreadChannel.WEB)
    language = models.CharField(_("language"), max_length=8, default="zh-hans")
    phone_encrypted = models.TextField(default="")
    phone_hint = models.CharField(_("mobile"), max_length=16, default="")
    phone_digest = models.CharField(max_length=64, db_index=True)
    status = models.CharField(_("status"), max_length=10, choices=ThreadStatus, default=ThreadStatus.OPEN)
    opened_at = models.DateTimeField(_("asked at"))
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    followed_up_at = models.DateTimeField(_("followed up at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        ordering = ["-opened_at", "-id"]
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        indexes = [models.Index(fields=["hall", "status", "opened_at"], name="consult_hall_status")]

    def __str__(self) -> str:
        return self.code


class Message(models.Model):
    """One message of a thread, by the citizen or a member of staff (``author_user``)."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="messages")
    author = models.CharField(_("by"), max_length=10, choices=Author)
    author_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    text = models.TextField(_("text"), max_length=2000)
    created_at = models.DateTimeField(_("sent at"))
    promoted_to = models.ForeignKey(
        Faq,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("promoted to the FAQ"),
    )

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")

    def __str__(self) -> str:
        return f"{self.thread.code} {self.author}"
