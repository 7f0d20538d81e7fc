"""API of the convention: the version in force and every published version, with their articles."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from zilu.convention.actions import do_publish_version
from zilu.convention.models import ConventionVersion
from zilu.core.apiauth import SIGNED_IN
from zilu.core.apitypes import Id
from zilu.core.errors import NotFound
from zilu.core.workflow import access

router = Router(tags=["convention"])


class ConventionItemOut(Schema):
    number: int
    label: str
    text: str


class ArticleOut(Schema):
    number: int
    anchor: str
    chapter: int
    title_cn: str
    text: str
    items: list[ConventionItemOut]


class ChapterOut(Schema):
    number: int
    title: str
    heading: str


class VersionSummaryOut(Schema):
    number: int
    title: str
    status: str
    sha256: str
    effective_date: date
    published_on: date | None
    publication_deadline: date | None
    deadline_provisional: bool  # publication_deadline lies beyond the official holiday calendar


class VersionOut(VersionSummaryOut):
    text: str
    chapters: list[ChapterOut]
    articles: list[ArticleOut]


def _detail(version: ConventionVersion) -> dict[str, Any]:
    parsed = version.parsed
    return {
        **VersionSummaryOut.from_orm(version).dict(),
        "text": version.text,
        "chapters": [{"number": c.number, "title": c.title, "heading": c.heading} for c in parsed.chapters],
        "articles": [
            {
                "number": a.number,
                "anchor": a.anchor,
                "chapter": a.chapter,
                "title_cn": a.title_cn,
                "text": a.text,
                "items": [{"number": i.number, "label": i.label, "text": i.text} for i in a.items],
            }
            for a in parsed.articles
        ],
    }


@router.get("/current", response=VersionOut, auth=None, summary="The convention in force")
def current(request: HttpRequest) -> dict[str, Any]:
    version = ConventionVersion.objects.current()
    if version is None:
        raise NotFound()
    return _detail(version)


@router.get("/versions", response=list[VersionSummaryOut], auth=None, summary="Versions you may see")
def versions(request: HttpRequest) -> list[ConventionVersion]:
    return list(ConventionVersion.objects.restrict(request.user))


@router.get("/versions/{number}", response=VersionOut, auth=None, summary="One version with its articles")
def version(request: HttpRequest, number: Id) -> dict[str, Any]:
    return _detail(access(ConventionVersion.objects.restrict(request.user), number=number))


class PublishIn(Schema):
    published_on: date | None = None


@router.post(
    "/versions/{number}/publish",
    response=VersionSummaryOut,
    auth=SIGNED_IN,
    summary="Publish a draft version (staff; Art. 21)",
    description="Publishing notifies every member's representatives, who are asked to acknowledge the new version.",
)
def publish(request: HttpRequest, number: Id, payload: PublishIn) -> ConventionVersion:
    found = access(ConventionVersion.objects.restrict(request.user), number=number)
    return do_publish_version(request.user, found.pk, published_on=payload.published_on)
