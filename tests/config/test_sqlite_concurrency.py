"""The zero-setup default (SQLite) under parallel use of `make run`: the real dev server
(`manage.py runserver`, threaded) on a file database answers 20 identical decisions and two
registrations of one person sent at the same moment without a 500 ("database is locked"), and
exactly one of each succeeds.

The database file is a copy of the test database (schema and the rows made here), so no
migration runs and the test stays quick. It needs the SQLite test database to copy from: on
a PostgreSQL run it is skipped (PostgreSQL's own concurrency tests are in tests/integration).
"""

import http.cookiejar
import os
import re
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.db import connection

from institutions import services
from institutions.models import PermissionStatus
from tests import factories
from tests.institutions.helpers import CODE_FROM_ELSEWHERE

ROOT = Path(__file__).resolve().parents[2]
PARALLEL = 20

pytestmark = pytest.mark.django_db(transaction=True)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """One visitor: its own cookies (session, CSRF) and no redirect following."""

    def __init__(self, base: str):
        self.base = base
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirect
        )

    def _open(self, request):
        try:
            response = self.opener.open(request, timeout=60)
        except urllib.error.HTTPError as error:  # 3xx (not followed), 4xx, 5xx
            response = error
        return response.status, response.headers.get("Location", ""), response.read().decode()

    def get(self, path):
        return self._open(urllib.request.Request(self.base + path))

    def csrf(self) -> str:
        return next(c.value for c in self.cookies if c.name == "csrftoken")

    def post(self, path, data: dict):
        body = urllib.parse.urlencode({"csrfmiddlewaretoken": self.csrf(), **data}).encode()
        request = urllib.request.Request(
            self.base + path, data=body, headers={"Referer": self.base + path}
        )
        return self._open(request)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def dev_server(tmp_path):
    """`manage.py runserver` on a file copy of the test database; yields (base url, db path)."""
    if connection.vendor != "sqlite":
        pytest.skip("copies the SQLite test database; PostgreSQL has tests/integration")
    database = tmp_path / "db.sqlite3"

    def start():
        connection.ensure_connection()
        target = sqlite3.connect(database)
        connection.connection.backup(target)
        target.close()
        port = _free_port()
        env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DATABASE_URL")}
        env.update(
            DATABASE_URL=f"sqlite:///{database}",
            DEBUG="True",
            CAPTCHA_TEST_MODE="True",
            SMS_BACKEND="applicants.sms.ConsoleSMSBackend",
            MEDIA_ROOT=str(tmp_path / "private"),
            # Quick hashes for the registrations; the fixtures' MD5 hashes still check.
            PASSWORD_HASHERS="django.contrib.auth.hashers.MD5PasswordHasher",
            LOG_LEVEL="ERROR",
        )
        log = open(tmp_path / "server.log", "w")  # noqa: SIM115 (closed below)
        process = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        servers.append((process, log))
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    return f"http://127.0.0.1:{port}", database
            except OSError:
                assert process.poll() is None, (tmp_path / "server.log").read_text()
                time.sleep(0.2)
        pytest.fail("the dev server did not start:\n" + (tmp_path / "server.log").read_text())

    servers = []
    yield start
    for process, log in servers:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def _all_at_once(count, action):
    """Run action(i) in `count` threads released together; their results in order."""
    barrier = threading.Barrier(count)

    def run(i):
        barrier.wait()
        return action(i)

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(run, range(count)))


def _rows(database, sql, *params):
    with sqlite3.connect(database) as db:
        return db.execute(sql, params).fetchall()


def test_twenty_identical_decisions_at_once_decide_once_without_an_error(
    dev_server, regions, hr_bureau, bureau_reviewer
):
    new_unit = factories.OrganizationFactory(
        name="潍坊新华精密仪器有限公司",
        uscc=CODE_FROM_ELSEWHERE,  # fails the automatic check: waits for the bureau
        region=regions["370702"],
        permission_status=PermissionStatus.NONE,
    )
    application = services.apply_for_permission(actor=factories.org_user(new_unit), unit=new_unit)
    base, database = dev_server()
    bureau = Browser(base)
    bureau.get("/accounts/login/")
    status, _location, _body = bureau.post(
        "/accounts/login/",
        {
            "username": "bureau_hr",
            "password": factories.PASSWORD,
            "captcha_0": "x",
            "captcha_1": "PASSED",
        },
    )
    assert status == 302, _body

    url = f"/org/permission/{application.pk}/"
    results = _all_at_once(PARALLEL, lambda i: bureau.post(url, {"decision": "approve"}))

    statuses = [status for status, _location, _body in results]
    assert all(status < 500 for status in statuses), statuses
    decided = [r for r in results if r[0] == 302 and r[1] == "/org/permission/queue/"]
    assert len(decided) == 1, statuses
    # The others are told, next to the form, that a colleague was quicker.
    assert all(
        "该申请已处理，请刷新页面。" in body for status, _l, body in results if status == 200
    )
    assert _rows(database, "SELECT status FROM institutions_permissionapplication") == [
        ("approved",)
    ]
    assert _rows(
        database,
        "SELECT COUNT(*) FROM institutions_auditentry WHERE action = 'permission_approved'",
    ) == [(1,)]
    assert _rows(database, "SELECT COUNT(*) FROM applicants_smsmessage") == [(1,)]
    assert _rows(
        database,
        "SELECT permission_status FROM institutions_organization WHERE id = ?",
        new_unit.pk,
    ) == [(PermissionStatus.APPROVED,)]


def test_two_registrations_of_one_person_at_once_make_one_account(dev_server, regions):
    base, database = dev_server()
    id_number = factories.resident_id(11, birth="19800503")
    people = []
    for n in range(2):
        person = Browser(base)
        person.get("/accounts/register/")
        status, location, body = person.post(
            "/accounts/register/",
            {
                "name": "赵并发",
                "id_type": "resident_id",
                "id_number": id_number,
                "phone": f"1380000100{n}",
                "username": f"bingfa{n}",
                "password1": "Shandong#2026",
                "password2": "Shandong#2026",
                "captcha_0": "x",
                "captcha_1": "PASSED",
            },
        )
        assert (status, location) == (302, "/accounts/register/confirm/"), body
        people.append(person)

    results = _all_at_once(2, lambda i: people[i].post("/accounts/register/confirm/", {}))

    assert [status for status, _l, _b in results] == [302, 302]
    assert sorted(location for _s, location, _b in results) == ["/", "/accounts/register/"]
    assert _rows(
        database, "SELECT COUNT(*) FROM applicants_user WHERE id_number = ?", id_number
    ) == [(1,)]
    loser = people[[location for _s, location, _b in results].index("/accounts/register/")]
    status, _location, page = loser.get("/accounts/register/")
    assert "已被注册，请返回修改" in re.sub(r"\s+", "", page)
