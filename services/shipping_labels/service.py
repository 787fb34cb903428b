"""The shipping labels service (打单/发货): thin entrypoints over the use cases."""
from services.shipping_labels import (
    changes, cod_report, handover, labelling, manifest, printing, remittance, remittance_views, stuck, tracking)
from services.shipping_labels.dependencies import Desk
from services.shipping_labels.models import Base
from services.shipping_labels.schemas import (
    CarrierQuery, CodReportQuery, HandoverBody, ManifestQuery, RangeBody, ReasonBody, StatementQuery,
    TrackingEventBody)
from services.shipping_labels.statement_upload import upload_of
from services.shipping_labels.views import range_view, shipment_by_order_no
from shared.messaging.relayed_database import RelayedDatabase
from shared.messaging.consumer import consume_event
from shared.timers import timer
from shared.timeutil import utcnow
from shared.web import Role, api, file_response
from shared.web.days import path_day
from shared.web.errors import json_response
from shared.web.standard import StandardEndpoints

READERS = [Role.SHIPPER, Role.WAREHOUSE, Role.AGENT, Role.SUPERVISOR, Role.MANAGER]
# The packer prints the label the moment the parcel is packed (issue 19): reads a shipment and its documents.
LABEL_READERS = READERS + [Role.PACKER]
PRINTERS = [Role.SHIPPER, Role.WAREHOUSE, Role.SUPERVISOR, Role.MANAGER]
OPERATORS = [Role.WAREHOUSE, Role.SUPERVISOR, Role.MANAGER]
# COD money (回款): no finance role exists; the supervisor decides on money (refunds) and the manager is over
# all. Shippers and the warehouse hand parcels to the very couriers whose payments are checked: they don't
# certify them (the separation of duties after-sales keeps for refunds).
COD_MONEY = [Role.SUPERVISOR, Role.MANAGER]
STUCK_CHECK_SECONDS = 3600
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _document(body, mimetype, filename):
    return file_response(body, mimetype, filename, inline=True)


