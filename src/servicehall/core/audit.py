"""Writing the audit trail. Call ``audit_record`` inside the same transaction as the change it records,
so a rolled-back change leaves no audit row and a committed one always has its row."""

import datetime
import decimal
import uuid
from dataclasses import dataclass

from django.db import models
from django.forms.models import model_to_dict
from django.utils import timezone

from servicehall.core.actors import Actor
from servicehall.core.models import AuditEntry


@dataclass(frozen=True)
class SystemActor(Actor):
    """ServiceHall itself acting on a rule, not a person or a device: a worker sweep, the end of a day.
    No user and no address; the audit row's actor reads ``system:<job>`` (for example
    ``system:queueing.close_previous_days``), so the trail says which rule changed the rows."""

    job: str = "system"

    @property
    def label(self) -> str:
        return f"system:{self.job}"


# Fields never copied into the audit trail in clear (personal data is referenced, not duplicated).
SENSITIVE_FIELDS = {"password", "digest", "id_number", "id_number_encrypted", "phone_encrypted"}


def _jsonable(value):
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return value


def snapshot(obj: models.Model, fields: list[str] | None = None) -> dict:
    """A JSON-safe dict of a model's concrete fields (without secrets), for ``before`` and ``after``."""
    data = model_to_dict(obj, fields=fields)
    for f in obj._meta.concrete_fields:
        if f.name not in data and (fields is None or f.name in fields) and not f.primary_key:
            data[f.name] = getattr(obj, f.attname)
    return {k: _jsonable(v) for k, v in data.items() if k not in SENSITIVE_FIELDS}


def audit_record(
    *,
    actor: Actor,
    action: str,
    hall=None,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    before: dict | None = None,
    after: dict | None = None,
) -> AuditEntry:
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:200]
    return AuditEntry.objects.create(
        at=timezone.now(),
        actor_id=actor.user_id,
        actor_label=actor.label[:150],
        hall=hall,
        action=action,
        object_type=object_type,
        object_id=str(object_id)[:64],
        object_repr=object_repr[:200],
        ip=actor.ip,
        before=_jsonable(before) if before is not None else None,
        after=_jsonable(after) if after is not None else None,
    )
