"""Regions, accounts, organizations, committees and effective routing paths: the builders seed_demo,
the benchmark (demo.benchmark) and the tests' factories share. Each one creates what is missing
and brings the demo's own fields back to the values given, so seed_demo can run again."""

import datetime

from django.contrib.auth.hashers import get_hasher, make_password
from django.utils import timezone
from stdnum.cn import ric

from applicants.models import AccountKind, User
from institutions.models import (
    Committee,
    Membership,
    Organization,
    PermissionStatus,
    Region,
    RoutingPath,
)

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏"
    "魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵"
)
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红玲芬燕彬斌宇浩凯健俊帆帅旭宁龙林欣佳琳晨"
)

# (password, hasher algorithm) -> one hash shared by every account with that password.
_hashes: dict[tuple[str, str], str] = {}


def password_hash(password: str) -> str:
    """One hash per password for all the accounts sharing it (the demo's passwords are
    published): PBKDF2 takes about half a second per hash, which would dominate seeding and the
    test suite. Kept per hasher, so a change of PASSWORD_HASHERS (as in the tests) gets its own."""
    key = (password, get_hasher().algorithm)
    if key not in _hashes:
        _hashes[key] = make_password(password)
    return _hashes[key]


def resident_id(region: str, birth: datetime.date | str, sequence: int) -> str:
    """A GB 11643 resident ID number with a valid check digit: the 6-digit region code, the
    birth date (a date or "YYYYMMDD") and a 3-digit sequence number (taken modulo 1000)."""
    if not isinstance(birth, str):
        birth = f"{birth:%Y%m%d}"
    body = f"{region}{birth}{sequence % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")


def person_name(n: int) -> str:
    """A Chinese name of two or three characters, different for n below a few thousand."""
    given = GIVEN[n % len(GIVEN)]
    if n % 3:
        given += GIVEN[(n * 7 + 3) % len(GIVEN)]
    return SURNAMES[(n // len(GIVEN)) % len(SURNAMES)] + given


def region_level(code: str) -> str:
    """…0000 is a province, …00 a city, anything else a district."""
    if code.endswith("0000"):
        return Region.Level.PROVINCE
    return Region.Level.CITY if code.endswith("00") else Region.Level.DISTRICT


def region(code: str, name: str, parent: Region | None = None, level: str | None = None):
    """The region of this code with this name, parent and level (by default from the code)."""
    return Region.objects.update_or_create(
        code=code,
        defaults={"name": name, "level": level or region_level(code), "parent": parent},
    )[0]


def account(username, name, kind, password, phone="") -> User:
    """The account of this username; created with the password when missing, else left as it
    is (its password included)."""
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User.objects.create(
            username=username,
            name=name,
            kind=kind,
            phone=phone,
            password=password_hash(password),
        )
    return user


def member(organization, username, name, password, phone="") -> User:
    """An organization account acting for the organization."""
    user = account(username, name, AccountKind.ORGANIZATION, password, phone)
    Membership.objects.get_or_create(user=user, organization=organization)
    return user


def organization(name, kind, region, *, uscc="", contact=("", "")) -> Organization:
    """The organization of this name and kind, authorized (职称评审权限 已授权) and with its name
    confirmed; contact is (name, phone)."""
    contact_name, contact_phone = contact
    org, _ = Organization.objects.update_or_create(
        name=name,
        kind=kind,
        defaults={
            "region": region,
            "uscc": uscc,
            "contact_name": contact_name,
            "contact_phone": contact_phone,
            "permission_status": PermissionStatus.APPROVED,
        },
    )
    if org.name_confirmed_at is None:
        org.name_confirmed_at = timezone.now()
        org.save(update_fields=["name_confirmed_at"])
    return org


def committee(name, series, level, region, office) -> Committee:
    """The committee of this name, for the series and level, with its office."""
    return Committee.objects.update_or_create(
        name=name,
        defaults={"series": series, "level": level, "region": region, "office": office},
    )[0]


def effective_path(
    organization, series, level, *, target=None, committee=None, applied_by, decided_by=None
) -> RoutingPath:
    """The organization's one effective path for the series and level, pointed at `target` (the
    department above) or `committee` (from a reporting department): created when there is none,
    repointed when it leads elsewhere."""
    path = RoutingPath.objects.filter(
        organization=organization,
        series=series,
        level=level,
        status=RoutingPath.Status.EFFECTIVE,
    ).first()
    if path is None:
        return RoutingPath.objects.create(
            organization=organization,
            series=series,
            level=level,
            target=target,
            committee=committee,
            status=RoutingPath.Status.EFFECTIVE,
            applied_by=applied_by,
            decided_by=decided_by,
            decided_at=timezone.now(),
        )
    if (path.target_id, path.committee_id) != (
        target.pk if target else None,
        committee.pk if committee else None,
    ):
        path.target, path.committee = target, committee
        path.save(update_fields=["target", "committee"])
    return path
