"""Every CSV the project writes is safe to open in a spreadsheet (OWASP's CSV injection rule)."""

import csv
import io
import re
from pathlib import Path

import servicehall
from servicehall.core.csvcells import SafeWriter, read_cell, safe_cell


def test_cells_that_start_like_a_formula_get_a_quote_and_read_back_unchanged():
    out = io.StringIO()
    values = ["=1+1", "-5", "+86 138", "@SUM(A1)", "\tx", "\rx", "社保", 12, None]
    SafeWriter(csv.writer(out)).writerow(values)
    row = next(csv.reader(io.StringIO(out.getvalue())))
    assert row[:6] == ["'=1+1", "'-5", "'+86 138", "'@SUM(A1)", "'\tx", "'\rx"]
    assert row[6:8] == ["社保", "12"]
    assert [read_cell(c) for c in row[:4]] == ["=1+1", "-5", "+86 138", "@SUM(A1)"]
    assert safe_cell(-5) == -5  # numbers stay numbers


def test_no_module_writes_csv_without_the_safe_writer():
    src = Path(servicehall.__file__).parent
    bare = []
    for path in src.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for match in re.finditer(r"csv\.(writer|DictWriter)\(", text):
            line = text[: match.start()].rsplit("\n", 1)[-1]
            if "SafeWriter(" not in line and "safe_row" not in text:
                bare.append(f"{path.relative_to(src)}: {line.strip()}")
    assert not bare, bare
