"""The receipt PDF, drawn with ReportLab from a bill row alone (plus the names it refers to)."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

TEAL = "#0E6E73"
INK = "#1F2D33"
MUTED = "#5F6F75"
RULE = "#B9CDD0"
SHORT = frozenset({"Patient ID", "Phone"})  # values that never wrap: drawn as plain strings


@dataclass(frozen=True)
class ReceiptData:
    clinic_name: str
    clinic_address: str
    bill: dict[str, Any]
    patient: dict[str, Any]
    doctor: dict[str, Any]
    appointment: dict[str, Any]
    issued_local: dt.datetime


def rupees(amount: Decimal) -> str:
    """Rs. 1,234.50: the standard PDF fonts have no rupee sign, so the receipt spells it."""
    return f"Rs. {Decimal(amount):,.2f}"


def gst_label(rate: Decimal) -> str:
    return f"GST @ {Decimal(rate).normalize():f}%"


def charge_lines(bill: dict[str, Any]) -> list[tuple[str, Decimal]]:
    """The itemised lines of a receipt, in the order they are added up."""
    return [
        ("Consultation fee", bill["consultation_fee"]),
        ("Lab test fee", bill["lab_test_fee"]),
        ("Medication fee", bill["medication_fee"]),
        ("Subtotal", bill["subtotal"]),
        (gst_label(bill["gst_rate"]) + " on subtotal", bill["gst_amount"]),
        ("Other fees", bill["other_fees"]),
        ("Extra charges", bill["extra_charges"]),
    ]


def render_receipt(data: ReceiptData) -> bytes:
    """The receipt as PDF bytes: one A4 page for an ordinary bill (long details flow on)."""
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_RIGHT
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import (
        BaseDocTemplate,
        Frame,
        HRFlowable,
        PageTemplate,
        Paragraph,
        Spacer,
        Table,
        TableStyle,
    )

    def style(name: str, size: float, color: str = INK, bold: bool = False, align: int = 0,
              leading: float | None = None) -> ParagraphStyle:
        return ParagraphStyle(name, fontName="Helvetica-Bold" if bold else "Helvetica", fontSize=size,
                              textColor=colors.HexColor(color), alignment=align, leading=leading or size * 1.3)

    def esc(value: Any) -> str:
        return str(value if value is not None else "").replace("&", "&amp;").replace("<", "&lt;").replace(
            ">", "&gt;").replace("\n", "<br/>")

    title, head, body = style("t", 20, TEAL, True, leading=24), style("h", 10.5, TEAL, True), style("b", 9.5)
    muted, right = style("m", 8.5, MUTED), style("r", 9.5, align=TA_RIGHT, leading=14)
    bill, patient, doctor, appt = data.bill, data.patient, data.doctor, data.appointment

    out = io.BytesIO()
    doc = BaseDocTemplate(out, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=16 * mm,
                          bottomMargin=16 * mm, title=f"Receipt {bill['receipt_number']}", author=data.clinic_name,
                          subject="MedLink receipt")
    # No frame padding: every table, paragraph and rule starts and ends on the same two margins.
    frame = Frame(doc.leftMargin, doc.bottomMargin, doc.width, doc.height, id="body", leftPadding=0,
                  rightPadding=0, topPadding=0, bottomPadding=0)

    def continued(canvas: Any, document: Any) -> None:
        """A page after the first names its receipt, so a loose second sheet is still identifiable."""
        if document.page > 1:
            canvas.saveState()
            canvas.setFont("Helvetica", 7.5)
            canvas.setFillColor(colors.HexColor(MUTED))
            canvas.drawRightString(document.leftMargin + document.width, document.bottomMargin / 2,
                                   f"Receipt {bill['receipt_number']} (continued), page {document.page}")
            canvas.restoreState()

    doc.addPageTemplates([PageTemplate(id="receipt", frames=[frame], onPage=continued)])
    width, gap = doc.width, 8 * mm
    column = (width - gap) / 2
    flush = [("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
             ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
             ("VALIGN", (0, 0), (-1, -1), "TOP")]

    def rule(thickness: float = 0.8, color: str = RULE, before: float = 8, after: float = 8) -> HRFlowable:
        return HRFlowable(width="100%", thickness=thickness, color=colors.HexColor(color), spaceBefore=before,
                          spaceAfter=after)

    # Fixed labels and short values are plain table strings (styled by the table, cheap to draw);
    # what may wrap (names, qualifications, addresses, details) is a Paragraph.
    label_font = [("FONT", (0, 0), (0, -1), "Helvetica", 8.5), ("TEXTCOLOR", (0, 0), (0, -1), colors.HexColor(MUTED)),
                  ("FONT", (1, 0), (1, -1), "Helvetica", 9.5), ("TEXTCOLOR", (1, 0), (1, -1), colors.HexColor(INK))]

    def pairs(rows: list[tuple[str, Any]], label_width: float, total_width: float) -> Table:
        table = Table([[k, v if isinstance(v, str) and k in SHORT else Paragraph(esc(v), body)] for k, v in rows],
                      colWidths=[label_width, total_width - label_width])
        table.setStyle(TableStyle([*flush, *label_font, ("BOTTOMPADDING", (0, 0), (-1, -1), 3.5),
                                   ("TOPPADDING", (0, 0), (0, -1), 1)]))
        table.hAlign = "LEFT"
        return table

    header = Table([[Paragraph(esc(data.clinic_name), title),
                     Paragraph("RECEIPT", style("R", 16, INK, True, TA_RIGHT, leading=24))],
                    [Paragraph(esc(data.clinic_address) or "&nbsp;", muted),
                     Paragraph(f"No. <b>{esc(bill['receipt_number'])}</b><br/>"
                               f"Date {data.issued_local:%d %b %Y, %H:%M}", right)]],
                   colWidths=[width * 0.62, width * 0.38])
    header.setStyle(TableStyle([*flush, ("BOTTOMPADDING", (0, 0), (-1, 0), 4)]))

    label_width = 27 * mm
    patient_box = pairs([("Name", patient["name"]), ("Patient ID", f"P-{patient['patient_id']:06d}"),
                         ("Phone", patient["phone"]), ("E-mail", patient["email"])], label_width, column)
    doctor_box = pairs([("Name", doctor["name"]), ("Qualifications", doctor["qualifications"]),
                        ("Specialty", doctor["specialty"]), ("Hospital", doctor["hospital"]),
                        ("Registration no.", doctor["registration_number"])], label_width, column)
    parties = Table([["Patient", "", "Doctor"], [patient_box, "", doctor_box]], colWidths=[column, gap, column])
    parties.setStyle(TableStyle([*flush, ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 10.5),
                                 ("TEXTCOLOR", (0, 0), (-1, 0), colors.HexColor(TEAL)),
                                 ("BOTTOMPADDING", (0, 0), (-1, 0), 6)]))

    time_text = f"{appt['appointment_time'].hour:02d}:{appt['appointment_time'].minute:02d}"
    visit_values = [f"{appt['appointment_date']:%d %b %Y}", appt["appointment_day"], time_text,
                    "Online consultation" if appt["mode"] == "online" else "In person"]
    visit = Table([["Date", "Day", "Time", "Mode"], visit_values],
                  colWidths=[column / 2, column / 2 + gap, column / 2, column / 2])  # Time under Doctor
    visit.setStyle(TableStyle([*flush, ("FONT", (0, 0), (-1, 0), "Helvetica", 8.5),
                               ("TEXTCOLOR", (0, 0), (-1, 0), colors.HexColor(MUTED)),
                               ("FONT", (0, 1), (-1, 1), "Helvetica", 9.5),
                               ("TEXTCOLOR", (0, 1), (-1, 1), colors.HexColor(INK)),
                               ("BOTTOMPADDING", (0, 0), (-1, 0), 3)]))

    rows = [["Description", "Amount"]] + [[label, rupees(amount)] for label, amount in charge_lines(bill)]
    rows.append(["Total payable", rupees(bill["total_amount"])])
    charges = Table(rows, colWidths=[width - 50 * mm, 50 * mm])
    subtotal_row = 4
    charges.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 9.5), ("TEXTCOLOR", (0, 0), (-1, 0), colors.white),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor(TEAL)),
        ("FONT", (0, 1), (-1, -2), "Helvetica", 9.5), ("TEXTCOLOR", (0, 1), (-1, -1), colors.HexColor(INK)),
        ("ALIGN", (1, 0), (1, -1), "RIGHT"),
        ("ROWBACKGROUNDS", (0, 1), (-1, -2), [colors.white, colors.HexColor("#F2F7F7")]),
        ("FONT", (0, subtotal_row), (-1, subtotal_row), "Helvetica-Bold", 9.5),
        ("LINEABOVE", (0, subtotal_row), (-1, subtotal_row), 0.6, colors.HexColor(RULE)),
        ("FONT", (0, -1), (-1, -1), "Helvetica-Bold", 11), ("LINEABOVE", (0, -1), (-1, -1), 1.2, colors.HexColor(INK)),
        ("LEFTPADDING", (0, 0), (-1, -1), 8), ("RIGHTPADDING", (0, 0), (-1, -1), 8),
        ("TOPPADDING", (0, 0), (-1, -1), 5), ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
        ("TOPPADDING", (0, -1), (-1, -1), 7), ("BOTTOMPADDING", (0, -1), (-1, -1), 7),
    ]))

    story = [header, rule(1.6, TEAL, 6, 10), parties, rule(), Paragraph("Appointment", head), Spacer(1, 4),
             visit, rule(), Paragraph("Charges", head), Spacer(1, 5), charges]
    if bill.get("additional_details"):
        story += [Spacer(1, 12), Paragraph("Details", head), Spacer(1, 3),
                  Paragraph(esc(bill["additional_details"]), body)]
    story += [rule(before=14), Paragraph(f"{gst_label(bill['gst_rate'])} is charged on the subtotal of "
                                         "consultation, lab test and medication fees.<br/>"
                                         "Other fees and extra charges carry no GST.<br/>"
                                         "This is a computer-generated receipt issued through MedLink.", muted)]
    doc.build(story)
    return out.getvalue()
