"""How the audit trail reads to a manager: each action code's label, the actor's name, and the state
before and after as one line per field ("Status: Waiting → Called") with the field's verbose name and its
choice labels, times in the hall's own time zone.

Why one module: the codes (``ticket.call``, ``quality.rectification_revisit``) are what the services write
and what the API filters on, so they stay; this is the one place that names them for people.
``tests/core/test_audit_labels.py`` scans the code base for every code an ``audit_record`` call can write
and fails when one has no label here.
"""

import ast
import contextlib
import datetime

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

ACTION_LABELS = {
    "eforms.version.draft": _("Form draft started"),
    "eforms.version.save": _("Form draft saved"),
    "eforms.version.publish": _("Form published"),
    "eforms.filled.save": _("Filled form saved as a draft"),
    "eforms.filled.complete": _("Filled form completed"),
    "eforms.filled.link": _("Filled form linked to a ticket"),
    "eforms.files": _("Documents uploaded with a form"),
    "eforms.person_moved": _("Forms moved to the merged record"),
    "customers.person.own_read": _("A citizen used their own record (code texted to the mobile)"),
    "eforms.file_read": _("Document of a form opened"),
    "cases.submit": _("Application submitted"),
    "cases.remind": _("Cases due soon announced"),
    "cases.escalate": _("Overdue cases escalated"),
    "cases.accept": _("Case accepted"),
    "cases.visit": _("Visit recorded on a case"),
    "cases.prereview": _("Case pre-reviewed: complete"),
    "cases.request_materials": _("Materials requested (one-time notice)"),
    "cases.supply": _("Materials supplied"),
    "cases.review": _("Case review started"),
    "cases.approve": _("Case approved"),
    "cases.reject": _("Case rejected"),
    "cases.ready": _("Case result ready"),
    "cases.deliver": _("Case result delivered"),
    "cases.close": _("Case closed"),
    "cases.withdraw": _("Application withdrawn"),
    "cases.attach": _("File attached to a case"),
    "cases.attachment_read": _("Case file opened"),
    "cases.person_moved": _("Cases moved to the merged record"),
    # hall, people, devices, log-in
    "hall.create": _("Hall created"),
    "hall.update": _("Hall changed"),
    "hall.opening_hours": _("Opening hours changed"),
    "floor.create": _("Floor added"),
    "counter.create": _("Window added"),
    "counter.update": _("Window changed"),
    "counter.open": _("Window opened"),
    "counter.close": _("Window closed"),
    "counter.pause": _("Window paused"),
    "counter.unpause": _("Window resumed"),
    "counter.services": _("Window's services changed"),
    "membership.grant": _("Role granted"),
    "membership.revoke": _("Role withdrawn"),
    "token.create": _("API token created"),
    "token.revoke": _("API token revoked"),
    "device.create": _("Device registered"),
    "device.update": _("Device changed"),
    "device.pair": _("Device paired"),
    # staff (issue 17)
    "staff.create": _("Staff account created"),
    "staff.update": _("Staff details changed"),
    "staff.mobile": _("Staff work mobile changed"),
    "staff.photo": _("Staff photo changed"),
    "staff.deactivate": _("Staff member deactivated"),
    "staff.reactivate": _("Staff member reactivated"),
    "staff.password_reset": _("Staff password reset"),
    "staff.skill": _("Skill changed"),
    "staff.skills": _("Skills replaced"),
    "staff.rota": _("Rota changed"),
    "staff.settings": _("Staff settings changed"),
    "login.success": _("Signed in"),
    "login.failure": _("Sign-in failed"),
    "login.locked": _("Sign-in locked"),
    "calendar.day": _("Calendar day set"),
    "core.data_key_rotate": _("Data key rotated"),
    "core.notification_give_up": _("Notification given up"),
    # catalogue
    "catalog.item.create": _("Service item created"),
    "catalog.item.update": _("Service item changed"),
    "catalog.import": _("Catalogue imported"),
    # queue
    "queue.settings": _("Queue settings changed"),
    "queue.day_closed": _("Queue day closed"),
    "ticket.issue": _("Ticket issued"),
    "ticket.call": _("Ticket called"),
    "ticket.recall": _("Ticket called again"),
    "ticket.start": _("Service started"),
    "ticket.complete": _("Service completed"),
    "ticket.no-show": _("Ticket marked no-show"),
    "ticket.reactivate": _("Ticket reactivated"),
    "ticket.transfer": _("Ticket transferred"),
    "ticket.park": _("Ticket parked"),
    "ticket.resume": _("Ticket resumed"),
    "ticket.cancel": _("Ticket cancelled"),
    # appointments
    "appointment.book": _("Appointment booked"),
    "appointment.customer_moved": _("Bookings moved to the merged person"),
    "appointment.cancel": _("Appointment cancelled"),
    "appointment.reschedule": _("Appointment rescheduled"),
    "appointment.check_in": _("Appointment checked in"),
    "appointment.no_shows_mark": _("Missed appointments marked"),
    "appointment.reminders_send": _("Appointment reminders sent"),
    "appointment.holds_expire": _("Held slots released"),
    "appointment.waitlist_join": _("Waiting list joined"),
    "appointment.day_close": _("Booking day closed"),
    "appointment.slot_close": _("Slot closed"),
    "appointment.slot_reopen": _("Slot reopened"),
    "appointment.settings": _("Booking settings changed"),
    "appointment.plan": _("Working plan changed"),
    # service quality
    "quality.settings": _("Quality settings changed"),
    "quality.rating": _("Rating given"),
    "quality.ratings_default": _("Default ratings recorded"),
    "quality.rater_contact": _("Rater's phone looked up"),
    "quality.rectification_open": _("Rectification case opened"),
    "quality.rectification_revisit": _("Case: revisit recorded"),
    "quality.rectification_reasonable": _("Case: verified reasonable"),
    "quality.rectification_unreasonable": _("Case: verified unreasonable"),
    "quality.rectification_appeal": _("Case: appealed"),
    "quality.rectification_uphold": _("Case: appeal upheld"),
    "quality.rectification_reject": _("Case: appeal rejected"),
    "quality.rectification_rectified": _("Case: rectified"),
    "quality.rectification_close": _("Case closed"),
    "quality.rectification_follow_up": _("Case: follow-up recorded"),
    "quality.rectifications_overdue": _("Overdue cases marked"),
    "quality.system_create": _("Indicator system created"),
    "quality.system_version": _("Indicator system: new version"),
    "quality.system_publish": _("Indicator system published"),
    "quality.system_retire": _("Indicator system retired"),
    "quality.indicator_update": _("Indicator changed"),
    "quality.ahp_judgement": _("AHP judgement recorded"),
    "quality.questionnaire_create": _("Questionnaire created"),
    "quality.questionnaire_update": _("Questionnaire changed"),
    "quality.questionnaire_version": _("Questionnaire: new version"),
    "quality.questionnaire_publish": _("Questionnaire published"),
    "quality.response": _("Questionnaire answered"),
    "quality.cleaning_run": _("Answers cleaned"),
    # customers, feedback, navigation, consultation
    "consult.open": _("Question asked of the hall's staff"),
    "consult.answer": _("Consultation answered"),
    "consult.follow_up": _("Follow-up question asked"),
    "consult.close": _("Consultation closed"),
    "consult.faq.save": _("FAQ entry saved"),
    "consult.faq.delete": _("FAQ entry deleted"),
    "consult.faq.promote": _("Answer promoted to the FAQ"),
    "customers.organisation.agent": _("Organisation agent added"),
    "customers.organisation.save": _("Organisation saved"),
    "customers.person.consent": _("Consent recorded"),
    "customers.person.create": _("Person record created"),
    "customers.person.erase": _("Personal data erased"),
    "customers.person.export": _("Personal data exported"),
    "customers.person.identify": _("Person identified"),
    "customers.person.ticket_linked": _("Ticket linked to a person"),
    "customers.person.merge": _("Duplicate records merged"),
    "customers.person.retention": _("Records past retention anonymised"),
    "customers.person.reveal": _("Personal data read in full"),
    "customers.person.search": _("Person searched"),
    "customers.person.update": _("Person record changed"),
    "customers.settings.update": _("Customer settings changed"),
    "customers.item_collection.set": _("Personal fields of a service item changed"),
    "training.course_save": _("Course saved"),
    "training.session_create": _("Training session added"),
    "training.attendance_set": _("Training attendance recorded"),
    "training.question_save": _("Exam question saved"),
    "training.material_add": _("Course material uploaded"),
    "training.material_read": _("Course material opened"),
    "training.required_set": _("Required courses of service items changed"),
    "training.settings": _("Training settings changed"),
    "training.exam_start": _("Exam started"),
    "training.exam_submit": _("Exam submitted"),
    "training.attempts_close": _("Overdue exam attempts closed"),
    "training.certificate_issue": _("Certificate issued"),
    "training.certificates_warn": _("Certificate expiry warnings sent"),
    "training.certificates_expire": _("Certificates expired, qualifications dropped"),
    "training.level_save": _("Level saved"),
    "training.criteria_set": _("Level criteria changed"),
    "training.promote": _("Clerk promoted"),
    "training.level_set": _("Clerk's level recorded"),
    "feedback.accept": _("Feedback accepted"),
    "feedback.answer": _("Feedback answered"),
    "feedback.attach": _("Files attached to feedback"),
    "feedback.attachment_read": _("Feedback attachment opened"),
    "feedback.archive": _("Feedback archived"),
    "feedback.assign": _("Feedback assigned"),
    "feedback.close": _("Feedback closed"),
    "feedback.escalate": _("Overdue feedback escalated"),
    "feedback.investigate": _("Feedback under investigation"),
    "feedback.merge": _("Feedback merged"),
    "feedback.person_moved": _("Feedback moved to the merged person"),
    "feedback.rate": _("Handling rated by the citizen"),
    "feedback.reject": _("Feedback not accepted"),
    "feedback.remind": _("Feedback deadline reminder"),
    "feedback.reopen": _("Feedback reopened"),
    "feedback.settings.update": _("Feedback settings changed"),
    "feedback.submit": _("Feedback received"),
    "feedback.transfer": _("Feedback transferred to another hall"),
    "feedback.verify_phone": _("Feedback mobile number verified"),
    "guides.guide.draft": _("Operating guide draft started"),
    "guides.guide.save": _("Operating guide draft saved"),
    "guides.guide.publish": _("Operating guide published"),
    "guides.procedure.add": _("Special-event procedure added"),
    "guides.procedure.change": _("Special-event procedure changed"),
    "guides.procedure.use": _("Special-event procedure used"),
    "navigation.map_draft_save": _("Hall map draft saved"),
    "navigation.map_publish": _("Hall map published"),
    "navigation.level_save": _("Map floor saved"),
    "navigation.level_delete": _("Map floor deleted"),
    "navigation.space_save": _("Map space saved"),
    "navigation.opening_save": _("Map door saved"),
    "navigation.connector_save": _("Stairs or lift saved"),
    "navigation.point_save": _("Map point placed"),
    "navigation.space_delete": _("Map space deleted"),
    "navigation.opening_delete": _("Map door deleted"),
    "navigation.connector_delete": _("Stairs or lift deleted"),
    "navigation.point_delete": _("Map point deleted"),
    "ticket.customer_moved": _("Ticket moved to the merged person"),
    "ticket.identify": _("Citizen identified on the ticket"),
    # operations analytics
    "analytics.settings": _("Staffing targets changed"),
    "analytics.alert_settings": _("Alert thresholds changed"),
    "analytics.alert_rules": _("Service alert thresholds changed"),
    "analytics.alert_phones": _("Mobiles on duty for alerts changed"),
    "analytics.alerts": _("Alerts opened or resolved"),
    "analytics.alert_note": _("What was done about an alert recorded"),
    "analytics.change_mark": _("Change marked for before and after"),
    "analytics.change_mark_delete": _("Marked change removed"),
    "simulation.request": _("What-if simulation requested"),
    "simulation.start": _("What-if simulation started"),
    "simulation.finish": _("What-if simulation finished"),
    "simulation.fail": _("What-if simulation failed"),
}

