"""The warehouse's HTTP API for parcels returned to sender (退件): receive and inspect each line."""
from contracts.base import schema
from services.picking_packing import parcel_returns
from services.picking_packing.schemas import InspectionSchema, ParcelReturnOut, ParcelReturnQuery
from services.picking_packing.storage import parcel_returns as stored
from shared.timeutil import utcnow
from shared.web import Role, api

INSPECTORS = [Role.WAREHOUSE, Role.MANAGER]
READERS = INSPECTORS + [Role.SUPERVISOR]


class ParcelReturnEndpoints:
    """Mixed into the service class (needs `db` and `settings`)."""

    @api("GET", "/parcel-returns", roles=READERS, query=ParcelReturnQuery,
         summary="parcels returned to sender, oldest first (status=awaiting_inspection: to receive)")
    def list_parcel_returns(self, request, query):
        with self.db.read() as session:
            return {"parcel_returns": schema(ParcelReturnOut, many=True).dump(
                stored.receipts(session, query.get("status"), query["limit"]))}

    @api("GET", "/parcel-returns/<order_no>", roles=READERS, summary="one returned parcel and its lines")
    def get_parcel_return(self, request, order_no):
        with self.db.read() as session:
            return schema(ParcelReturnOut).dump(parcel_returns.receipt(session, order_no))

    @api("POST", "/parcel-returns/<order_no>/inspection", roles=INSPECTORS, body=InspectionSchema, idempotent=True,
         summary="received and inspected: each line restocked or recorded as damaged (破损退件), by whom, when")
    def inspect_parcel_return(self, request, order_no, body):
        with self.db.unit_of_work() as uow:
            receipt = parcel_returns.inspect(uow, order_no, body, request.identity.staff_id, self.settings, utcnow())
            return uow.respond(200, schema(ParcelReturnOut).dump(receipt))
