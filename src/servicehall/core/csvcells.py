"""Cells of the CSV files the project writes, safe to open in a spreadsheet.

A cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read by Excel, WPS and
LibreOffice as a formula: a service name typed as ``=HYPERLINK(...)`` would run on the manager's machine.
OWASP's rule: put a single quote before such a cell (the spreadsheet shows the text, not a formula).
``read_cell`` undoes it when our own export comes back as an import, so a round trip changes nothing.
"""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """``value`` as written to a CSV cell: text starting like a formula gets a leading single quote;
    numbers stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_row(row):
    """Every cell of a row (a list, or a dict for ``csv.DictWriter``) made safe."""
    if isinstance(row, dict):
        return {k: safe_cell(v) for k, v in row.items()}
    return [safe_cell(v) for v in row]


def read_cell(value: str) -> str:
    """A cell read back from a CSV we wrote: the quote ``safe_cell`` added is removed."""
    if isinstance(value, str) and value.startswith("'") and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value


class SafeWriter:
    """A ``csv.writer`` whose every row goes through ``safe_row``: wrap the writer once, not each call."""

    def __init__(self, writer):
        self._writer = writer

    def writerow(self, row):
        return self._writer.writerow(safe_row(row))

    def writerows(self, rows):
        return self._writer.writerows(safe_row(r) for r in rows)
