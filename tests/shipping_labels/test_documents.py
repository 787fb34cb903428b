"""Printable documents (business rules §4: the dispatch note 发货单 and the courier waybill 快递单, COD amount on it)."""
import io
import re
from decimal import Decimal

import pytest
from pypdf import PdfReader
from reportlab.graphics.barcode.code128 import Code128
from reportlab.pdfgen.canvas import Canvas

from services.shipping_labels.documents import dispatch_note, label_pdf, label_zpl
from services.shipping_labels.documents.content import label_content
from services.shipping_labels.documents.fonts import FALLBACK_CID_FONT, cjk_font
from services.shipping_labels.models import Shipment
from tests.shipping_labels.factories import approved

TRACKING = "EE123456785CN"


@pytest.fixture
def shipment():
    order = approved(cod="118.00", lines=[
        {"sku": "SKU-004", "name": "陶瓷茶具套装", "qty": 1, "unit_price": "268.00", "unit_weight_g": 2300},
        {"sku": "SKU-006", "name": "数据线 <USB-C> & 充电头", "qty": 3, "unit_price": "19.90", "unit_weight_g": 60}])
    return Shipment(order_no=order["order_no"], status="labelled", recipient=order["shipping_address"],
                    lines=[{k: line[k] for k in ("sku", "name", "qty")} for line in order["lines"]],
                    payment_method="cod", cod_amount=Decimal("118.00"), carrier="EMS", service="EMS 代收货款",
                    weight_g=2480, cost=Decimal("22.00"), tracking_no=TRACKING, reprint_count=0)


def text_of(pdf):
    reader = PdfReader(io.BytesIO(pdf))
    return reader, "\n".join(page.extract_text() for page in reader.pages)


def test_label_pdf_is_100_by_150_mm_and_carries_number_recipient_and_cod(shipment):
    reader, text = text_of(label_pdf.render(label_content(shipment, "中国邮政 EMS")))
    box = reader.pages[0].mediabox
    assert (round(float(box.width) / 72 * 25.4), round(float(box.height) / 72 * 25.4)) == (100, 150)
    assert TRACKING in text and "王芳" in text and "杭州市" in text
    assert "代收货款 COD ¥118.00" in text and "2.48 kg" in text


def bars(pdf):
    """Widths of the filled bars (Code 128 draws one rectangle per bar) in a PDF's first page."""
    content = PdfReader(io.BytesIO(pdf)).pages[0].get_contents().get_data()
    return [float(w) for w, h in re.findall(rb"n [\d.]+ [\d.]+ ([\d.]+) ([\d.]+) re f\*", content)
            if float(h) > 50]


def test_label_barcode_is_the_code_128_of_the_tracking_number(shipment):
    reference = io.BytesIO()
    canvas = Canvas(reference)
    Code128(TRACKING, barHeight=label_pdf.BARCODE_HEIGHT, barWidth=label_pdf.BAR_WIDTH,
            humanReadable=False).drawOn(canvas, 0, 0)
    canvas.save()
    printed = bars(label_pdf.render(label_content(shipment, "EMS")))
    assert len(printed) > 30 and printed == bars(reference.getvalue())


def test_label_zpl_has_the_code_128_barcode_of_the_number(shipment):
    zpl = label_zpl.render(label_content(shipment, "中国邮政 EMS"))
    assert zpl.startswith("^XA") and zpl.rstrip().endswith("^XZ") and "^CI28" in zpl
    assert f"^BCN,160,Y,N,N^FD{TRACKING}^FS" in zpl
    assert "^PW800" in zpl and "^LL1200" in zpl and "代收货款 COD ¥118.00" in zpl


def test_zpl_escapes_control_characters_in_data(shipment):
    shipment.recipient = {**shipment.recipient, "recipient": "A^XZ~B_C"}
    zpl = label_zpl.render(label_content(shipment, "EMS"))
    assert "A_5EXZ_7EB_5FC" in zpl and zpl.count("^XZ") == 1


def test_dispatch_note_lists_lines_and_quantities_in_chinese(shipment):
    _, text = text_of(dispatch_note.render(shipment, "中国邮政 EMS"))
    assert "发货单" in text and TRACKING in text and shipment.order_no in text
    assert "陶瓷茶具套装" in text and "数据线 <USB-C> & 充电头" in text and "SKU-006" in text
    assert "合计" in text and "4" in text


def test_without_the_truetype_font_the_builtin_cid_font_is_used(shipment):
    assert cjk_font("/nonexistent/font.ttc") == FALLBACK_CID_FONT
    _, text = text_of(label_pdf.render(label_content(shipment, "EMS"), "/nonexistent/font.ttc"))
    assert TRACKING in text
