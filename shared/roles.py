"""The back office's roles: the words tokens and endpoints speak (re-exported by shared.web.auth)."""
import enum


class Role(str, enum.Enum):
    REVIEWER = "reviewer"
    PICKER = "picker"
    PACKER = "packer"
    SHIPPER = "shipper"
    SCANNER = "scanner"
    AGENT = "agent"
    SUPERVISOR = "supervisor"
    WAREHOUSE = "warehouse"
    MANAGER = "manager"
    SALES = "sales"
    CARE = "care"
    CARRIER = "carrier"
    CLOCK = "clock"   # the clock-in device
    ADMIN = "admin"       # manages accounts and machines' keys (identity)
    CONSOLE = "console"   # the web console itself: signs people in at identity

