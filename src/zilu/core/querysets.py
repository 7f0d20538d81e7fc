"""Querysets that know who may see and act on their rows: :class:`RestrictedQuerySet` (used through
:mod:`zilu.core.workflow`). Apart from the workflow kernel so that ``core.models`` can use it too (the kernel
imports the models for the audit entry)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Generic, TypeVar

from django.db import models

if TYPE_CHECKING:
    from zilu.core.actors import Actor


M = TypeVar("M", bound=models.Model)

VIEW = "view"
CHANGE = "change"


class RestrictedQuerySet(models.QuerySet[M], Generic[M]):
    """A queryset that knows who may see and act on its rows (NetBox's ``RestrictedQuerySet.restrict``).

    Subclasses implement ``visible_to(actor)``; ``changeable_by(actor)`` defaults to it.
    """

    def visible_to(self, actor: Actor) -> RestrictedQuerySet[M]:  # pragma: no cover - every subclass overrides it
        raise NotImplementedError(f"{type(self).__name__} must implement visible_to()")

    def changeable_by(self, actor: Actor) -> RestrictedQuerySet[M]:
        return self.visible_to(actor)

    def restrict(self, actor: Actor, action: str = VIEW) -> RestrictedQuerySet[M]:
        """The rows ``actor`` may ``view`` or ``change``; an unknown action is a programming error."""
        if action == VIEW:
            return self.visible_to(actor)
        if action == CHANGE:
            return self.changeable_by(actor)
        raise ValueError(f"unknown action {action!r}; use {VIEW!r} or {CHANGE!r}")


__all__ = ["CHANGE", "VIEW", "RestrictedQuerySet"]
