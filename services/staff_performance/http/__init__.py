"""The HTTP API, one module per area; the service class inherits `StaffPerformanceHttp`."""
from services.staff_performance.http.fines import FineEndpoints, PolicyEndpoints
from services.staff_performance.http.records import RecordEndpoints
from services.staff_performance.http.rota import RotaEndpoints
from services.staff_performance.http.scorecards import ScorecardEndpoints
from shared.web.standard import StandardEndpoints


class StaffPerformanceHttp(RecordEndpoints, RotaEndpoints, FineEndpoints, PolicyEndpoints, ScorecardEndpoints,
                           StandardEndpoints):
    """Roles: managers keep the records; managers and supervisors read; the clock-in device clocks."""
