"""The photo slot (huzhou-2020-review-notice.txt, 附件1 二.1): JPEG only, "文件大于30K且小于1M"
(30 KB and 1 MB themselves refused), "大于215*300（宽*高）像素" (215 wide or 300 high refused),
"宽高比大于等于0.65且小于等于0.8" (both ends allowed). The file picker offers JPEG only and its
hint states the rules."""

import io
import re
import struct

import pytest
from django.core.exceptions import ValidationError
from PIL import Image

from attachments import services, validation
from attachments.models import Attachment
from tests.attachments.conftest import upload

KB = 1024


def photo(width=260, height=360, size=40 * KB) -> bytes:
    """A JPEG portrait of exactly `size` bytes (comment segments fill it up)."""
    image = Image.new("RGB", (width, height), (255, 255, 255))
    image.paste(
        Image.linear_gradient("L").resize((width // 2, height // 2)).convert("RGB"),
        (width // 4, height // 6),
    )
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=75)
    data = out.getvalue()
    missing = size - len(data)
    assert missing == 0 or missing >= 4, f"a {width}×{height} JPEG is already {len(data)} bytes"
    comments = []
    while missing:
        # A comment segment is 4 bytes of marker and length, then up to 65533 bytes.
        payload = min(missing - 4, 65533)
        if 0 < missing - 4 - payload < 4:
            payload -= 4
        comments.append(b"\xff\xfe" + struct.pack(">H", payload + 2) + b" " * payload)
        missing -= payload + 4
    data = data[:2] + b"".join(comments) + data[2:]
    assert len(data) == size
    return data


def check(data, kind="jpeg"):
    return validation.inspect(io.BytesIO(data), kind=kind, photo=True)


@pytest.mark.parametrize(
    ("width", "height", "size"),
    [
        (260, 360, 40 * KB),  # an ordinary 1-inch photo
        (216, 301, 40 * KB),  # the smallest allowed: more than 215×300
        (260, 400, 40 * KB),  # width / height = 0.65 exactly
        (320, 400, 40 * KB),  # width / height = 0.8 exactly
        (260, 360, 30 * KB + 1),  # just more than 30 KB
        (260, 360, 1024 * KB - 1),  # just less than 1 MB
        (1300, 1800, 600 * KB),  # a large scan of a 2-inch photo
    ],
    ids=[
        "ordinary",
        "min_pixels",
        "ratio_0.65",
        "ratio_0.8",
        "30KB_plus_1",
        "1MB_minus_1",
        "large",
    ],
)
def test_photo_within_the_rules_is_valid(width, height, size):
    result = check(photo(width, height, size))
    assert result.ok, result.reason
    assert (result.width, result.height) == (width, height) and result.thumbnail


@pytest.mark.parametrize(
    ("width", "height", "size", "reason"),
    [
        (
            215,
            300,
            40 * KB,
            "证件照像素应大于215×300（宽×高），即宽至少216、高至少301像素，当前为215×300",
        ),
        (
            215,
            301,
            40 * KB,
            "证件照像素应大于215×300（宽×高），即宽至少216、高至少301像素，当前为215×301",
        ),
        (
            216,
            300,
            40 * KB,
            "证件照像素应大于215×300（宽×高），即宽至少216、高至少301像素，当前为216×300",
        ),
        (214, 300, 40 * KB, "当前为214×300"),
        (259, 400, 40 * KB, "宽高比应在0.65至0.8之间（竖版），当前为259×400，宽高比0.647"),
        (321, 400, 40 * KB, "宽高比应在0.65至0.8之间（竖版），当前为321×400，宽高比0.802"),
        (420, 310, 40 * KB, "宽高比应在0.65至0.8之间（竖版），当前为420×310"),
        (320, 320, 40 * KB, "宽高比应在0.65至0.8之间"),
        (260, 360, 30 * KB, "证件照文件太小（30.0KB，30720字节），应大于30KB（30720字节）"),
        (260, 360, 30 * KB - 1, "证件照文件太小（29.9KB，30719字节），应大于30KB"),
        (260, 360, 12 * KB, "证件照文件太小（12.0KB，12288字节），应大于30KB"),
        (260, 360, 1024 * KB, "证件照文件太大（1048576字节），应小于1MB（1048576字节）"),
        (260, 360, 1024 * KB + 1, "证件照文件太大（1048577字节），应小于1MB（1048576字节）"),
    ],
    ids=[
        "215x300",
        "width_215",
        "height_300",
        "width_214",
        "ratio_below_0.65",
        "ratio_above_0.8",
        "landscape",
        "square",
        "30KB",
        "30KB_minus_1",
        "12KB",
        "1MB",
        "1MB_plus_1",
    ],
)
def test_photo_outside_the_rules_is_refused(width, height, size, reason):
    result = check(photo(width, height, size))
    assert not result.ok and reason in result.reason, result.reason
    assert result.thumbnail is None


@pytest.mark.parametrize(
    ("kind", "fmt", "reason"),
    [("png", "PNG", "当前文件是PNG 图片"), ("gif", "GIF", "当前文件是GIF 图片")],
)
def test_photo_must_be_jpeg(kind, fmt, reason):
    image = Image.effect_noise((260, 360), 60).convert("RGB")
    out = io.BytesIO()
    image.save(out, format=fmt)
    result = check(out.getvalue(), kind=kind)
    assert not result.ok and "证件照须为 JPEG（.jpg）格式" in result.reason
    assert reason in result.reason


def test_the_photo_rules_only_apply_to_the_photo_slot():
    data = photo(420, 300, 12 * KB)
    assert validation.inspect(io.BytesIO(data), kind="jpeg", photo=False).ok


# Through the upload and the check -------------------------------------------------------------


def photo_slot(declaration):
    return declaration.plan.sections.get(slots__code="photo").slots.get(code="photo")


def _upload(declaration, name, content):
    return services.upload_attachment(
        actor=declaration.applicant,
        declaration=declaration,
        slot=photo_slot(declaration),
        uploaded_file=upload(name, content, "image/jpeg"),
    )


def test_uploaded_photo_within_the_rules_becomes_valid(
    engineering_declaration, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        attachment = _upload(engineering_declaration, "证件照.jpg", photo(216, 301, 30 * KB + 1))
    attachment.refresh_from_db()
    assert attachment.status == Attachment.Status.VALID, attachment.reason
    assert (attachment.width, attachment.height) == (216, 301) and attachment.thumbnail


def test_uploaded_photo_too_small_in_bytes_is_rejected(
    engineering_declaration, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        attachment = _upload(engineering_declaration, "证件照.jpg", photo(260, 360, 20 * KB))
    attachment.refresh_from_db()
    assert attachment.status == Attachment.Status.REJECTED
    assert "证件照文件太小（20.0KB，20480字节），应大于30KB" in attachment.reason


def test_uploaded_photo_of_exactly_215_by_300_is_rejected(
    engineering_declaration, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        attachment = _upload(engineering_declaration, "证件照.jpg", photo(215, 300, 40 * KB))
    attachment.refresh_from_db()
    assert attachment.status == Attachment.Status.REJECTED
    assert "应大于215×300" in attachment.reason


def test_png_photo_is_refused_in_the_request(engineering_declaration):
    image = Image.new("RGB", (260, 360), "white")
    out = io.BytesIO()
    image.save(out, format="PNG")
    with pytest.raises(ValidationError, match="证件照须为 JPEG"):
        _upload(engineering_declaration, "证件照.jpg", out.getvalue())
    assert not Attachment.objects.exists()


def test_the_photo_picker_takes_jpeg_only_and_states_the_rules(login, engineering_declaration):
    from django.urls import reverse

    client = login(engineering_declaration.applicant)
    html = client.get(
        reverse("declarations:section", args=[engineering_declaration.pk, "basic_info"])
    ).content.decode()
    photo_card = html[html.index('data-slot="photo"') :]
    photo_card = photo_card[
        : photo_card.index('data-testid="slot"') if 'data-testid="slot"' in photo_card else None
    ]
    [accept] = re.findall(r'accept="([^"]*)"', photo_card)
    assert accept == ".jpg,.jpeg,image/jpeg"
    for rule in ("大于30KB且小于1MB", "大于215×300（宽×高）", "宽高比在0.65至0.8之间"):
        assert rule in photo_card, rule
    # Other slots still take scans of every accepted kind.
    identity = html[html.index('data-slot="identity"') : html.index('data-slot="photo"')]
    assert "application/pdf" in re.findall(r'accept="([^"]*)"', identity)[0]
