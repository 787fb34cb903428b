"""The waybill label (快递单) as a 100 × 150 mm PDF: the sorting code large at the top (大头笔), the tracking
number's Code 128 barcode, the addresses, and the order number's barcode. Every glyph is in the embedded font."""
import io
from xml.sax.saxutils import escape

from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph

from services.shipping_labels.documents.fonts import DEFAULT_CJK_FONT_PATH, cjk_font

WIDTH, HEIGHT = 100 * mm, 150 * mm
MARGIN = 5 * mm
BARCODE_HEIGHT = 20 * mm
BAR_WIDTH = 0.4 * mm   # narrowest bar; ~70 mm for a 13-character S10 number, scans at arm's length
ORDER_BARCODE_HEIGHT = 10 * mm
ORDER_BAR_WIDTH = 0.3 * mm   # still three dots wide on a 203 dpi printer
SORTING_CODE_SIZE = 30       # points; smaller only when a long name would not fit the width


def render(content, font_path=DEFAULT_CJK_FONT_PATH):
    font = cjk_font(font_path)
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(WIDTH, HEIGHT), initialFontName=font)   # no font the PDF would only name
    canvas.setTitle(f"waybill {content.tracking_no}")
    y = _sorting_code(canvas, font, content.sorting_code, HEIGHT - MARGIN)
    canvas.setFont(font, 12)
    canvas.drawString(MARGIN, y - 5 * mm, f"{content.carrier}  {content.service}")
    y = _barcode(canvas, font, content.tracking_no, y - 8 * mm, BARCODE_HEIGHT, BAR_WIDTH, 14)
    for label, lines, size in (("收件人", [content.recipient, content.address], 12),
                               ("寄件人", [content.sender], 9),
                               ("重量 / 服务", [f"{content.weight} / {content.service}"], 10)):
        y = _block(canvas, font, label, lines, size, y)
    canvas.setFont(font, 9)
    canvas.drawString(MARGIN, y - 3 * mm, "订单号 Order")
    y = _barcode(canvas, font, content.order_no, y - 4 * mm, ORDER_BARCODE_HEIGHT, ORDER_BAR_WIDTH, 10)
    if content.cod:
        canvas.setFont(font, 22)   # the courier must not miss the amount to collect
        canvas.drawString(MARGIN, max(y - 9 * mm, MARGIN), content.cod)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _sorting_code(canvas, font, text, top):
    size = SORTING_CODE_SIZE
    size = min(size, size * (WIDTH - 2 * MARGIN) / max(stringWidth(text, font, size), 1))
    canvas.setFont(font, size)
    canvas.drawCentredString(WIDTH / 2, top - size * 0.9, text)
    return top - size * 1.1


def _barcode(canvas, font, value, top, height, bar_width, text_size):
    barcode = Code128(value, barHeight=height, barWidth=bar_width, humanReadable=False)
    if barcode.width > WIDTH - 2 * MARGIN:   # long numbers: narrower bars, still one line
        barcode = Code128(value, barHeight=height, humanReadable=False,
                          barWidth=bar_width * (WIDTH - 2 * MARGIN) / barcode.width)
    barcode.drawOn(canvas, (WIDTH - barcode.width) / 2, top - height)
    canvas.setFont(font, text_size)
    canvas.drawCentredString(WIDTH / 2, top - height - text_size * 0.45 * mm, value)
    return top - height - text_size * 0.7 * mm


def _block(canvas, font, label, lines, size, top):
    style = ParagraphStyle(label, fontName=font, fontSize=size, leading=size * 1.3, wordWrap="CJK")
    paragraph = Paragraph(f"{label}: " + "<br/>".join(escape(line) for line in lines), style)
    _, height = paragraph.wrap(WIDTH - 2 * MARGIN, top)
    paragraph.drawOn(canvas, MARGIN, top - height)
    return top - height - 3 * mm
