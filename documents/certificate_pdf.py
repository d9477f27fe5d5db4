"""The electronic certificate (电子证书) drawn with reportlab from a plain CertificateData.

documents sits below committee: the committee app fills the data object (its certificate
numbers, verification codes and results are its own) and this module only draws. One A4
landscape page: a double border, the heading, the ID photo, the holder's particulars (ID number
masked), the approval, the certificate number, and a QR code of the absolute verification URL
with the verification address printed beside it. Text is set in the embedded CJK font of
documents.fonts, as the evaluation form is.
"""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass

from django.utils.translation import gettext as _
from PIL import Image as PILImage
from PIL import ImageOps
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from documents import fonts

PAGE_WIDTH, PAGE_HEIGHT = landscape(A4)
RED = colors.Color(0.64, 0.09, 0.1)
PHOTO_WIDTH, PHOTO_HEIGHT = 30 * mm, 40 * mm
QR_SIZE = 32 * mm


@dataclass(frozen=True)
class CertificateData:
    number: str
    name: str
    masked_id_number: str
    series: str
    title: str
    level: str
    committee: str
    approval_date: datetime.date
    approval_document_number: str
    # The absolute URL in the QR code, and the address printed beside it.
    verification_url: str
    verification_path: str
    photo: bytes | None = None
    revoked: bool = False


def _photo_reader(photo: bytes | None):
    if not photo:
        return None
    try:
        image = ImageOps.exif_transpose(PILImage.open(io.BytesIO(photo)))
        image = ImageOps.fit(image.convert("RGB"), (300, 400), method=PILImage.Resampling.LANCZOS)
    except Exception:  # an unreadable photo leaves the box empty
        return None
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=88)
    buffer.seek(0)
    return ImageReader(buffer)


def _qr(canvas: Canvas, url: str, x: float, y: float) -> None:
    """The QR code's dark modules drawn as filled rectangles straight on the canvas (a
    graphics Drawing would reset the font to the non-embedded Helvetica)."""
    widget = QrCodeWidget(url, x=x, y=y, barWidth=QR_SIZE, barHeight=QR_SIZE, barBorder=2)
    canvas.saveState()
    canvas.setFillColor(colors.black)
    for shape in widget.draw().contents:
        if getattr(shape, "fillColor", None) is not None:
            canvas.rect(shape.x, shape.y, shape.width, shape.height, stroke=0, fill=1)
    canvas.restoreState()


def _date(value: datetime.date) -> str:
    return _("%(y)d年%(m)d月%(d)d日") % {"y": value.year, "m": value.month, "d": value.day}


def render_certificate(data: CertificateData) -> bytes:
    font = fonts.cjk_font()
    buffer = io.BytesIO()
    canvas = Canvas(
        buffer, pagesize=(PAGE_WIDTH, PAGE_HEIGHT), pageCompression=1, initialFontName=font
    )
    canvas.setTitle(_("专业技术职务任职资格电子证书 %(n)s") % {"n": data.number})
    canvas.setAuthor(data.committee)

    # Border.
    canvas.setStrokeColor(RED)
    canvas.setLineWidth(3)
    canvas.rect(10 * mm, 10 * mm, PAGE_WIDTH - 20 * mm, PAGE_HEIGHT - 20 * mm)
    canvas.setLineWidth(0.8)
    canvas.rect(13 * mm, 13 * mm, PAGE_WIDTH - 26 * mm, PAGE_HEIGHT - 26 * mm)

    # Heading.
    canvas.setFillColor(RED)
    canvas.setFont(font, 28)
    canvas.drawCentredString(PAGE_WIDTH / 2, PAGE_HEIGHT - 40 * mm, _("专业技术职务任职资格证书"))
    canvas.setFont(font, 12)
    canvas.setFillColor(colors.black)
    canvas.drawCentredString(PAGE_WIDTH / 2, PAGE_HEIGHT - 50 * mm, _("（电子证书）"))

    # Photo.
    photo_x, photo_y = 30 * mm, PAGE_HEIGHT - 110 * mm
    canvas.setLineWidth(0.6)
    canvas.setStrokeColor(colors.grey)
    canvas.rect(photo_x, photo_y, PHOTO_WIDTH, PHOTO_HEIGHT)
    reader = _photo_reader(data.photo)
    if reader is not None:
        canvas.drawImage(reader, photo_x, photo_y, PHOTO_WIDTH, PHOTO_HEIGHT)
    else:
        canvas.setFont(font, 10)
        canvas.drawCentredString(photo_x + PHOTO_WIDTH / 2, photo_y + PHOTO_HEIGHT / 2, _("照片"))

    # Particulars.
    rows = [
        (_("姓　　名"), data.name),
        (_("证件号码"), data.masked_id_number),
        (_("评审系列"), data.series),
        (_("资格名称"), data.title),
        (_("资格级别"), data.level),
        (_("评审机构"), data.committee),
        (_("批准日期"), _date(data.approval_date)),
        (_("批准文号"), data.approval_document_number or "-"),
        (_("证书编号"), data.number),
    ]
    x_label, x_value = 75 * mm, 102 * mm
    y = PAGE_HEIGHT - 70 * mm
    for label, value in rows:
        canvas.setFont(font, 13)
        canvas.setFillColor(colors.Color(0.3, 0.3, 0.3))
        canvas.drawString(x_label, y, label)
        canvas.setFillColor(colors.black)
        canvas.setFont(font, 14)
        canvas.drawString(x_value, y, str(value))
        y -= 10.5 * mm

    # The verification QR code with its address beside it.
    qr_x, qr_y = PAGE_WIDTH - 30 * mm - QR_SIZE, 24 * mm
    _qr(canvas, data.verification_url, qr_x, qr_y)
    canvas.setFont(font, 9)
    canvas.setFillColor(colors.black)
    text_right = qr_x - 3 * mm
    canvas.drawRightString(text_right, qr_y + 22 * mm, _("扫描二维码或访问以下地址验证证书真伪："))
    canvas.drawRightString(text_right, qr_y + 16 * mm, data.verification_url)
    canvas.drawRightString(
        text_right, qr_y + 10 * mm, _("验证地址：%(p)s") % {"p": data.verification_path}
    )

    if data.revoked:
        canvas.saveState()
        canvas.setFillColor(colors.Color(0.8, 0, 0, alpha=0.35))
        canvas.setFont(font, 72)
        canvas.translate(PAGE_WIDTH / 2, PAGE_HEIGHT / 2)
        canvas.rotate(20)
        canvas.drawCentredString(0, 0, _("已撤销"))
        canvas.restoreState()

    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