class ShippingLabelsService(StandardEndpoints):
    name = "shipping_labels"
    db = RelayedDatabase(Base)
    desk = Desk()

    # -- events ------------------------------------------------------------
    @consume_event("order_review", "order_approved")
    def on_order_approved(self, event):
        with self.db.unit_of_work() as uow:
            labelling.expect_shipment(uow, event, utcnow())

    @consume_event("order_review", "order_corrected")
    def on_order_corrected(self, event):
        with self.db.unit_of_work() as uow:
            changes.correct_address(uow, self.desk, event, utcnow())

    @consume_event("picking_packing", "parcel_packed")
    def on_parcel_packed(self, event):
        with self.db.unit_of_work() as uow:
            labelling.parcel_packed(uow, self.desk, event)

    @consume_event("after_sales", "interception_requested")
    def on_interception_requested(self, event):
        with self.db.unit_of_work() as uow:
            changes.record_interception(uow, self.desk, event, event["occurred_at"])

    @consume_event("after_sales", "order_cancelled")
    def on_order_cancelled(self, event):
        with self.db.unit_of_work() as uow:
            changes.cancel(uow, self.desk, event, event["occurred_at"])

    # -- shipments ---------------------------------------------------------
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
        with self.db.read() as session:
            return _document(render(session, self.desk, order_no), mimetype, f"{order_no}-{name}")

    @api("GET", "/shipments/<order_no>/tracking", roles=READERS, summary="the carrier's scans, via its adapter")
    def get_tracking(self, request, order_no):
        with self.db.read() as session:
            return tracking.fetch(session, self.desk, order_no)

    @api("POST", "/shipments/<order_no>/reprints", roles=PRINTERS, body=ReasonBody, idempotent=True)
    def reprint_label(self, request, order_no, body):
        with self.db.unit_of_work() as uow:
            shipment = changes.reprint(uow, order_no, body["reason"], request.identity.staff_id, utcnow())
            return uow.respond(201, {"order_no": order_no, "tracking_no": shipment.tracking_no,
                                     "reprint_count": shipment.reprint_count})

    @api("POST", "/shipments/<order_no>/void", roles=PRINTERS, body=ReasonBody, idempotent=True)
    def void_label(self, request, order_no, body):
        with self.db.unit_of_work() as uow:
            shipment = changes.void_label(uow, self.desk, order_no, body["reason"], request.identity.staff_id,
                                          utcnow())
            return uow.respond(200, {"order_no": order_no, "status": shipment.status,
                                     "tracking_no": shipment.tracking_no})

    @api("POST", "/handovers", roles=[Role.SHIPPER, Role.SCANNER], body=HandoverBody, idempotency_field="scan_id",
         summary="the courier hand-over scan (发货): the parcel's live label ships it; else 404/409 with the reason")
    def post_handover(self, request, body):
        with self.db.unit_of_work() as uow:
            status, answer = handover.hand_over(uow, body, request.identity.staff_id, utcnow())
            return uow.respond(status, {"scan_id": body["scan_id"], **answer})

    # -- waybill ranges ----------------------------------------------------
    @api("POST", "/waybill-ranges", roles=OPERATORS, body=RangeBody, idempotent=True)
    def load_range(self, request, body):
        with self.db.unit_of_work() as uow:
            block, labelled = labelling.load_range(uow, self.desk, body, request.identity.staff_id, utcnow())
            return uow.respond(201, {**range_view(block), "labelled_waiting": labelled})

    # -- manifest and tracking ---------------------------------------------
    @api("GET", "/manifests/<day>", roles=READERS, query=ManifestQuery, summary="daily manifest, JSON or CSV")
    def get_manifest(self, request, day, query):
        with self.db.read() as session:
            sheet = manifest.build(session, query["carrier"], path_day(day), self.desk.timezone)
        if query["format"] == "csv":
            return _document(manifest.as_csv(sheet), "text/csv", f"manifest-{query['carrier']}-{day}.csv")
        return json_response(sheet)

    @api("POST", "/tracking-events", roles=[Role.CARRIER, Role.MANAGER], body=TrackingEventBody,
         summary="a carrier's scan of one of its own parcels (a manager: any parcel)",
         idempotency_field="event_id")
    def post_tracking_event(self, request, body):
        # A carrier's token carries its carrier code as staff id; staff (a manager) speak for any carrier.
        carrier = request.identity.staff_id if request.identity.role == Role.CARRIER else None
        with self.db.unit_of_work() as uow:
            recorded, shipment = tracking.record(uow, self.desk, body, utcnow(), carrier=carrier)
            return uow.respond(201 if recorded else 200, {"recorded": recorded, "order_no": shipment.order_no,
                                                          "status": shipment.status})


    # -- COD money and stuck parcels (issue 18 items 5, 6) ------------------
    @api("POST", "/remittances", roles=COD_MONEY, query=StatementQuery,
         summary="import a courier's remittance statement, CSV or XLSX (multipart `file`, or the raw file)")
    def import_remittance(self, request, query):
        upload = upload_of(request, self.desk.statement_limits.max_bytes, query["filename"])
        now = utcnow()
        with self.db.unit_of_work() as uow:
            statement, created = remittance.import_statement(uow, self.desk, query["carrier"], upload,
                                                             request.identity.staff_id, now)
            result = remittance.reconcile(uow.session, self.desk, query["carrier"], now)
            return 201 if created else 200, remittance_views.import_view(statement, created, result)

    @api("GET", "/remittances/reconciliation", roles=COD_MONEY, query=CarrierQuery,
         summary="what is missing, short, over, unexpected or remitted twice, and what is owed, aged in colour")
    def remittance_reconciliation(self, request, query):
        now, carrier = utcnow(), self.desk.known_carrier(query["carrier"])
        with self.db.read() as session:
            result = remittance.reconcile(session, self.desk, carrier, now)
            return remittance_views.reconciliation_view(carrier, result, self.desk.remittance_ageing, now,
                                                        remittance.recent_statements(session, carrier))

    @api("GET", "/reports/cod-monthly", roles=COD_MONEY, query=CodReportQuery,
         summary="回款及退回统计报表: per carrier per month, JSON, CSV or XLSX")
    def cod_monthly_report(self, request, query):
        carriers = [self.desk.known_carrier(query["carrier"])] if query["carrier"] else self.desk.cod_carriers()
        with self.db.read() as session:
            report = cod_report.build(session, self.desk, query["month"], carriers, utcnow())
        name = f"cod-{query['month']}"
        if query["format"] == "csv":
            return file_response(cod_report.as_csv(report), "text/csv", f"{name}.csv")
        if query["format"] == "xlsx":
            return file_response(cod_report.as_xlsx(report), XLSX, f"{name}.xlsx")
        return report

    @timer(STUCK_CHECK_SECONDS, "STUCK_CHECK_SECONDS")
    def watch_stuck_parcels(self):
        with self.db.unit_of_work() as uow:
            stuck.report_stuck(uow, self.desk.stuck_after, utcnow())


SERVICE = ShippingLabelsService
