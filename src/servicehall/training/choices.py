"""Named choices of training: course categories, question kinds, the statuses of exam attempts and
certificates with their transition tables, what an expired certificate does to a qualification, and the
promotion criteria a hall can set per level."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from servicehall.core.transitions import Transitions


class CourseCategory(models.TextChoices):
    """The article's course families (客户服务技巧、业务知识、IT 及网络技能), plus law and safety."""

    CUSTOMER_SERVICE = "customer_service", _("Customer-service skills")
    ITEM_KNOWLEDGE = "item_knowledge", _("Service item knowledge")
    IT = "it", _("IT and network skills")
    LAW = "law", _("Law and integrity")
    SAFETY = "safety", _("Safety")


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")
    TRUE_FALSE = "true_false", _("True or false")


class AttemptStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", _("In progress")
    SUBMITTED = "submitted", _("Submitted")
    EXPIRED = "expired", _("Time ran out")


class AttemptAction(models.TextChoices):
    SUBMIT = "submit", _("Submit")
    EXPIRE = "expire", _("Close after the time limit")


ATTEMPT_TRANSITIONS = Transitions(
    status=AttemptStatus,
    action=AttemptAction,
    edges={
        (AttemptStatus.IN_PROGRESS, AttemptAction.SUBMIT): AttemptStatus.SUBMITTED,
        (AttemptStatus.IN_PROGRESS, AttemptAction.EXPIRE): AttemptStatus.EXPIRED,
    },
    message=_("This exam attempt is “%(status)s”: “%(action)s” cannot be done now."),
)


class CertificateStatus(models.TextChoices):
    VALID = "valid", _("Valid")
    EXPIRED = "expired", _("Expired")
    SUPERSEDED = "superseded", _("Replaced by a newer certificate")


class CertificateAction(models.TextChoices):
    EXPIRE = "expire", _("Expire")
    SUPERSEDE = "supersede", _("Replace")


CERTIFICATE_TRANSITIONS = Transitions(
    status=CertificateStatus,
    action=CertificateAction,
    edges={
        (CertificateStatus.VALID, CertificateAction.EXPIRE): CertificateStatus.EXPIRED,
        (CertificateStatus.VALID, CertificateAction.SUPERSEDE): CertificateStatus.SUPERSEDED,
    },
    message=_("This certificate is “%(status)s”: “%(action)s” cannot be done now."),
)


class ExpiryEffect(models.TextChoices):
    """What an expired required certificate does to the qualification for the item (a hall setting)."""

    LEARNING = "learning", _("The qualification drops to “learning”")
    NONE = "none", _("Only warn; the qualification stays")


class NoticeKind(models.TextChoices):
    EXPIRING = "expiring", _("Certificate expiring soon")
    EXPIRED = "expired", _("Certificate expired")


class Criterion(models.TextChoices):
    """What a level may require, each measured from data the platform holds (never typed in)."""

    MONTHS_AT_LEVEL = "months_at_level", _("Months at the previous level")
    ITEMS_QUALIFIED = "items_qualified", _("Service items qualified")
    TRAINING_HOURS = "training_hours", _("Training hours this year")
    EXAM_AVERAGE = "exam_average", _("Exam average")
    TICKETS_SERVED = "tickets_served", _("Tickets served (12 months)")
    WITHIN_STANDARD = "within_standard", _("Share within standard time")
    GOOD_RATE = "good_rate", _("Good-rating rate")
    QUALITY_INDEX = "quality_index", _("Quality index")
    COMPLAINTS_UPHELD = "complaints_upheld", _("Complaints upheld (12 months)")
    ATTENDANCE = "attendance", _("Training attendance")


# Criteria met by staying at or under the threshold (all others: at or over).
AT_MOST = {Criterion.COMPLAINTS_UPHELD}
# Criteria shown as a percentage (value and threshold stored as a share 0..1).
PERCENT = {Criterion.WITHIN_STANDARD, Criterion.GOOD_RATE, Criterion.ATTENDANCE}
