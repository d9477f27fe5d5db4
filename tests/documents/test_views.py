"""Who may download what: the form to the applicant and to every organization that holds or
held the declaration, the packet to the committee office once it received it; 404 to everyone
else. The panel on the applicant's, the reviewer's and the committee office's pages: 生成中
with live status, then the downloads, or the reason of a failure with 重新生成."""

import io
from urllib.parse import unquote

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from applicants.services import agree_commitment
from documents.models import DocumentKind, DocumentStatus, GeneratedDocument
from tests import factories
from tests.documents.conftest import document

pytestmark = pytest.mark.django_db

FORM, PACKET = DocumentKind.FORM, DocumentKind.PACKET


def url(declaration, kind=FORM, name="documents:download"):
    return reverse(name, args=[declaration.pk, kind])


def body(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.fixture
def other_applicant(regions):
    """A second personal account (who has agreed to the commitment, like the applicant)."""
    person = factories.ApplicantFactory(username="lisi", name="李四", phone="13800000002")
    agree_commitment(actor=person)
    return person


ROLES = (
    # persona fixture, may have the form, may have the packet
    ("committed_applicant", True, False),
    ("other_applicant", False, False),
    ("unit_reviewer", True, False),
    ("department_reviewer", True, False),
    ("reporting_reviewer", True, False),
    ("committee_office_user", True, True),
    ("bureau_reviewer", False, False),
    ("outsider", False, False),
    ("administrator", False, False),
)


def test_who_may_download_what(request, at_committee):
    """Every role against the one declaration (built and rendered once): each role's requests
    in a savepoint rolled back afterwards, so no role sees what another's requests left."""
    users = {persona: request.getfixturevalue(persona) for persona, _f, _p in ROLES}
    for persona, form, packet in ROLES:
        with transaction.atomic():
            _check_downloads(at_committee, persona, users[persona], form, packet)
            transaction.set_rollback(True)


def _check_downloads(declaration, persona, user, form, packet):
    client = Client()
    client.force_login(user, backend="applicants.backends.MultiIdentifierBackend")
    response = client.get(url(declaration, FORM))
    assert response.status_code == (200 if form else 404), f"{persona}: the form"
    if form:
        data = body(response)
        assert data.startswith(b"%PDF") and len(data) == document(declaration).size, (
            f"{persona}: the form's bytes"
        )
    response = client.get(url(declaration, PACKET))
    assert response.status_code == (200 if packet else 404), f"{persona}: the packet"
    if packet:
        assert len(body(response)) == document(declaration, PACKET).size, (
            f"{persona}: the packet's bytes"
        )
    # Neither the panel nor a new render for anyone who may not have the form.
    assert client.get(reverse("documents:panel", args=[declaration.pk])).status_code == (
        200 if form else 404
    ), f"{persona}: the panel"
    response = client.post(url(declaration, PACKET, "documents:render"))
    assert response.status_code == (302 if packet else 404), f"{persona}: a new render"


def test_anonymous_is_sent_to_sign_in(client, submitted):
    response = client.get(url(submitted))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_committee_office_gets_nothing_before_it_receives_it(
    login, submitted, committee_office_user, department_reviewer
):
    for user in (committee_office_user, department_reviewer):
        client = login(user)
        assert client.get(url(submitted, FORM)).status_code == 404
        assert client.get(url(submitted, PACKET)).status_code == 404


def test_an_unknown_id_or_kind_is_not_found(login, submitted, committed_applicant):
    client = login(committed_applicant)
    assert client.get(reverse("documents:download", args=[99999, FORM])).status_code == 404
    assert client.get(url(submitted, "certificate")).status_code == 404
    assert client.get(url(submitted, FORM, "documents:render")).status_code == 405


def test_download_names_and_headers(login, submitted, committed_applicant):
    client = login(committed_applicant)
    response = client.get(url(submitted))
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    disposition = unquote(response["Content-Disposition"])
    assert disposition.startswith("attachment;")
    assert f"评审表-{committed_applicant.name}-" in disposition
    copies = client.get(url(submitted) + "?copies=1&inline=1")
    assert unquote(copies["Content-Disposition"]).startswith("inline;")
    assert "评审表（一式三份）" in unquote(copies["Content-Disposition"])
    pages = len(PdfReader(io.BytesIO(body(copies))).pages)
    single = document(submitted).pages
    assert pages == 3 * single + 2 * (single % 2)


def test_nothing_is_served_while_the_form_is_drawn_again(login, submitted, committed_applicant):
    GeneratedDocument.objects.filter(declaration=submitted).update(status=DocumentStatus.PENDING)
    response = login(committed_applicant).get(url(submitted))
    assert response.status_code == 404


def test_the_applicant_sees_the_downloads_on_the_overview_and_the_timeline(
    login, submitted, committed_applicant
):
    client = login(committed_applicant)
    for name in ("declarations:overview", "declarations:timeline"):
        html = client.get(reverse(name, args=[submitted.pk])).content.decode()
        assert 'data-testid="documents-panel"' in html
        assert "下载评审表" in html and "打印（一式三份）" in html
        assert "评审材料包" not in html  # the packet is not the applicant's
        assert "hx-trigger" not in html.split('data-testid="documents-panel"')[1][:400]


def test_no_panel_before_the_first_submission(login, filled, committed_applicant):
    html = login(committed_applicant).get(reverse("declarations:overview", args=[filled.pk]))
    assert 'data-testid="documents-panel"' not in html.content.decode()


def test_while_drawing_the_panel_says_so_and_asks_again(login, at_committee, committee_office_user):
    GeneratedDocument.objects.filter(declaration=at_committee, kind=PACKET).update(
        status=DocumentStatus.RENDERING, parts_done=12, parts_total=51
    )
    client = login(committee_office_user)
    html = client.get(reverse("review:detail", args=[at_committee.pk])).content.decode()
    panel = html.split('data-testid="documents-panel"')[1].split("</section>")[0]
    assert f'hx-get="{reverse("documents:panel", args=[at_committee.pk])}"' in panel
    assert 'hx-trigger="every 2s"' in panel
    assert "生成中" in panel and "已完成 12 / 51 项" in panel
    assert 'value="12"' in panel and 'max="51"' in panel
    # The form is ready meanwhile.
    assert "下载评审表" in panel

    GeneratedDocument.objects.filter(declaration=at_committee, kind=PACKET).update(
        status=DocumentStatus.READY
    )
    fragment = client.get(
        reverse("documents:panel", args=[at_committee.pk]), headers={"HX-Request": "true"}
    ).content.decode()
    assert "下载评审材料包" in fragment and "hx-trigger" not in fragment
    assert "<html" not in fragment


def test_a_failure_shows_why_and_can_be_retried(
    login, submitted, committed_applicant, django_capture_on_commit_callbacks
):
    GeneratedDocument.objects.filter(declaration=submitted).update(
        status=DocumentStatus.FAILED, error="生成时发生错误（MemoryError），请重新生成。"
    )
    client = login(committed_applicant)
    overview = reverse("declarations:overview", args=[submitted.pk])
    html = client.get(overview).content.decode()
    assert "生成失败" in html and "生成时发生错误（MemoryError）" in html
    assert 'data-testid="render-form"' in html and "重新生成" in html
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url(submitted, FORM, "documents:render"), {"next": overview}, follow=False
        )
    assert response.status_code == 302 and response["Location"] == overview
    assert document(submitted).status == DocumentStatus.READY
    # Somewhere else than this site: back home instead.
    response = client.post(
        url(submitted, FORM, "documents:render"), {"next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("home")


def test_retry_by_htmx_answers_the_panel(login, submitted, committed_applicant):
    GeneratedDocument.objects.filter(declaration=submitted).update(status=DocumentStatus.FAILED)
    response = login(committed_applicant).post(
        url(submitted, FORM, "documents:render"), headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert response.status_code == 200 and 'id="documents-panel"' in html
    assert "生成中" in html and 'hx-trigger="every 2s"' in html


def test_the_unit_sees_the_form_on_the_review_page(login, submitted, unit_reviewer):
    html = login(unit_reviewer).get(reverse("review:detail", args=[submitted.pk])).content.decode()
    assert "下载评审表" in html and "下载评审材料包" not in html


def test_the_committee_inbox_links_each_packet(login, at_committee, committee_office_user):
    html = login(committee_office_user).get(reverse("review:queue")).content.decode()
    assert 'data-testid="packet-download"' in html
    assert url(at_committee, PACKET) in html
    GeneratedDocument.objects.filter(declaration=at_committee, kind=PACKET).update(
        status=DocumentStatus.RENDERING
    )
    html = login(committee_office_user).get(reverse("review:queue")).content.decode()
    assert "材料包生成中" in html and "#documents-panel" in html


def test_other_queues_have_no_packet_links(login, at_committee, unit_reviewer):
    html = login(unit_reviewer).get(reverse("review:queue")).content.decode()
    assert "packet-download" not in html and "packet-link" not in html


def test_the_panel_costs_one_query_for_the_applicant(
    login, submitted, committed_applicant, django_assert_num_queries
):
    from documents import selectors
    from documents.views import declaration_panel

    client = login(committed_applicant)
    client.get(reverse("declarations:overview", args=[submitted.pk]))  # warm caches

    class Request:
        user = committed_applicant
        htmx = False

        def get_full_path(self):
            return "/"

    with django_assert_num_queries(1):
        panel = declaration_panel(Request(), submitted)
    assert panel["documents_panel"]["round"] == 1
    assert selectors.viewer(committed_applicant, submitted).kinds == (FORM,)
