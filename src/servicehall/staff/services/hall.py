"""A service item's hall-specific settings in one save: the ticket prefix and standard minutes live in
the catalogue, the daily cap in the queue settings; both change through their own apps' services, in
one transaction, so a refused cap leaves the prefix unchanged too."""

from django.db import transaction
from django.utils.translation import gettext as _

from servicehall.catalog.models import ServiceItem
from servicehall.catalog.services import item_save, item_to_data
from servicehall.core.actors import Actor
from servicehall.core.errors import Invalid
from servicehall.core.models import Hall
from servicehall.queueing import services as queue_services
from servicehall.queueing.selectors import settings_get
from servicehall.staff.services.common import require_manager


@transaction.atomic
def item_settings_set(
    *,
    actor: Actor,
    hall: Hall,
    item: ServiceItem,
    ticket_prefix: str,
    daily_cap: int | None,
    standard_minutes: int,
) -> ServiceItem:
    """Change an item's prefix, daily ticket cap (None: no cap) and standard minutes (manager only)."""
    require_manager(actor, hall)
    if item.hall_id != hall.pk:
        raise Invalid(fields={"service": [_("No such service in this hall.")]})
    if daily_cap is not None and not (isinstance(daily_cap, int) and 0 <= daily_cap <= 9999):
        raise Invalid(fields={"daily_cap": [_("Give a number from 0 to 9999, or leave it empty.")]})
    data = item_to_data(item)
    if (data["ticket_prefix"], data["standard_minutes"]) != (ticket_prefix, standard_minutes):
        data.update(ticket_prefix=(ticket_prefix or "").upper(), standard_minutes=standard_minutes)
        item = item_save(actor=actor, hall=hall, data=data)
    caps = dict(settings_get(hall=hall).daily_caps or {})
    wanted = dict(caps)
    if daily_cap is None:
        wanted.pop(item.code, None)
    else:
        wanted[item.code] = daily_cap
    if wanted != caps:
        queue_services.settings_update(actor=actor, hall=hall, daily_caps=wanted)
    return item
