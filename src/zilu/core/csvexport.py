"""The one CSV writer for every export: UTF-8 with a BOM (spreadsheet programs then read the Chinese correctly), and
no cell that a spreadsheet would run as a formula.

A text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is prefixed with an apostrophe
(OWASP's advice on CSV injection): a complaint subject ``=HYPERLINK(...)`` reaches the supervising department's
spreadsheet as text. Numbers stay numbers (``-3`` given as an int is not text). Python's :mod:`csv` quotes, but
does not neutralise, which is why this module exists.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpResponse

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
CONTENT_TYPE = "text/csv; charset=utf-8"


def neutralise(value: Any) -> str:
    """One cell as text: ``None`` is empty, numbers and dates as they are, text that would start a formula quoted."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float | Decimal | date | datetime):
        return value.isoformat() if isinstance(value, date | datetime) else str(value)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def render(header: Sequence[str], rows: Iterable[Sequence[Any] | Mapping[str, Any]]) -> str:
    """The CSV text (with the BOM) of ``rows``: sequences in ``header``'s order, or mappings keyed by it."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow([neutralise(name) for name in header])
    for row in rows:
        cells = [row.get(name, "") for name in header] if isinstance(row, Mapping) else row
        writer.writerow([neutralise(cell) for cell in cells])
    return out.getvalue()


def csv_response(
    filename: str,
    header: Sequence[str],
    rows: Iterable[Sequence[Any] | Mapping[str, Any]],
    *,
    private: bool = False,
    headers: Mapping[str, str] | None = None,
) -> HttpResponse:
    """An attachment download of :func:`render`. ``private`` exports are never stored by a cache."""
    response = HttpResponse(render(header, rows), content_type=CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    if private:
        response["Cache-Control"] = "private, no-store"
    for name, value in (headers or {}).items():
        response[name] = value
    return response


__all__ = ["CONTENT_TYPE", "FORMULA_START", "csv_response", "neutralise", "render"]
