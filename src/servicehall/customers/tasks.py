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


@job("customers.segment_summaries", every_seconds=600)
def segment_summaries() -> str:
    """Each hall's segment summaries up to the last closed day (``summaries.refresh``): the first run
    back-fills, later runs build the new day, the days whose ratings may still come, and stale days.
    One hall failing does not stop the others."""
    import logging

    from servicehall.core.models import Hall
    from servicehall.customers import summaries

    days = 0
    for hall in Hall.objects.filter(active=True):
        try:
            days += summaries.refresh(hall=hall)["days"]
        except Exception:  # noqa: BLE001 (logged; the next run tries again)
            logging.getLogger(__name__).exception("segment summaries of %s failed", hall.code)
    return f"{days} days"
