"""What a waybill label says, once, for the PDF and the ZPL alike."""
from dataclasses import dataclass

from services.shipping_labels.destinations import sorting_code

DEFAULT_SENDER = {"name": "电商部物流仓储", "phone": "025-00000000", "address": "江苏省南京市鼓楼区中山北路 1 号"}


@dataclass(frozen=True)
class LabelContent:
    sorting_code: str   # 大头笔: the destination's province and city in short form, printed large
    tracking_no: str
    carrier: str
    service: str
    order_no: str
    sender: str
    recipient: str
    address: str
    weight: str
    cod: str   # empty when nothing is collected


def label_content(shipment, carrier_name, sender=None):
    sender = sender or DEFAULT_SENDER
    to = shipment.recipient
    cod = f"代收货款 COD ¥{shipment.cod_amount}" if shipment.payment_method == "cod" else ""
    return LabelContent(
        sorting_code=sorting_code(to), tracking_no=shipment.tracking_no, carrier=carrier_name,
        service=shipment.service, order_no=shipment.order_no,
        sender=f"{sender['name']} {sender['phone']} {sender['address']}",
        recipient=f"{to['recipient']} {to['phone']}",
        address=f"{to['province']}{to['city']}{to['district']} {to['line1']} {to['postcode']}".strip(),
        weight=f"{shipment.weight_g / 1000:.2f} kg", cod=cod)
