"""The audit trail as a manager reads it: every action code the code base can write has a label, the
page shows labels, people's names, the changes field by field and the hall's own time."""

import datetime
import re
from pathlib import Path

import pytest
import time_machine
from django.test import Client
from django.utils import translation

from servicehall.cases.choices import CaseAction
from servicehall.core.actors import Actor
from servicehall.core.audit import audit_record
from servicehall.core.audit_labels import ACTION_LABELS
from servicehall.feedback.choices import FeedbackAction
from servicehall.quality.choices import RectificationAction
from servicehall.queueing.choices import TicketAction

SRC = Path(__file__).resolve().parents[2] / "src" / "servicehall"

# An f-string action code names its varying part from one of these choices (the service passes a value).
EXPANDED = {
    "eforms.{action}": [
        f"eforms.{a}"
        for a in (
            "version.draft",
            "version.save",
            "version.publish",
            "filled.save",
            "filled.complete",
            "filled.link",
        )
    ],
    "cases.{action}": ["cases.submit", "cases.accept", "cases.visit"]
    + [f"cases.{a.replace('-', '_')}" for a in CaseAction.values],
    "ticket.{action}": [f"ticket.{a}" for a in TicketAction.values],
    "quality.rectification_{action}": [f"quality.rectification_{a}" for a in RectificationAction.values],
    "feedback.{action}": ["feedback.submit", *(f"feedback.{a}" for a in FeedbackAction.values)],
    "feedback.{kind}": ["feedback.remind", "feedback.escalate"],
    "cases.{kind}": ["cases.remind", "cases.escalate"],
    "navigation.{action}": [
        f"navigation.{a}"
        for a in (
            "level_save",
            "level_delete",
            "space_save",
            "opening_save",
            "connector_save",
            "point_save",
            *(f"{what}_delete" for what in ("space", "opening", "connector", "point")),
        )
    ],
    "customers.person.{action}": [
        f"customers.person.{a}"
        for a in ("create", "identify", "update", "reveal", "consent", "merge", "erase", "export")
    ],
}
CODE = re.compile(r'f?"([a-z_]+(?:\.[a-z_\-{}]+)+)"')


def emitted_action_codes() -> set[str]:
    """Every audit action code in the source: the string literals on lines that pass ``action=``
    (``audit_record``, ``sweep_audit``, ``hall_settings_update``), f-strings expanded by their choices."""
    codes = set()
    for path in SRC.rglob("*.py"):
        if "migrations" in path.parts or path.name == "audit_labels.py":
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            if "action=" not in line:
                continue
            # What is passed as action=, up to the next keyword argument on the line.
            passed = re.split(r",\s*\w+=", line.split("action=", 1)[1])[0]
            for code in CODE.findall(passed):
                if "{" in code:
                    assert code in EXPANDED, f"{path.name}: the f-string action {code} has no expansion"
                    codes.update(EXPANDED[code])
                else:
                    codes.add(code)
    return codes


def test_the_scan_finds_the_codes_it_should():
    codes = emitted_action_codes()
    known_codes = ("ticket.call", "ticket.no-show", "appointment.holds_expire", "quality.settings")
    for known in known_codes:
        assert known in codes


def test_every_audit_action_the_code_writes_has_a_label():
    missing = sorted(emitted_action_codes() - set(ACTION_LABELS))
    assert not missing, f"audit actions without a label in core/audit_labels.py: {missing}"


@pytest.mark.django_db
def test_the_audit_page_shows_labels_names_field_changes_and_the_halls_time(staff, hall_a):
    from servicehall.core.models import Counter
    from servicehall.queueing.models import Ticket

    counter = Counter.objects.filter(hall=hall_a).first()

    manager = staff["manager_a"]
    manager.display_name = "王主任"
    manager.save(update_fields=["display_name"])
    # 02:15 UTC is 10:15 in Shanghai, the hall's zone.
    with time_machine.travel(datetime.datetime(2026, 5, 4, 2, 15, 30, tzinfo=datetime.UTC), tick=False):
        audit_record(
            actor=Actor(user=manager, ip="10.0.0.9"),
            action="ticket.call",
            hall=hall_a,
            object_type=Ticket._meta.label_lower,
            object_id="1",
            object_repr="A001",
            before={"status": "waiting"},
            after={
                "status": "called",
                "counter": counter.pk,
                "keep_arrival": True,
                "rule": "normal",
                "priority": "normal",
            },
        )
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(manager)
    page = client.get(f"/staff/{hall_a.code}/audit/", {"action": "ticket."}).content.decode()
    text = re.sub(r"\s+", " ", page)
    assert "Ticket called" in text
    assert "王主任" in text
    assert "Status:</span> Waiting → Called" in text
    assert f"Window:</span> {counter}" in text  # the row's name, not its id
    assert "Keeps its place:</span> yes" in text
    assert "Calling rule:</span> In order of arrival" in text  # a code inside a value, by its label
    assert text.count("In order of arrival") == 1  # the priority class "normal" is another code
    assert "2026-05-04 10:15:30" in text and "Asia/Shanghai" in text
    assert "{&#x27;status&#x27;" not in text and "{'status'" not in text


def test_values_recorded_as_python_text_read_as_values():
    from zoneinfo import ZoneInfo

    from servicehall.core.audit_labels import changes
    from servicehall.core.models import AuditEntry

    entry = AuditEntry(
        object_type="core.counter",
        before={"active": "True"},
        after={"active": "False", "periods": str({"0": [["08:30", "12:00"]]})},
    )
    with translation.override("en"):
        rows = {r["field"]: r for r in changes(entry, ZoneInfo("Asia/Shanghai"))}
    assert rows["Active"]["before"] == "yes" and rows["Active"]["after"] == "no"
    assert rows["Periods"]["after"] == "0: 08:30, 12:00"
