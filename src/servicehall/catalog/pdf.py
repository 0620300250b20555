"""The one-time notification of materials (一次性告知单) as a PDF with embedded Chinese glyphs.

ReportLab cannot embed the CFF outlines of Noto CJK, so we embed the first TrueType CJK font found
(WenQuanYi Zen Hei, AR PL UMing, Droid Sans Fallback, or ``SERVICEHALL_PDF_FONT``). With none installed
we fall back to Adobe's STSong-Light CID font, which every PDF reader substitutes but is not embedded.
"""

import io
import os
from functools import lru_cache

from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

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


def _styles(font: str) -> dict[str, ParagraphStyle]:
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


def _p(text, style) -> Paragraph:
    from xml.sax.saxutils import escape

    return Paragraph(escape(str(text)), style)


def checklist_pdf(*, item, printed_at) -> bytes:
    font = cjk_font_name()
    st = _styles(font)
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
        title=f"{_('One-time notification of materials')} - {item.name}",
        author=item.hall.name,
    )
    story = [
        _p(item.hall.name, st["subtitle"]),
        _p(_("One-time notification of materials"), st["title"]),
        _p(item.name, st["subtitle"]),
        Spacer(1, 6 * mm),
    ]
    fee = _("Free") if item.is_free else f"¥{item.fee_cny}"
    limit = (
        _("On the spot")
        if item.promised_limit_days == 0
        else _("%(days)s working days") % {"days": item.promised_limit_days}
    )
    facts = [
        [_("Item code"), item.code, _("Department"), item.department.name],
        [_("Promised time limit"), limit, _("Fee"), fee],
        [
            _("Visits required"),
            item.get_visits_required_display(),
            _("Windows"),
            "、".join(c.number for c in item.counters.all()) or "—",
        ],
    ]
    facts_table = Table(
        [[_p(c, st["cell"]) for c in row] for row in facts], colWidths=[28 * mm, 56 * mm, 22 * mm, 68 * mm]
    )
    facts_table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#999999")),
                ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#f2f2f2")),
                ("BACKGROUND", (2, 0), (2, -1), colors.HexColor("#f2f2f2")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    story += [facts_table, _p(_("Materials to bring"), st["h2"])]
    header = [_("No."), _("Material"), _("Originals"), _("Copies"), _("Requirement"), _("Note")]
    rows = [[_p(h, st["cell"]) for h in header]]
    for i, m in enumerate(item.materials.all(), start=1):
        need = (
            _("Required")
            if m.required
            else (_("If: %(c)s") % {"c": m.condition} if m.condition else _("Conditional"))
        )
        rows.append([_p(x, st["cell"]) for x in (i, m.name, m.originals, m.copies, need, m.note)])
    materials = Table(rows, colWidths=[10 * mm, 48 * mm, 14 * mm, 14 * mm, 42 * mm, 46 * mm], repeatRows=1)
    materials.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#999999")),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#9b1c1c")),
                ("TEXTCOLOR", (0, 0), (-1, 0), colors.white),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    for col in range(6):
        rows[0][col].style = ParagraphStyle("head", parent=st["cell"], textColor=colors.white)
    story.append(materials)
    if item.steps:
        story += [
            _p(_("Handling steps"), st["h2"]),
            _p("  →  ".join(f"{i}. {s}" for i, s in enumerate(item.steps, start=1)), st["base"]),
        ]
    if item.legal_basis:
        story += [_p(_("Legal basis"), st["h2"]), _p(item.legal_basis, st["base"])]
    story += [
        Spacer(1, 8 * mm),
        _p(
            _(
                "Bring every required material so the matter can be handled in one visit. "
                "Ask at the information desk if anything is unclear."
            ),
            st["small"],
        ),
        _p(
            _("Printed at %(time)s · %(hall)s · %(phone)s")
            % {
                "time": printed_at.strftime("%Y-%m-%d %H:%M"),
                "hall": item.hall.name,
                "phone": item.hall.phone or "",
            },
            st["small"],
        ),
    ]
    doc.build(story)
    return buffer.getvalue()
