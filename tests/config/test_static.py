"""The vendored front-end files: present in the repository (no CDN on an intranet) and found by
staticfiles, so `collectstatic` puts them where WhiteNoise serves them in production."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders

PROJECT_DIR = Path(__file__).resolve().parents[2]

VENDORED = [
    "vendor/bootstrap/bootstrap.min.css",
    "vendor/bootstrap/bootstrap.bundle.min.js",
    "vendor/htmx/htmx.min.js",
]


@pytest.mark.parametrize("path", VENDORED)
def test_vendored_file_is_in_the_repository(path):
    file = PROJECT_DIR / "static" / path
    assert file.is_file()
    # A real minified library, not an empty placeholder or an HTML error page saved by mistake.
    assert file.stat().st_size > 20_000
    assert not file.read_text(encoding="utf-8")[:200].lstrip().lower().startswith("<")


@pytest.mark.parametrize("path", [*VENDORED, "css/app.css", "js/app.js"])
def test_staticfiles_finders_find_it_in_the_project_static_dir(path):
    found = finders.find(path)
    assert found is not None, f"{path} would be missing after collectstatic"
    assert Path(found).resolve() == (PROJECT_DIR / "static" / path).resolve()


def test_static_dir_is_the_one_settings_point_at():
    assert (PROJECT_DIR / "static").resolve() in [
        Path(p).resolve() for p in settings.STATICFILES_DIRS
    ]


def _bootstrap_version(path):
    head = (PROJECT_DIR / "static" / path).read_text(encoding="utf-8")[:400]
    match = re.search(r"Bootstrap\s+v(\d+\.\d+\.\d+)", head)
    assert match, f"no Bootstrap banner in {path}"
    return match.group(1)


def test_bootstrap_css_and_js_are_the_same_bootstrap_5_release():
    """Mismatched halves break components (collapse, dropdowns) in ways tests rarely show."""
    css = _bootstrap_version("vendor/bootstrap/bootstrap.min.css")
    js = _bootstrap_version("vendor/bootstrap/bootstrap.bundle.min.js")
    assert css == js
    assert css.startswith("5.")


def test_htmx_is_version_2():
    text = (PROJECT_DIR / "static" / "vendor" / "htmx" / "htmx.min.js").read_text(encoding="utf-8")
    match = re.search(r'version:"(\d+)\.\d+\.\d+"', text)
    assert match and match.group(1) == "2"
