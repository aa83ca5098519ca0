"""The receipt PDF, drawn with ReportLab from a bill row alone (plus the names it refers to).

An ordinary receipt fits one A4 page and is drawn straight onto the canvas (``_draw_one_page``), at
the positions ReportLab's platypus layout gives the same story (``_render_flowing``): the same look
at a fraction of the cost (platypus measures, wraps and places every table cell on each receipt). A
receipt that does not fit one page, or text the direct drawing does not wrap the way a Paragraph
would (a word wider than its column, white space other than spaces and line breaks, blank lines),
goes through platypus, which flows it on to further pages.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from types import SimpleNamespace
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
    pdf = _draw_one_page(data)
    return pdf if pdf is not None else _render_flowing(data)


# -- one page, drawn directly ------------------------------------------------------------------------------
# The geometry of the platypus story in ``_render_flowing``, in points: A4 with 18 mm side and 16 mm top and
# bottom margins, and the paddings, leadings and spaces its styles give.
MM = 72 / 25.4
PAGE_W, PAGE_H = 595.2755905511812, 841.8897637795277  # reportlab.lib.pagesizes.A4
LEFT, TOP, BOTTOM = 18 * MM, PAGE_H - 16 * MM, 16 * MM
WIDTH = PAGE_W - 36 * MM
GAP = 8 * MM
COLUMN = (WIDTH - GAP) / 2
LABEL_W = 27 * MM
FUZZ = 1e-6  # platypus' tolerance when it checks that a flowable fits
SHRINK = 0.05  # rl_config.spaceShrinkage: a line may run over by 5% of a space per space in it
FONT, BOLD = "Helvetica", "Helvetica-Bold"


@functools.cache
def _kit() -> SimpleNamespace:
    """ReportLab's canvas, metrics and the palette, imported and built once (read-only afterwards)."""
    from reportlab import rl_config
    from reportlab.lib import colors
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.pdfgen.canvas import Canvas

    # Page streams stay binary (zlib only): the ASCII85 wrapping ReportLab adds by default is for 7-bit mail
    # and costs a sixth of the drawing; a receipt is a file. (Process-wide: receipts are all MedLink draws.)
    rl_config.useA85 = 0
    return SimpleNamespace(Canvas=Canvas, width=stringWidth, white=colors.white, teal=colors.HexColor(TEAL),
                           ink=colors.HexColor(INK), muted=colors.HexColor(MUTED), rule=colors.HexColor(RULE),
                           stripe=colors.HexColor("#F2F7F7"))


def _plain(value: Any) -> str:
    return str(value if value is not None else "")


Line = tuple[str, float]  # a line of text and the word spacing that squeezes it into its width (0: none)


@functools.lru_cache(maxsize=2048)  # the clinic's, the doctor's and the footer's texts recur on every receipt
def _wrap(text: str, font: str, size: float, width: float) -> tuple[Line, ...] | None:
    """``text`` broken into lines as a platypus Paragraph of one font breaks it: words at white space,
    greedily, a line allowed ``SHRINK`` of a space per space over ``width`` (its spaces then narrowed
    to fit); one segment per line break. None where a Paragraph would do something else (split a long
    word, keep a blank line, read a tab or another kind of space): the receipt then goes to platypus."""
    measure = _kit().width
    space = measure(" ", font, size)
    lines: list[Line] = []

    def close(words: list[str], used: float) -> None:
        squeeze = width - used < -1e-8 and len(words) > 1
        lines.append((" ".join(words), (width - used) / (len(words) - 1) if squeeze else 0.0))
    for segment in text.split("\n"):
        if not segment.strip(" ") or not segment.replace(" ", "").isprintable():
            return None
        line: list[str] = []
        used = -space
        for word in segment.split():
            word_width = measure(word, font, size)
            if word_width > width:
                return None
            wider = used + space + word_width
            if not line or wider <= width + SHRINK * space * len(line):
                line.append(word)
                used = wider
            else:
                close(line, used)
                line, used = [word], word_width
        close(line, used)
    return tuple(lines)


