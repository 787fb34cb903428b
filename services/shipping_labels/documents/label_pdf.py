"""The waybill label (快递单) as a 100 × 150 mm PDF with a Code 128 barcode."""
import io
from xml.sax.saxutils import escape

from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph

from services.shipping_labels.documents.fonts import DEFAULT_CJK_FONT_PATH, LATIN_FONT, cjk_font

WIDTH, HEIGHT = 100 * mm, 150 * mm
MARGIN = 5 * mm
BARCODE_HEIGHT = 20 * mm
BAR_WIDTH = 0.4 * mm   # narrowest bar; ~70 mm for a 13-character S10 number, scans at arm's length


def render(content, font_path=DEFAULT_CJK_FONT_PATH):
    font = cjk_font(font_path)
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(WIDTH, HEIGHT))
    canvas.setTitle(f"waybill {content.tracking_no}")
    y = HEIGHT - MARGIN - 7 * mm
    canvas.setFont(font, 14)
    canvas.drawString(MARGIN, y, f"{content.carrier}  {content.service}")
    y = _barcode(canvas, content.tracking_no, y - 3 * mm)
    for label, lines, size in (("收件人", [content.recipient, content.address], 12),
                               ("寄件人", [content.sender], 9),
                               ("重量 / 服务", [f"{content.weight} / {content.service}"], 10),
                               ("订单号", [content.order_no], 9)):
        y = _block(canvas, font, label, lines, size, y)
    if content.cod:
        canvas.setFont(font, 22)   # the courier must not miss the amount to collect
        canvas.drawString(MARGIN, max(y - 12 * mm, MARGIN), content.cod)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _barcode(canvas, tracking_no, top):
    barcode = Code128(tracking_no, barHeight=BARCODE_HEIGHT, barWidth=BAR_WIDTH, humanReadable=False)
    if barcode.width > WIDTH - 2 * MARGIN:   # long carrier numbers: narrower bars, still one line
        barcode = Code128(tracking_no, barHeight=BARCODE_HEIGHT, humanReadable=False,
                          barWidth=BAR_WIDTH * (WIDTH - 2 * MARGIN) / barcode.width)
    barcode.drawOn(canvas, (WIDTH - barcode.width) / 2, top - BARCODE_HEIGHT)
    canvas.setFont(LATIN_FONT, 14)
    canvas.drawCentredString(WIDTH / 2, top - BARCODE_HEIGHT - 6 * mm, tracking_no)
    return top - BARCODE_HEIGHT - 10 * mm


def _block(canvas, font, label, lines, size, top):
    style = ParagraphStyle(label, fontName=font, fontSize=size, leading=size * 1.3, wordWrap="CJK")
    paragraph = Paragraph(f"{label}: " + "<br/>".join(escape(line) for line in lines), style)
    _, height = paragraph.wrap(WIDTH - 2 * MARGIN, top)
    paragraph.drawOn(canvas, MARGIN, top - height)
    return top - height - 3 * mm
