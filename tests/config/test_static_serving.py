"""Static files in production (issue 13): `collectstatic` writes each file under a name with
its content hash plus gzip and Brotli copies (config.storage: WhiteNoise's
CompressedManifestStaticFilesStorage, each URL worked out once per process),
templates link the hashed names, and WhiteNoise serves them compressed to a browser that
accepts it, cached for a year and marked immutable; an unhashed name is cached briefly only.
Checked in a fresh production process (DEBUG off), as an operator runs it."""

import json

from tests.config.test_settings import production_env, run

SERVE = """
import json, django
from django.conf import settings
django.setup()
from django.core.management import call_command
call_command("collectstatic", "--noinput", verbosity=0)
from django.templatetags.static import static
from django.test import Client

def fetch(url, encoding):
    response = Client().get(url, HTTP_ACCEPT_ENCODING=encoding, secure=True)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return {
        "status": response.status_code,
        "cache_control": response.get("Cache-Control", ""),
        "encoding": response.get("Content-Encoding", ""),
        "vary": response.get("Vary", ""),
        "size": len(body),
    }

url = static("vendor/bootstrap/bootstrap.min.css")
from django.contrib.staticfiles.storage import staticfiles_storage
from whitenoise.storage import CompressedManifestStaticFilesStorage
storage = staticfiles_storage._wrapped
CSS = "vendor/bootstrap/bootstrap.min.css"
missing = []
for _ in range(2):
    try:
        staticfiles_storage.url("css/no-such-file.css")
    except ValueError:
        missing.append("refused")
print(json.dumps({
    "storage": f"{type(storage).__module__}.{type(storage).__name__}",
    "remembered": static(CSS) == url and (CSS, False) in storage._urls,
    "as_whitenoise": CompressedManifestStaticFilesStorage().url(CSS),
    "missing": missing,
    "url": url,
    "plain": fetch(url, ""),
    "gzip": fetch(url, "gzip"),
    "br": fetch(url, "br, gzip"),
    "unhashed": fetch("/static/vendor/bootstrap/bootstrap.min.css", "gzip"),
}))
"""


def test_hashed_static_files_are_compressed_and_cached_for_a_year(tmp_path):
    result = run(
        ["-c", SERVE],
        **production_env(STATIC_ROOT=str(tmp_path / "static"), ALLOWED_HOSTS="testserver"),
    )
    assert result.returncode == 0, result.stderr
    served = json.loads(result.stdout.strip().splitlines()[-1])

    # Each URL worked out once per process, the same as WhiteNoise's; a missing file is refused
    # every time (manifest_strict), never remembered.
    assert served["storage"] == "config.storage.StaticFilesStorage"
    assert served["remembered"] and served["as_whitenoise"] == served["url"]
    assert served["missing"] == ["refused", "refused"]
    # The template tag names the hashed copy: a new release is a new URL.
    assert served["url"].startswith("/static/vendor/bootstrap/bootstrap.min.")
    assert served["url"] != "/static/vendor/bootstrap/bootstrap.min.css"
    plain, gzip, brotli = served["plain"], served["gzip"], served["br"]
    for response in (plain, gzip, brotli):
        assert response["status"] == 200
        assert "max-age=315360000" in response["cache_control"]
        assert "immutable" in response["cache_control"] and "public" in response["cache_control"]
        assert "Accept-Encoding" in response["vary"]
    assert plain["encoding"] == ""
    assert gzip["encoding"] == "gzip" and gzip["size"] < plain["size"] / 3
    assert brotli["encoding"] == "br" and brotli["size"] < gzip["size"]
    # Under its unhashed name a file may change with the next release: cached a minute only.
    unhashed = served["unhashed"]
    assert unhashed["status"] == 200 and "immutable" not in unhashed["cache_control"]
    assert "max-age=60" in unhashed["cache_control"]
