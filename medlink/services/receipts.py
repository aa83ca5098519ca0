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
    """The receipt as PDF bytes."""
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_RIGHT
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import HRFlowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    def style(name: str, size: float, color: str = INK, bold: bool = False, align: int = 0,
              leading: float | None = None) -> ParagraphStyle:
        return ParagraphStyle(name, fontName="Helvetica-Bold" if bold else "Helvetica", fontSize=size,
                              textColor=colors.HexColor(color), alignment=align, leading=leading or size * 1.3)

    def esc(value: Any) -> str:
        return str(value if value is not None else "").replace("&", "&amp;").replace("<", "&lt;").replace(
            ">", "&gt;").replace("\n", "<br/>")

    title, head, body = style("t", 20, TEAL, True), style("h", 10.5, TEAL, True), style("b", 9.5)
    muted, right = style("m", 8.5, MUTED), style("r", 9.5, align=TA_RIGHT)
    bill, patient, doctor, appt = data.bill, data.patient, data.doctor, data.appointment

    def rule() -> HRFlowable:
        return HRFlowable(width="100%", thickness=0.8, color=colors.HexColor(RULE), spaceBefore=4, spaceAfter=6)

    def pairs(rows: list[tuple[str, Any]]) -> Table:
        table = Table([[Paragraph(esc(k), muted), Paragraph(esc(v), body)] for k, v in rows],
                      colWidths=[34 * mm, 50 * mm])
        table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                   ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5), ("TOPPADDING", (0, 0), (-1, -1), 1.5)]))
        table.hAlign = "LEFT"
        return table

    receipt_word = Paragraph("RECEIPT", style("R", 16, INK, True, TA_RIGHT))
    header = Table([[Paragraph(esc(data.clinic_name), title), receipt_word],
                    [Paragraph(esc(data.clinic_address) or "&nbsp;", muted),
                     Paragraph(f"No. <b>{esc(bill['receipt_number'])}</b><br/>"
                               f"Date {data.issued_local:%d %b %Y, %H:%M}", right)]],
                   colWidths=[110 * mm, 64 * mm])
    header.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
    parties = Table([
        [Paragraph("Patient", head), Paragraph("Doctor", head)],
        [pairs([("Name", patient["name"]), ("Patient ID", f"P-{patient['patient_id']:06d}"),
                ("Phone", patient["phone"]), ("E-mail", patient["email"])]),
         pairs([("Name", doctor["name"]), ("Qualifications", doctor["qualifications"]),
                ("Specialty", doctor["specialty"]), ("Hospital", doctor["hospital"]),
                ("Registration no.", doctor["registration_number"])])],
    ], colWidths=[87 * mm, 87 * mm])
    parties.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    time_text = f"{appt['appointment_time'].hour:02d}:{appt['appointment_time'].minute:02d}"
    visit = pairs([("Date", f"{appt['appointment_date']:%d %b %Y}"), ("Day", appt["appointment_day"]),
                   ("Time", time_text), ("Mode", "Online consultation" if appt["mode"] == "online" else "In person")])

    rows = [["Description", "Amount"]] + [[label, rupees(amount)] for label, amount in charge_lines(bill)]
    rows.append(["Total payable", rupees(bill["total_amount"])])
    charges = Table(rows, colWidths=[124 * mm, 50 * mm])
    subtotal_row = 4
    charges.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 9.5), ("TEXTCOLOR", (0, 0), (-1, 0), colors.white),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor(TEAL)),
        ("FONT", (0, 1), (-1, -2), "Helvetica", 9.5), ("ALIGN", (1, 0), (1, -1), "RIGHT"),
        ("ROWBACKGROUNDS", (0, 1), (-1, -2), [colors.white, colors.HexColor("#F2F7F7")]),
        ("FONT", (0, subtotal_row), (-1, subtotal_row), "Helvetica-Bold", 9.5),
        ("LINEABOVE", (0, subtotal_row), (-1, subtotal_row), 0.6, colors.HexColor(RULE)),
        ("FONT", (0, -1), (-1, -1), "Helvetica-Bold", 11), ("LINEABOVE", (0, -1), (-1, -1), 1.2, colors.HexColor(INK)),
        ("TOPPADDING", (0, 0), (-1, -1), 5), ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
    ]))
    story = [header, rule(), parties, rule(), Paragraph("Appointment", head), visit, rule(),
             Paragraph("Charges", head), Spacer(1, 3), charges, Spacer(1, 6)]
    if bill.get("additional_details"):
        story += [Paragraph("Details", head), Paragraph(esc(bill["additional_details"]), body), Spacer(1, 6)]
    story += [rule(), Paragraph(f"{gst_label(bill['gst_rate'])} is charged on the subtotal of consultation, lab test "
                                "and medication fees. Other fees and extra charges carry no GST.", muted),
              Paragraph("This is a computer-generated receipt issued through MedLink.", muted)]
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=16 * mm,
                      bottomMargin=16 * mm, title=f"Receipt {bill['receipt_number']}", author=data.clinic_name,
                      subject="MedLink receipt").build(story)
    return out.getvalue()
