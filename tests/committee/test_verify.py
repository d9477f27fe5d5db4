"""The public certificate check (issue 12 §7): /verify/<code>/ and the form at /verify/ need no
login, say 有效 or 已撤销 with the masked name, title, committee and date; an unknown code or a
wrong number and name get the same neutral answer and status; rate-limited per IP (429)."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from committee.models import Certificate
from committee.services import revocation
from tests.committee.results_fixtures import *  # noqa: F403

pytestmark = pytest.mark.django_db

NEUTRAL = "未查询到与所填信息一致的有效证书记录"


@pytest.fixture(autouse=True)
def _fresh_limit():
    for address in ("127.0.0.1", "10.9.8.1", "10.9.8.2"):
        cache.delete(f"committee:verify:{address}")
    yield


@pytest.fixture
def certificate(confirmed):
    return Certificate.objects.get(declaration=confirmed)


def test_a_valid_certificate(client, certificate):
    response = client.get(reverse("committee:verify", args=[certificate.verification_code]))
    text = response.content.decode()
    assert response.status_code == 200
    assert "有效" in text and "已撤销" not in text
    assert "张*" in text and "张三" not in text
    assert "工程师" in text and certificate.committee_name in text
    assert certificate.approval_date.strftime("%Y-%m-%d") in text
    assert certificate.declaration.applicant.id_number not in text


def test_a_revoked_certificate(client, certificate, committee_office_user):
    revocation.revoke_result(
        actor=committee_office_user, declaration=certificate.declaration, reason="伪造业绩"
    )
    response = client.get(reverse("committee:verify", args=[certificate.verification_code]))
    text = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="verify-status">已撤销' in text
    # The reason is the office's business, not the public's.
    assert "伪造业绩" not in text


def test_an_unknown_code_learns_nothing(client, certificate):
    unknown = client.get(reverse("committee:verify", args=["x" * 32]))
    near = client.get(reverse("committee:verify", args=[certificate.verification_code[:-1]]))
    for response in (unknown, near):
        assert response.status_code == 200
        text = response.content.decode()
        assert NEUTRAL in text and "张*" not in text


def test_the_form_with_number_and_name(client, certificate):
    url = reverse("committee:verify_form")
    assert client.get(url).status_code == 200
    right = client.post(url, {"number": certificate.number, "name": "张三"})
    assert right.status_code == 200
    assert "有效" in right.content.decode() and "张*" in right.content.decode()
    wrong_name = client.post(url, {"number": certificate.number, "name": "李四"})
    wrong_number = client.post(url, {"number": "1-2026-99999", "name": "张三"})
    for response in (wrong_name, wrong_number):
        assert response.status_code == right.status_code
        text = response.content.decode()
        assert NEUTRAL in text and "张*" not in text and certificate.committee_name not in text


def test_the_form_asks_for_both_fields(client):
    response = client.post(reverse("committee:verify_form"), {"number": "", "name": ""})
    text = response.content.decode()
    assert "证书编号" in text and "请填写" in text
    assert NEUTRAL not in text


def test_rate_limited_per_address(client, certificate, settings):
    settings.CERTIFICATE_VERIFY_LIMIT = 3
    url = reverse("committee:verify", args=[certificate.verification_code])
    for _ in range(3):
        assert client.get(url, REMOTE_ADDR="10.9.8.1").status_code == 200
    limited = client.get(url, REMOTE_ADDR="10.9.8.1")
    assert limited.status_code == 429
    assert "查询过于频繁" in limited.content.decode()
    assert limited["Retry-After"]
    # The form counts too; another address is not affected.
    form = client.post(
        reverse("committee:verify_form"),
        {"number": certificate.number, "name": "张三"},
        REMOTE_ADDR="10.9.8.1",
    )
    assert form.status_code == 429
    assert client.get(url, REMOTE_ADDR="10.9.8.2").status_code == 200


# --- speed (issue 13): the answer for a code comes from the cache until the certificate changes


def _queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    return len(captured), response


def test_the_answer_for_a_code_is_read_once_then_served_from_the_cache(client, certificate):
    url = reverse("committee:verify", args=[certificate.verification_code])
    first, response = _queries(client, url)
    assert first == 1 and "有效" in response.content.decode()
    again, response = _queries(client, url)
    assert again == 0 and "张*" in response.content.decode()
    # The form page itself needs no query; an unknown code is never cached.
    assert _queries(client, reverse("committee:verify_form"))[0] == 0
    unknown = reverse("committee:verify", args=["y" * 32])
    assert _queries(client, unknown)[0] == 1
    assert _queries(client, unknown)[0] == 1


def test_a_revocation_replaces_the_cached_answer_at_once(
    client, certificate, committee_office_user, django_capture_on_commit_callbacks
):
    url = reverse("committee:verify", args=[certificate.verification_code])
    assert 'data-testid="verify-status">有效' in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        revocation.revoke_result(
            actor=committee_office_user, declaration=certificate.declaration, reason="伪造业绩"
        )
    assert callbacks  # the marker is put again after the commit
    for _ in range(2):
        text = client.get(url).content.decode()
        assert 'data-testid="verify-status">已撤销' in text


def test_an_answer_read_before_a_change_is_not_stored_after_it(certificate):
    from committee.views import verify

    code = certificate.verification_code
    stale = verify._answer(certificate)
    verify.forget_answer(code)
    # A look-up that read the row before the change tries to store it now: refused.
    cache.add(verify._answer_key(code), stale, verify.ANSWER_SECONDS)
    assert cache.get(verify._answer_key(code)) == verify._CHANGED
    # While the marker lasts, look-ups read the database and store nothing.
    Certificate.objects.filter(pk=certificate.pk).update(revoked_at=certificate.issued_at)
    assert verify._code_answer(code)["valid"] is False
    assert cache.get(verify._answer_key(code)) == verify._CHANGED
