"""Errors raised by the screening engine. All derive from :class:`ScreeningError`."""

from __future__ import annotations


class ScreeningError(Exception):
    """Base class of every error the engine raises on purpose."""


class InputTooLarge(ScreeningError):
    """A text (or title) is longer than the policy's ``max_chars``.

    ``size`` is the length in code points, ``limit`` the configured maximum and ``field`` ``"text"`` or ``"title"``.
    """

    def __init__(self, size: int, limit: int, field: str = "text") -> None:
        super().__init__(f"{field} has {size} characters, more than the limit of {limit}")
        self.size = size
        self.limit = limit
        self.field = field


class BankFormatError(ScreeningError):
    """A bank file or bank export is malformed; the message says where."""


class PolicyError(ScreeningError):
    """A policy document has an unknown key or a value of the wrong type."""
