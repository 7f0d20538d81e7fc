"""The id of the request being served, set by :class:`zilu.core.middleware.RequestIdMiddleware` and read by the audit
log, the problem details and the log formatter. Apart from the middleware so that those can import it without the
middleware (which itself builds problem responses)."""

from __future__ import annotations

from contextvars import ContextVar

request_id_var: ContextVar[str | None] = ContextVar("zilu_request_id", default=None)


def current_request_id() -> str | None:
    """The id of the request being served, if any."""
    return request_id_var.get()


__all__ = ["current_request_id", "request_id_var"]
