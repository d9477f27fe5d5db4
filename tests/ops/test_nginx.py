"""deploy/nginx/zhicheng.conf in a real nginx, in front of the Django live server.

The server block is the production file itself, with only its addresses and directories
substituted; the test's nginx.conf around it stands in for the image's (http { include ... }).
It proves: the internal location of private files answers 404 to anyone asking for it; a
permission-checked download answered with X-Accel-Redirect makes nginx send the file's bytes
(with the application's headers, without the internal path); static files are cached for a
year; a request body over the upload limit is refused with 413 before Django sees it."""

import getpass
import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest
import requests
from django.conf import settings
from django.urls import reverse

from tests.attachments.test_s3_storage import bucket, moto_endpoint, s3_storage  # noqa: F401
from tests.declarations.builders import upload_valid

ROOT = Path(__file__).resolve().parents[2]
CONF = ROOT / "deploy" / "nginx" / "zhicheng.conf"
NGINX = shutil.which("nginx") or next(
    (p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if os.access(p, os.X_OK)), None
)

pytestmark = pytest.mark.skipif(
    NGINX is None,
    reason="nginx is not installed (apt-get install nginx-light; `make test` installs it)",
)

STATIC_NAME = "css/app.0123456789ab.css"
STATIC_BODY = b"body{color:#123}\n"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_block(*, port, upstream, static_root, private_root, store) -> str:
    """The production server block with this machine's addresses and directories."""
    text = CONF.read_text()
    replacements = {
        "listen 80;": f"listen 127.0.0.1:{port};",
        "server web:8000;": f"server {upstream};",
        "minio:9000": store,
        "/srv/static/": f"{static_root}/",
        "/srv/private/": f"{private_root}/",
    }
    for old, new in replacements.items():
        assert old in text, f"{old!r} is no longer in {CONF.name}: update this test"
        text = text.replace(old, new)
    return text


@pytest.fixture
def store(request):
    """host:port of the S3-compatible store behind /_s3/: the moto server when a test asks
    for it (indirect parameter "moto"), else a port where nothing listens."""
    if getattr(request, "param", None) == "moto":
        return request.getfixturevalue("moto_endpoint").removeprefix("http://")
    return f"127.0.0.1:{free_port()}"


