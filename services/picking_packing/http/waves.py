"""Wave picking's HTTP API (波次, issue #23): a picker takes a wave (or a supervisor makes one), walks its route
and scans."""
from services.picking_packing import waves
from services.picking_packing.http.floor import FLOOR_ROLES, SCANNER_ROLES
from services.picking_packing.schemas import CancelWaveSchema, WaveQuery, WaveScanSchema, WaveSchema
from services.picking_packing.storage import waves as stored
from shared.timeutil import utcnow
from shared.web import Role, api

WAVE_MAKERS = [Role.PICKER, Role.SUPERVISOR, Role.MANAGER]
WAVE_CANCELLERS = [Role.SUPERVISOR, Role.MANAGER]
SCAN_STATUS = {waves.DONE: 200, waves.REFUSED: 409}


class WaveEndpoints:
    """Mixed into the service class (needs `db` and `settings`)."""

    @api("POST", "/waves", roles=WAVE_MAKERS, body=WaveSchema, idempotent=True,
         summary="a wave: the oldest ready orders of one warehouse (optionally one courier's, one zone's)")
    def post_wave(self, request, body):
        with self.db.unit_of_work() as uow:
            return uow.respond(201, waves.create(uow, body, request.identity.staff_id, utcnow()))

    @api("GET", "/waves", roles=FLOOR_ROLES, query=WaveQuery, summary="waves, newest first")
    def list_waves(self, request, query):
        with self.db.read() as session:
            return {"waves": stored.listing(session, query.get("status"), query["limit"])}

    @api("GET", "/waves/<int:wave_id>", roles=FLOOR_ROLES, summary="a wave's pick route by bin, with put-wall slots")
    def get_wave(self, request, wave_id):
        with self.db.read() as session:
            return waves.shown(session, wave_id)

    @api("POST", "/waves/<int:wave_id>/cancel", roles=WAVE_CANCELLERS, body=CancelWaveSchema, idempotent=True,
         summary="call an open wave off: lists with nothing picked leave it, lists with goods picked keep their slot")
    def post_wave_cancel(self, request, wave_id, body):
        with self.db.unit_of_work() as uow:
            return uow.respond(200, waves.cancel(uow, wave_id, request.identity.staff_id, body["reason"].strip(),
                                                 utcnow()))

    @api("POST", "/waves/<int:wave_id>/scans", roles=SCANNER_ROLES, body=WaveScanSchema,
         idempotency_field="scan_id", summary="goods taken on a wave's route: credited to its orders by slot")
    def post_wave_scan(self, request, wave_id, body):
        with self.db.unit_of_work() as uow:
            outcome, answer = waves.scan(uow, {**body, "wave_id": wave_id}, request.identity.staff_id, self.settings,
                                         utcnow())
            return uow.respond(SCAN_STATUS[outcome], {"scan_id": body["scan_id"], **answer})
