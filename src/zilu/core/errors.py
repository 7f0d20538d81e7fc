"""Domain errors. Actions raise them; the API turns them into RFC 7807 problem details, pages into messages."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

UNSTORABLE_MESSAGE = _("The text contains a character that cannot be stored (a NUL or an unpaired surrogate).")


class DomainError(Exception):
    """A refused action. ``status`` is the HTTP status the API answers with."""

    status = 409
    code = "conflict"
    default_message: Any = _("The request conflicts with the current state.")

    def __init__(self, message: Any = None, *, field: str | None = None, **extra: Any) -> None:
        self.message = message if message is not None else self.default_message
        self.field = field
        self.extra = extra
        super().__init__(str(self.message))

    def errors(self) -> list[dict[str, str]]:
        """Field-level errors, for the problem's ``errors`` member."""
        if self.field:
            return [{"field": self.field, "reason": str(self.message), "code": self.code}]
        return []


class InvalidTransition(DomainError):
    """An illegal state transition in a workflow's transition table."""

    code = "invalid_transition"
    default_message = _("This action is not allowed in the record's current state.")


class Duplicate(DomainError):
    """A duplicate submission."""

    code = "duplicate"
    default_message = _("This has already been submitted.")


class ValidationFailed(DomainError):
    """Input that breaks a rule. Carries one or more field-level errors."""

    status = 422
    code = "validation_error"
    default_message = _("The submitted data is not valid.")

    def __init__(
        self,
        message: Any = None,
        *,
        field: str | None = None,
        errors: list[dict[str, str]] | None = None,
    ) -> None:
        super().__init__(message, field=field)
        self._errors = errors or []

    def errors(self) -> list[dict[str, str]]:
        return self._errors + super().errors()


class Forbidden(DomainError):
    """The actor's role does not allow the action."""

    status = 403
    code = "forbidden"
    default_message = _("You do not have permission to do this.")


class NotFound(DomainError):
    """The record does not exist or is not visible to the actor (the two are indistinguishable on purpose)."""

    status = 404
    code = "not_found"
    default_message = _("Not found.")


class Throttled(DomainError):
    """Too many attempts."""

    status = 429
    code = "throttled"
    default_message = _("Too many attempts. Please try again later.")


class ServiceUnavailable(DomainError):
    """A part the action needs is not working (e.g. misconfigured banks)."""

    status = 503
    code = "service_unavailable"
    default_message = _("The service is temporarily unavailable.")


class PayloadTooLarge(DomainError):
    """Input beyond a documented size limit."""

    status = 413
    code = "payload_too_large"
    default_message = _("The submitted content is too large.")


# The problem details object every API error answers with (RFC 7807), as declared in the OpenAPI schema, and the
# problem responses every operation can give. The responses themselves are built in zilu.core.problems.
PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "Problem",
    "description": "RFC 7807 problem details (application/problem+json).",
    "type": "object",
    "required": ["type", "title", "status"],
    "properties": {
        "type": {"type": "string", "description": "urn:zilu:problem:<code>"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "request_id": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"field": {"type": "string"}, "reason": {"type": "string"}, "code": {"type": "string"}},
            },
        },
    },
}
PROBLEMS = {
    "401": "Not signed in, or no valid API key",
    "403": "The role does not allow this",
    "404": "Not found, or not visible to you",
    "409": "Not allowed in the record's current state, or a duplicate",
    "422": "Invalid input; `errors` names each field",
}
