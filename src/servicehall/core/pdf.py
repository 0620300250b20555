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


# What to draw instead of a character the font has no glyph for (ReportLab would draw an empty box).
SUBSTITUTES = {
    "\u2212": "-",  # minus sign
    "\u2013": "-",
    "\u2014": "-",
    "\u00b7": "\u30fb",  # middle dot: the full-width one CJK fonts have
    "\u30fb": "\u00b7",
    "\u2264": "<=",
    "\u2265": ">=",
    "\u2192": "->",
    "\u201c": '"',
    "\u201d": '"',
    "\u00b2": "2",
    "\u03c7": "x",
    "\u03b1": "a",
}


@lru_cache(maxsize=8)
def font_chars(font: str) -> frozenset[int] | None:
    """The code points ``font`` has glyphs for; None for a CID font (the reader's font draws it)."""
    face = getattr(pdfmetrics.getFont(font), "face", None)
    cmap = getattr(face, "charToGlyph", None)
    return frozenset(cmap) if cmap else None


def drawable(text: str, font: str) -> str:
    """``text`` with every character ``font`` cannot draw replaced by a look-alike it can (``SUBSTITUTES``)
    or, failing that, "?": a missing glyph would print as a box that says nothing."""
    chars = font_chars(font)
    if chars is None:
        return text
    out = []
    for ch in text:
        if ord(ch) in chars or ch in "\n\r\t":
            out.append(ch)
            continue
        sub = SUBSTITUTES.get(ch, "?")
        out.append(sub if all(ord(c) in chars for c in sub) else "?")
    return "".join(out)


def paragraph(text, style) -> Paragraph:
    """``text`` as a paragraph, escaped: ReportLab reads its markup, a citizen's text must not be read
    as it. Characters the style's font cannot draw are replaced (``drawable``)."""
    return Paragraph(escape(drawable(str(text), style.fontName)), style)
