"""Log lines that carry the request id: one JSON object per line (``ZILU_LOG_FORMAT=json``, the production default)
or text. Used by ``settings.LOGGING``; the stdlib is enough, so no logging library.

A JSON line has ``time`` (UTC), ``level``, ``logger``, ``message``, ``request_id`` (null outside a request),
``exception`` when there is one, and any ``extra=`` fields. gunicorn's access lines (logger ``gunicorn.access``) also
get an ``http`` object and the request id that Zilu's middleware put in the ``X-Request-ID`` response header, since
they are written after the request's context has ended.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import Any

# Attributes every LogRecord has; anything else on a record came from ``extra=`` and goes into the JSON object.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime", "request_id"}
_ACCESS_FIELDS = {"h": "remote", "m": "method", "U": "path", "q": "query", "s": "status", "B": "bytes", "a": "agent"}


def _current_request_id() -> str | None:
    # Only where the request-id module is loaded (by the middleware): the server's main process formats its own
    # lines with this formatter and must not load Django or Zilu's code (a HUP would not reload what it imported).
    requestid = sys.modules.get("zilu.core.requestid")
    return requestid.current_request_id() if requestid is not None else None


def _access_atoms(record: logging.LogRecord) -> dict[str, Any] | None:
    """gunicorn logs an access line as ``access_log_format % atoms``: the atoms are the record's args."""
    if record.name == "gunicorn.access" and isinstance(record.args, dict):
        return record.args
    return None


class RequestIdFilter(logging.Filter):
    """Puts ``request_id`` on every record (``-`` outside a request), for the text format and the JSON one."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            atoms = _access_atoms(record)
            if atoms:
                request_id = atoms.get("{x-request-id}o")
            else:
                # django.request logs a 4xx/5xx after the middleware has left the request's context, but passes the
                # request along.
                request_id = _current_request_id() or getattr(getattr(record, "request", None), "request_id", None)
            record.request_id = request_id or "-"
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per record, on one line (tracebacks included, as a string)."""

    def format(self, record: logging.LogRecord) -> str:
        request_id = getattr(record, "request_id", None) or _current_request_id()
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC)
            .isoformat(timespec="milliseconds")
            .replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": None if request_id in (None, "-") else request_id,
        }
        if record.exc_info:
            entry["exception"] = record.exc_text or self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = value
        atoms = _access_atoms(record)
        if atoms:
            http = {
                name: atoms.get(atom) for atom, name in _ACCESS_FIELDS.items() if atoms.get(atom) not in (None, "", "-")
            }
            if str(http.get("status", "")).isdigit():
                http["status"] = int(str(http["status"]))
            if "D" in atoms:  # microseconds
                http["duration_ms"] = round(int(atoms["D"]) / 1000, 3)
            entry["http"] = http
        return json.dumps(entry, ensure_ascii=False, default=str)
