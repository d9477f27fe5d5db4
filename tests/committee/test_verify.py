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
