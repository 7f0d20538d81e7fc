"""The workflow kernel: one way to load what an actor may see, and one way to change a record's status.

Every domain app follows the same shape (Zulip's ``do_change_user_role`` is the model):

1. ``obj = access(Model.objects.restrict(actor, "change"), pk, for_update=True)`` — load the row only if the actor may
   act on it, and lock it; :class:`NotFound` otherwise, so the existence of records the actor may not see is never
   confirmed.
2. ``transition(obj, Model.Status.X, actor=actor, action="app.model.verb", changes={...})`` — check the model's
   declared ``TRANSITIONS`` table, set the status and the other named fields, save exactly those fields, and write
   the audit entry with the old and the new values, in the caller's transaction.
3. ``notify(...)`` and ``enqueue(...)`` — sent after commit (see :mod:`zilu.core.notify`, :mod:`zilu.core.outbox`).

A model that takes part declares::

    class Status(models.TextChoices): ...
    TRANSITIONS: dict[str, set[str]] = {Status.A: {Status.B}, Status.B: set()}
    TRANSITION_ERROR = _("A thing that is “%(status)s” cannot become “%(target)s”.")  # optional

and its queryset derives from :class:`RestrictedQuerySet`, implementing ``visible_to(actor)`` (and, where acting
needs more than seeing, ``changeable_by(actor)``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from django.db import models
from django.utils.translation import gettext as _

from zilu.core import audit
from zilu.core.actors import Actor
from zilu.core.errors import InvalidTransition, NotFound
from zilu.core.models import AuditEntry
from zilu.core.querysets import CHANGE, VIEW, RestrictedQuerySet

M = TypeVar("M", bound=models.Model)


def access(queryset: models.QuerySet[M], pk: Any = None, *, for_update: bool = False, **lookup: Any) -> M:
    """The one row of ``queryset`` with ``pk`` (or matching ``lookup``), or :class:`NotFound`.

    With ``for_update`` the row is locked until the end of the transaction. The restricted queryset may join other
    tables (parties, members) and use ``DISTINCT``, which cannot be locked, so the check and the lock are two queries:
    the second locks the row alone, by primary key.
    """
    if pk is not None:
        lookup = {"pk": pk, **lookup}
    if not lookup:
        raise TypeError("access() needs a primary key or a lookup")
    try:
        if not for_update:
            found = queryset.filter(**lookup).first()
        else:
            key = queryset.filter(**lookup).values_list("pk", flat=True).first()
            found = None if key is None else queryset.model._base_manager.select_for_update().filter(pk=key).first()
    except (ValueError, TypeError):  # a malformed key (a string where a number belongs) finds nothing
        found = None
    if found is None:
        raise NotFound()
    return found


def can_transition(obj: models.Model, target: str, *, field: str = "status") -> bool:
    """Whether the model's ``TRANSITIONS`` table allows ``obj`` to move to ``target``."""
    table: Mapping[str, Iterable[str]] = type(obj).TRANSITIONS  # type: ignore[attr-defined]
    return target in table.get(getattr(obj, field), ())


def _label(obj: models.Model, field: str, value: Any) -> str:
    choices = dict(type(obj)._meta.get_field(field).flatchoices)  # type: ignore[union-attr]
    return str(choices.get(value, value))


def check_transition(obj: models.Model, target: str, *, field: str = "status") -> None:
    """Refuse with :class:`InvalidTransition` unless the table allows ``obj`` to move to ``target``."""
    if can_transition(obj, target, field=field):
        return
    template = getattr(type(obj), "TRANSITION_ERROR", None) or _(
        "A record that is “%(status)s” cannot become “%(target)s”."
    )
    raise InvalidTransition(
        str(template) % {"status": _label(obj, field, getattr(obj, field)), "target": _label(obj, field, target)}
    )


def transition(
    obj: M,
    target: str,
    *,
    actor: Actor,
    action: str,
    changes: Mapping[str, Any] | None = None,
    audit_fields: Iterable[str] = (),
    unaudited: Iterable[str] = (),
    extra_after: Mapping[str, Any] | None = None,
    record_before: bool = True,
    field: str = "status",
    object_type: str = "",
) -> AuditEntry:
    """Move ``obj`` to ``target``: check the table, set the status and ``changes``, save those fields, audit.

    The audit entry records the status, ``changes`` and ``audit_fields`` (fields set by the caller before the call, or
    derived in ``save()``) before and after, except the names in ``unaudited`` (bookkeeping that the entry has never
    carried: a timestamp, a note); ``extra_after`` adds values to ``after`` (a reason); ``record_before=False``
    leaves ``before`` empty for entries that record only the outcome; ``object_type`` overrides the entry's object
    type (a model that moved apps keeps its audit name). Must run inside the caller's transaction, with ``obj``
    loaded by :func:`access` ``for_update``.
    """
    check_transition(obj, target, field=field)
    changes = dict(changes or {})
    hidden = set(unaudited)
    recorded = [name for name in dict.fromkeys([field, *changes, *audit_fields]) if name not in hidden]
    before = audit.changes(obj, recorded) if record_before else None
    setattr(obj, field, target)
    for name, value in changes.items():
        setattr(obj, name, value)
    obj.save(update_fields=list(dict.fromkeys([field, *changes, *_auto_now_fields(obj)])))
    after = audit.changes(obj, recorded)
    if extra_after:
        after.update(extra_after)
    return audit.record(actor, action, obj, before=before, after=after, object_type=object_type)


def _auto_now_fields(obj: models.Model) -> list[str]:
    """``auto_now`` fields are set by ``save()``; with ``update_fields`` they must be named to be written."""
    return [f.name for f in obj._meta.concrete_fields if getattr(f, "auto_now", False)]


__all__ = [
    "CHANGE",
    "VIEW",
    "RestrictedQuerySet",
    "access",
    "can_transition",
    "check_transition",
    "transition",
]
