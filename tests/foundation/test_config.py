"""Configuration from the environment (issue #2, "Databases"; README "Configuration")."""
from shared.config import database_url, service_config, service_settings


def test_each_service_has_its_own_database_by_default(monkeypatch):
    monkeypatch.delenv("ORDER_REVIEW_DATABASE_URL", raising=False)
    monkeypatch.setenv("AFTER_SALES_DATABASE_URL", "postgresql://postgres@db/after_sales")
    monkeypatch.setenv("AMQP_URI", "amqp://after_sales:pw@broker:5672/")   # no stored password needed
    assert database_url("order_review").startswith("sqlite:///") and database_url("order_review").endswith(
        "var/order_review.db")
    assert service_config("after_sales")["DATABASE_URL"] == "postgresql://postgres@db/after_sales"


def test_service_specific_settings_come_from_prefixed_variables():
    environ = {"CUSTOMER_RETENTION_PROTECTION_DAYS": "45", "CUSTOMER_RETENTION_HIGH_VALUE_SPEND": '"2000.00"',
               "CUSTOMER_RETENTION_DATABASE_URL": "sqlite:///x.db", "ORDER_REVIEW_COD_LIMIT": "500"}
    assert service_settings("customer_retention", environ) == {"PROTECTION_DAYS": 45, "HIGH_VALUE_SPEND": "2000.00"}
