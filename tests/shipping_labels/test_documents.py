"""Printable documents (business rules §4: the dispatch note 发货单 and the courier waybill 快递单, COD amount on it;
#18 item 8: the font embedded, the sorting code 大头笔 large, the order number as a barcode)."""
import io
import re
import shutil
import subprocess
from decimal import Decimal

import pytest
from pypdf import PdfReader
from reportlab.graphics.barcode.code128 import Code128
from reportlab.pdfgen.canvas import Canvas

from services.shipping_labels import s10
from services.shipping_labels.documents import dispatch_note, label_pdf, label_zpl
from services.shipping_labels.documents.content import label_content
from services.shipping_labels.documents.fonts import NoEmbeddableFont, cjk_font
from services.shipping_labels.models import Shipment
from tests.shipping_labels.factories import approved, packed
from tests.shipping_labels.test_service import call, pdf_text, publish, shipment_when  # noqa: F401

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
    assert f"^BCN,160,Y,N,N^FH_^FD{TRACKING}^FS" in zpl
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


def fonts_of(pdf):
    """{base font name: bytes of its embedded TrueType program, 0 if not embedded} for every font used."""
    found = {}
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = (font.get("/FontDescriptor") or {}) and font["/FontDescriptor"].get_object()
            program = descriptor.get("/FontFile2") if descriptor else None
            found[str(font["/BaseFont"]).lstrip("/")] = len(program.get_object().get_data()) if program else 0
    return found


def test_every_font_of_the_label_and_the_dispatch_note_is_embedded_as_a_subset(shipment):
    for pdf in (label_pdf.render(label_content(shipment, "中国邮政 EMS")), dispatch_note.render(shipment, "EMS")):
        fonts = fonts_of(pdf)
        assert fonts and all(fonts.values()), fonts   # no Helvetica, no STSong-Light: nothing only named
        assert all(re.fullmatch(r"[A-Z]{6}\+.+", name) for name in fonts), fonts   # the subset tag
        assert max(fonts.values()) < 200_000   # the glyphs used, not the 17 MB collection


def test_a_missing_configured_font_falls_back_to_another_debian_font_and_none_at_all_prints_nothing(shipment):
    pdf = label_pdf.render(label_content(shipment, "EMS"), "/nonexistent/font.ttc")
    assert fonts_of(pdf) and all(fonts_of(pdf).values()) and TRACKING in text_of(pdf)[1]
    with pytest.raises(NoEmbeddableFont, match="fonts-wqy-zenhei"):
        cjk_font("/nonexistent/font.ttc", fallbacks=())


def test_the_sorting_code_is_printed_large_at_the_top(shipment):
    shipment.recipient = {**shipment.recipient, "province": "新疆维吾尔自治区", "city": "乌鲁木齐市"}
    sizes = {}

    def visit(text, cm, tm, font, size):
        if text.strip():
            sizes[text.strip()] = size * tm[0] * cm[0]   # the size as drawn on the page
    PdfReader(io.BytesIO(label_pdf.render(label_content(shipment, "EMS")))).pages[0].extract_text(
        visitor_text=visit)
    assert sizes["新疆 乌鲁木齐"] >= 24 and sizes["新疆 乌鲁木齐"] == max(sizes.values())
    zpl = label_zpl.render(label_content(shipment, "EMS"))
    assert "^FO0,20^FB800,1,0,C^A@N,90,90,E:SIMSUN.TTF^FH_^FD新疆 乌鲁木齐^FS" in zpl


def test_the_zpl_label_carries_the_order_number_as_a_barcode_too(shipment):
    shipment.order_no = "SO_2026-11.7"   # "_" is ZPL's escape with ^FH_: it travels as _5F
    zpl = label_zpl.render(label_content(shipment, "EMS"))
    assert "^BCN,80,Y,N,N^FH_^FDSO_5F2026-11.7^FS" in zpl and zpl.index("^BCN,160") < zpl.index("^BCN,80")


def decoded_barcodes(pdf, tmp_path):
    """What a real barcode reader (zbarimg) reads off the label printed at 203 dpi, a thermal printer's."""
    missing = [tool for tool in ("pdftoppm", "zbarimg") if shutil.which(tool) is None]
    if missing:
        pytest.skip(f"{' and '.join(missing)} not installed (Debian: poppler-utils, zbar-tools)")
    (tmp_path / "label.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "203", "-gray", "-png", "-singlefile", str(tmp_path / "label.pdf"),
                    str(tmp_path / "label")], check=True, timeout=60)
    read = subprocess.run(["zbarimg", "--quiet", "--raw", str(tmp_path / "label.png")], capture_output=True,
                          text=True, timeout=60)
    return sorted(read.stdout.split())


def test_a_barcode_reader_decodes_the_tracking_and_the_order_number(shipment, tmp_path):
    pdf = label_pdf.render(label_content(shipment, "中国邮政 EMS"))
    assert decoded_barcodes(pdf, tmp_path) == sorted([TRACKING, shipment.order_no])


def test_the_label_the_service_prints_is_read_by_a_barcode_reader_and_names_the_sorting_destination(
        start_service, publish, tmp_path):
    service = start_service("shipping_labels")
    assert call(service, "POST", "/waybill-ranges", role="warehouse", body={
        "carrier": "EMS", "first_number": s10.compose("EE", 80000000),
        "last_number": s10.compose("EE", 80000000)}).status_code == 201
    order = approved(cod="30.00")
    order["shipping_address"] = {**order["shipping_address"], "province": "新疆维吾尔自治区", "city": "乌鲁木齐市"}
    publish("order_review", "order_approved", order)
    publish("picking_packing", "parcel_packed", packed(order["order_no"]))
    tracking_no = shipment_when(service, order["order_no"], "labelled")["tracking_no"]
    answer = call(service, "GET", f"/shipments/{order['order_no']}/label.pdf")
    assert pdf_text(answer).startswith("新疆 乌鲁木齐") and all(fonts_of(answer.content).values())
    assert decoded_barcodes(answer.content, tmp_path) == sorted([tracking_no, order["order_no"]])