# Keys of ``before``/``after`` that are not a field of the audited model (what a service adds to say why).
EXTRA_LABELS = {
    "reason": _("Reason"),
    "note": _("Note"),
    "cancelled": _("Cancelled"),
    "rule": _("Calling rule"),
    "outcome": _("Outcome"),
    "ticket": _("Ticket"),
    "date": _("Date"),
    "start": _("Start"),
    "service": _("Service item"),
    "counter": _("Window"),
    "to_counter": _("To window"),
    "keep_arrival": _("Keeps its place"),
    "found": _("Found"),
    "user": _("User"),
    "name": _("Name"),
    "version": _("Version"),
    "count": _("Count"),
    "ids": _("Records"),
    "reminder": _("Reminder"),
    "revisit_due": _("Revisit due"),
    "rectify_due": _("Rectification due"),
    "department": _("Department"),
    "level": _("Level"),
    "channel": _("Channel"),
    "status": _("Status"),
    "closed": _("Closed"),
    "cr": _("Consistency ratio"),
    "weights": _("Weights"),
    "valid": _("Valid"),
    "total": _("Total"),
    "parent": _("Parent indicator"),
    "experts": _("Experts"),
    "system": _("Indicator system"),
    "hall": _("Hall"),
    "repeats": _("Repeats"),
    "items": _("Items"),
    "scale": _("Scale points"),
    "template": _("Template"),
    "floor": _("Floor"),
    "based_on": _("Based on"),
    "format": _("Format"),
    "created": _("Created"),
    "updated": _("Updated"),
    "periods": _("Periods"),
    "material_checks": _("What to check in each material"),
}

