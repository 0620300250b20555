"""Periodic jobs of the quality module, run by ``servicehall worker`` (each safe to run twice)."""

from servicehall.core.jobs import job
from servicehall.quality.services import monthly_report_write, ratings_default, rectifications_overdue


@job("quality.default_ratings", every_seconds=3600)
def default_ratings() -> str:
    return f"recorded {ratings_default()}"


@job("quality.rectifications_overdue", every_seconds=600)
def overdue() -> str:
    return f"alerted {rectifications_overdue()}"


@job("quality.monthly_reports", every_seconds=3600)
def monthly_reports() -> str:
    """After a month ends, write each hall's report of that month (PDF and CSV) to var/reports/<hall>/,
    once, with the hall's newest published indicator system."""
    return f"written {monthly_report_write()}"
