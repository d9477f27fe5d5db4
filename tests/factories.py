"""factory_boy factories for the platform's models."""

import factory
from django.utils import timezone

from applicants.models import AccountKind, IdType, User
from applicants.validators import birth_date_and_gender
from catalog.models import Level, Series
from demo import people
from institutions.models import (
    Committee,
    Membership,
    Organization,
    OrgKind,
    PermissionStatus,
    Region,
)

PASSWORD = "Test@2026pw"


def password_hash():
    """One hash for every factory user (demo.people.password_hash): a hash per user would
    dominate the suite's time."""
    return people.password_hash(PASSWORD)


def resident_id(n: int, region: str = "370702", birth: str = "19850315") -> str:
    """A valid GB 11643 number: region + birth date + sequence + check digit."""
    return people.resident_id(region, birth, n)


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = "370702"
    name = "潍城区"
    level = Region.Level.DISTRICT
    parent = None


def region_tree():
    """山东省 > 潍坊市 > 潍城区 and 威海市 > 环翠区; returns a dict by code."""
    shandong = RegionFactory(code="370000", name="山东省", level=Region.Level.PROVINCE)
    weifang = RegionFactory(code="370700", name="潍坊市", level=Region.Level.CITY, parent=shandong)
    weicheng = RegionFactory(code="370702", name="潍城区", parent=weifang)
    weihai = RegionFactory(code="371000", name="威海市", level=Region.Level.CITY, parent=shandong)
    huancui = RegionFactory(code="371002", name="环翠区", parent=weihai)
    return {r.code: r for r in (shandong, weifang, weicheng, weihai, huancui)}


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    kind = AccountKind.PERSONAL
    username = factory.Sequence(lambda n: f"user{n:04d}")
    name = factory.Sequence(lambda n: f"测试用户{n}")
    password = factory.LazyFunction(password_hash)
    phone = factory.Sequence(lambda n: f"139{n:08d}")


class ApplicantFactory(UserFactory):
    id_type = IdType.RESIDENT_ID
    id_number = factory.Sequence(lambda n: resident_id(n))
    birth_date = factory.LazyAttribute(lambda o: birth_date_and_gender(o.id_number)[0])
    gender = factory.LazyAttribute(lambda o: birth_date_and_gender(o.id_number)[1])


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"潍坊测试单位{n}有限公司")
    kind = OrgKind.UNIT
    region = factory.SubFactory(RegionFactory)
    contact_name = "联系人"
    contact_phone = "13900000000"
    permission_status = PermissionStatus.APPROVED
    name_confirmed_at = factory.LazyFunction(timezone.now)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory, kind=AccountKind.ORGANIZATION, phone="")
    organization = factory.SubFactory(OrganizationFactory)


def org_user(organization, **kwargs):
    """A login account acting for the organization."""
    return MembershipFactory(organization=organization, **kwargs).user


class LevelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Level
        django_get_or_create = ("code",)

    code = "intermediate"
    name = "中级"
    rank = 2


class SeriesFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Series
        django_get_or_create = ("code",)

    code = "engineering"
    name = "工程技术"


class CommitteeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Committee

    name = factory.Sequence(lambda n: f"潍坊市工程技术职务资格中级评审委员会{n}")
    series = factory.SubFactory(SeriesFactory)
    level = factory.SubFactory(LevelFactory)
    region = factory.SubFactory(RegionFactory)
    office = factory.SubFactory(OrganizationFactory, kind=OrgKind.COMMITTEE_OFFICE)
