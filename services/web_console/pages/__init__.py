"""Every page module; importing them registers their routes."""
from services.web_console.pages import (  # noqa: F401
    account, admin, after_sales, blacklist, case_roster, cod_money, handover, managers, merges, packing, parcel_returns,
    reports, retention, review, rota, shipping, sso, statistics, warehouse, warehouse_tasks, waves,
)
