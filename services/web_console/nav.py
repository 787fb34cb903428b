"""The navigation each role gets: its pages, first one is its home."""
from shared.web.auth import PERSON_ROLES, Role

R = Role
# (text key, path, roles)
NAV = (
    ("nav.cases", "/cases", {R.AGENT, R.SUPERVISOR, R.WAREHOUSE, R.MANAGER}),
    ("nav.new_case", "/cases/new", {R.AGENT}),
    ("nav.escalated_cases", "/cases?escalated=1&open=1", {R.SUPERVISOR}),   # missed deadlines (issue 23)
    ("nav.roster", "/cases/roster", {R.AGENT, R.SUPERVISOR, R.MANAGER}),
    ("nav.review", "/review", {R.REVIEWER, R.SUPERVISOR, R.MANAGER}),
    ("nav.blacklist", "/blacklist", {R.SUPERVISOR, R.MANAGER}),
    ("nav.packing", "/packing", {R.PACKER, R.PICKER, R.WAREHOUSE}),
    ("nav.handover", "/handover", {R.SHIPPER}),
    ("nav.pick_lists", "/pick-lists", {R.PICKER, R.PACKER, R.SHIPPER, R.WAREHOUSE, R.SUPERVISOR, R.MANAGER}),
    ("nav.waves", "/waves", {R.PICKER, R.SUPERVISOR, R.MANAGER}),   # wave picking (issue #23)
    ("nav.stock", "/stock", {R.WAREHOUSE, R.MANAGER}),
    ("nav.stock_bins", "/stock/bins", {R.WAREHOUSE, R.MANAGER}),
    ("nav.merges", "/merges", {R.SUPERVISOR, R.MANAGER}),   # 合单 (issue #23)
    ("nav.parcel_returns", "/parcel-returns", {R.WAREHOUSE, R.MANAGER, R.SUPERVISOR}),
    ("nav.warehouse_tasks", "/warehouse-tasks", {R.WAREHOUSE, R.MANAGER, R.PICKER, R.PACKER}),   # 上架, 重新包装
    ("nav.shipments", "/shipments", {R.SHIPPER, R.WAREHOUSE, R.AGENT, R.SUPERVISOR, R.MANAGER}),
    ("nav.manifest", "/manifest", {R.SHIPPER, R.WAREHOUSE, R.SUPERVISOR, R.MANAGER}),
    ("nav.remittances", "/remittances", {R.SUPERVISOR, R.MANAGER}),
    ("nav.cod_report", "/cod-report", {R.SUPERVISOR, R.MANAGER}),
    ("nav.pipeline", "/pipeline", {R.MANAGER, R.SUPERVISOR}),
    ("nav.scorecards", "/scorecards", {R.MANAGER, R.SUPERVISOR}),
    ("nav.weekly_report", "/weekly-report", {R.MANAGER, R.SUPERVISOR}),
    ("nav.statistics", "/statistics", {R.MANAGER, R.SUPERVISOR}),
    ("nav.fines", "/fines", {R.MANAGER, R.SUPERVISOR}),
    ("nav.rota", "/rota", {R.MANAGER, R.SUPERVISOR}),
    ("nav.pool", "/pool", {R.MANAGER, R.SALES, R.CARE}),
    ("nav.care", "/care-tasks", {R.MANAGER, R.SALES, R.CARE}),
    ("nav.dead_letters", "/dead-letters", {R.MANAGER}),
    ("nav.accounts", "/admin/accounts", {R.ADMIN}),
    ("nav.api_keys", "/admin/api-keys", {R.ADMIN}),
)
PASSWORD_PAGE = "/account/password"   # anyone's own; the only page while a one-time password is unchanged

SIGN_IN_ROLES = PERSON_ROLES


def for_role(role):
    return [(key, path) for key, path, roles in NAV if role in roles]


def home(role):
    items = for_role(role)
    return items[0][1] if items else "/"   # a role with no pages here: the start page
