"""Helpers shared by the training services: who may do what, and the audit row."""

from servicehall.core.actors import Actor
from servicehall.core.audit import audit_record
from servicehall.core.choices import Role

MANAGERS = (Role.MANAGER,)
LEARNERS = (Role.CLERK, Role.MANAGER)


def audit(actor: Actor, code: str, obj, hall, /, **after) -> None:
    """One audit row; ``code`` is the full action code (``training.exam_submit``)."""
    audit_record(actor=actor, action=code, hall=hall, obj=obj, after=after or None)
