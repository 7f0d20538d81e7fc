"""factory_boy factories for the models of every app."""

from __future__ import annotations

from datetime import date

import factory
from stdnum.cn import uscc as uscc_lib

from zilu.core.models import User
from zilu.core.roles import Role
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