@pytest.fixture
def nginx(live_server, tmp_path, settings, store):
    """nginx on a free port with the production server block, upstream = the live server,
    private files = this test's media directory, the internal prefix as in settings."""
    private_root = tmp_path / "private"
    static_root = tmp_path / "static"
    (static_root / "css").mkdir(parents=True)
    private_root.mkdir()
    (static_root / STATIC_NAME).write_bytes(STATIC_BODY)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": private_root},
        },
    }
    settings.PRIVATE_FILES_ACCEL = True
    assert settings.PRIVATE_FILES_ACCEL_PREFIX == "/_protected/"  # the location in the file

    port = free_port()
    upstream = live_server.url.removeprefix("http://")
    prefix = tmp_path / "nginx"
    (prefix / "logs").mkdir(parents=True)
    (prefix / "zhicheng.conf").write_text(
        server_block(
            port=port,
            upstream=upstream,
            static_root=static_root,
            private_root=private_root,
            store=store,
        )
    )
    # Workers of an nginx started by root would run as nobody, who cannot read tmp_path.
    user = f"user {getpass.getuser()};" if os.geteuid() == 0 else ""
    temp = "\n".join(
        f"    {kind}_temp_path {prefix / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    (prefix / "nginx.conf").write_text(
        f"""{user}
daemon off;
worker_processes 1;
pid {prefix / "nginx.pid"};
error_log {prefix / "logs" / "error.log"} warn;
events {{ worker_connections 64; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log {prefix / "logs" / "access.log"};
{temp}
    include {prefix / "zhicheng.conf"};
}}
"""
    )
    command = [NGINX, "-p", str(prefix), "-e", str(prefix / "logs" / "error.log")]
    checked = subprocess.run(
        [*command, "-c", str(prefix / "nginx.conf"), "-t"], capture_output=True, text=True
    )
    assert checked.returncode == 0, checked.stderr
    process = subprocess.Popen(
        [*command, "-c", str(prefix / "nginx.conf")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                assert process.poll() is None, (prefix / "logs" / "error.log").read_text()
                assert time.monotonic() < deadline, "nginx did not start listening"
                time.sleep(0.05)
        yield type(
            "Front",
            (),
            {
                "url": f"http://127.0.0.1:{port}",
                "upstream": live_server.url,
                "private_root": private_root,
            },
        )
    finally:
        process.terminate()
        process.wait(timeout=10)


def session_for(client, user) -> requests.Session:
    """A requests session signed in as user (the session row the live server reads)."""
    client.force_login(user, backend="applicants.backends.MultiIdentifierBackend")
    session = requests.Session()
    name = settings.SESSION_COOKIE_NAME
    session.cookies.set(name, client.cookies[name].value)
    return session


@pytest.fixture
def scan(engineering_declaration):
    slot = engineering_declaration.plan.sections.get(slots__code="education_record").slots.get(
        code="education_record"
    )
    return upload_valid(engineering_declaration, slot, name="学历备案表.pdf")


def test_the_internal_location_is_not_reachable_from_outside(nginx, scan):
    on_disk = nginx.private_root / scan.file.name
    assert on_disk.is_file()  # the file is there, under the location's directory
    response = requests.get(f"{nginx.url}/_protected/{scan.file.name}", allow_redirects=False)
    assert response.status_code == 404
    assert on_disk.read_bytes() not in response.content
    # Not even by sending the header the application sends to nginx.
    response = requests.get(
        f"{nginx.url}/", headers={"X-Accel-Redirect": f"/_protected/{scan.file.name}"}
    )
    assert on_disk.read_bytes() not in response.content


def test_a_permitted_download_is_sent_by_nginx_from_the_internal_location(nginx, scan, client):
    content = (nginx.private_root / scan.file.name).read_bytes()
    session = session_for(client, scan.declaration.applicant)
    url = nginx.url + reverse("attachments:download", args=[scan.pk])

    response = session.get(url, allow_redirects=False)

    assert response.status_code == 200
    assert response.content == content
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment; ")
    assert "filename*=UTF-8''" in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "private, no-store"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Security-Policy"].startswith("sandbox")
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "X-Accel-Redirect" not in response.headers
    # nginx read the file from disk (its ETag and Last-Modified), the application sent no body.
    assert "ETag" in response.headers and "Last-Modified" in response.headers
    behind = session.get(nginx.upstream + reverse("attachments:download", args=[scan.pk]))
    assert behind.status_code == 200 and behind.content == b""
    assert behind.headers["X-Accel-Redirect"] == f"/_protected/{scan.file.name}"
    framed = session.get(f"{url}?inline=frame", allow_redirects=False)
    assert framed.status_code == 200 and framed.content == content
    assert framed.headers["Content-Disposition"].startswith("inline; ")
    assert "frame-ancestors 'self'" in framed.headers["Content-Security-Policy"]
    assert framed.headers["X-Frame-Options"] == "SAMEORIGIN"


def test_someone_without_permission_gets_no_file_through_nginx(nginx, scan, client, outsider):
    content = (nginx.private_root / scan.file.name).read_bytes()
    response = session_for(client, outsider).get(
        nginx.url + reverse("attachments:download", args=[scan.pk]), allow_redirects=False
    )
    assert response.status_code == 404
    assert content not in response.content


def test_static_files_are_cached_for_a_year(nginx):
    response = requests.get(f"{nginx.url}/static/{STATIC_NAME}")
    assert response.status_code == 200
    assert response.content == STATIC_BODY
    assert response.headers["Content-Type"].startswith("text/css")
    cache_control = response.headers["Cache-Control"]
    assert "max-age=31536000" in cache_control and "immutable" in cache_control
    assert requests.get(f"{nginx.url}/static/css/missing.css").status_code == 404


def test_a_body_over_the_upload_limit_is_refused_before_django(nginx):
    url = f"{nginx.url}/accounts/login/"
    too_big = requests.post(url, data=b"x" * (6 * 1024 * 1024 + 1))
    assert too_big.status_code == 413
    # A 5 MB file with its form around it still reaches the application (CSRF refuses it).
    fits = requests.post(url, data=b"x" * (5 * 1024 * 1024 + 64 * 1024))
    assert fits.status_code == 403


@pytest.mark.parametrize("store", ["moto"], indirect=True)
def test_a_signed_url_under_s3_reaches_the_store_unchanged(
    nginx,
    s3_storage,  # noqa: F811 - after nginx: the files go to the bucket
    settings,
    client,
    engineering_declaration,
):
    """PRIVATE_FILES_S3_PUBLIC_URL=/_s3 (the compose stack): the download redirects to /_s3/...
    of the site, and nginx passes that to the store (MinIO there, moto here) with its path,
    signature and the store's Host, so the browser gets the file from a store it cannot reach
    itself. Only reading goes through."""
    settings.PRIVATE_FILES_S3_PUBLIC_URL = "/_s3"
    _client, bucket_name = s3_storage
    scan = upload_valid(
        engineering_declaration,
        engineering_declaration.plan.sections.get(slots__code="education_record").slots.get(
            code="education_record"
        ),
        name="学历备案表.pdf",
    )
    content = scan.file.open("rb").read()
    session = session_for(client, engineering_declaration.applicant)

    redirect = session.get(
        nginx.url + reverse("attachments:download", args=[scan.pk]), allow_redirects=False
    )
    assert redirect.status_code == 302
    location = redirect.headers["Location"]
    assert location.startswith(f"/_s3/{bucket_name}/{scan.file.name}?")

    response = requests.get(nginx.url + location, timeout=10)
    assert response.status_code == 200
    assert response.content == content
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment; ")
    # The headers the application would have sent with the file.
    assert response.headers["Cache-Control"] == "private, no-store"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    policy = response.headers["Content-Security-Policy"]
    assert policy.startswith("sandbox; default-src 'none'") and "frame-ancestors 'self'" in policy
    assert response.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert requests.put(nginx.url + location, data=b"x", timeout=10).status_code == 403
