"""The CJK font of every generated PDF.

WenQuanYi Zen Hei (Debian package fonts-wqy-zenhei, GPL v2 with a font embedding exception)
is a TrueType collection whose glyphs reportlab embeds as a TrueType subset (FontFile2): the
PDF shows the same characters in every viewer and on every printer. Noto CJK would be nicer,
but its OpenType (CFF) outlines cannot be embedded by reportlab.

When the font file is missing (a machine set up without `make`), the standard CID font
STSong-Light is used instead, with a warning in the log: it is not embedded, so the viewer
substitutes a font of its own. `make run`, `make test` and the Docker image install the font.
"""

import logging
import threading
from pathlib import Path

from django.conf import settings
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont

logger = logging.getLogger(__name__)

DEFAULT_PATH = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"
EMBEDDED_NAME = "ZC-WenQuanYiZenHei"
FALLBACK_NAME = "STSong-Light"

_lock = threading.Lock()
_registered: str | None = None


def font_path() -> Path:
    return Path(getattr(settings, "DOCUMENTS_FONT", "") or DEFAULT_PATH)


def cjk_font() -> str:
    """The registered name of the font to draw Chinese with (registered on first use)."""
    global _registered
    if _registered is not None:
        return _registered
    with _lock:
        if _registered is None:
            _registered = _register()
    return _registered


def is_embedded() -> bool:
    return cjk_font() == EMBEDDED_NAME


def _register() -> str:
    path = font_path()
    if path.is_file():
        try:
            # A .ttc holds several faces; Zen Hei is the first (Zen Hei Mono the second).
            index = 0 if path.suffix.lower() in (".ttc", ".otc") else None
            kwargs = {"subfontIndex": index} if index is not None else {}
            pdfmetrics.registerFont(TTFont(EMBEDDED_NAME, str(path), **kwargs))
            return EMBEDDED_NAME
        except Exception:  # a broken or unsupported font file: fall back, loudly
            logger.exception("cannot load the CJK font %s; using %s", path, FALLBACK_NAME)
    else:
        logger.warning(
            "CJK font %s not found (apt-get install fonts-wqy-zenhei); generated PDFs use the "
            "non-embedded CID font %s, which viewers substitute",
            path,
            FALLBACK_NAME,
        )
    pdfmetrics.registerFont(UnicodeCIDFont(FALLBACK_NAME))
    return FALLBACK_NAME


def reset() -> None:
    """Forget the choice (tests that point DOCUMENTS_FONT elsewhere)."""
    global _registered
    with _lock:
        _registered = None
