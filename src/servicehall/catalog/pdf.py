"""The one-time notification of materials (一次性告知单) as a PDF with embedded Chinese glyphs (the
font and styles of ``core.pdf``)."""

import io

from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import SimpleDocTemplate, Spacer, Table, TableStyle

from servicehall.core.pdf import cjk_font_name, paragraph, styles


def checklist_pdf(*, item, printed_at) -> bytes:
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
        title=f"{_('One-time notification of materials')} - {item.name_local}",
        author=item.hall.name_local,
    )
    story = [
        paragraph(item.hall.name_local, st["subtitle"]),
        paragraph(_("One-time notification of materials"), st["title"]),
        paragraph(item.name_local, st["subtitle"]),
        Spacer(1, 6 * mm),
    ]
    fee = _("Free") if item.is_free else f"¥{item.fee_cny}"
    limit = (
        _("On the spot")
        if item.promised_limit_days == 0
        else ngettext("%(days)s working day", "%(days)s working days", item.promised_limit_days)
        % {"days": item.promised_limit_days}
    )
    facts = [
        [_("Item code"), item.code, _("Department"), item.department.name_local],
        [_("Promised time limit"), limit, _("Fee"), fee],
        [
            _("Visits required"),
            item.get_visits_required_display(),
            _("Windows"),
            "、".join(c.number for c in item.counters.all()) or "—",
        ],
    ]
    facts_table = Table(
        [[paragraph(c, st["cell"]) for c in row] for row in facts],
        colWidths=[28 * mm, 56 * mm, 22 * mm, 68 * mm],
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
    story += [facts_table, paragraph(_("Materials to bring"), st["h2"])]
    header = [_("No."), _("Material"), _("Originals"), _("Copies"), _("Requirement"), _("Note")]
    rows = [[paragraph(h, st["cell"]) for h in header]]
    for i, m in enumerate(item.materials.all(), start=1):
        need = (
            _("Required")
            if m.required
            else (_("If: %(c)s") % {"c": m.condition_local} if m.condition else _("Conditional"))
        )
        cells = (i, m.name_local, m.originals, m.copies, need, m.note_local)
        rows.append([paragraph(x, st["cell"]) for x in cells])
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
            paragraph(_("Handling steps"), st["h2"]),
            paragraph("  →  ".join(f"{i}. {s}" for i, s in enumerate(item.steps_local, start=1)), st["base"]),
        ]
    if item.legal_basis:
        story += [paragraph(_("Legal basis"), st["h2"]), paragraph(item.legal_basis_local, st["base"])]
    story += [
        Spacer(1, 8 * mm),
        paragraph(
            _(
                "Bring every required material so the matter can be handled in one visit. "
                "Ask at the information desk if anything is unclear."
            ),
            st["small"],
        ),
        paragraph(
            _("Printed at %(time)s · %(hall)s · %(phone)s")
            % {
                "time": printed_at.strftime("%Y-%m-%d %H:%M"),
                "hall": item.hall.name_local,
                "phone": item.hall.phone or "",
            },
            st["small"],
        ),
    ]
    doc.build(story)
    return buffer.getvalue()
