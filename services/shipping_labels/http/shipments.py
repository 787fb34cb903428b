"""Shipments over HTTP: the shipment, its printed documents and tracking, reprints and voids, the hand-over
scan at the dock, waybill ranges, and the carriers' scans."""
from services.shipping_labels import changes, handover, labelling, printing, tracking
from services.shipping_labels.documents.fonts import NoEmbeddableFont
from services.shipping_labels.http.roles import LABEL_READERS, OPERATORS, PRINTERS, READERS
from services.shipping_labels.schemas import HandoverBody, RangeBody, ReasonBody, TrackingEventBody
from services.shipping_labels.replies import range_view, shipment_by_order_no
from shared.timeutil import utcnow
from shared.web import Role, api, file_response
from shared.web.errors import HttpError

# A hand-over scan's outcome as HTTP: refusals are answers (stored under the scan's id), not errors.
HANDOVER_STATUS = {handover.SHIPPED: 200, handover.NEVER_ISSUED: 404, handover.REFUSED: 409}


def hand_over(uow, scan, shipper, now):
    """(HTTP status, answer) for one hand-over scan {scan_id, tracking_no, station_id}."""
    outcome, answer = handover.dock_scan(uow, scan, shipper, now)
    return HANDOVER_STATUS[outcome], answer


def document(body, mimetype, filename):
    return file_response(body, mimetype, filename, inline=True)


class ShipmentEndpoints:
    @api("GET", "/shipments/<order_no>", roles=LABEL_READERS, summary="carrier, tracking_no, status, cost, history")
    def get_shipment(self, request, order_no):
        with self.db.read() as session:
            return shipment_by_order_no(session, order_no)

    @api("GET", "/shipments/<order_no>/label.pdf", roles=LABEL_READERS, summary="the 100×150 mm waybill label")
    def label_pdf(self, request, order_no):
        return self._printed(printing.label_as_pdf, order_no, "application/pdf", "label.pdf")

    @api("GET", "/shipments/<order_no>/label.zpl", roles=LABEL_READERS, summary="the waybill label in ZPL II")
    def label_zpl(self, request, order_no):
        return self._printed(printing.label_as_zpl, order_no, "application/zpl", "label.zpl")

    @api("GET", "/shipments/<order_no>/dispatch-note.pdf", roles=LABEL_READERS, summary="the dispatch note (发货单)")
    def dispatch_note_pdf(self, request, order_no):
        return self._printed(printing.dispatch_note_pdf, order_no, "application/pdf", "dispatch-note.pdf")

    def _printed(self, render, order_no, mimetype, name):
        try:
            with self.db.read() as session:
                return document(render(session, self.settings, order_no), mimetype, f"{order_no}-{name}")
        except NoEmbeddableFont as exc:   # the host lacks the font package: nothing to retry, nothing to print
            raise HttpError(503, "no_font", str(exc)) from exc

    @api("GET", "/shipments/<order_no>/tracking", roles=READERS, summary="the carrier's scans, via its adapter")
    def get_tracking(self, request, order_no):
        with self.db.read() as session:
            return tracking.fetch(session, self.settings, order_no)

    @api("POST", "/shipments/<order_no>/reprints", roles=PRINTERS, body=ReasonBody, idempotent=True)
    def reprint_label(self, request, order_no, body):
        with self.db.unit_of_work() as uow:
            shipment = changes.reprint(uow, order_no, body["reason"], request.identity.staff_id, utcnow())
            return uow.respond(201, {"order_no": order_no, "tracking_no": shipment.tracking_no,
                                     "reprint_count": shipment.reprint_count})

    @api("POST", "/shipments/<order_no>/void", roles=PRINTERS, body=ReasonBody, idempotent=True)
    def void_label(self, request, order_no, body):
        with self.db.unit_of_work() as uow:
            shipment = changes.void_label(uow, self.settings, order_no, body["reason"], request.identity.staff_id,
                                          utcnow())
            return uow.respond(200, {"order_no": order_no, "status": shipment.status,
                                     "tracking_no": shipment.tracking_no})

    @api("POST", "/handovers", roles=[Role.SHIPPER, Role.SCANNER], body=HandoverBody, idempotency_field="scan_id",
         summary="the courier hand-over scan (发货): the parcel's live label ships it; else 404/409 with the reason")
    def post_handover(self, request, body):
        with self.db.unit_of_work() as uow:
            status, answer = hand_over(uow, body, request.identity.staff_id, utcnow())
            return uow.respond(status, {"scan_id": body["scan_id"], **answer})

    @api("POST", "/waybill-ranges", roles=OPERATORS, body=RangeBody, idempotent=True)
    def load_range(self, request, body):
        with self.db.unit_of_work() as uow:
            block, labelled = labelling.load_range(uow, self.settings, body, request.identity.staff_id, utcnow())
            return uow.respond(201, {**range_view(block), "labelled_waiting": labelled})

    @api("POST", "/tracking-events", roles=[Role.CARRIER, Role.MANAGER], body=TrackingEventBody,
         summary="a carrier's scan of one of its own parcels (a manager: any parcel)",
         idempotency_field="event_id")
    def post_tracking_event(self, request, body):
        # A carrier's token carries its carrier code as staff id; staff (a manager) speak for any carrier.
        carrier = request.identity.staff_id if request.identity.role == Role.CARRIER else None
        with self.db.unit_of_work() as uow:
            recorded, shipment = tracking.record(uow, self.settings, body, utcnow(), carrier=carrier)
            return uow.respond(201 if recorded else 200, {"recorded": recorded, "order_no": shipment.order_no,
                                                          "status": shipment.status})
