"""Two web processes, one user: with Redis (sessions, cache) and S3 (files) configured, nothing
a request needs lives in the process that served the previous one, so replicas behind nginx
serve a user interchangeably.

Two gunicorn processes on two ports run the production settings (DEBUG off) against the test
database, this Redis database and a moto S3 server. The applicant signs in on A and uploads a
file there; B, with the same cookies, shows the declaration and hands out the file (a redirect
to a signed URL of the bucket); signing out on B signs out on A."""

import os
import re
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import requests
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.urls import reverse

from attachments.models import Attachment
from demo.files import pdf_bytes
from tests.attachments.test_s3_storage import CREDENTIALS, bucket, moto_endpoint  # noqa: F401
from tests.factories import PASSWORD
from tests.integration.conftest import _database_url

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="session")
def static_manifest(tmp_path_factory):
    """Collected static files with their manifest, which DEBUG off needs for every page (the
    image's build runs collectstatic; here without WhiteNoise's compression, to be quick)."""
    root = tmp_path_factory.mktemp("staticfiles")
    manifest = "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"
    with override_settings(
        STATIC_ROOT=root, STORAGES={**settings.STORAGES, "staticfiles": {"BACKEND": manifest}}
    ):
        call_command("collectstatic", interactive=False, verbosity=0)
    return root


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Web:
    """One gunicorn process of config.wsgi with the given environment."""

    def __init__(self, name, env, log_dir):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log_dir / f"gunicorn-{name}.log"
        with open(self.log, "w") as log:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "config.wsgi:application",
                    "--bind",
                    f"127.0.0.1:{self.port}",
                    "--workers",
                    "1",
                    "--access-logfile",
                    "-",
                ],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def wait_until_ready(self, timeout=30.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.output()
            try:
                if requests.get(self.url + "/accounts/login/", timeout=10).status_code == 200:
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.2)
        raise AssertionError(f"gunicorn did not answer within {timeout} s: {self.output()}")

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-3000:]

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)


@pytest.fixture
def two_webs(bucket, moto_endpoint, static_manifest, tmp_path):  # noqa: F811
    if not settings.REDIS_URL:
        pytest.skip(
            "REDIS_URL is not set: the two-process test runs in CI's PostgreSQL + Redis pass"
        )
    if connection.vendor != "postgresql":
        pytest.skip("the web processes share the test database, which needs PostgreSQL")
    _client, bucket_name = bucket
    env = {key: value for key, value in os.environ.items() if not key.startswith("AWS_")}
    for key in ("PYTEST_XDIST_WORKER", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND"):
        env.pop(key, None)
    env.update(
        {
            "DEBUG": "false",
            "SECRET_KEY": "two-processes-test-" + uuid.uuid4().hex * 2,
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_SSL_REDIRECT": "false",
            "SECURE_HSTS_SECONDS": "0",
            "DATABASE_URL": _database_url(),
            "REDIS_URL": settings.REDIS_URL,
            "CACHE_KEY_PREFIX": f"zc-two-{uuid.uuid4().hex[:8]}",
            # The upload check runs in the uploading process (no worker in this test).
            "CELERY_TASK_ALWAYS_EAGER": "true",
            "AWS_STORAGE_BUCKET_NAME": bucket_name,
            "AWS_S3_ENDPOINT_URL": moto_endpoint,
            "AWS_S3_REGION_NAME": "us-east-1",
            **CREDENTIALS,
            "AWS_CONFIG_FILE": str(tmp_path / "no-aws-config"),
            "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "no-aws-credentials"),
            "AWS_EC2_METADATA_DISABLED": "true",
            # No file may be written or read locally: this directory does not exist.
            "MEDIA_ROOT": str(tmp_path / "no-local-files"),
            "STATIC_ROOT": str(static_manifest),
            "CAPTCHA_TEST_MODE": "true",
            "PASSWORD_HASHERS": ",".join(settings.PASSWORD_HASHERS),
            "SMS_BACKEND": "applicants.sms.ConsoleSMSBackend",
            "LOG_LEVEL": "WARNING",
        }
    )
    webs = [Web(name, env, tmp_path) for name in ("a", "b")]
    try:
        yield [web.wait_until_ready() for web in webs]
    finally:
        for web in webs:
            web.stop()
    assert not (tmp_path / "no-local-files").exists()


class Browser:
    """Cookies kept by hand: with DEBUG off they are Secure, which requests would not send over
    plain HTTP (nginx or the gateway terminates TLS in production)."""

    def __init__(self):
        self.cookies: dict[str, str] = {}

    def request(self, method, url, **kwargs):
        response = requests.request(
            method, url, cookies=self.cookies, allow_redirects=False, timeout=20, **kwargs
        )
        self.cookies.update(response.cookies.get_dict())
        return response

    def form_token(self, response) -> str:
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.text)
        assert match, response.text[:500]
        return match.group(1)


def test_replicas_serve_one_user_interchangeably(
    two_webs,
    moto_endpoint,  # noqa: F811
    engineering_declaration,
    committed_applicant,
):
    a, b = two_webs
    browser = Browser()
    declaration = engineering_declaration

    # Sign in on A.
    page = browser.request("GET", a.url + reverse("applicants:login"))
    captcha_key = re.search(r'name="captcha_0" value="([^"]+)"', page.text).group(1)
    signed_in = browser.request(
        "POST",
        a.url + reverse("applicants:login"),
        data={
            "csrfmiddlewaretoken": browser.form_token(page),
            "username": committed_applicant.username,
            "password": PASSWORD,
            "captcha_0": captcha_key,
            "captcha_1": "PASSED",
        },
    )
    assert signed_in.status_code == 302, signed_in.text[:2000]
    assert settings.SESSION_COOKIE_NAME in browser.cookies

    # Upload on A.
    slot = declaration.plan.sections.get(slots__code="education_record").slots.get(
        code="education_record"
    )
    content = pdf_bytes(2)
    uploaded = browser.request(
        "POST",
        a.url + reverse("attachments:upload", args=[declaration.pk, slot.pk]),
        files={"file": ("学历备案表.pdf", content, "application/pdf")},
        headers={"X-CSRFToken": browser.cookies[settings.CSRF_COOKIE_NAME]},
    )
    assert uploaded.status_code == 302, uploaded.text[:2000]
    attachment = Attachment.objects.get(declaration=declaration)
    assert attachment.status == Attachment.Status.VALID, attachment.reason

    # B knows the user (the session from Redis / the database) and shows the declaration.
    section_url = uploaded.headers["Location"]
    page = browser.request("GET", b.url + section_url)
    assert page.status_code == 200, page.text[:2000]
    assert committed_applicant.name in page.text and "学历备案表.pdf" in page.text

    # B hands out the file A stored: a redirect to the bucket, which has the bytes.
    download = browser.request("GET", b.url + reverse("attachments:download", args=[attachment.pk]))
    assert download.status_code == 302 and download.content == b""
    assert download.headers["Location"].startswith(moto_endpoint + "/")
    fetched = requests.get(download.headers["Location"], timeout=20)
    assert fetched.status_code == 200 and fetched.content == content

    # Signing out on B signs out on A.
    page = browser.request("GET", b.url + section_url)
    signed_out = browser.request(
        "POST",
        b.url + reverse("applicants:logout"),
        data={"csrfmiddlewaretoken": browser.form_token(page)},
    )
    assert signed_out.status_code == 302
    after = browser.request("GET", a.url + section_url)
    assert after.status_code == 302 and reverse("applicants:login") in after.headers["Location"]
