"""Internet access venues (上网场所, Art. 13): the licence number rule and the venue self-assessment items.

The licence
-----------
A venue runs under a 网络文化经营许可证 (internet culture business licence) issued by the culture department
(《互联网上网服务营业场所管理条例》). Its number is written
``<province>网文〔<year>〕<serial>-<serial>号``, e.g. ``京网文〔2019〕1234-567号``. There is no check digit and no
public register to query, so the number is validated by structure and the staff check the licence itself when they
review the application:

- the province is one of the 31 mainland abbreviations (the same list as ICP numbers);
- ``网文`` follows; the year is in any of the brackets people type (〔〕, [], 【】, （）/()) and is a four-digit
  year from 2003 (the first licences) to the current year;
- then two serials joined by a hyphen: 3 to 5 digits, then 1 to 5 digits;
- ``号`` is added if missing. The canonical text uses 〔〕 and no spaces: ``京网文〔2019〕1234-567号``.

The self-assessment
-------------------
:data:`VENUE_ITEMS` are what a venue answers (yes / partly / no, with a note) together with three figures: its
opening hours, its continuous-use limit in minutes and the content filtering system on its terminals. They follow
the Regulations on internet access service premises and the Minors Protection Law (no minors admitted, the sign at
the entrance, identity documents checked and registered, logs kept, filtering installed) and Art. 13's "guide young
people to use the internet healthily and civilly". The annual evaluation (评议) has matching items for venues in
:mod:`zilu.discipline.checklist` (A13-1 … A13-4).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zilu.core.errors import ValidationFailed
from zilu.core.identifiers import ICP_PROVINCES, IdentifierError, normalize

FIRST_LICENCE_YEAR = 2003
_LICENCE_RE = re.compile(
    r"(?P<province>[^0-9])网文[〔\[【(](?P<year>[0-9]{4})[〕\]】)](?P<first>[0-9]{3,5})-(?P<second>[0-9]{1,5})号?"
)


@dataclass(frozen=True, slots=True)
class CultureLicence:
    """A 网络文化经营许可证 number, split and in canonical form."""

    province: str
    year: int
    serial: str
    text: str


def validate_culture_licence(value: str) -> CultureLicence:
    """Validate a 网络文化经营许可证 number (see the module docstring); raise :class:`IdentifierError`."""
    text = normalize(value or "")
    if not text:
        raise IdentifierError("required", gettext_lazy("Enter the licence number."))
    match = _LICENCE_RE.fullmatch(text)
    if match is None:
        raise IdentifierError("format", gettext_lazy("Enter the licence number like 京网文〔2019〕1234-567号."))
    if match["province"] not in ICP_PROVINCES:
        raise IdentifierError("province", gettext_lazy("The licence number has an unknown province."))
    year = int(match["year"])
    if not FIRST_LICENCE_YEAR <= year <= timezone.localdate().year:
        raise IdentifierError("year", gettext_lazy("The licence number has an impossible year."))
    serial = f"{match['first']}-{match['second']}"
    return CultureLicence(match["province"], year, serial, f"{match['province']}网文〔{year}〕{serial}号")


@dataclass(frozen=True)
class VenueItem:
    code: str
    topic: str
    text: Any


VENUE_ITEMS: tuple[VenueItem, ...] = (
    VenueItem("V1", "minors", gettext_lazy(
        "Admits no minors, shows the “no minors” sign at the entrance and asks anyone who may be a minor for an "
        "identity document.")),
    VenueItem("V2", "identity", gettext_lazy(
        "Checks and registers every user's valid identity document before use (one person, one card) and keeps "
        "the records as the law requires.")),
    VenueItem("V3", "time_limits", gettext_lazy(
        "Keeps to its opening hours, limits continuous use and reminds users to take breaks.")),
    VenueItem("V4", "filtering", gettext_lazy(
        "Runs the information security management and content filtering system on every terminal and keeps its "
        "logs.")),
    VenueItem("V5", "civility", gettext_lazy(
        "Promotes civil internet use (文明上网) on the premises and shows how to report harmful information.")),
)  # fmt: skip
ANSWERS = ("yes", "partly", "no")
_HOURS_RE = re.compile(r"^([01][0-9]|2[0-4]):([0-5][0-9])-([01][0-9]|2[0-4]):([0-5][0-9])$")
MAX_SESSION_MINUTES = 24 * 60


def check_assessment(data: dict[str, Any]) -> dict[str, Any]:
    """Clean a venue self-assessment; raise :class:`ValidationFailed` with every field error at once."""
    errors: list[dict[str, str]] = []

    def fail(field: str, reason: Any, code: str = "invalid") -> None:
        errors.append({"field": field, "reason": str(reason), "code": code})

    hours = normalize(str(data.get("opening_hours") or "")).replace("—", "-").replace("~", "-")
    if not _HOURS_RE.match(hours):
        fail("opening_hours", _("Write the opening hours like 08:00-24:00."), "format")
    raw_limit = data.get("session_limit_minutes")
    try:
        limit = int(str(raw_limit).strip())
    except (TypeError, ValueError):
        limit = -1
    if not 0 <= limit <= MAX_SESSION_MINUTES:
        fail("session_limit_minutes", _("Give the limit in minutes (0 if there is none)."))
    filtering = str(data.get("filtering_system") or "").strip()
    if not filtering:
        fail("filtering_system", _("Name the content filtering system."), "required")
    elif len(filtering) > 200:
        fail("filtering_system", _("At most %(n)d characters.") % {"n": 200}, "too_long")
    answers: dict[str, dict[str, str]] = {}
    given = data.get("answers") or {}
    for item in VENUE_ITEMS:
        entry = given.get(item.code) or {}
        answer = str(entry.get("answer") or "")
        if answer not in ANSWERS:
            fail(f"answer_{item.code}", _("Answer this item."), "required")
            continue
        answers[item.code] = {"answer": answer, "note": str(entry.get("note") or "").strip()[:2000]}
    if errors:
        raise ValidationFailed(errors=errors)
    return {"opening_hours": hours, "session_limit_minutes": limit, "filtering_system": filtering, "answers": answers}


__all__ = ["ANSWERS", "VENUE_ITEMS", "CultureLicence", "VenueItem", "check_assessment", "validate_culture_licence"]
