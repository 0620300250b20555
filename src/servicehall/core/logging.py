"""Logging filters."""

import logging

# Answers the product gives on purpose (not found, a conflict such as a full slot, bad input): a rush on a
# popular slot answers thousands of 409s a minute, which would drown the server log. 401, 403 and 429 stay:
# they can tell of an attack.
EXPECTED_STATUSES = {404, 409, 422}


class ExpectedAnswers(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return getattr(record, "status_code", None) not in EXPECTED_STATUSES


class OutageTracebacks(logging.Filter):
    """Drop Django's per-request traceback when the database is away: the outage is logged once a minute
    by ``core.middleware.note_outage`` instead (a 7-second outage used to print hundreds of tracebacks)."""

    def filter(self, record: logging.LogRecord) -> bool:
        from servicehall.core.middleware import is_outage, note_outage

        exception = record.exc_info[1] if record.exc_info else None
        if exception is not None and is_outage(exception):
            note_outage(exception)
            return False
        return True
