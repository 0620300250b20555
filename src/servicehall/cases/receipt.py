"""The acceptance receipt (受理回执) as a PDF: the case number large, the service, the moments of
submission and acceptance, the promised and legal deadlines, the materials received, and a QR code of the
tracking link (the mobile is asked there, so the QR alone reveals nothing). Font and styles of
``core.pdf``; the QR is drawn by ReportLab so that it prints sharp."""

import io

from django.utils.translation import gettext as _
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import SimpleDocTemplate, Spacer, Table, TableStyle

from servicehall.cases.selectors import localized_materials
from servicehall.cases.services.common import track_url
from servicehall.core.pdf import cjk_font_name, paragraph, styles


def _qr(text: str, size: float) -> Drawing:
    widget = QrCodeWidget(text)
    x1, y1, x2, y2 = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (x2 - x1), 0, 0, size / (y2 - y1), 0, 0])
    drawing.add(widget)
    return drawing


def _when(case, moment) -> str:
    return moment.astimezone(case.hall.tzinfo).strftime("%Y-%m-%d %H:%M") if moment else "—"


def _mark(flag: bool) -> str:
    return "✓" if flag else "—"


def receipt_pdf(*, case) -> bytes:
    font = cjk_font_name()
    st = styles(font)
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
        title=f"{_('Acceptance receipt')} {case.number}",
        author=case.hall.name_local,
    )
    story = [
        paragraph(case.hall.name_local, st["subtitle"]),
        paragraph(_("Acceptance receipt"), st["title"]),
        paragraph(_("Case number: %(n)s") % {"n": case.number}, st["subtitle"]),
        Spacer(1, 6 * mm),
    ]
    story += [
        _facts(case, st),
        paragraph(_("Materials received"), st["h2"]),
        _materials(case, st),
        Spacer(1, 6 * mm),
        _tracking(case, st),
    ]
    doc.build(story)
    return buffer.getvalue()


def _grid() -> TableStyle:
    return TableStyle(
        [
            ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#999999")),
            ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#f2f2f2")),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ]
    )


def _facts(case, st) -> Table:
    facts = [
        [_("Service"), case.service.name_local],
        [_("Status"), case.get_status_display()],
        [_("Channel"), case.get_channel_display()],
        [_("Submitted"), _when(case, case.submitted_at)],
        [_("Accepted"), _when(case, case.accepted_at)],
        [_("Promised by"), _when(case, case.due_at)],
        [_("Legal deadline"), _when(case, case.legal_due_at)],
        [_("Mobile"), case.phone_hint or "—"],
    ]
    table = Table(
        [[paragraph(a, st["cell"]), paragraph(b, st["cell"])] for a, b in facts],
        colWidths=[40 * mm, 134 * mm],
    )
    table.setStyle(_grid())
    return table


def _materials(case, st) -> Table:
    header = (_("Material"), _("Original seen"), _("Copy kept"), _("Electronic"))
    rows = [[paragraph(h, st["cell"]) for h in header]]
    for m in localized_materials(case):
        flags = [_mark(m.get(f)) for f in ("original_seen", "copy_kept", "electronic")]
        rows.append([paragraph(c, st["cell"]) for c in (m.get("name", ""), *flags)])
    table = Table(rows, colWidths=[86 * mm, 30 * mm, 30 * mm, 28 * mm], repeatRows=1)
    table.setStyle(_grid())
    return table


def _tracking(case, st) -> Table:
    """The QR of the tracking link beside the words that say what to type there."""
    link = track_url(case)
    words = _(
        "Follow your case: scan the code or open %(link)s and enter the case number and your mobile number."
    ) % {"link": link}
    return Table([[_qr(link, 32 * mm), paragraph(words, st["base"])]], colWidths=[40 * mm, 134 * mm])
