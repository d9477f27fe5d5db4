"""Playwright driving the system Chromium (no browser download is possible on these machines)."""

import os
import shutil
import tempfile

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session", autouse=True)
def _one_request_at_a_time_on_sqlite():
    """With the in-memory SQLite test database, Django's live server shares one connection
    between its request threads; a page that loads several files (the review page frames its
    PDFs) then has requests racing on that connection, and a session read can come back empty
    (the user seems signed out). Serve one request at a time there; PostgreSQL keeps the
    threaded server (each thread has its own connection)."""
    from django.core.servers.basehttp import WSGIServer
    from django.db import connection
    from django.test.testcases import LiveServerThread

    if connection.vendor != "sqlite":
        yield
        return

    class SerialWSGIServer(WSGIServer):
        # Django answers "Connection: close" from a server without threads, so browsers do
        # not hold it with keep-alive connections.
        def __init__(self, *args, connections_override=None, **kwargs):
            super().__init__(*args, **kwargs)

    previous = LiveServerThread.server_class
    LiveServerThread.server_class = SerialWSGIServer
    yield
    LiveServerThread.server_class = previous


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is missing (make test installs the Debian chromium package)")
    # Playwright's sync API runs an event loop in this thread; Django's ORM calls from test
    # code are still synchronous and safe here.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import expect, sync_playwright

    # Assertions wait as long as actions do: a loaded 2-core CI machine can take over the
    # default 5 s to answer an htmx request while pages embed several PDFs.
    expect.set_options(timeout=15_000)

    profile = tempfile.mkdtemp(prefix="zc-chromium-")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()
    shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def log_in(page, username, password):
    """Sign in through the login form, as a person does (the tests of signing in use this)."""
    page.goto("/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.fill("input[name=captcha_1]", "PASSED")
    page.click("main button[type=submit]")


def sign_in(page, live_server, username):
    """Sign the page's browser context in as username without the login form: a session made
    on the server (django.contrib.auth.login, as the login view does after the form) and its
    cookie handed to the browser. For tests whose subject is not signing in; the form costs two
    page loads and a captcha picture per person. The next page.goto opens the signed-in page."""
    from django.conf import settings
    from django.test import Client

    from applicants.models import User

    client = Client()
    client.force_login(
        User.objects.get(username=username), backend="applicants.backends.MultiIdentifierBackend"
    )
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [{"name": cookie.key, "value": cookie.value, "url": live_server.url, "httpOnly": True}]
    )