def _draw_one_page(data: ReceiptData) -> bytes | None:
    """The receipt drawn straight onto one page, or None if it needs platypus (see the module doc)."""
    kit = _kit()
    bill, patient, doctor, appt = data.bill, data.patient, data.doctor, data.appointment
    measure = kit.width

    # -- what goes where: every wrapped text first, so that nothing is drawn for a receipt platypus lays out
    title = _wrap(_plain(data.clinic_name), BOLD, 20, WIDTH * 0.62)
    address = _wrap(_plain(data.clinic_address), FONT, 8.5, WIDTH * 0.62) if data.clinic_address else (
        ("\xa0", 0.0),)  # no address: a line holding a no-break space, as the Paragraph of "&nbsp;" draws
    number, issued = _plain(bill["receipt_number"]), f"Date {data.issued_local:%d %b %Y, %H:%M}"
    number_width = measure("No. ", FONT, 9.5) + measure(number, BOLD, 9.5)
    if title is None or address is None or max(number_width, measure(issued, FONT, 9.5)) > WIDTH * 0.38 \
            or not number.replace(" ", "").isprintable() or " " in number.strip():
        return None

    def box(rows: list[tuple[str, Any]]) -> list[tuple[str, Sequence[Line], float]] | None:
        """(label, value lines, row height) of a Patient or Doctor box; None if a value needs platypus."""
        out = []
        for label, value in rows:
            if isinstance(value, str) and label in SHORT:  # a table string: never wrapped
                if "\n" in value:
                    return None
                out.append((label, ((value, 0.0),), max(14.7, 11.4 + 3.5)))
                continue
            text = _plain(value)
            lines = _wrap(text, FONT, 9.5, COLUMN - LABEL_W) if text.strip() else ()
            if lines is None:
                return None
            out.append((label, lines, max(1 + 10.2 + 3.5, len(lines) * 12.35 + 3.5)))
        return out

    patient_box = box([("Name", patient["name"]), ("Patient ID", f"P-{patient['patient_id']:06d}"),
                       ("Phone", patient["phone"]), ("E-mail", patient["email"])])
    doctor_box = box([("Name", doctor["name"]), ("Qualifications", doctor["qualifications"]),
                      ("Specialty", doctor["specialty"]), ("Hospital", doctor["hospital"]),
                      ("Registration no.", doctor["registration_number"])])
    details = _wrap(_plain(bill["additional_details"]), FONT, 9.5, WIDTH) if bill.get("additional_details") else ()
    gst = gst_label(bill["gst_rate"])
    footer = _wrap(f"{gst} is charged on the subtotal of consultation, lab test and medication fees.\n"
                   "Other fees and extra charges carry no GST.\n"
                   "This is a computer-generated receipt issued through MedLink.", FONT, 8.5, WIDTH)
    if patient_box is None or doctor_box is None or details is None or footer is None:
        return None

    header_top = (max(len(title) * 24, 24) + 4)
    header_h = header_top + max(len(address) * 11.05, 28)
    parties_h = 18.6 + max(sum(r[2] for r in patient_box), sum(r[2] for r in doctor_box))
    charges_h = 8 * 21.4 + 27.2
    below_charges = (12 + 13.65 + 3 + len(details) * 12.35 if details else 0) + 14 + 0.8 + 8 + len(footer) * 11.05
    used = header_h + 6 + 1.6 + 10 + parties_h + 8 + 0.8 + 8 + 13.65 + 4 + 24.6 + 8 + 0.8 + 8 + 13.65 + 5 \
        + charges_h + below_charges
    if TOP - used < BOTTOM - FUZZ:
        return None  # more than a page: platypus flows it on

    # -- drawing
    out = io.BytesIO()
    canvas = kit.Canvas(out, pagesize=(PAGE_W, PAGE_H))
    canvas.setAuthor(data.clinic_name)
    canvas.setTitle(f"Receipt {bill['receipt_number']}")
    canvas.setSubject("MedLink receipt")
    canvas.setCreator(None)
    canvas.setProducer(None)
    canvas.setKeywords([])
    def text(x: float, y: float, line: str, word_space: float = 0.0) -> None:
        """``canvas.drawString`` without the width it measures and throws away."""
        run = canvas.beginText(x, y)
        if word_space:
            run.setWordSpace(word_space)
            run.textLine(line)
            run.setWordSpace(0)
        else:
            run.textLine(line)
        canvas.drawText(run)

    def flush_right(x: float, y: float, line: str, font_name: str, size: float) -> None:
        text(x - measure(line, font_name, size), y, line)

    def lines(x: float, first: float, leading: float, wrapped: Sequence[Line]) -> None:
        for i, (line, word_space) in enumerate(wrapped):
            text(x, first - leading * i, line, word_space)

    def font(name: str, size: float, color: Any) -> None:
        canvas.setFont(name, size)
        canvas.setFillColor(color)

    def rule(y: float, thickness: float, color: Any) -> None:
        canvas.setLineCap(1)
        canvas.setLineWidth(thickness)
        canvas.setStrokeColor(color)
        canvas.line(LEFT, y, LEFT + WIDTH, y)

    # header: the clinic and RECEIPT over its address and the number and date, each column from its top
    y = TOP
    font(BOLD, 20, kit.teal)
    lines(LEFT, y - 20, 24, title)
    # Right-aligned as a Paragraph draws it (moved in and back in one text object), so that the text
    # read back from the page comes out the same.
    right = LEFT + WIDTH * 0.62
    font(BOLD, 16, kit.ink)
    receipt = canvas.beginText(right, y - 16)
    shift = WIDTH * 0.38 - measure("RECEIPT", BOLD, 16)
    receipt.setXPos(shift)
    receipt.textLine("RECEIPT")
    receipt.setXPos(-shift)
    canvas.drawText(receipt)
    y -= header_top
    font(FONT, 8.5, kit.muted)
    lines(LEFT, y - 8.5, 11.05, address)
    font(FONT, 9.5, kit.ink)
    stamp = canvas.beginText(right, y - 9.5)
    first, second = WIDTH * 0.38 - number_width, WIDTH * 0.38 - measure(issued, FONT, 9.5)
    stamp.setXPos(first)
    stamp.setLeading(14)
    stamp.textOut("No. ")
    stamp.setFont(BOLD, 9.5, 14)
    stamp.textOut(number)
    stamp.setFont(FONT, 9.5, 14)
    stamp.textLine()
    stamp.setXPos(second - first)
    stamp.textLine(issued)
    stamp.setXPos(-second)
    canvas.drawText(stamp)
    y = TOP - header_h - 6 - 1.6
    canvas.saveState()
    rule(y, 1.6, kit.teal)
    canvas.restoreState()
    y -= 10

    # Patient | Doctor
    font(BOLD, 10.5, kit.teal)
    text(LEFT, y - 10.5, "Patient")
    text(LEFT + COLUMN + GAP, y - 10.5, "Doctor")
    for left, rows in ((LEFT, patient_box), (LEFT + COLUMN + GAP, doctor_box)):
        top = y - 18.6
        for label, value, height in rows:
            font(FONT, 8.5, kit.muted)
            text(left, top - 1 - 8.5, label)
            font(FONT, 9.5, kit.ink)
            lines(left + LABEL_W, top - 9.5, 12.35, value)
            top -= height
    y -= parties_h + 8 + 0.8
    canvas.saveState()
    rule(y, 0.8, kit.rule)
    canvas.restoreState()
    y -= 8

    # Appointment
    font(BOLD, 10.5, kit.teal)
    text(LEFT, y - 10.5, "Appointment")
    y -= 13.65 + 4
    time_text = f"{appt['appointment_time'].hour:02d}:{appt['appointment_time'].minute:02d}"
    visit = ((LEFT, "Date", f"{appt['appointment_date']:%d %b %Y}"),
             (LEFT + COLUMN / 2, "Day", _plain(appt["appointment_day"])),
             (LEFT + COLUMN + GAP, "Time", time_text),  # Time under Doctor
             (LEFT + COLUMN * 1.5 + GAP, "Mode", "Online consultation" if appt["mode"] == "online" else "In person"))
    font(FONT, 8.5, kit.muted)
    for x, label, _ in visit:
        text(x, y - 8.5, label)
    font(FONT, 9.5, kit.ink)
    for x, _, value in visit:
        text(x, y - 13.2 - 9.5, value)
    y -= 24.6 + 8 + 0.8
    canvas.saveState()
    rule(y, 0.8, kit.rule)
    canvas.restoreState()
    y -= 8

    # Charges: a teal heading row, striped lines, the subtotal and the total ruled off
    font(BOLD, 10.5, kit.teal)
    text(LEFT, y - 10.5, "Charges")
    y -= 13.65 + 5
    amount_right = LEFT + WIDTH - 8
    canvas.setFillColor(kit.teal)
    canvas.rect(LEFT, y - 21.4, WIDTH, 21.4, stroke=0, fill=1)
    for i in range(7):
        canvas.setFillColor(kit.stripe if i % 2 else kit.white)
        canvas.rect(LEFT, y - 21.4 * (i + 2), WIDTH, 21.4, stroke=0, fill=1)
    font(BOLD, 9.5, kit.white)
    text(LEFT + 8, y - 21.4 + 5 + 1.9, "Description")
    flush_right(amount_right, y - 21.4 + 5 + 1.9, "Amount", BOLD, 9.5)
    font(FONT, 9.5, kit.ink)
    for i, (label, amount) in enumerate(charge_lines(bill), start=1):
        face = BOLD if i == 4 else FONT  # the subtotal in bold
        if i in (4, 5):
            canvas.setFont(face, 9.5)
        baseline = y - 21.4 * (i + 1) + 5 + 1.9
        text(LEFT + 8, baseline, label)
        flush_right(amount_right, baseline, rupees(amount), face, 9.5)
    canvas.setFont(BOLD, 11)
    text(LEFT + 8, y - charges_h + 7 + 2.2, "Total payable")
    flush_right(amount_right, y - charges_h + 7 + 2.2, rupees(bill["total_amount"]), BOLD, 11)
    canvas.saveState()
    canvas.setLineJoin(1)
    rule(y - 21.4 * 4, 0.6, kit.rule)
    rule(y - 21.4 * 8, 1.2, kit.ink)
    canvas.restoreState()
    y -= charges_h

    if details:
        y -= 12
        font(BOLD, 10.5, kit.teal)
        text(LEFT, y - 10.5, "Details")
        y -= 13.65 + 3
        font(FONT, 9.5, kit.ink)
        lines(LEFT, y - 9.5, 12.35, details)
        y -= len(details) * 12.35
    y -= 14 + 0.8
    canvas.saveState()
    rule(y, 0.8, kit.rule)
    canvas.restoreState()
    y -= 8
    font(FONT, 8.5, kit.muted)
    lines(LEFT, y - 8.5, 11.05, footer)
    canvas.showPage()
    canvas.save()
    return out.getvalue()


# -- any length, laid out by platypus ------------------------------------------------------------------------
def _render_flowing(data: ReceiptData) -> bytes:
    """The receipt laid out by platypus: the same page as ``_draw_one_page`` draws, and further pages
    (each naming its receipt) when the details or the names run long."""
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
