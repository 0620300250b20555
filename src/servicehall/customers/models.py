"""Customer records (客户信息): one record per person and per hall, personal fields encrypted, found by keyed
digest only, shown masked; coarse fields derived from the ID number for statistics.

Nothing here is readable in a database copy: names, numbers and phones are Fernet tokens
(``core.crypto``), the ``*_digest`` columns are keyed HMACs used for exact look-up (there is no clear
column a ``LIKE`` could search), and the ``*_hint`` columns hold the masked form screens show. Links from
other apps point here by id (``Ticket.customer_id``) or by the same digest (a booking's ``id_digest``), so
erasing a person blanks these columns and keeps every link as an anonymous statistic.
"""

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from servicehall.core.models import Hall
from servicehall.customers.choices import (
    AgeBand,
    CertificateType,
    ConsentChannel,
    ConsentPurpose,
    HomeArea,
    PersonStatus,
)


class CustomerSettings(models.Model):
    """A hall's privacy policy for customer records: how long a record is kept after the last visit, and
    what counts as "came back for the same matter" in the statistics and the console hint."""

    hall = models.OneToOneField(Hall, on_delete=models.CASCADE, related_name="customer_settings")
    retention_days = models.PositiveIntegerField(
        _("keep a record this many days after the last visit"), default=3 * 365
    )
    repeat_window_days = models.PositiveSmallIntegerField(
        _("a visit within this many days for the same matter counts as a repeat visit"), default=30
    )
    division_code = models.CharField(
        _("the hall's administrative division code (6 digits, e.g. 320102)"),
        max_length=6,
        blank=True,
        default="",
        validators=[RegexValidator(r"^\d{6}$", _("Enter the 6-digit administrative division code."))],
        help_text=_("Splits visitors into local district, rest of the city, rest of the province, other."),
    )

    class Meta:
        verbose_name = _("customer record settings")
        verbose_name_plural = _("customer record settings")

    def __str__(self) -> str:
        return str(self.hall)