# Codes that appear as values (or as the keys of a value: a cleaning run's counts per rule), by the key
# they are recorded under. Core knows no domain, so each app adds its own at start-up
# (``register_value_labels`` in its ``AppConfig.ready``).
VALUE_LABELS: dict[str, dict] = {}


def register_value_labels(key: str, labels: dict) -> None:
    """Name the codes an app's audit rows carry under ``key`` (called from ``AppConfig.ready``)."""
    VALUE_LABELS.setdefault(key, {}).update(labels)


SYSTEM_JOB = _("ServiceHall (automatic)")
ANONYMOUS = _("Anonymous")


def action_label(code: str) -> str:
    """The action's label in the active language; an unknown code (an older row) reads as itself."""
    label = ACTION_LABELS.get(code)
    return str(label) if label is not None else code


def actor_name(entry) -> str:
    """Who acted, as a person reads it: the user's display name, a device's name, the system, anonymous."""
    user = entry.actor
    if user is not None:
        return getattr(user, "display_name", "") or user.get_username()
    label = entry.actor_label or ""
    if label.startswith("system:"):
        return str(SYSTEM_JOB)
    if label.startswith("device:"):
        return label.split(":", 2)[-1]
    if label == "anonymous":
        return str(ANONYMOUS)
    return label


def _field(object_type: str, key: str):
    try:
        model = apps.get_model(object_type) if "." in object_type else None
    except (LookupError, ValueError):
        model = None
    if model is None:
        return None
    try:
        return model._meta.get_field(key)
    except FieldDoesNotExist:
        return None


