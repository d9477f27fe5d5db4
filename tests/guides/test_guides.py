"""帮助: the guides of docs/guides/ as pages, their screenshots served by a whitelisted name
only, and the header's help link giving the signed-in role's guide."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from guides.context_processors import help_link
from guides.render import image_names, render
from guides.roles import GUIDES, images_dir, markdown_of
from tests import factories


def test_the_index_lists_every_guide(client):
    response = client.get(reverse("guides:index"))
    assert response.status_code == 200
    html = response.content.decode()
    for guide in GUIDES:
        assert reverse("guides:guide", args=[guide.role]) in html
        assert str(guide.title) in html


@pytest.mark.parametrize("role", [guide.role for guide in GUIDES])
def test_each_guide_renders_with_its_steps_and_rules(client, role):
    response = client.get(reverse("guides:guide", args=[role]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<ol>" in html and "须知规则" in html
    names = image_names(markdown_of(role))
    assert names and all(name.startswith(f"{role}-") for name in names)
    for name in names:
        assert reverse("guides:image", args=[name]) in html


def test_every_image_a_guide_shows_is_committed_and_small():
    total = 0
    for guide in GUIDES:
        for name in image_names(markdown_of(guide.role)):
            path = images_dir() / name
            assert path.is_file(), name
            total += path.stat().st_size
    assert total < 5 * 1024 * 1024


def test_an_unknown_guide_is_not_found(client):
    assert client.get(reverse("guides:guide", args=["nobody"])).status_code == 404
    assert client.get("/help/README/").status_code == 404


def test_an_image_is_served_by_its_name(client):
    name = image_names(markdown_of("applicant"))[0]
    response = client.get(reverse("guides:image", args=[name]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")


@pytest.mark.parametrize(
    "path",
    [
        "/help/images/..%2F..%2F..%2Fconfig%2Fsettings.py",
        "/help/images/..%2Fapplicant.md",
        "/help/images/%2Fetc%2Fpasswd",
        "/help/images/applicant-99-missing.png",
        "/help/images/applicant-01-login.png.bak",
        "/help/images/APPLICANT-01-login.png",
        "/help/images/.gitkeep",
        "/help/images/../applicant.md",
    ],
)
def test_nothing_else_is_reachable_through_the_image_view(client, path):
    assert client.get(path).status_code == 404


def test_the_markdown_is_escaped():
    html = render(
        "# <script>x</script>\n\n1. **a** <b>b</b> [l](javascript:alert(1))\n"
        "   ![<img onerror=x>](images/applicant-01-login.png)\n",
        image=lambda target: "/img",
        link=lambda target: None,
    )
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<b>" not in html and "javascript" not in html
    assert 'alt="&lt;img onerror=x&gt;"' in html
    assert "<strong>a</strong>" in html


def _help_url_of(user):
    request = RequestFactory().get("/")
    request.user = user
    return str(help_link(request)["help_url"])


def test_help_link_of_anonymous_is_the_index():
    from django.contrib.auth.models import AnonymousUser

    assert _help_url_of(AnonymousUser()) == reverse("guides:index")


@pytest.mark.parametrize(
    ("fixture", "guide"),
    [
        ("applicant", "applicant"),
        ("unit_reviewer", "unit"),
        ("department_reviewer", "department"),
        ("reporting_reviewer", "department"),
        ("bureau_reviewer", "hr_bureau"),
        ("committee_office_user", "committee_office"),
        ("administrator", "administrator"),
    ],
)
def test_help_link_of_each_role(request, fixture, guide):
    user = request.getfixturevalue(fixture)
    assert _help_url_of(user) == reverse("guides:guide", args=[guide])


def test_help_link_of_an_expert(db):
    from applicants.models import AccountKind

    expert = factories.UserFactory(kind=AccountKind.EXPERT)
    assert _help_url_of(expert) == reverse("guides:guide", args=["expert"])


def test_help_pages_need_no_login_and_show_the_guide_to_a_signed_in_user(login, applicant):
    client = login(applicant)
    response = client.get(reverse("guides:guide", args=["applicant"]))
    assert response.status_code == 200
    assert response.context["help_url"] == reverse("guides:guide", args=["applicant"])


def test_the_header_links_a_signed_in_user_to_the_guide_of_their_role(login, unit_reviewer):
    html = login(unit_reviewer).get(reverse("institutions:dashboard")).content.decode()
    assert f'href="{reverse("guides:guide", args=["unit"])}"' in html
