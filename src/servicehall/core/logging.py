"""Logging filters."""

import logging

# Answers the product gives on purpose (not found, a conflict such as a full slot, bad input): a rush on a
# popular slot answers thousands of 409s a minute, which would drown the server log. 401, 403 and 429 stay:
# they can tell of an attack.
EXPECTED_STATUSES = {404, 409, 422}


class ExpectedAnswers(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return getattr(record, "status_code", None) not in EXPECTED_STATUSES
