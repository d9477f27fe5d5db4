"""The captcha is usable with a screen reader: the answer box is named 验证码 and the picture has
a Chinese alternative text (issue 10: it had no label and the alt text "captcha")."""

import re

import pytest

pytestmark = pytest.mark.django_db


def _tag(page: str, pattern: str) -> str:
    match = re.search(pattern, page)
    assert match, pattern
    return match.group(0)


@pytest.mark.parametrize(
    "url",
    ["/accounts/login/", "/accounts/register/", "/accounts/password-reset/", "/org/register/"],
)
def test_captcha_answer_box_has_a_chinese_name_and_the_picture_a_chinese_alt(client, url):
    page = client.get(url).content.decode()

    answer = _tag(page, r'<input[^>]*name="captcha_1"[^>]*>')
    assert 'aria-label="验证码"' in answer
    assert 'maxlength="10"' in answer
    picture = _tag(page, r'<img[^>]*class="captcha"[^>]*>')
    assert 'alt="验证码图片，看不清可点击更换"' in picture
    assert 'alt="captcha"' not in page
