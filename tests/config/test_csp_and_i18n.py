"""The site frame every page shares: its Content Security Policy, self-hosted assets (many
deployments are on government intranets without internet access) and the language switch."""

from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse

PUBLIC_PAGES = [
    "applicants:login",
    "applicants:register",
    "institutions:unit_register",
    "applicants:password_reset",
]


class Page(HTMLParser):
    """The few facts about a page these tests need, from the HTML as the browser sees it."""

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.html_lang = None
        self.scripts = []  # (attrs, inline body)
        self.links = []
        self.inline_styles = []  # <style> elements and style="" attributes
        self.event_handlers = []  # onclick="" and friends
        self.h1 = []
        self.language_form = None  # {"action": ..., "fields": {...}, "buttons": [...]}
        self._script = None
        self._in_h1 = False
        self._in_language_form = False
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.html_lang = attrs.get("lang")
        elif tag == "script":
            self._script = [attrs, ""]
        elif tag == "link":
            self.links.append(attrs)
        elif tag == "style":
            self.inline_styles.append("<style>")
        elif tag == "h1":
            self._in_h1 = True
            self.h1.append("")
        elif tag == "form" and attrs.get("id") == "language-form":
            self._in_language_form = True
            self.language_form = {"action": attrs.get("action"), "fields": {}, "buttons": []}
        elif self._in_language_form and tag == "input":
            self.language_form["fields"][attrs["name"]] = attrs.get("value", "")
        elif self._in_language_form and tag == "button":
            self.language_form["buttons"].append(attrs)
        if "style" in attrs:
            self.inline_styles.append(f"<{tag} style={attrs['style']!r}>")
        self.event_handlers += [f"<{tag} {name}>" for name in attrs if name.startswith("on")]

    def handle_endtag(self, tag):
        if tag == "script" and self._script is not None:
            self.scripts.append(tuple(self._script))
            self._script = None
        elif tag == "h1":
            self._in_h1 = False
        elif tag == "form":
            self._in_language_form = False

    def handle_data(self, data):
        if self._script is not None:
            self._script[1] += data
        if self._in_h1:
            self.h1[-1] += data


def get_page(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response, Page(response.content.decode())


def csp_directives(response):
    header = response.headers["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


@pytest.mark.django_db
def test_login_page_forbids_inline_script_through_its_csp(client):
    response = client.get(reverse("applicants:login"))

    directives = csp_directives(response)
    assert directives["script-src"] == ["'self'"]
    assert "'unsafe-inline'" not in response.headers["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response.headers["Content-Security-Policy"]
    # No other site may frame the login page (clickjacking).
    assert directives["frame-ancestors"] == ["'none'"]


@pytest.mark.django_db
@pytest.mark.parametrize("name", PUBLIC_PAGES)
def test_public_pages_need_nothing_the_csp_would_block(client, name):
    """Inline script, inline event handlers and inline styles would be silently dropped by the
    browser under this policy, leaving a page that looks fine in tests but is broken for users."""
    _, page = get_page(client, reverse(name))

    assert page.scripts, "the base template's scripts are missing"
    inline = [body.strip()[:60] for attrs, body in page.scripts if not attrs.get("src")]
    assert inline == []
    assert page.event_handlers == []
    assert page.inline_styles == []


@pytest.mark.django_db
@pytest.mark.parametrize("name", PUBLIC_PAGES)
def test_bootstrap_and_htmx_are_self_hosted(client, name):
    _, page = get_page(client, reverse(name))

    script_sources = [attrs["src"] for attrs, _ in page.scripts]
    stylesheets = [link["href"] for link in page.links if link.get("rel") == "stylesheet"]
    assert "/static/vendor/bootstrap/bootstrap.min.css" in stylesheets
    assert "/static/vendor/bootstrap/bootstrap.bundle.min.js" in script_sources
    assert "/static/vendor/htmx/htmx.min.js" in script_sources
    external = [
        url
        for url in script_sources + [link.get("href", "") for link in page.links]
        if url.startswith(("http://", "https://", "//"))
    ]
    assert external == []


def switch_language(client, page, code):
    """Submit the language form of the page header as a browser would (CSRF enforced)."""
    form = page.language_form
    assert form is not None, "the page header has no language form"
    assert code in [button.get("value") for button in form["buttons"]]
    response = client.post(form["action"], {**form["fields"], "language": code})
    assert response.status_code == 302
    return response


@pytest.mark.django_db
def test_language_switch_changes_the_login_page_and_back():
    client = Client(enforce_csrf_checks=True)
    login_url = reverse("applicants:login")
    _, page = get_page(client, login_url)
    assert page.html_lang == "zh-hans"
    assert page.h1 == ["登录"]

    response = switch_language(client, page, "en")
    assert response.url == login_url  # back to the page the user was on
    _, page = get_page(client, login_url)
    assert page.html_lang == "en"
    assert page.h1 == ["Sign in"]

    switch_language(client, page, "zh-hans")
    _, page = get_page(client, login_url)
    assert page.html_lang == "zh-hans"
    assert page.h1 == ["登录"]


@pytest.mark.django_db
def test_language_buttons_name_each_language_in_itself(client):
    """A reader who does not know the current language must still find their own."""
    _, page = get_page(client, reverse("applicants:login"))
    labels = {button["value"]: button.get("lang") for button in page.language_form["buttons"]}
    assert labels == {"zh-hans": "zh-hans", "en": "en"}
    html = client.get(reverse("applicants:login")).content.decode()
    assert ">English</button>" in html
    assert ">简体中文</button>" in html


@pytest.mark.django_db
def test_english_browser_still_gets_chinese_until_english_is_chosen(client):
    response = client.get(reverse("applicants:login"), headers={"accept-language": "en-US,en"})
    page = Page(response.content.decode())
    assert page.html_lang == "zh-hans"
    assert page.h1 == ["登录"]
