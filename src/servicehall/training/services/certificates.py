"""Certificates: issued on a passed exam (a newer one replaces the clerk's valid one), warned about once
``warn_days`` before they expire (the clerk and the hall's managers), and expired by the worker on their
day, when the clerk's qualification for every service item that requires the course drops to
"learning" (a hall setting). The sweep is one transaction per hall with one audit row per kind."""

import calendar as pycal
import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from servicehall.core.actors import Actor
from servicehall.core.audit import SystemActor, audit_record
from servicehall.core.choices import Role
from servicehall.core.models import Hall, HallMembership
from servicehall.core.notify import send_text
from servicehall.core.transitions import transition
from servicehall.live.services import event_emit
from servicehall.training.choices import (
    CERTIFICATE_TRANSITIONS,
    CertificateAction,
    CertificateStatus,
    ExpiryEffect,
    NoticeKind,
)
from servicehall.training.models import (
    Certificate,
    ExamAttempt,
    QualificationDrop,
    RequiredCourse,
    TrainingNotice,
    TrainingSettings,
)
from servicehall.training.services.common import audit

JOB = "training.certificates"


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` later (the month's last day when it has fewer days)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, pycal.monthrange(year, month)[1]))


def certificate_issue(*, actor: Actor, attempt: ExamAttempt) -> Certificate:
    """Issue the certificate of a passed attempt. Precondition: inside the submit's transaction, the
    attempt locked. The clerk's earlier valid certificate of the course is replaced (locked first)."""
    course, hall = attempt.course, attempt.hall
    today = timezone.localdate(attempt.submitted_at, hall.tzinfo)
    now = timezone.now()
    for old in Certificate.objects.select_for_update().filter(
        course=course, user_id=attempt.user_id, status=CertificateStatus.VALID
    ):
        old.status = transition(CERTIFICATE_TRANSITIONS, old, CertificateAction.SUPERSEDE)
        old.superseded_at = now
        old.save(update_fields=["status", "superseded_at"])
    cert = Certificate.objects.create(
        hall=hall,
        course=course,
        user_id=attempt.user_id,
        attempt=attempt,
        issued_on=today,
        expires_on=add_months(today, course.certificate_months) if course.certificate_months else None,
    )
    audit(actor, "training.certificate_issue", cert, hall, course=course.code, expires_on=cert.expires_on)
    return cert


def _managers(hall: Hall) -> list[int]:
    return list(HallMembership.objects.filter(hall=hall, role=Role.MANAGER).values_list("user_id", flat=True))


def _notice_text(hall: Hall, cert: Certificate, kind: str) -> str:
    """The text message of a notice, in the site's language (``LANGUAGE_CODE``: the worker has no
    request to take a language from)."""
    with translation.override(settings.LANGUAGE_CODE):
        values = {
            "hall": hall.name,
            "clerk": str(cert.user),
            "course": cert.course.name,
            "day": cert.expires_on.isoformat() if cert.expires_on else "",
        }
        if kind == NoticeKind.EXPIRING:
            return _("%(hall)s: the certificate of %(course)s of %(clerk)s expires on %(day)s.") % values
        return _("%(hall)s: the certificate of %(course)s of %(clerk)s has expired (%(day)s).") % values


def _notify(hall: Hall, certs: list[Certificate], kind: str, now) -> None:
    """One notice per certificate to its clerk and to each manager of the hall (once: unique row), and the
    same once as a text to each of them who has a work mobile on the hall's staff record (after commit:
    a rolled-back sweep texts nobody)."""
    from servicehall.staff.selectors import work_mobiles

    managers = _managers(hall)
    created_for: list[tuple[Certificate, int]] = []
    for cert in certs:
        for user_id in {cert.user_id, *managers}:
            _row, created = TrainingNotice.objects.get_or_create(
                hall=hall, user_id=user_id, certificate=cert, kind=kind, defaults={"created_at": now}
            )
            if created:
                created_for.append((cert, user_id))
    mobiles = work_mobiles(hall=hall, user_ids={u for _c, u in created_for}) if created_for else {}
    for cert, user_id in created_for:
        if user_id in mobiles:
            text = _notice_text(hall, cert, kind)
            transaction.on_commit(lambda p=mobiles[user_id], t=text: send_text(p, t))


def _drop_qualifications(hall: Hall, certs: list[Certificate], today, actor) -> list[dict]:
    """For each expired certificate, each service item that requires its course: the clerk's skill drops
    to "learning" (the staff app's ``skill_set`` when installed), and training keeps the record."""
    dropped = []
    required = RequiredCourse.objects.filter(course_id__in=[c.course_id for c in certs]).select_related(
        "service"
    )
    by_course: dict[int, list] = {}
    for row in required:
        by_course.setdefault(row.course_id, []).append(row.service)
    for cert in certs:
        for item in by_course.get(cert.course_id, []):
            _row, created = QualificationDrop.objects.get_or_create(
                hall=hall,
                user_id=cert.user_id,
                service=item,
                certificate=cert,
                defaults={"dropped_on": today},
            )
            if created:
                _skill_to_learning(actor, hall, cert, item)
                dropped.append({"user": cert.user_id, "service": item.code, "certificate": cert.pk})
    return dropped


def _skill_to_learning(actor, hall: Hall, cert: Certificate, item) -> None:
    """The clerk's skill in the staff app drops to "learning", when it was qualified or expert (a clerk
    without the skill gains nothing from a lapse)."""
    from servicehall.staff.selectors import qualified_items
    from servicehall.staff.services import skill_set

    if item.pk not in qualified_items(hall=hall, user=cert.user):
        return
    skill_set(
        actor=actor,
        hall=hall,
        user=cert.user,
        item=item,
        level="learning",
        reason=_("Certificate of %(course)s expired") % {"course": cert.course.name},
    )


def certificates_sweep(*, hall: Hall, now: datetime.datetime | None = None) -> dict[str, int]:
    """Warn about certificates expiring within ``warn_days`` (once), expire those whose day has come and
    drop the qualifications they carried. Safe to run twice (the second run finds nothing to do)."""
    actor = SystemActor(job=JOB)
    now = now or timezone.now()
    today = timezone.localdate(now, hall.tzinfo)
    conf = TrainingSettings.objects.filter(hall=hall).first() or TrainingSettings(hall=hall)
    valid = Certificate.objects.filter(hall=hall, status=CertificateStatus.VALID, expires_on__isnull=False)
    with transaction.atomic():
        expiring = list(
            valid.select_for_update(of=("self",))
            .select_related("course", "user")
            .filter(warned_at__isnull=True, expires_on__gt=today)
            .filter(expires_on__lte=today + datetime.timedelta(days=conf.warn_days))
        )
        states = CERTIFICATE_TRANSITIONS.states_allowing(CertificateAction.EXPIRE)
        expired = list(
            Certificate.objects.select_for_update(of=("self",))
            .select_related("course", "user")
            .filter(hall=hall, status__in=states, expires_on__lte=today)
        )
        Certificate.objects.filter(pk__in=[c.pk for c in expiring]).update(warned_at=now)
        Certificate.objects.filter(pk__in=[c.pk for c in expired]).update(
            status=CertificateStatus.EXPIRED, expired_at=now
        )
        _notify(hall, expiring, NoticeKind.EXPIRING, now)
        _notify(hall, expired, NoticeKind.EXPIRED, now)
        drops = (
            _drop_qualifications(hall, expired, today, actor)
            if expired and conf.expiry_effect == ExpiryEffect.LEARNING
            else []
        )
        batches = (
            ("training.certificates_warn", expiring, {}),
            ("training.certificates_expire", expired, {"dropped": drops}),
        )
        for code, certs, extra in batches:
            if certs:
                ids = [c.pk for c in certs]
                audit_record(
                    actor=actor,
                    action=code,
                    hall=hall,
                    object_type="training.certificate",
                    object_repr=f"{len(certs)} certificates",
                    after={"certificates": ids, **extra},
                )
                event_emit(hall=hall, kind=code, payload={"certificates": ids})
    return {"warned": len(expiring), "expired": len(expired), "dropped": len(drops)}
