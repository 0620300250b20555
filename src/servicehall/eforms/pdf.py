"""A form on the official layout as a PDF (the hall's name, the item, one table per section, the
applicant's signature line), filled with a citizen's answers or blank for the kiosk's "print a blank form"
(自助打印相关表格). Same font and styles as the materials checklist (``core.pdf``)."""

import io

from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import SimpleDocTemplate, Spacer, Table, TableStyle

from servicehall.core.pdf import cjk_font_name, font_chars, paragraph, styles
from servicehall.eforms.answers import display_value
from servicehall.eforms.choices import FieldType
from servicehall.eforms.definition import fields_of, text

LABEL_MM, VALUE_MM = 58, 116


def _box(font: str) -> str:
    chars = font_chars(font)
    return "□" if chars is None or ord("□") in chars else "[ ]"


def _blank_value(field: dict, box: str) -> str:
    if field["type"] == FieldType.CHOICE:
        return "    ".join(f"{box} {text(c['label'])}" for c in field.get("choices", []))
    if field["type"] == FieldType.FILE:
        return f"{box} " + _("Handed in")
    return ""


def _label(field: dict, st, by_key: dict) -> list:
    label = text(field["label"]) + (" *" if field.get("required") else "")
    cell = [paragraph(label, st["cell"])]
    condition = field.get("condition")
    if condition:
        source = by_key.get(condition["field"], {"label": {}, "type": ""})
        words = {
            "key": text(source["label"]) or condition["field"],
            "value": display_value(source, condition["equals"]),
        }
        cell.append(paragraph(_("(only when “%(key)s” is “%(value)s”)") % words, st["small"]))
    if field.get("help"):
        cell.append(paragraph(text(field["help"]), st["small"]))
    return cell


def _section_table(section: dict, answers: dict | None, st, box: str, by_key: dict) -> Table:
    rows = []
    for field in section["fields"]:
        if answers is None:
            value = _blank_value(field, box)
        elif field["key"] in answers:
            value = display_value(field, answers[field["key"]])
        else:
            value = "—"
        rows.append([_label(field, st, by_key), paragraph(value, st["cell"])])
    table = Table(rows, colWidths=[LABEL_MM * mm, VALUE_MM * mm])
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#999999")),
                ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#f2f2f2")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 5 if answers is not None else 9),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 5 if answers is not None else 9),
            ]
        )
    )
    return table


def form_pdf(*, version, answers: dict | None, printed_at, code: str = "", ticket_number: str = "") -> bytes:
    """The PDF of ``version`` with ``answers`` (``None``: blank, for filling in by hand)."""
    item = version.form.item
    font = cjk_font_name()
    st = styles(font)
    box = _box(font)
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
        title=f"{_('Application form')} - {item.name_local}",
        author=item.hall.name_local,
    )
    facts = [_("Item code") + f": {item.code}", _("Form version") + f": {version.number}"]
    if code:
        facts.append(_("Form code") + f": {code}")
    if ticket_number:
        facts.append(_("Ticket") + f": {ticket_number}")
    story = [
        paragraph(item.hall.name_local, st["subtitle"]),
        paragraph(item.name_local + " · " + _("Application form"), st["title"]),
        paragraph("    ".join(facts), st["subtitle"]),
        Spacer(1, 4 * mm),
    ]
    by_key = {f["key"]: f for f in fields_of(version.definition)}
    for section in version.definition.get("sections", []):
        table = _section_table(section, answers, st, box, by_key)
        story += [paragraph(text(section["title"]), st["h2"]), table]
    story += [
        Spacer(1, 10 * mm),
        paragraph(_("I declare that the above is true and complete."), st["base"]),
        Spacer(1, 6 * mm),
        paragraph(_("Applicant's signature: ____________________    Date: ____________"), st["base"]),
        Spacer(1, 8 * mm),
        paragraph(
            _("* required. Printed at %(time)s · %(hall)s · %(phone)s")
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
