"""What the form services share: who may do what, and the audit row."""

from servicehall.core.actors import Actor
from servicehall.core.audit import audit_record
from servicehall.core.choices import Role

MANAGERS = (Role.MANAGER,)
STAFF = (Role.MANAGER, Role.CLERK)


def audit(
    actor: Actor, action: str, obj, *, hall, before: dict | None = None, after: dict | None = None
) -> None:
    audit_record(actor=actor, action=f"eforms.{action}", hall=hall, obj=obj, before=before, after=after)
