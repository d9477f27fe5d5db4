"""Persona fixtures: applicant, unit reviewer, department reviewers, HR bureau, committee office,
administrator and an outsider, all in one small region tree."""

import os

import pytest

from applicants import sms
from applicants.models import AccountKind
from institutions.models import OrgKind, PermissionStatus
from tests import factories

PASSWORD = factories.PASSWORD

pytest_plugins = ["tests.plan_fixtures"]

# Every PostgreSQL connection of the tests (this process's, the live server's threads', the real
# Celery workers' and pg_dump's, which inherit the environment) commits without waiting for its
# WAL to reach the disk: a setting of each session, not of the server. A crash of the server
# could lose the last commits of a test database, which is made anew each run. About 10 % off
# the tests that commit (live server, workers): test_review_chain_in_browser.py with
# test_voting_concurrency.py, 38.6 s -> 35.4 s.
os.environ["PGOPTIONS"] = " ".join(
    filter(None, [os.environ.get("PGOPTIONS", ""), "-c synchronous_commit=off"])
)


@pytest.fixture(scope="session")
def _private_media_root(tmp_path_factory):
    return tmp_path_factory.mktemp("private-media")


@pytest.fixture(autouse=True)
def _test_settings(settings, monkeypatch, _private_media_root):
    # django-simple-captcha copies its settings at import; "PASSED" is the test-mode answer.
    settings.CAPTCHA_TEST_MODE = True
    monkeypatch.setattr("captcha.conf.settings.CAPTCHA_TEST_MODE", True)
    settings.SMS_BACKEND = "applicants.sms.LocmemSMSBackend"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        # Uploads in tests never land in var/private (tests/attachments uses one dir per test).
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": _private_media_root},
        },
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    sms.outbox.clear()
    yield
    sms.outbox.clear()


@pytest.fixture
def regions(db):
    return factories.region_tree()


@pytest.fixture
def unit(regions):
    return factories.OrganizationFactory(
        name="潍坊华东机械制造有限公司", uscc="91370702MA3C4D5E6L", region=regions["370702"]
    )


@pytest.fixture
def hr_bureau(regions):
    return factories.OrganizationFactory(
        name="潍坊市潍城区人力资源和社会保障局", kind=OrgKind.HR_BUREAU, region=regions["370702"]
    )


@pytest.fixture
def supervising_department(regions):
    return factories.OrganizationFactory(
        name="潍坊市潍城区工业和信息化局", kind=OrgKind.SUPERVISING, region=regions["370702"]
    )


@pytest.fixture
def reporting_department(regions):
    return factories.OrganizationFactory(
        name="潍坊市工业和信息化局", kind=OrgKind.REPORTING, region=regions["370700"]
    )


@pytest.fixture
def committee_office(regions):
    return factories.OrganizationFactory(
        name="潍坊市工程技术职务资格中级评审委员会办公室",
        kind=OrgKind.COMMITTEE_OFFICE,
        region=regions["370700"],
    )


@pytest.fixture
def applicant(regions):
    return factories.ApplicantFactory(username="zhangsan", name="张三")


@pytest.fixture
def unit_reviewer(unit):
    return factories.org_user(unit, user__username="unit_hr")


@pytest.fixture
def department_reviewer(supervising_department):
    return factories.org_user(supervising_department, user__username="dept_hr")


@pytest.fixture
def reporting_reviewer(reporting_department):
    return factories.org_user(reporting_department, user__username="report_hr")


@pytest.fixture
def bureau_reviewer(hr_bureau):
    return factories.org_user(hr_bureau, user__username="bureau_hr")


@pytest.fixture
def committee_office_user(committee_office):
    return factories.org_user(committee_office, user__username="office_hr")


@pytest.fixture
def administrator(db):
    return factories.UserFactory(
        username="admin",
        name="管理员",
        kind=AccountKind.ADMINISTRATOR,
        is_staff=True,
        is_superuser=True,
        phone="",
    )


@pytest.fixture
def outsider(regions):
    """A unit account of an unrelated, unauthorized unit in another region."""
    other = factories.OrganizationFactory(
        name="威海无关单位有限公司",
        region=regions["371002"],
        permission_status=PermissionStatus.NONE,
    )
    return factories.org_user(other, user__username="outsider")


@pytest.fixture
def login(client):
    def _login(user):
        client.force_login(user, backend="applicants.backends.MultiIdentifierBackend")
        return client

    return _login
