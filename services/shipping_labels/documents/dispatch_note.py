"""The dispatch note (发货单): the order's lines and quantities, packed with the parcel."""
import io
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A5
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from services.shipping_labels.documents.fonts import DEFAULT_CJK_FONT_PATH, cjk_font


def render(shipment, carrier_name, font_path=DEFAULT_CJK_FONT_PATH):
    font = cjk_font(font_path)
    title = ParagraphStyle("title", fontName=font, fontSize=16, leading=20)
    body = ParagraphStyle("body", fontName=font, fontSize=9, leading=12, wordWrap="CJK")
    to = shipment.recipient
    facts = [f"订单号 Order: {shipment.order_no}",
             f"运单号 Tracking: {shipment.tracking_no or '—'}  {carrier_name} {shipment.service or ''}",
             f"收件人: {to['recipient']} {to['phone']}",
             f"地址: {to['province']}{to['city']}{to['district']} {to['line1']} {to['postcode']}",
             f"重量: {(shipment.weight_g or 0) / 1000:.2f} kg"]
    if shipment.payment_method == "cod":
        facts.append(f"代收货款 COD: ¥{shipment.cod_amount}")
    rows = [["SKU", "品名", "数量"]] + [[line["sku"], Paragraph(escape(line["name"]), body), line["qty"]]
                                        for line in shipment.lines]
    rows.append(["", "合计", sum(line["qty"] for line in shipment.lines)])
    table = Table(rows, colWidths=[30 * mm, 78 * mm, 16 * mm], repeatRows=1)
    table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), font), ("FONTSIZE", (0, 0), (-1, -1), 9),
                               ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                               ("BACKGROUND", (0, 0), (-1, 0), colors.lightgrey),
                               ("ALIGN", (2, 0), (2, -1), "RIGHT")]))
    buffer = io.BytesIO()
    document = SimpleDocTemplate(buffer, pagesize=A5, leftMargin=10 * mm, rightMargin=10 * mm,
                                 topMargin=10 * mm, bottomMargin=10 * mm, title=f"发货单 {shipment.order_no}",
                                 initialFontName=font)   # no font the PDF would only name
    document.build([Paragraph("发货单 Dispatch note", title), Spacer(1, 4 * mm)]
                   + [Paragraph(escape(fact), body) for fact in facts] + [Spacer(1, 4 * mm), table])
    return buffer.getvalue()
