"""factory_boy factories for the models of every app."""

from __future__ import annotations

from datetime import date

import factory
from django.utils import timezone
from stdnum.cn import uscc as uscc_lib

from zilu.core.models import User
from zilu.core.roles import Role
from zilu.filings.resolve import normalize_domain
from zilu.members.models import Member


def make_uscc(n: int, division: str = "110114") -> str:
    """A valid unified social credit code, unique per ``n``."""
    base = f"91{division}MA{n:07d}"[:17]
    return base + uscc_lib.calc_check_digit(base)


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member

    kind = Member.Kind.UNIT
    name = factory.Sequence(lambda n: f"测试网络科技有限公司{n}")
    uscc = factory.Sequence(lambda n: make_uscc(n))
    status = Member.Status.ACTIVE
    joined_on = date(2021, 7, 15)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.invalid")
    role = Role.PUBLIC
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery staple")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class SiteFactory(factory.django.DjangoModelFactory):
    """A registered website of ``member`` (filings); ``domains=["a.example.cn"]`` sets its domains."""

    class Meta:
        model = "filings.Site"
        skip_postgeneration_save = True

    member = factory.SubFactory(MemberFactory)
    kind = "website"
    name = factory.Sequence(lambda n: f"Example site {n}")
    name_key = factory.LazyAttribute(lambda s: s.name.replace(" ", "").casefold())
    icp_number = factory.Sequence(lambda n: f"京ICP备{20210000 + n:08d}号-1")
    icp_key = factory.LazyAttribute(lambda s: s.icp_number.split("号")[0] + "号")
    psb_number = factory.Sequence(lambda n: f"京公网安备{11011402000000 + n}号")
    responsible_person = "张三"

    @factory.post_generation
    def domains(obj, create, extracted, **kwargs):
        if create:
            for name in extracted if extracted is not None else [f"site{obj.pk}.example.com.cn"]:
                obj.domains.create(name=normalize_domain(name), active=obj.status == "active")


class VerifiedReportFactory(factory.django.DjangoModelFactory):
    """A report about ``member`` closed as verified true (what a discipline case rests on, Art. 18)."""

    class Meta:
        model = "reports.Report"

    member = factory.SubFactory(MemberFactory)
    category = "fraud"
    description = "该页面以高额返利为诱饵诱导用户转账，经核查属实。"
    lookup_hash = factory.Sequence(lambda n: f"{n:064x}")
    fingerprint = factory.Sequence(lambda n: f"{n:064x}")
    status = "closed"
    finding = "verified_true"
    public_outcome = "经核查属实，已要求整改。"
    closed_at = factory.LazyFunction(timezone.now)