class Person(models.Model):
    """A person the hall has served (real-name, 实名): the encrypted certificate number, name and mobile,
    their masked hints and keyed digests, preferences, and coarse fields derived from the resident ID
    (birth year, sex, province and city codes) that statistics read without touching personal data.
    ``merged_into`` points to the record a duplicate was merged into; an erased record keeps only the
    coarse fields."""

    hall = models.ForeignKey(Hall, on_delete=models.CASCADE, related_name="customers")
    status = models.CharField(_("status"), max_length=10, choices=PersonStatus, default=PersonStatus.ACTIVE)
    id_type = models.CharField(
        _("certificate type"), max_length=20, choices=CertificateType, default=CertificateType.RESIDENT_ID
    )
    id_encrypted = models.TextField(blank=True, default="")
    id_hint = models.CharField(_("certificate number"), max_length=24, blank=True, default="")
    id_digest = models.CharField(max_length=64, blank=True, default="", db_index=True)
    name_encrypted = models.TextField(blank=True, default="")
    name_hint = models.CharField(_("name"), max_length=30, blank=True, default="")
    phone_encrypted = models.TextField(blank=True, default="")
    phone_hint = models.CharField(_("mobile"), max_length=16, blank=True, default="")
    phone_digest = models.CharField(max_length=64, blank=True, default="", db_index=True)
    language = models.CharField(_("preferred language"), max_length=10, blank=True, default="")
    accessibility = models.JSONField(_("accessibility needs"), default=list, blank=True)
    birth_year = models.PositiveSmallIntegerField(_("birth year"), null=True, blank=True)
    sex = models.CharField(_("sex"), max_length=1, blank=True, default="")
    province_code = models.CharField(_("home province"), max_length=2, blank=True, default="")
    city_code = models.CharField(_("home city"), max_length=4, blank=True, default="")
    region_name = models.CharField(_("home region"), max_length=40, blank=True, default="")
    # Where the person lives relative to the hall, set when the resident ID is entered (the county code
    # itself is never stored): local district, rest of the city, rest of the province, elsewhere.
    home_area = models.CharField(_("home area"), max_length=10, choices=HomeArea, blank=True, default="")
    created_at = models.DateTimeField(_("created at"))
    last_seen_at = models.DateTimeField(_("last seen at"))
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("merged into"),
    )
    merged_at = models.DateTimeField(_("merged at"), null=True, blank=True)
    erased_at = models.DateTimeField(_("erased at"), null=True, blank=True)
    erase_reason = models.CharField(_("reason for erasure"), max_length=200, blank=True, default="")

    class Meta:
        ordering = ["hall", "id"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        constraints = [
            models.UniqueConstraint(
                fields=["hall", "id_digest"],
                condition=models.Q(status="active") & ~models.Q(id_digest=""),
                name="person_one_active_record_per_certificate",
            ),
        ]
        indexes = [
            models.Index(fields=["hall", "status", "last_seen_at"], name="person_retention"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.name_hint or self.id_hint or self.phone_hint}"

    def age_band(self, year: int) -> str:
        from servicehall.customers.choices import age_band

        return age_band(self.birth_year, year)


class Organisation(models.Model):
    """A legal person or other organisation served by the hall (企业、社会组织), known by its unified social
    credit code (GB 32100, public in the national register, so stored in clear). The legal
    representative's name is a person's data: encrypted and masked like any other."""

    hall = models.ForeignKey(Hall, on_delete=models.CASCADE, related_name="customer_organisations")
    name = models.CharField(_("name"), max_length=200)
    uscc = models.CharField(_("unified social credit code"), max_length=18)
    representative_encrypted = models.TextField(blank=True, default="")
    representative_hint = models.CharField(_("legal representative"), max_length=30, blank=True, default="")
    agents = models.ManyToManyField(Person, through="OrganisationAgent", related_name="organisations")
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        ordering = ["hall", "name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [models.UniqueConstraint(fields=["hall", "uscc"], name="organisation_unique_uscc")]

    def __str__(self) -> str:
        return f"{self.name} ({self.uscc})"


class OrganisationAgent(models.Model):
    """A person who acts for an organisation (经办人), since when."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="agent_links")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="agent_links")
    since = models.DateTimeField(_("since"))

    class Meta:
        verbose_name = _("agent")
        verbose_name_plural = _("agents")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "person"], name="organisation_agent_once")
        ]

    def __str__(self) -> str:
        return f"{self.person_id} → {self.organisation_id}"


class Consent(models.Model):
    """One consent given or withdrawn (PIPL art. 14-15): what, when, on which channel, and the version of
    the text shown. A withdrawal is a new row; the latest row per purpose is in force."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(_("purpose"), max_length=20, choices=ConsentPurpose)
    agreed = models.BooleanField(_("agreed"))
    channel = models.CharField(_("channel"), max_length=10, choices=ConsentChannel)
    text_version = models.CharField(_("text version"), max_length=20, blank=True, default="1")
    at = models.DateTimeField(_("at"))

    class Meta:
        ordering = ["person", "-at", "-id"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")

    def __str__(self) -> str:
        return f"{self.person_id} {self.purpose} {'yes' if self.agreed else 'no'}"


class ItemCollection(models.Model):
    """Minimum collection (PIPL art. 6): the personal fields identification may ask for when a person
    comes for this service item. An item without a row may collect every field (the hall had no policy
    yet); a row with an empty list collects nothing, so the item stays anonymous."""

    hall = models.ForeignKey(Hall, on_delete=models.CASCADE, related_name="+")
    item = models.OneToOneField(
        "catalog.ServiceItem", on_delete=models.CASCADE, related_name="+", verbose_name=_("service item")
    )
    fields = models.JSONField(_("personal fields it may collect"), default=list, blank=True)
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("personal fields of a service item")
        verbose_name_plural = _("personal fields of service items")

    def __str__(self) -> str:
        return f"{self.item_id}: {', '.join(self.fields) or '-'}"


__all__ = [
    "AgeBand",
    "Consent",
    "CustomerSettings",
    "ItemCollection",
    "Organisation",
    "OrganisationAgent",
    "Person",
]


class SegmentDay(models.Model):
    """The segment statistics' sums of one closed day (``customers.summaries``), per age band, home area,
    kind (individual or organisation agent), service item and channel: a year of a big hall is millions
    of tickets, and these few hundred rows a day are what the statistics page sums. Built by the worker;
    a day changed afterwards (a merge, a corrected ID number, a new agent, a rating excluded) is marked
    stale (``SegmentStale``) and read from the tickets until it is built again."""

    hall = models.ForeignKey(Hall, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    band = models.CharField(max_length=12)
    area = models.CharField(max_length=12)
    kind = models.CharField(max_length=12)
    service_id = models.BigIntegerField()
    channel = models.CharField(max_length=16)
    visits = models.PositiveIntegerField(default=0)
    no_show = models.PositiveIntegerField(default=0)
    waits = models.PositiveIntegerField(default=0)
    wait_total = models.BigIntegerField(default=0)
    rated = models.PositiveIntegerField(default=0)
    good = models.PositiveIntegerField(default=0)
    repeat = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["hall", "day"], name="segment_day")]

    def __str__(self) -> str:
        return f"{self.day} {self.band}/{self.area}/{self.kind} {self.service_id} {self.channel}"


class SegmentState(models.Model):
    """How far a hall's ``SegmentDay`` rows reach, and the repeat window they were counted with (a new
    window in the settings makes them all stale)."""

    hall = models.OneToOneField(Hall, on_delete=models.CASCADE, related_name="+")
    built_through = models.DateField(null=True, blank=True)
    window_days = models.PositiveSmallIntegerField(default=0)
    built_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.hall_id} through {self.built_through}"


class SegmentStale(models.Model):
    """A built day whose tickets changed segment (or rating) after it was built: read raw until the
    worker builds it again."""

    hall = models.ForeignKey(Hall, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    marked_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["hall", "day"], name="segment_stale_unique")]

    def __str__(self) -> str:
        return f"{self.hall_id} {self.day}"


class RecordProof(models.Model):
    """A citizen proving they are the person of a record, to use it themselves (prefill a form): the
    resident ID number and the mobile on the record, then a 6-digit code texted to that mobile. Started
    the same whether a record matched or not (``person`` empty: the code can never be right), so the
    page says nothing about who is registered. The code is kept as a keyed digest."""

    token = models.CharField(max_length=43, unique=True)
    hall = models.ForeignKey(Hall, on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    otp_digest = models.CharField(max_length=64, blank=True, default="")
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    verified_at = models.DateTimeField(null=True, blank=True)
    prefill = models.JSONField(
        default=dict, blank=True, help_text="Field key → keyed digest of the value given."
    )
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.hall_id} {self.created_at:%Y-%m-%d %H:%M}"
