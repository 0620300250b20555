"""The service catalogue (事项库): departments, categories, service items and their materials.

Each hall keeps its own implementation list, so a manager of one hall edits only that hall's items.
"""

from decimal import Decimal

from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from servicehall.catalog.choices import ItemType, VisitsRequired
from servicehall.core.localize import LocalizedList, LocalizedText
from servicehall.core.models import Counter, Hall, english_name_field, traditional_name_field

prefix_validator = RegexValidator(r"^[A-Z]{1,2}$", _("Use one or two capital letters."))


class Department(models.Model):
    hall = models.ForeignKey(Hall, on_delete=models.CASCADE, related_name="departments")
    name = models.CharField(_("name"), max_length=100)
    name_en = english_name_field(150)
    name_zh_hant = traditional_name_field(100)

    name_local = LocalizedText("name")

    class Meta:
        ordering = ["hall", "name"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        constraints = [models.UniqueConstraint(fields=["hall", "name"], name="department_unique_name")]

    def __str__(self) -> str:
        return self.name


class Category(models.Model):
    hall = models.ForeignKey(Hall, on_delete=models.CASCADE, related_name="categories")
    name = models.CharField(_("name"), max_length=60)
    name_en = english_name_field(100)
    name_zh_hant = traditional_name_field(60)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    name_local = LocalizedText("name")

    class Meta:
        ordering = ["hall", "position", "name"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        constraints = [models.UniqueConstraint(fields=["hall", "name"], name="category_unique_name")]

    def __str__(self) -> str:
        return self.name


class ServiceItem(models.Model):
    """A service item (事项) with the fields of an implementation list (实施清单).

    ``search_text`` holds the name with its full pinyin and pinyin initials so that ``hz`` finds 护照;
    it is derived by ``catalog.services`` on every save and never edited by hand.
    """

    hall = models.ForeignKey(Hall, on_delete=models.CASCADE, related_name="service_items")
    code = models.CharField(_("code"), max_length=64)
    name = models.CharField(_("name"), max_length=120)
    name_en = english_name_field(200)
    name_zh_hant = traditional_name_field(120)
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="items", verbose_name=_("department")
    )
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="items", verbose_name=_("category")
    )
    item_type = models.CharField(_("type"), max_length=20, choices=ItemType, default=ItemType.PUBLIC_SERVICE)
    description = models.TextField(_("description"), blank=True)
    description_en = models.TextField(_("English description"), blank=True)
    keywords = models.CharField(
        _("search keywords"),
        max_length=200,
        blank=True,
        help_text=_("Everyday names citizens search for, separated by spaces (社保卡 医保)."),
    )
    legal_basis = models.TextField(_("legal basis"), blank=True)
    legal_limit_days = models.PositiveSmallIntegerField(_("legal time limit (working days)"), default=0)
    promised_limit_days = models.PositiveSmallIntegerField(_("promised time limit (working days)"), default=0)
    standard_minutes = models.PositiveSmallIntegerField(
        _("standard service time (minutes)"),
        default=0,
        help_text=_(
            "How long serving one citizen at the window should take; 0: not set. The quality report "
            "measures the share of services done within it."
        ),
    )
    fee_cny = models.DecimalField(
        _("fee (CNY)"),
        max_digits=10,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    fee_note = models.CharField(_("fee note"), max_length=200, blank=True)
    fee_note_en = models.CharField(_("English fee note"), max_length=300, blank=True)
    steps = models.JSONField(_("handling steps"), default=list, blank=True)
    steps_en = models.JSONField(_("English handling steps"), default=list, blank=True)
    counters = models.ManyToManyField(
        Counter, related_name="service_items", blank=True, verbose_name=_("counters")
    )
    fully_online = models.BooleanField(_("fully online"), default=False)
    visits_required = models.PositiveSmallIntegerField(
        _("visits required"), choices=VisitsRequired, default=VisitsRequired.ONCE
    )
    appointment_supported = models.BooleanField(_("appointment supported"), default=True)
    ticket_prefix = models.CharField(_("ticket prefix"), max_length=2, validators=[prefix_validator])
    active = models.BooleanField(_("active"), default=True)
    search_text = models.TextField(editable=False, default="")
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    name_local = LocalizedText("name")
    description_local = LocalizedText("description")
    fee_note_local = LocalizedText("fee_note")
    steps_local = LocalizedList("steps")
    # No English twin: it cites laws by their Chinese titles (see docs/content-language.md); 繁體 converts.
    legal_basis_local = LocalizedText("legal_basis")

    class Meta:
        ordering = ["hall", "category__position", "code"]
        verbose_name = _("service item")
        verbose_name_plural = _("service items")
        constraints = [
            models.UniqueConstraint(fields=["hall", "code"], name="item_unique_code"),
            models.CheckConstraint(
                condition=models.Q(promised_limit_days__lte=models.F("legal_limit_days"))
                | models.Q(legal_limit_days=0),
                name="item_promise_within_legal_limit",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_free(self) -> bool:
        return self.fee_cny == 0


class Material(models.Model):
    """One required material (材料) of an item, in the order it is listed on the checklist."""

    item = models.ForeignKey(ServiceItem, on_delete=models.CASCADE, related_name="materials")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    name = models.CharField(_("name"), max_length=120)
    name_en = english_name_field(200)
    name_zh_hant = traditional_name_field(120)
    originals = models.PositiveSmallIntegerField(_("originals"), default=1)
    copies = models.PositiveSmallIntegerField(_("copies"), default=0)
    required = models.BooleanField(_("required"), default=True)
    condition = models.CharField(
        _("condition"), max_length=200, blank=True, help_text=_("When a conditional material is needed.")
    )
    condition_en = models.CharField(_("English condition"), max_length=300, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    note_en = models.CharField(_("English note"), max_length=300, blank=True)

    name_local = LocalizedText("name")
    condition_local = LocalizedText("condition")
    note_local = LocalizedText("note")

    class Meta:
        ordering = ["item", "position", "id"]
        verbose_name = _("material")
        verbose_name_plural = _("materials")

    def __str__(self) -> str:
        return self.name

    @property
    def counts_text(self) -> str:
        """ "1 original, 2 copies" with each count in its own plural form (never "1 copies")."""
        return material_counts(self.originals, self.copies)


def material_counts(originals: int, copies: int) -> str:
    """How many originals and copies of a material to bring, plural-aware in every language."""
    return gettext("%(originals)s, %(copies)s") % {
        "originals": ngettext("%(n)s original", "%(n)s originals", originals) % {"n": originals},
        "copies": ngettext("%(n)s copy", "%(n)s copies", copies) % {"n": copies},
    }
