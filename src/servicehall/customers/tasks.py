"""Periodic jobs of customer records, run by ``servicehall worker``."""

from servicehall.core.jobs import job


@job("customers.retention", every_seconds=24 * 3600)
def retention() -> str:
    """Anonymise the records past each hall's retention, in batches (see
    ``services.persons_retention_sweep``: resumable, one audit row per batch)."""
    from servicehall.core.models import Hall
    from servicehall.customers.services import persons_retention_sweep

    erased = sum(persons_retention_sweep(hall=hall)["erased"] for hall in Hall.objects.filter(active=True))
    return f"erased {erased}"
