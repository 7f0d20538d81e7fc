"""The public feed of the registry's events (Art. 23 and 18): joins, withdrawals, published sanctions and
commendations, for the press and the public, as Atom (RFC 4287) and JSON Feed 1.1.

The feed carries only what the public pages already show: a member's number and name, the date, the measure with
the published facts, the commendation's citation. A sanction notice appears while it is listed (its listing period,
not withdrawn) and leaves the feed with it; internal notices (members only) never appear. Text is in the site's
language. ``?kind=join,withdrawal,sanction,commendation`` narrows it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, time
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import feedgenerator, timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from zilu.core.notify import site_language
from zilu.discipline.models import Nomination, Notice
from zilu.members.models import Member

KINDS = ("join", "withdrawal", "sanction", "commendation")
MAX_ITEMS = 200
JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"


@dataclass(frozen=True)
class Event:
    """One entry of the feed."""

    kind: str
    key: str  # unique within the kind: the id stays the same for ever
    day: date
    title: str
    text: str
    path: str
    member_number: str
    member_name: str

    @property
    def published(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.day, time.min))


def _tag(event: Event) -> str:
    """A stable tag URI (RFC 4151) for an entry: the platform's host, the convention's year, kind and key."""
    host = urlsplit(settings.ZILU_BASE_URL).hostname or "localhost"
    return f"tag:{host},2021:zilu/{event.kind}/{event.key}"


def _joins_and_withdrawals(kinds: set[str]) -> list[Event]:
    events: list[Event] = []
    registry = Member.objects.in_registry()
    if "join" in kinds:
        for m in registry.order_by("-joined_on", "-number")[:MAX_ITEMS]:
            events.append(Event(
                "join", m.number or "", m.joined_on,
                _("%(name)s joined the convention (%(number)s)") % {"name": m.name, "number": m.number},
                _("Member number %(number)s, %(kind)s, joined on %(date)s.")
                % {"number": m.number, "kind": m.get_kind_display(), "date": m.joined_on.isoformat()},
                reverse("members:registry_detail", kwargs={"number": m.number}), m.number or "", m.name,
            ))  # fmt: skip
    if "withdrawal" in kinds:
        for m in registry.exclude(withdrawn_on=None).order_by("-withdrawn_on", "-number")[:MAX_ITEMS]:
            assert m.withdrawn_on is not None
            events.append(Event(
                "withdrawal", m.number or "", m.withdrawn_on,
                _("%(name)s withdrew from the convention (%(number)s)") % {"name": m.name, "number": m.number},
                _("Member number %(number)s withdrew on %(date)s (Art. 23).")
                % {"number": m.number, "date": m.withdrawn_on.isoformat()},
                reverse("members:registry_detail", kwargs={"number": m.number}), m.number or "", m.name,
            ))  # fmt: skip
    return events


def _sanctions_and_commendations(kinds: set[str]) -> list[Event]:
    events: list[Event] = []
    if "sanction" in kinds:
        public = Notice.objects.listed().filter(audience=Notice.Audience.PUBLIC).order_by("-published_on", "-id")
        for n in public[:MAX_ITEMS]:
            events.append(Event(
                "sanction", str(n.pk), n.published_on,
                _("%(measure)s: %(name)s") % {"measure": n.get_measure_display(), "name": n.member_name},
                _("Decision %(reference)s of %(date)s. Articles breached: %(articles)s. %(facts)s")
                % {"reference": n.decision_reference, "date": n.decided_on.isoformat(),
                   "articles": n.articles_label, "facts": n.facts},
                reverse("discipline:notice", kwargs={"notice_id": n.pk}), n.member_number, n.member_name,
            ))  # fmt: skip
    if "commendation" in kinds:
        commended = Nomination.objects.commended().exclude(decided_on=None).select_related("member")
        for c in commended.order_by("-decided_on", "-id")[:MAX_ITEMS]:
            assert c.decided_on is not None
            events.append(Event(
                "commendation", str(c.pk), c.decided_on,
                _("Commended: %(name)s (%(year)s)") % {"name": c.nominee_name, "year": c.year},
                c.citation,
                reverse("discipline:commendations") + f"#commendation-{c.pk}",
                (c.member.number or "") if c.member else "", c.member.name if c.member else c.nominee_name,
            ))  # fmt: skip
    return events


def events(kinds: set[str] | None = None) -> list[Event]:
    """The newest :data:`MAX_ITEMS` events of the chosen kinds, newest first, in the site's language."""
    chosen = set(kinds or KINDS) & set(KINDS)
    with site_language():
        found = _joins_and_withdrawals(chosen) + _sanctions_and_commendations(chosen)
    found.sort(key=lambda e: (e.day, e.kind, e.key), reverse=True)
    return found[:MAX_ITEMS]


def _kinds(request: HttpRequest) -> set[str] | None:
    raw = request.GET.get("kind", "")
    return {k.strip() for k in raw.split(",") if k.strip()} if raw else None


def _absolute(path: str) -> str:
    return settings.ZILU_BASE_URL + path


def _title() -> str:
    with site_language():
        return _("Changping internet industry convention: joins, withdrawals, sanctions and commendations")


@require_GET
@cache_control(public=True, max_age=300)
def atom(request: HttpRequest) -> HttpResponse:
    """The events as an Atom 1.0 feed."""
    items = events(_kinds(request))
    feed = feedgenerator.Atom1Feed(
        title=_title(),
        link=_absolute(reverse("members:bulletins")),
        description="",
        language=settings.LANGUAGE_CODE,
        feed_url=_absolute(reverse("portal:feed_atom")),
        feed_guid=f"tag:{urlsplit(settings.ZILU_BASE_URL).hostname or 'localhost'},2021:zilu/feed",
        author_name="昌平区互联网协会",
    )
    for e in items:
        feed.add_item(
            title=e.title,
            link=_absolute(e.path),
            description=e.text,
            unique_id=_tag(e),
            unique_id_is_permalink=False,
            pubdate=e.published,
            updateddate=e.published,
            categories=[e.kind],
        )
    response = HttpResponse(content_type="application/atom+xml; charset=utf-8")
    feed.write(response, "utf-8")
    return response


@require_GET
@cache_control(public=True, max_age=300)
def json_feed(request: HttpRequest) -> HttpResponse:
    """The events as a JSON Feed 1.1 (https://jsonfeed.org/version/1.1); ``_zilu`` carries the structured fields."""
    items = events(_kinds(request))
    body = {
        "version": JSON_FEED_VERSION,
        "title": _title(),
        "home_page_url": _absolute(reverse("members:bulletins")),
        "feed_url": _absolute(reverse("portal:feed_json")),
        "language": "zh-CN" if settings.LANGUAGE_CODE.startswith("zh") else settings.LANGUAGE_CODE,
        "authors": [{"name": "昌平区互联网协会"}],
        "items": [
            {
                "id": _tag(e),
                "url": _absolute(e.path),
                "title": e.title,
                "content_text": e.text,
                "date_published": e.published.isoformat(),
                "tags": [e.kind],
                "_zilu": {
                    "kind": e.kind,
                    "date": e.day.isoformat(),
                    "member_number": e.member_number,
                    "member_name": e.member_name,
                },
            }
            for e in items
        ],
    }
    return HttpResponse(json.dumps(body, ensure_ascii=False), content_type="application/feed+json; charset=utf-8")