def _related(field, value, memo: dict, hall_id) -> str | None:
    """A foreign key's value as its row reads (``str``), looked up once per page: by id, or by code
    where the service recorded the row's code (a service item)."""
    key = (field.related_model, value, hall_id)
    if key not in memo:
        model = field.related_model
        names = {f.name for f in model._meta.concrete_fields}
        by_code = isinstance(value, str) and "code" in names
        try:
            rows = model._default_manager.filter(**({"code": value} if by_code else {"pk": value}))
            if by_code and "hall" in names:
                rows = rows.filter(hall_id=hall_id)
            found = rows.first()
        except (TypeError, ValueError, ValidationError):  # a name where an id was expected
            found = None
        memo[key] = str(found) if found is not None else None
    return memo[key]


def _named(code, labels: dict) -> str:
    label = labels.get(code)
    return str(label) if label is not None else str(code)


def _value(value, field, tz, memo: dict, hall_id=None, codes: dict | None = None) -> str:
    """One value as text: a choice's label, a related row's name, a time in the hall's zone, yes/no, a
    list joined, a dict's keys by their labels; ``codes`` names the codes recorded under this key."""
    codes = codes or {}
    if value is None or value == "":
        return "—"
    if isinstance(value, str) and value[:1] in "{[" and value[-1:] in "]}" and len(value) < 5000:
        # A service that recorded a value as its Python text (``str(dict)``): literals only, no code.
        with contextlib.suppress(ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
            value = ast.literal_eval(value)
    if isinstance(field, models.BooleanField) and value in ("True", "False"):
        value = value == "True"
    if field is not None and getattr(field, "flatchoices", None):
        labels = {str(k): v for k, v in field.flatchoices}
        if str(value) in labels:
            return str(labels[str(value)])
    if isinstance(field, models.ForeignKey) and isinstance(value, int | str):
        name = _related(field, value, memo, hall_id)
        if name:
            return name
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if isinstance(value, list):
        return ", ".join(_value(v, None, tz, memo) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{_named(str(k), codes)}: {_value(v, None, tz, memo)}" for k, v in value.items())
    if isinstance(value, str) and value in codes:
        return str(codes[value])
    if isinstance(value, str) and len(value) > 18 and value[4:5] == "-" and "T" in value:
        try:
            at = datetime.datetime.fromisoformat(value)
        except ValueError:
            return value
        if at.tzinfo is not None:
            return at.astimezone(tz).strftime("%Y-%m-%d %H:%M")
    return str(value)


def _field_label(key: str, field) -> str:
    """The field's verbose name when the model gives one; else the service's key by its label."""
    auto = key.replace("_", " ")
    if field is not None and str(field.verbose_name) != auto:
        name = str(field.verbose_name)
    elif key in EXTRA_LABELS:
        name = str(EXTRA_LABELS[key])
    else:
        name = auto
    return name[:1].upper() + name[1:]


def changes(entry, tz, memo: dict | None = None) -> list[dict]:
    """``before`` and ``after`` as one row per field: ``{"field", "before", "after"}`` (``before`` None
    when the entry recorded no earlier value), in the order the service wrote them. ``memo`` keeps the
    related rows looked up, across the entries of one page."""
    memo = {} if memo is None else memo
    before = entry.before if isinstance(entry.before, dict) else {}
    after = entry.after if isinstance(entry.after, dict) else {}
    rows = []
    for key in list(before) + [k for k in after if k not in before]:
        field = _field(entry.object_type, key)
        codes = VALUE_LABELS.get(key, {})

        def shown(value, field=field, codes=codes):
            return _value(value, field, tz, memo, entry.hall_id, codes)

        rows.append(
            {
                "field": _field_label(key, field),
                "before": shown(before[key]) if key in before else None,
                "after": shown(after[key]) if key in after else None,
            }
        )
    return rows
