"""The holiday calendar of the installation, shared by every process, and the deadlines that wait for it.

:mod:`zilu.core.deadlines` is the arithmetic and knows nothing of Django. This module keeps its supplements (years
the ``chinese_calendar`` package does not cover yet, from the State Council's notice) in the database, so that a
year loaded with ``zilu calendar load`` on one machine is used by every web process and worker within
:data:`SYNC_SECONDS`, and recomputes every stored provisional deadline when a year arrives.

A model whose deadlines can be provisional mixes in :class:`ProvisionalDeadlines`: it names its boolean flag and
implements ``recompute_deadlines()``; :func:`recompute_provisional` finds every such row and brings it up to date.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, ClassVar

from django.apps import apps
from django.db import DatabaseError, models, transaction
from django.utils.translation import gettext

from zilu.core import audit, deadlines
from zilu.core.actors import Actor, StaffActor
from zilu.core.models import HolidayYear

logger = logging.getLogger(__name__)

#: How often a process looks for years loaded by another process.
SYNC_SECONDS = 30.0

_state_lock = threading.Lock()
_last_sync = 0.0
_known: dict[int, str] = {}  # year -> loaded_at of the stored row this process registered


class ProvisionalDeadlines:
    """Mixed into a model that stores deadlines which may be provisional (computed beyond the official calendar)."""

    PROVISIONAL_FLAG: ClassVar[str] = "deadline_provisional"

    def recompute_deadlines(self) -> list[str]:  # pragma: no cover - every model that mixes this in implements it
        """Recompute the stored deadlines with :func:`zilu.core.deadlines.compute`, set the flag from the result,
        and return the names of the fields it set (the flag included)."""
        raise NotImplementedError


def deadline_text(day: date | None, provisional: bool, empty: str = "—") -> str:
    """``day`` as ISO text for messages, marked “(provisional)” when it was computed beyond the official calendar;
    ``empty`` when there is no day."""
    if day is None:
        return empty
    return gettext("%(date)s (provisional)") % {"date": day.isoformat()} if provisional else day.isoformat()


def settle(obj: Any, actor: Actor | None) -> bool:
    """Recompute the deadlines of ``obj`` (a locked row of a :class:`ProvisionalDeadlines` model) if they are
    provisional, saving and auditing any change, and return whether they are official now. An act that may only
    follow the end of a party's window calls this first and refuses while it returns False: the calendar may have
    been learnt since the row was computed (``ZILU_HOLIDAYS_FILE`` at start-up is not followed by a recompute)."""
    if not getattr(obj, obj.PROVISIONAL_FLAG):
        return True
    _recompute(obj, actor)
    return not getattr(obj, obj.PROVISIONAL_FLAG)


def _recompute(obj: Any, actor: Actor | None) -> None:
    model = type(obj)
    original = {field.name: getattr(obj, field.name) for field in model._meta.concrete_fields}
    fields = obj.recompute_deadlines()
    before = {name: original[name] for name in fields}
    if all(before[name] == getattr(obj, name) for name in fields):
        return
    obj.save(update_fields=fields)
    audit.record(actor, "core.deadline.recompute", obj, before=before, after=audit.changes(obj, fields))


def sync(*, force: bool = False) -> None:
    """Register the stored years this process does not know yet (at most every :data:`SYNC_SECONDS`)."""
    global _last_sync
    now = time.monotonic()
    if not force and now - _last_sync < SYNC_SECONDS:
        return
    with _state_lock:
        _last_sync = now
        try:
            rows = list(HolidayYear.objects.all())
        except DatabaseError as exc:  # a deadline is still computed (provisionally) while the database is away
            logger.warning("holiday calendar: stored years could not be read: %s", exc)
            return
        except RuntimeError:  # no database access in this context (a unit test of the arithmetic): nothing stored
            return
        for row in rows:
            stamp = row.loaded_at.isoformat()
            if _known.get(row.year) == stamp:
                continue
            deadlines.register_supplement(
                row.year,
                {date.fromisoformat(k): v for k, v in row.holidays.items()},
                {date.fromisoformat(k): v for k, v in row.workdays.items()},
            )
            _known[row.year] = stamp


def forget() -> None:
    """Forget what this process registered from the database (for tests)."""
    global _last_sync
    with _state_lock:
        for year in _known:
            deadlines._supplements.pop(year, None)
        _known.clear()
        _last_sync = 0.0


@dataclass(frozen=True)
class Loaded:
    years: list[int]
    recomputed: int


def load(path: str | Path, actor: StaffActor) -> Loaded:
    """Validate a holiday file (the format of :func:`zilu.core.deadlines.load_supplement`), store its years for every
    process, audit the load, and recompute the provisional deadlines it settles. All or nothing."""
    years = deadlines.load_supplement(path)  # validates the whole file and registers it in this process
    with transaction.atomic():
        for year in years:
            calendar = deadlines._supplements[year]
            row, _ = HolidayYear.objects.update_or_create(
                year=year,
                defaults={
                    "holidays": {d.isoformat(): name for d, name in sorted(calendar.holidays.items())},
                    "workdays": {d.isoformat(): name for d, name in sorted(calendar.workdays.items())},
                    "source": Path(path).name[:300],
                },
            )
            _known[year] = row.loaded_at.isoformat()
            audit.record(
                actor,
                "core.calendar.load",
                row,
                after={"year": year, "days_off": len(calendar.holidays), "workdays": len(calendar.workdays)},
            )
        recomputed = recompute_provisional(actor)
    return Loaded(years=years, recomputed=recomputed)


def provisional_models() -> Iterable[type[models.Model]]:
    return [model for model in apps.get_models() if issubclass(model, ProvisionalDeadlines)]


def recompute_provisional(actor: StaffActor) -> int:
    """Recompute every stored provisional deadline; save and audit each row that changed. Returns how many rows are
    no longer provisional. Must run in a transaction (the caller's)."""
    settled = 0
    for model in provisional_models():
        flag = model.PROVISIONAL_FLAG  # type: ignore[attr-defined]
        obj: Any
        for obj in model._base_manager.select_for_update().filter(**{flag: True}).order_by("pk"):
            _recompute(obj, actor)
            if not getattr(obj, flag):
                settled += 1
    return settled
