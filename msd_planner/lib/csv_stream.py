"""CSV sent as its rows are read: UTF-8 with the BOM that lets Excel read it, a few
hundred rows at a time, numbers as plain decimals and text that a spreadsheet would run
as a formula made inert. The funding table's export and the approved values for the SDG
database are written with it."""

import csv
from collections.abc import Iterable, Iterator
from decimal import Decimal

CONTENT_TYPE = "text/csv; charset=utf-8"
# What a spreadsheet reads as the start of a formula (OWASP's CSV injection list).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Rows sent to the client at a time.
ROWS_PER_CHUNK = 200


def plain_cell(value: object) -> str:
    """A CSV cell: a Decimal as plain digits with a point, never in exponent notation
    (``Decimal("1E+2")`` is 100; a negative amount stays a number); text a spreadsheet
    would run as a formula ("=HYPERLINK(…)") starts with an apostrophe; None is empty."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class _Lines:
    """What ``csv.writer`` writes to: each line handed back rather than kept."""

    def write(self, line: str) -> str:
        return line


def csv_chunks(headers: list[str], rows: Iterable[Iterable[object]]) -> Iterator[bytes]:
    """The header and rows as CSV bytes, a chunk every ``ROWS_PER_CHUNK`` rows (the rows
    are read as they are sent, never all held); the first chunk starts with the BOM."""
    writer = csv.writer(_Lines())
    lines = ["\ufeff" + writer.writerow([plain_cell(header) for header in headers])]
    for row in rows:
        lines.append(writer.writerow([plain_cell(value) for value in row]))
        if len(lines) >= ROWS_PER_CHUNK:
            yield "".join(lines).encode("utf-8")
            lines = []
    yield "".join(lines).encode("utf-8")
