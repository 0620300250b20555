"""Named choices of customer records: certificate types, accessibility needs, consent, age bands, and the
status of a person's record with its one transition table."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from servicehall.core.transitions import Transitions


class CertificateType(models.TextChoices):
    """The documents a person identifies with at a Chinese hall."""

    RESIDENT_ID = "resident_id", _("Resident ID card")
    HMT_RESIDENCE = "hmt_residence", _("Residence permit for Hong Kong, Macao and Taiwan residents")
    FOREIGN_PERMANENT = "foreign_permanent", _("Foreign permanent resident ID card")
    PASSPORT = "passport", _("Passport")


class Accessibility(models.TextChoices):
    WHEELCHAIR = "wheelchair", _("Wheelchair")
    HEARING = "hearing", _("Hearing")
    SIGHT = "sight", _("Sight")
    ELDERLY = "elderly", _("Elderly mode")


class ConsentPurpose(models.TextChoices):
    """What a person may agree to (PIPL art. 14: each purpose separately)."""

    RECORD = "record", _("Keep a record of my visits to serve me better")
    NOTIFY = "notify", _("Send me text messages about my business")
    SURVEY = "survey", _("Invite me to satisfaction surveys")


class ConsentChannel(models.TextChoices):
    KIOSK = "kiosk", _("Kiosk")
    WEB = "web", _("Web or phone")
    COUNTER = "counter", _("At the window")
    PAPER = "paper", _("Paper form")


class AgeBand(models.TextChoices):
    """Coarse age for statistics (the 60+ band is the elderly share the article asks about)."""

    UNDER_18 = "0-17", _("Under 18")
    YOUNG = "18-34", _("18 to 34")
    MIDDLE = "35-59", _("35 to 59")
    ELDERLY = "60+", _("60 and over")
    UNKNOWN = "", _("Unknown")


def age_band(birth_year: int | None, year: int) -> str:
    """The band of a person born in ``birth_year`` during ``year`` (by year, not birthday: coarse on
    purpose, since the record keeps only the year)."""
    if not birth_year:
        return AgeBand.UNKNOWN
    age = year - birth_year
    if age < 18:
        return AgeBand.UNDER_18
    if age < 35:
        return AgeBand.YOUNG
    if age < 60:
        return AgeBand.MIDDLE
    return AgeBand.ELDERLY


class HomeArea(models.TextChoices):
    """Where a person lives seen from the hall (the article's 区域差异), from the first six digits of the
    resident ID against the hall's own division code (``CustomerSettings.division_code``)."""

    LOCAL = "local", _("Local district")
    CITY = "city", _("Rest of the city")
    PROVINCE = "province", _("Rest of the province")
    OTHER = "other", _("Other provinces")
    UNKNOWN = "", _("Unknown")


def home_area(division: str, hall_division: str) -> str:
    """The area of a 6-digit division code seen from the hall's (unknown when either is missing)."""
    if len(division) < 6 or len(hall_division) != 6:
        return HomeArea.UNKNOWN
    if division[:6] == hall_division:
        return HomeArea.LOCAL
    if division[:4] == hall_division[:4]:
        return HomeArea.CITY
    if division[:2] == hall_division[:2]:
        return HomeArea.PROVINCE
    return HomeArea.OTHER


class PersonalField(models.TextChoices):
    """The personal fields an identification may collect; each service item allows some of them
    (PIPL art. 6, minimum collection: ``ItemCollection``)."""

    ID_NUMBER = "id_number", _("Certificate number")
    NAME = "name", _("Name")
    PHONE = "phone", _("Mobile")


class PersonStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    MERGED = "merged", _("Merged into another record")
    ERASED = "erased", _("Erased (anonymous statistics only)")


class PersonAction(models.TextChoices):
    MERGE = "merge", _("Merge into another record")
    ERASE = "erase", _("Erase personal data")


PERSON_TRANSITIONS = Transitions(
    status=PersonStatus,
    action=PersonAction,
    edges={
        (PersonStatus.ACTIVE, PersonAction.MERGE): PersonStatus.MERGED,
        (PersonStatus.ACTIVE, PersonAction.ERASE): PersonStatus.ERASED,
        # A merged duplicate still holds its encrypted copy until the person asks for erasure.
        (PersonStatus.MERGED, PersonAction.ERASE): PersonStatus.ERASED,
    },
    message=_("Customer record %(ref)s is “%(status)s”: “%(action)s” cannot be done now."),
    describe=lambda person: {"ref": person.pk},
)
