"""Customer retention's HTTP API, one module per area: the protection pool and follow-ups (pool.py),
care tasks (care.py), the customer database and its analytics (analytics.py)."""

from services.customer_retention.http.analytics import AnalyticsHttp
from services.customer_retention.http.care import CareHttp
from services.customer_retention.http.pool import PoolHttp
from shared.web.standard import StandardEndpoints


class CustomerRetentionHttp(PoolHttp, CareHttp, AnalyticsHttp, StandardEndpoints):
    """Every endpoint of the service; the service class inherits them."""
