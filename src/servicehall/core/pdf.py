"""PDF pieces every app shares: the CJK font, the paragraph styles and the escaped paragraph.

ReportLab cannot embed the CFF outlines of Noto CJK, so we embed the first TrueType CJK font found
(WenQuanYi Zen Hei, AR PL UMing, Droid Sans Fallback, or ``SERVICEHALL_PDF_FONT``). With none installed
we fall back to Adobe's STSong-Light CID font, which every PDF reader substitutes but is not embedded.
The checklist (catalogue), the quality report and, next, receipts and forms all print through here, so
one document looks like the others and one font set-up serves them all.
"""

import os
from functools import lru_cache
from xml.sax.saxutils import escape

from django.conf import settings
from django.utils.translation import get_language
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph

FONT_CANDIDATES = [
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
]


@lru_cache(maxsize=1)
def cjk_font_name() -> str:
    """Register and return the font used for Chinese text in PDFs."""
    configured = getattr(settings, "SERVICEHALL_PDF_FONT", "")
    for path in ([configured] if configured else []) + FONT_CANDIDATES:
        if path and os.path.exists(path):
            kwargs = {"subfontIndex": 0} if path.endswith(".ttc") else {}
            pdfmetrics.registerFont(TTFont("ServiceHallCJK", path, **kwargs))
            return "ServiceHallCJK"
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    return "STSong-Light"


def styles(font: str) -> dict[str, ParagraphStyle]:
    """The house styles (base, title, subtitle, h2, small, cell) in ``font``."""
    # CJK wrapping breaks between any two characters: right for Chinese, wrong for English words.
    wrap = "CJK" if (get_language() or "zh").startswith("zh") else None
    base = ParagraphStyle("base", fontName=font, fontSize=10.5, leading=15, wordWrap=wrap)
    return {
        "base": base,
        "title": ParagraphStyle("title", parent=base, fontSize=20, leading=26, alignment=1, spaceAfter=4),
        "subtitle": ParagraphStyle(
            "subtitle",
            parent=base,
            fontSize=12,
            leading=16,
            alignment=1,
            textColor=colors.HexColor("#444444"),
        ),
        "h2": ParagraphStyle(
            "h2",
            parent=base,
            fontSize=13,
            leading=18,
            spaceBefore=10,
            spaceAfter=4,
            textColor=colors.HexColor("#9b1c1c"),
        ),
        "small": ParagraphStyle(
            "small", parent=base, fontSize=9, leading=12, textColor=colors.HexColor("#555555")
        ),
        "cell": ParagraphStyle("cell", parent=base, fontSize=10, leading=13),
    }


def paragraph(text, style) -> Paragraph:
    """``text`` as a paragraph, escaped: ReportLab reads its markup, a citizen's text must not be read
    as it."""
    return Paragraph(escape(str(text)), style)
