"""Printable documents of a shipment, as bytes. A PDF needs an embeddable CJK font: without one the
renderers raise NoEmbeddableFont (the host lacks the font package: nothing to retry, nothing to print)."""
from services.shipping_labels.documents import dispatch_note, label_pdf, label_zpl
from services.shipping_labels.documents.content import label_content
from services.shipping_labels.storage.shipments import get
from shared.errors import Conflict


def _labelled(session, order_no):
    shipment = get(session, order_no)
    if not shipment.tracking_no:
        raise Conflict(f"order {order_no} has no label yet (status {shipment.status})", code="no_label")
    return shipment


def _content(settings, shipment):
    return label_content(shipment, settings.carriers.carrier_name(shipment.carrier), settings.sender)


def label_as_pdf(session, settings, order_no):
    return label_pdf.render(_content(settings, _labelled(session, order_no)), settings.font_path)


def label_as_zpl(session, settings, order_no):
    return label_zpl.render(_content(settings, _labelled(session, order_no)), settings.zpl_font)


def dispatch_note_pdf(session, settings, order_no):
    shipment = get(session, order_no)
    return dispatch_note.render(shipment, settings.carriers.carrier_name(shipment.carrier), settings.font_path)
