"""Bounded values for the API's parameters and request bodies. Every integer the API takes has limits, stated in the
OpenAPI schema and enforced by validation, and every moment is one the databases can store, so that no value
reaches a query, a slice or a date that the database or the calendar cannot hold: a value out of range is a 422
problem naming the field, never a server error."""

from __future__ import annotations

from datetime import MAXYEAR, MINYEAR, datetime, timedelta
from typing import Annotated

from pydantic import AfterValidator, Field

MAX_ID = 2**63 - 1
"""The largest primary key (``BigAutoField``) and the largest integer both databases store."""

MAX_PAGE = 1_000_000
"""The last page a paginated list may be asked for (far beyond any list's end; the offset stays small)."""

MAX_OFFSET = 1_000_000_000
"""The largest ``offset`` of a list that takes one."""

Id = Annotated[int, Field(ge=1, le=MAX_ID)]
"""The id or number of a record: path parameters and references in bodies."""

Position = Annotated[int, Field(ge=0, le=MAX_ID)]
"""A version or sequence number the caller already has (0: none yet)."""

Page = Annotated[int, Field(ge=1, le=MAX_PAGE)]
"""A page number of a paginated list, from 1."""

Offset = Annotated[int, Field(ge=0, le=MAX_OFFSET)]
"""How many rows of a list to skip."""

MAX_UTC_OFFSET = timedelta(hours=15, minutes=59)
"""The largest UTC offset PostgreSQL accepts in a timestamp (ISO 8601 allows up to 23:59)."""


def _storable(moment: datetime) -> datetime:
    offset = moment.utcoffset()
    if offset is not None and abs(offset) > MAX_UTC_OFFSET:
        raise ValueError("the UTC offset must lie within -15:59 and +15:59")
    if moment.year in (MINYEAR, MAXYEAR):  # converting to UTC (as every database stores it) may leave the calendar
        raise ValueError(f"the year must lie within {MINYEAR + 1} and {MAXYEAR - 1}")
    return moment


Moment = Annotated[datetime, AfterValidator(_storable)]
"""A date and time (ISO 8601) that the databases can store."""
