"""The photo slot (huzhou-2020-review-notice.txt, 附件1 二.1): JPEG only, 30 KB to 1 MB, at least
215×300 pixels (width × height), width / height between 0.65 and 0.8 — both ends allowed."""

import io
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
        (215, 300, 40 * KB),  # the smallest allowed
        (260, 400, 40 * KB),  # width / height = 0.65 exactly
        (320, 400, 40 * KB),  # width / height = 0.8 exactly
        (260, 360, 30 * KB),  # 30 KB exactly
        (260, 360, 1024 * KB),  # 1 MB exactly
        (1300, 1800, 600 * KB),  # a large scan of a 2-inch photo
    ],
    ids=["ordinary", "min_pixels", "ratio_0.65", "ratio_0.8", "30KB", "1MB", "large"],
)
def test_photo_within_the_rules_is_valid(width, height, size):
    result = check(photo(width, height, size))
    assert result.ok, result.reason
    assert (result.width, result.height) == (width, height) and result.thumbnail


@pytest.mark.parametrize(
    ("width", "height", "size", "reason"),
    [
        (214, 300, 40 * KB, "证件照像素不得小于215×300（宽×高），当前为214×300"),
        (215, 299, 40 * KB, "证件照像素不得小于215×300（宽×高），当前为215×299"),
        (259, 400, 40 * KB, "宽高比应在0.65至0.8之间（竖版），当前为259×400，宽高比0.647"),
        (321, 400, 40 * KB, "宽高比应在0.65至0.8之间（竖版），当前为321×400，宽高比0.802"),
        (420, 300, 40 * KB, "宽高比应在0.65至0.8之间（竖版），当前为420×300"),
        (300, 300, 40 * KB, "宽高比应在0.65至0.8之间"),
        (260, 360, 30 * KB - 1, "证件照文件太小（29.9KB），应不小于30KB"),
        (260, 360, 12 * KB, "证件照文件太小（12.0KB），应不小于30KB"),
        (260, 360, 1024 * KB + 1, "证件照文件太大（1048577字节），应不超过1MB（1048576字节）"),
    ],
    ids=[
        "width_214",
        "height_299",
        "ratio_below_0.65",
        "ratio_above_0.8",
        "landscape",
        "square",
        "30KB_minus_1",
        "12KB",
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
        attachment = _upload(engineering_declaration, "证件照.jpg", photo(215, 300, 30 * KB))
    attachment.refresh_from_db()
    assert attachment.status == Attachment.Status.VALID, attachment.reason
    assert (attachment.width, attachment.height) == (215, 300) and attachment.thumbnail


def test_uploaded_photo_too_small_in_bytes_is_rejected(
    engineering_declaration, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        attachment = _upload(engineering_declaration, "证件照.jpg", photo(260, 360, 20 * KB))
    attachment.refresh_from_db()
    assert attachment.status == Attachment.Status.REJECTED
    assert "证件照文件太小（20.0KB），应不小于30KB" in attachment.reason


def test_png_photo_is_refused_in_the_request(engineering_declaration):
    image = Image.new("RGB", (260, 360), "white")
    out = io.BytesIO()
    image.save(out, format="PNG")
    with pytest.raises(ValidationError, match="证件照须为 JPEG"):
        _upload(engineering_declaration, "证件照.jpg", out.getvalue())
    assert not Attachment.objects.exists()
